from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """Rows that are written once and never changed nor deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only.")


class StatusChangeQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("created_at", "pk")


class StatusChange(AppendOnly):
    """One status change of an application, placement, contingent, mission or incoming volunteer."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("type d'objet")
    )
    object_id = models.PositiveBigIntegerField(_("numéro de l'objet"))
    subject = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(_("de"), max_length=32)
    to_status = models.CharField(_("à"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    job = models.CharField(
        _("tâche automatique"), max_length=64, blank=True, help_text=_("Quand le système agit.")
    )
    reason = models.TextField(_("motif"), blank=True)
    # In whose name the actor acted, when not only their own: the selection committee's session
    # whose decisions a manager applied, a partner's API token.
    context = models.CharField(_("dans le cadre de"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actor__isnull=False) | ~models.Q(job=""),
                name="status_change_has_actor_or_job",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id}: {self.from_status} → {self.to_status}"


class AccessLog(AppendOnly):
    """Who saw or downloaded sensitive data (documents, exports)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    action = models.CharField(_("action"), max_length=32)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("type d'objet")
    )
    object_id = models.PositiveBigIntegerField(_("numéro de l'objet"))
    subject = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.content_type.model} #{self.object_id}"


class Erasure(AppendOnly):
    """What a job deleted of a person's data: the kind and how many, never the content."""

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("volontaire"),
    )
    kind = models.CharField(_("nature"), max_length=32)
    count = models.PositiveIntegerField(_("nombre"))
    job = models.CharField(_("tâche automatique"), max_length=64)
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("suppression de données")
        verbose_name_plural = _("suppressions de données")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.job}: {self.count} × {self.kind}"


class ApiCall(AppendOnly):
    """One call of the partner API (`/api/v1/`): which token, in whose name, what it asked and
    what it got. The token's name is the context of the status changes the call made."""

    organisation = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    token = models.ForeignKey(
        "partners.ApiToken",
        on_delete=models.SET_NULL,
        null=True,
        related_name="calls",
        verbose_name=_("clé"),
    )
    token_name = models.CharField(_("nom de la clé"), max_length=80)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("au nom de"),
    )
    method = models.CharField(_("méthode"), max_length=8)
    path = models.CharField(_("adresse"), max_length=300)
    status = models.PositiveSmallIntegerField(_("réponse"))
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("appel de l'API")
        verbose_name_plural = _("appels de l'API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.token_name}: {self.method} {self.path} → {self.status}"
