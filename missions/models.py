import uuid
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from missions import eligibility, rules, scoring
from missions.enums import (
    APPLICATION_EDITABLE,
    PLACEMENT_BUSY,
    PLACEMENT_HOLDS_SEAT,
    ApplicationStatus,
    BatchStatus,
    ContingentStatus,
    Direction,
    IncomingStatus,
    MissionStatus,
    Party,
    PlacementEventKind,
    PlacementStatus,
    Recommendation,
)
from partners.models import verification_state
from volunteers.enums import LanguageLevel, Region, SpokenLanguage


class Theme(models.Model):
    """A field of action of the missions; data, so that staff can add more."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name_fr = models.CharField(_("nom (français)"), max_length=150)
    name_en = models.CharField(_("nom (anglais)"), max_length=150)
    description_fr = models.TextField(_("description (français)"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    active = models.BooleanField(_("actif"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "name_fr"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr

    @property
    def description(self) -> str:
        english = (get_language() or "fr").startswith("en")
        return self.description_en if english else self.description_fr


class MissionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=MissionStatus.PUBLISHED)

    def visible_to(self, user):
        """Every mission for programme managers; the published ones for everyone else."""
        return self if rules.is_programme_manager(user) else self.published()

    def for_partner(self, organisation):
        """The offers of one partner organisation, whatever their status."""
        return self.filter(partner=organisation)


class Mission(models.Model):
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"))
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="missions", verbose_name=_("thème")
    )
    direction = models.CharField(_("sens"), max_length=10, choices=Direction.choices)
    partner = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        related_name="missions",
        verbose_name=_("partenaire d'accueil"),
    )
    # The structure that receives the volunteer when it is not the partner itself (an
    # association, a town hall): it confirms each placement in its turn (the chain of
    # confirmations), through a link sent to its contact.
    host = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_missions",
        verbose_name=_("structure d'accueil"),
        help_text=_("Laisser vide si le partenaire accueille lui-même."),
    )
    country = CountryField(_("pays"))
    city = models.CharField(_("ville ou région"), max_length=120)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    seats = models.PositiveSmallIntegerField(_("places"), default=1)
    status = models.CharField(
        _("statut"), max_length=10, choices=MissionStatus.choices, default=MissionStatus.DRAFT
    )
    review_comment = models.TextField(_("commentaire de l'ANVT"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="mission_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(seats__gt=0), name="mission_seats_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class MissionLanguage(models.Model):
    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="languages", verbose_name=_("mission")
    )
    language = models.CharField(_("langue"), max_length=8, choices=SpokenLanguage.choices)
    level = models.CharField(_("niveau requis"), max_length=2, choices=LanguageLevel.choices)

    class Meta:
        verbose_name = _("langue requise")
        verbose_name_plural = _("langues requises")
        constraints = [
            models.UniqueConstraint(fields=["mission", "language"], name="mission_language_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_language_display()} ({self.level})"


def default_nationality_statuses() -> list[str]:
    return sorted(eligibility.DEFAULT_NATIONALITY_STATUSES)


def default_required_documents() -> list[str]:
    return sorted(eligibility.DEFAULT_REQUIRED_DOCUMENTS)


class ManagedQuerySet(models.QuerySet):
    """Rows of the programme's running that only programme managers reach directly."""

    def visible_to(self, user):
        return self if rules.is_programme_manager(user) else self.none()


class CallQuerySet(models.QuerySet):
    def open_at(self, moment):
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)

    def visible_to(self, user):
        """Every call for programme managers; for everyone else, the calls opened so far."""
        if rules.is_programme_manager(user):
            return self
        return self.filter(opens_at__lte=timezone.now())

    def reviewed_by(self, user):
        """The calls whose applications a staff member reads: all for managers, the assigned
        ones for reviewers."""
        if rules.is_programme_manager(user):
            return self
        if rules.is_reviewer(user):
            return self.filter(reviewers=user)
        return self.none()


class Call(models.Model):
    """An appel à candidatures: a window, the missions it offers and its eligibility rules."""

    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    missions = models.ManyToManyField(Mission, related_name="calls", verbose_name=_("missions"))
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assigned_calls",
        blank=True,
        verbose_name=_("évaluateurs·rices"),
    )
    min_age = models.PositiveSmallIntegerField(_("âge minimum"), default=18)
    max_age = models.PositiveSmallIntegerField(_("âge maximum"), default=25)
    min_experience_months = models.PositiveSmallIntegerField(
        _("expérience minimum (mois)"), default=24
    )
    nationality_statuses = models.JSONField(
        _("nationalités acceptées"), default=default_nationality_statuses
    )
    required_documents = models.JSONField(
        _("documents demandés"), default=default_required_documents
    )
    reference_date = models.DateField(
        _("date de référence"),
        null=True,
        blank=True,
        help_text=_("Laisser vide pour la date de clôture."),
    )
    require_attested_experience = models.BooleanField(
        _("seule l'expérience attestée compte"),
        default=False,
        help_text=_(
            "L'expérience exigée doit être attestée par les structures d'accueil (leurs "
            "référent·e·s répondent au lien envoyé par e-mail)."
        ),
    )
    max_choices = models.PositiveSmallIntegerField(_("missions au choix"), default=3)
    min_reviews = models.PositiveSmallIntegerField(
        _("évaluations avant présélection"),
        default=2,
        help_text=_("En dessous, un·e responsable doit motiver la présélection."),
    )
    confirmation_days = models.PositiveSmallIntegerField(
        _("délai de réponse des partenaires (jours)"),
        default=10,
        help_text=_("Pour le partenaire d'envoi, puis pour la structure d'accueil."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel à candidatures")
        verbose_name_plural = _("appels à candidatures")
        ordering = ["-closes_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(max_age__gte=F("min_age")), name="call_age_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(max_choices__gt=0), name="call_max_choices_positive"
            ),
            models.CheckConstraint(
                condition=Q(confirmation_days__gt=0), name="call_confirmation_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_reference_date(self) -> date:
        return self.reference_date or timezone.localdate(self.closes_at)

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.opens_at <= moment < self.closes_at

    # What `rules` reads: the eligibility checks read only these (missions.checking).
    RULE_FIELDS = (
        "reference_date",
        "closes_at",
        "min_age",
        "max_age",
        "min_experience_months",
        "nationality_statuses",
        "required_documents",
        "require_attested_experience",
    )

    def rules(self) -> eligibility.Rules:
        return eligibility.Rules(
            reference_date=self.effective_reference_date,
            min_age=self.min_age,
            max_age=self.max_age,
            min_experience_months=self.min_experience_months,
            nationality_statuses=frozenset(self.nationality_statuses),
            required_documents=frozenset(self.required_documents),
            require_attested_experience=self.require_attested_experience,
        )


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All for programme managers, the submitted ones of their calls for reviewers, their
        own for volunteers; nothing for anyone else (partners see placements, not these)."""
        if rules.is_programme_manager(user):
            return self
        if rules.is_reviewer(user):
            return self.filter(call__reviewers=user).exclude(status=ApplicationStatus.DRAFT)
        if rules.is_volunteer(user):
            return self.filter(volunteer=user)
        return self.none()


class Application(models.Model):
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("volontaire"),
    )
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("appel")
    )
    missions = models.ManyToManyField(
        Mission, through="ApplicationChoice", related_name="applications"
    )
    motivation = models.TextField(_("motivation"), blank=True)
    # The volunteer's consent, given when she sends the application, that the partners she is
    # proposed to may read her documents (each reading is logged; she sees the log).
    share_documents = models.BooleanField(
        _("documents partagés avec les partenaires"), default=False
    )
    status = models.CharField(
        _("statut"),
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décision le"), null=True, blank=True)
    # The average total of the reviews (0 to 20), kept by missions.services.submit_review in the
    # review's transaction, so that 50 000 applications can be filtered and sorted by score.
    review_score = models.DecimalField(
        _("note moyenne"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    review_count = models.PositiveSmallIntegerField(_("évaluations"), default=0)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "call"], name="one_application_per_call"),
        ]
        indexes = [
            # The staff list: one call (and often one status), most recent first.
            models.Index(
                fields=["call", "status", "-submitted_at", "-id"], name="application_call_recent"
            ),
            models.Index(
                fields=["call", "-submitted_at", "-id"], name="application_call_all_recent"
            ),
            models.Index(fields=["-submitted_at", "-id"], name="application_recent_first"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} — {self.call}"

    @property
    def is_editable(self) -> bool:
        return self.status in APPLICATION_EDITABLE


class ApplicationChoice(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="choices", verbose_name=_("candidature")
    )
    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="choices", verbose_name=_("mission")
    )
    rank = models.PositiveSmallIntegerField(_("rang"))

    class Meta:
        verbose_name = _("mission choisie")
        verbose_name_plural = _("missions choisies")
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "mission"], name="mission_chosen_once_per_application"
            ),
            models.UniqueConstraint(
                fields=["application", "rank"], name="rank_unique_per_application"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="rank_starts_at_one"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.mission}"


class EligibilityReport(models.Model):
    """The latest eligibility report of an application (PRODUCT section 4)."""

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="eligibility_report",
        verbose_name=_("candidature"),
    )
    eligible = models.BooleanField(_("éligible"))
    data = models.JSONField(_("détail"))
    engine_version = models.CharField(_("version du moteur"), max_length=16)
    fingerprint = models.CharField(_("empreinte des données"), max_length=64)
    reference_date = models.DateField(_("date de référence"))
    ran_at = models.DateTimeField(_("calculé le"))

    class Meta:
        verbose_name = _("rapport d'éligibilité")
        verbose_name_plural = _("rapports d'éligibilité")

    def __str__(self) -> str:
        return f"{self.application}: {'✓' if self.eligible else '✗'}"

    @property
    def report(self) -> eligibility.Report:
        return eligibility.Report.from_dict(self.data)


class EligibilityBatch(models.Model):
    """One re-check of a whole call, with progress a page can poll."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="eligibility_batches", verbose_name=_("appel")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    status = models.CharField(
        _("état"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    total = models.PositiveIntegerField(_("candidatures"), default=0)
    done = models.PositiveIntegerField(_("traitées"), default=0)
    changed = models.PositiveIntegerField(_("rapports modifiés"), default=0)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    # The run resumes after the last application it committed, and proves it is alive: a batch
    # whose heartbeat stops is taken over by the periodic job (missions.tasks).
    last_application_id = models.PositiveBigIntegerField(_("dernière candidature"), default=0)
    heartbeat_at = models.DateTimeField(_("signe de vie"), null=True, blank=True)
    runner = models.UUIDField(_("exécution"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    objects = ManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("vérification d'un appel")
        verbose_name_plural = _("vérifications des appels")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.call}: {self.done}/{self.total}"


class Criterion(models.Model):
    """One line of a call's scoring grid (missions.scoring): what reviewers and the selection
    committee mark, from 0 to its maximum, and its weight in the score out of 20."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("appel")
    )
    # The name of the mark in the stored scores: it never changes once the criterion exists.
    key = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("critère"), max_length=80)
    description = models.TextField(_("ce qui est apprécié"), blank=True)
    weight = models.PositiveSmallIntegerField(_("coefficient"), default=1)
    max_score = models.PositiveSmallIntegerField(_("note maximale"), default=5)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("critère de la grille")
        verbose_name_plural = _("critères de la grille")
        ordering = ["call", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="criterion_key_unique_per_call"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=scoring.MAX_WEIGHT),
                name="criterion_weight_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(max_score__gte=1, max_score__lte=scoring.MAX_MARK),
                name="criterion_max_score_1_to_20",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (×{self.weight}, /{self.max_score})"

    def as_line(self) -> scoring.Criterion:
        return scoring.Criterion(
            key=self.key,
            name=self.name,
            description=self.description,
            weight=self.weight,
            max_score=self.max_score,
        )


def grid_of(call: Call) -> tuple[scoring.Criterion, ...]:
    """The call's grid; the default one for a call whose grid was never written (created before
    grids existed, or by a test)."""
    criteria = call.__dict__.get("_grid")
    if criteria is None:
        rows = Criterion.objects.filter(call=call).order_by("position", "id")
        criteria = tuple(row.as_line() for row in rows) or scoring.default_grid()
        call.__dict__["_grid"] = criteria
    return criteria


class Review(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("candidature")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("évaluateur·rice"),
    )
    # One mark per criterion of the call's grid, by its key: {"motivation": 4, ...}.
    scores = models.JSONField(_("notes"), default=dict)
    # The weighted score out of 20 (missions.scoring.weighted), kept with the marks.
    score = models.DecimalField(_("note sur 20"), max_digits=4, decimal_places=2, default=0)
    comment = models.TextField(_("commentaire"), blank=True)
    recommendation = models.CharField(
        _("recommandation"), max_length=10, choices=Recommendation.choices
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    # The criteria of the default grid (missions.scoring.DEFAULT_GRID).
    SCORE_FIELDS = scoring.DEFAULT_KEYS

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_review_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=scoring.OUT_OF), name="review_score_0_to_20"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"


class ContingentQuerySet(ManagedQuerySet):
    def for_partner(self, organisation):
        """Contingents sent to this partner (a forming contingent is still ANVT's draft)."""
        return self.filter(partner=organisation).exclude(status=ContingentStatus.FORMING)


class Contingent(models.Model):
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="contingents", verbose_name=_("appel")
    )
    partner = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        related_name="contingents",
        verbose_name=_("partenaire"),
    )
    name = models.CharField(_("nom"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("places"))
    # Seats held by placements that are neither declined nor cancelled. Kept by the services in
    # the same transaction as the placements, so that the database itself refuses an extra seat
    # (see the check constraint), even when two managers add the last seat at the same moment.
    seats_taken = models.PositiveSmallIntegerField(_("places occupées"), default=0)
    planned_departure = models.DateField(_("départ prévu"), null=True, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=ContingentStatus.choices,
        default=ContingentStatus.FORMING,
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = ContingentQuerySet.as_manager()

    class Meta:
        verbose_name = _("contingent")
        verbose_name_plural = _("contingents")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0), name="contingent_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="contingent_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


def placement_report_path(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"placements/{instance.pk}/{uuid.uuid4().hex}{suffix}"


class PlacementQuerySet(ManagedQuerySet):
    def for_partner(self, organisation):
        """Placements proposed to this partner: never those of a contingent still forming."""
        return self.filter(contingent__partner=organisation).exclude(
            status__in=[PlacementStatus.PLANNED, PlacementStatus.CANCELLED]
        )

    def known_to_partner(self, organisation):
        """`for_partner`, and the proposals cancelled since: the partner's own system is told
        of a cancellation (missions/webhooks.py) and may read what it was told of."""
        return self.filter(contingent__partner=organisation).exclude(
            Q(status=PlacementStatus.PLANNED)
            | Q(status=PlacementStatus.CANCELLED, proposed_at__isnull=True)
        )

    def of_volunteer(self, user):
        """The volunteer's placements once proposed: a contingent still forming is ANVT's draft,
        and tells her nothing yet."""
        return self.filter(volunteer=user).exclude(status=PlacementStatus.PLANNED)


class Placement(models.Model):
    contingent = models.ForeignKey(
        Contingent,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("contingent"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("candidature"),
    )
    # The application's volunteer, repeated so that the database can hold each volunteer to one
    # confirmed or departed placement at a time.
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("volontaire"),
    )
    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="placements", verbose_name=_("mission")
    )
    # The mission's host structure when the placement was made (None: the partner hosts).
    host = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_placements",
        verbose_name=_("structure d'accueil"),
    )
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PLANNED,
    )
    # The deadline of the step waiting now (the partner's, then the host's decision).
    deadline = models.DateTimeField(_("date limite de réponse"), null=True, blank=True)
    declined_by = models.CharField(
        _("refusée par"), max_length=8, choices=Party.choices, blank=True
    )
    decline_reason = models.TextField(_("motif du refus"), blank=True)
    decline_reason_shared = models.BooleanField(
        _("motif transmis au ou à la volontaire"), default=False
    )
    interruption_reason = models.TextField(_("motif de l'interruption"), blank=True)
    proposed_at = models.DateTimeField(_("proposée le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décision du partenaire le"), null=True, blank=True)
    host_decided_at = models.DateTimeField(
        _("décision de la structure d'accueil le"), null=True, blank=True
    )
    host_decided_by = models.CharField(
        _("décision de la structure d'accueil par"), max_length=150, blank=True
    )
    # The secret of the host's single-use link (missions.hostlinks); emptied once it is used.
    host_token = models.CharField(_("jeton du lien d'accueil"), max_length=64, blank=True)
    actual_departure = models.DateField(_("départ effectif"), null=True, blank=True)
    arrival_date = models.DateField(_("arrivée"), null=True, blank=True)
    return_date = models.DateField(_("retour"), null=True, blank=True)
    midterm_report = models.TextField(_("rapport à mi-parcours"), blank=True)
    midterm_report_file = models.FileField(
        _("fichier du rapport à mi-parcours"),
        upload_to=placement_report_path,
        blank=True,
        max_length=200,
    )
    final_report = models.TextField(_("rapport de fin de mission"), blank=True)
    final_report_file = models.FileField(
        _("fichier du rapport de fin de mission"),
        upload_to=placement_report_path,
        blank=True,
        max_length=200,
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        ordering = ["contingent", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(status__in=sorted(PLACEMENT_BUSY)),
                name="one_busy_placement_per_volunteer",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=sorted(PLACEMENT_HOLDS_SEAT)),
                name="one_active_placement_per_application",
            ),
            models.CheckConstraint(
                condition=Q(return_date__isnull=True)
                | Q(actual_departure__isnull=True)
                | Q(return_date__gte=F("actual_departure")),
                name="placement_returns_after_departure",
            ),
            models.CheckConstraint(
                condition=Q(arrival_date__isnull=True)
                | Q(actual_departure__isnull=True)
                | Q(arrival_date__gte=F("actual_departure")),
                name="placement_arrives_after_departure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.volunteer} → {self.mission}"

    @property
    def waiting_for(self) -> str:
        """The party whose decision the placement waits for, or ""."""
        return {
            PlacementStatus.PROPOSED: Party.PARTNER,
            PlacementStatus.HOST_PENDING: Party.HOST,
        }.get(self.status, "")

    @property
    def planned_departure(self) -> date:
        return self.contingent.planned_departure or self.mission.start_date

    @property
    def planned_return(self) -> date:
        return self.mission.end_date

    def deadline_passed(self, moment=None) -> bool:
        return self.deadline is not None and (moment or timezone.now()) >= self.deadline


class PlacementEvent(models.Model):
    """What happened to a placement besides its status changes: links sent, reminders,
    escalations, extended deadlines, corrected dates. Append-only, like the audit trail; `key`
    makes a once-only event (a reminder) happen once however often its job runs."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="events", verbose_name=_("affectation")
    )
    kind = models.CharField(_("événement"), max_length=24, choices=PlacementEventKind.choices)
    party = models.CharField(_("partie"), max_length=8, choices=Party.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    # What the event needs to be told again: the dates of a correction and its reason, the new
    # deadline, the address a link went to.
    data = models.JSONField(_("détail"), default=dict, blank=True)
    key = models.CharField(_("clé d'unicité"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("événement d'une affectation")
        verbose_name_plural = _("événements des affectations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="placement_event_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("PlacementEvent rows are append-only.")
        super().save(*args, **kwargs)


INCOMING_ENDED = (IncomingStatus.COMPLETED, IncomingStatus.INTERRUPTED)


class IncomingQuerySet(ManagedQuerySet):
    def for_partner(self, organisation):
        return self.filter(partner=organisation)

    def with_host_check(self):
        """Each declaration with `host_verified_until` (the end of its host's latest
        verification by ANVT), in the same query: what `host_check` reads."""
        return self.annotate(host_verified_until=Max("host_structure__verifications__valid_until"))

    def flagged(self, today=None):
        """Running declarations (not ended) at a host that is not verified today: typed in
        rather than chosen from the registry, never verified, or lapsed."""
        from partners.models import HostVerification

        valid = HostVerification.objects.filter(
            organisation=OuterRef("host_structure"),
            valid_until__gte=today or timezone.localdate(),
        )
        return self.exclude(status__in=INCOMING_ENDED).filter(
            Q(host_structure__isnull=True) | ~Exists(valid)
        )


class IncomingVolunteer(models.Model):
    """A foreign volunteer coming to Togo, declared by a partner."""

    partner = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        related_name="incoming_volunteers",
        verbose_name=_("partenaire déclarant"),
    )
    first_name = models.CharField(_("prénoms"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    nationality = CountryField(_("nationalité"))
    birth_date = models.DateField(_("date de naissance"))
    passport_number = models.CharField(_("numéro de passeport"), max_length=32)
    sending_organisation = models.CharField(_("organisation d'envoi"), max_length=200)
    host_structure = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_volunteers",
        verbose_name=_("structure d'accueil au Togo"),
    )
    host_structure_name = models.CharField(
        _("structure d'accueil (si absente de la liste)"), max_length=200, blank=True
    )
    region = models.CharField(_("région"), max_length=16, choices=Region.choices)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, verbose_name=_("thème"))
    arrival_date = models.DateField(_("arrivée"))
    departure_date = models.DateField(_("départ"))
    emergency_contact_name = models.CharField(_("contact d'urgence"), max_length=150)
    emergency_contact_phone = models.CharField(_("téléphone du contact d'urgence"), max_length=20)
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=IncomingStatus.choices,
        default=IncomingStatus.DECLARED,
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("déclaré par"),
    )
    created_at = models.DateTimeField(_("déclaré le"), auto_now_add=True)

    objects = IncomingQuerySet.as_manager()

    class Meta:
        verbose_name = _("volontaire accueilli·e")
        verbose_name_plural = _("volontaires accueilli·e·s")
        ordering = ["-arrival_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(departure_date__gte=F("arrival_date")),
                name="incoming_leaves_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def host_check(self) -> str:
        """Where the host stands with ANVT today: "verified", "lapsed", "unverified", or
        "unlisted" (a name typed in, not a registered structure). Reads the annotation of
        `with_host_check()` when the row has it."""
        if self.host_structure_id is None:
            return "unlisted"
        if not hasattr(self, "host_verified_until"):
            self.host_verified_until = self.host_structure.verifications.aggregate(
                until=Max("valid_until")
            )["until"]
        return verification_state(self.host_verified_until)

    @property
    def flagged(self) -> bool:
        return self.status not in INCOMING_ENDED and self.host_check != "verified"

    @property
    def masked_passport(self) -> str:
        """The passport number as partners and reviewers see it: its last two characters."""
        return "•" * max(len(self.passport_number) - 2, 0) + self.passport_number[-2:]
