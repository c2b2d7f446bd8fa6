"""After the mission: certificates of completion anyone can verify."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alumni.enums import FOLLOW_UP_MONTHS, CertificateStatus, QuestionKind
from missions.models import Placement


class Certificate(models.Model):
    """The certificate of a completed placement. What it certifies is kept as it was issued
    (`data`), so that it reads the same after the volunteer's documents are deleted."""

    placement = models.OneToOneField(
        Placement,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("affectation"),
    )
    # The short code printed on it and in its QR code: the key of the public verification page.
    code = models.CharField(_("code de vérification"), max_length=16, unique=True)
    status = models.CharField(
        _("état"), max_length=8, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    data = models.JSONField(_("contenu"))
    issued_at = models.DateTimeField(_("délivré le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("révoqué par"),
    )
    revoked_reason = models.TextField(_("motif de la révocation"), blank=True)

    class Meta:
        verbose_name = _("certificat de fin de mission")
        verbose_name_plural = _("certificats de fin de mission")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="valid")
                | (models.Q(revoked_at__isnull=False) & ~models.Q(revoked_reason="")),
                name="a_revoked_certificate_says_why",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


class Questionnaire(models.Model):
    """The questions sent to returned volunteers some months after their mission ended."""

    months_after = models.PositiveSmallIntegerField(
        _("mois après le retour"), unique=True, choices=[(m, str(m)) for m in FOLLOW_UP_MONTHS]
    )
    title = models.CharField(_("intitulé"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    active = models.BooleanField(_("envoyé"), default=True)

    class Meta:
        verbose_name = _("questionnaire de suivi")
        verbose_name_plural = _("questionnaires de suivi")
        ordering = ["months_after"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type de réponse"), max_length=8, choices=QuestionKind.choices)
    # The options of a choice, one per line in the form; stored as a list.
    choices = models.JSONField(_("choix proposés"), default=list, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "id"]

    def __str__(self) -> str:
        return self.text


class FollowUp(models.Model):
    """One questionnaire sent to one returned volunteer, with the secret of its link."""

    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("affectation"),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("questionnaire"),
    )
    secret = models.CharField(_("secret du lien"), max_length=64)
    sent_at = models.DateTimeField(_("envoyé le"))
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("suivi après le retour")
        verbose_name_plural = _("suivis après le retour")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "questionnaire"], name="one_follow_up_per_questionnaire"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} / {self.questionnaire}"


class Answer(models.Model):
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="answers", verbose_name=_("suivi")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    value = models.TextField(_("réponse"), blank=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value[:30]}"
