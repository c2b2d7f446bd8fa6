"""The selection committee: a session per call, its members (staff, and outsiders invited by a
signed link for this session only), their declarations of conflict of interest, their marks on
the call's grid, the decisions with their reasons, the balance targets of the call, and the
minutes (procès-verbal) stored as a PDF once the session is closed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from missions import rules, scoring
from missions.models import Application, Call, Contingent
from selection.enums import ConflictKind, DecisionReason, Dimension, Outcome, SessionStatus


def minutes_path(instance, filename: str) -> str:
    return f"committees/{instance.call_id}/{uuid.uuid4().hex}.pdf"


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every session for programme managers; their own sessions for staff members."""
        if rules.is_programme_manager(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(members__user=user)


class CommitteeSession(models.Model):
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="committee_sessions", verbose_name=_("appel")
    )
    contingent = models.ForeignKey(
        Contingent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_sessions",
        verbose_name=_("contingent"),
    )
    title = models.CharField(_("intitulé"), max_length=200)
    held_at = models.DateTimeField(_("date de la séance"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    quorum = models.PositiveSmallIntegerField(
        _("quorum"), default=3, help_text=_("Membres présent·e·s nécessaires pour décider.")
    )
    status = models.CharField(
        _("état"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    applications = models.ManyToManyField(
        Application, related_name="committee_sessions", verbose_name=_("candidatures examinées")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("close par"),
    )
    # The procès-verbal, written once when the session closes and never again.
    minutes = models.FileField(_("procès-verbal"), upload_to=minutes_path, blank=True)
    minutes_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance du comité de sélection")
        verbose_name_plural = _("séances du comité de sélection")
        ordering = ["-held_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quorum__gte=1), name="committee_quorum_positive"),
            # One open session per call at a time: an application is judged by one committee.
            models.UniqueConstraint(
                fields=["call"], condition=Q(status="open"), name="one_open_session_per_call"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(minutes_sha256="") & Q(closed_at__isnull=False)),
                name="closed_session_has_its_minutes",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN

    @property
    def context_label(self) -> str:
        """How the audit trail names the session (StatusChange.context), in French as the
        minutes do."""
        return f"Comité de sélection n° {self.pk} : {self.title}"


class CommitteeMember(models.Model):
    session = models.ForeignKey(
        CommitteeSession, on_delete=models.CASCADE, related_name="members", verbose_name=_("séance")
    )
    # A staff member; None for someone from outside invited for this session only.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
        verbose_name=_("compte"),
    )
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("e-mail"))
    quality = models.CharField(
        _("qualité"), max_length=150, blank=True, help_text=_("Fonction, organisation.")
    )
    is_chair = models.BooleanField(_("préside la séance"), default=False)
    present = models.BooleanField(_("présent·e"), default=False)
    # The secret of an outside member's link (selection.links); emptied when the session closes.
    token = models.CharField(_("secret du lien"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("ajouté·e le"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre du comité")
        verbose_name_plural = _("membres du comité")
        ordering = ["session", "-is_chair", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(user__isnull=False),
                name="one_seat_per_staff_member",
            ),
            models.UniqueConstraint(fields=["session", "email"], name="one_seat_per_address"),
            models.UniqueConstraint(
                fields=["session"], condition=Q(is_chair=True), name="one_chair_per_session"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_external(self) -> bool:
        return self.user_id is None


class Declaration(models.Model):
    """A member's declaration about one applicant, made before reading or marking her file."""

    member = models.ForeignKey(
        CommitteeMember,
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=_("membre"),
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="+", verbose_name=_("candidature")
    )
    conflict = models.BooleanField(_("conflit d'intérêts"))
    kind = models.CharField(_("nature"), max_length=16, choices=ConflictKind.choices, blank=True)
    detail = models.CharField(_("précision"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("déclaré le"), auto_now=True)

    class Meta:
        verbose_name = _("déclaration d'intérêts")
        verbose_name_plural = _("déclarations d'intérêts")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "application"], name="one_declaration_per_applicant"
            ),
            models.CheckConstraint(
                condition=Q(conflict=False, kind="") | (Q(conflict=True) & ~Q(kind="")),
                name="a_conflict_has_its_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} / {self.application_id}: {self.conflict}"


class Mark(models.Model):
    """A member's marks for one applicant on the call's grid, and their score out of 20."""

    member = models.ForeignKey(
        CommitteeMember, on_delete=models.CASCADE, related_name="marks", verbose_name=_("membre")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="+", verbose_name=_("candidature")
    )
    scores = models.JSONField(_("notes"), default=dict)
    score = models.DecimalField(_("note sur 20"), max_digits=4, decimal_places=2)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("note du comité")
        verbose_name_plural = _("notes du comité")
        constraints = [
            models.UniqueConstraint(fields=["member", "application"], name="one_mark_per_member"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=scoring.OUT_OF), name="mark_score_0_to_20"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.application_id}: {self.score}"


class Decision(models.Model):
    session = models.ForeignKey(
        CommitteeSession,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("séance"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="committee_decisions",
        verbose_name=_("candidature"),
    )
    outcome = models.CharField(_("décision"), max_length=16, choices=Outcome.choices)
    # The place on the waiting list (1 first), for a waiting-list decision only.
    rank = models.PositiveSmallIntegerField(_("rang sur la liste d'attente"), null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=24, choices=DecisionReason.choices)
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("saisie par"),
    )
    decided_at = models.DateTimeField(_("saisie le"), auto_now=True)

    class Meta:
        verbose_name = _("décision du comité")
        verbose_name_plural = _("décisions du comité")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "application"], name="one_decision_per_applicant"
            ),
            models.UniqueConstraint(
                fields=["session", "rank"],
                condition=Q(rank__isnull=False),
                name="one_applicant_per_waiting_rank",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="waitlisted") & Q(rank__gte=1))
                | (~Q(outcome="waitlisted") & Q(rank__isnull=True)),
                name="a_waiting_rank_for_the_waiting_list_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome}"


class BalanceTarget(models.Model):
    """A share the call aims at in its selection: 50 % women, 20 % from the diaspora…"""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="balance_targets", verbose_name=_("appel")
    )
    dimension = models.CharField(_("critère d'équilibre"), max_length=16, choices=Dimension.choices)
    value = models.CharField(_("valeur"), max_length=40)
    share = models.PositiveSmallIntegerField(_("part visée (%)"))

    class Meta:
        verbose_name = _("objectif d'équilibre")
        verbose_name_plural = _("objectifs d'équilibre")
        ordering = ["call", "dimension", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "dimension", "value"], name="one_target_per_value"
            ),
            models.CheckConstraint(condition=Q(share__lte=100), name="target_share_0_to_100"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.dimension}={self.value}: {self.share} %"
