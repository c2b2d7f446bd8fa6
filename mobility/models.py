from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from mobility.enums import ITEM_READY, Answer, ItemOwner, ItemState


class ChecklistItem(models.Model):
    """One item of a destination country's checklist, kept by programme managers; each confirmed
    placement to that country gets its own copy (MobilityItem)."""

    country = CountryField(_("pays de destination"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    label_fr = models.CharField(_("intitulé (français)"), max_length=200)
    label_en = models.CharField(_("intitulé (anglais)"), max_length=200)
    help_fr = models.TextField(_("aide (français)"), blank=True)
    help_en = models.TextField(_("aide (anglais)"), blank=True)
    owner = models.CharField(_("qui le complète"), max_length=10, choices=ItemOwner.choices)
    needs_document = models.BooleanField(_("pièce à déposer"), default=False)
    needs_date = models.BooleanField(_("date à indiquer"), default=False)
    days_before_departure = models.PositiveSmallIntegerField(
        _("à faire au plus tard (jours avant le départ)"), default=30
    )
    # Verified when ANVT records the volunteer's attendance at a pre-departure workshop.
    is_workshop = models.BooleanField(_("atelier de préparation au départ"), default=False)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("élément de la liste de départ")
        verbose_name_plural = _("listes de départ par pays")
        ordering = ["country", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["country", "label_fr"], name="checklist_label_once"),
        ]

    def __str__(self) -> str:
        return f"{self.country.code} — {self.label}"

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr

    @property
    def help(self) -> str:
        return self.help_en if (get_language() or "fr").startswith("en") else self.help_fr


class MobilityItemQuerySet(models.QuerySet):
    def with_template(self):
        return self.select_related("template", "document").order_by(
            "template__position", "template_id"
        )


class MobilityItem(models.Model):
    """One item of one placement's mobility file."""

    placement = models.ForeignKey(
        "missions.Placement",
        on_delete=models.CASCADE,
        related_name="mobility_items",
        verbose_name=_("affectation"),
    )
    template = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("élément")
    )
    due_date = models.DateField(_("à faire au plus tard le"))
    state = models.CharField(
        _("état"), max_length=16, choices=ItemState.choices, default=ItemState.TO_DO
    )
    date_value = models.DateField(_("date"), null=True, blank=True)
    # A document of the volunteer's (served, shared and logged like her other documents).
    document = models.ForeignKey(
        "volunteers.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pièce"),
    )
    reason = models.TextField(_("motif"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    updated_at = models.DateTimeField(_("le"), null=True, blank=True)

    objects = MobilityItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("pièce du dossier de départ")
        verbose_name_plural = _("dossiers de départ")
        constraints = [
            models.UniqueConstraint(fields=["placement", "template"], name="item_once_per_file"),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.template}"

    @property
    def is_ready(self) -> bool:
        return self.state in ITEM_READY

    def is_late(self, today) -> bool:
        return not self.is_ready and self.due_date < today

    def is_due_soon(self, today, days: int = 3) -> bool:
        return not self.is_ready and today <= self.due_date <= today + timedelta(days=days)


class Workshop(models.Model):
    """A pre-departure workshop of ANVT for the volunteers of a contingent."""

    contingent = models.ForeignKey(
        "missions.Contingent",
        on_delete=models.CASCADE,
        related_name="workshops",
        verbose_name=_("contingent"),
    )
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=200)
    seats = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("atelier de préparation au départ")
        verbose_name_plural = _("ateliers de préparation au départ")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gt=0), name="workshop_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.place} — {self.starts_at:%Y-%m-%d %H:%M}"


class WorkshopInvitation(models.Model):
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("atelier")
    )
    placement = models.ForeignKey(
        "missions.Placement",
        on_delete=models.CASCADE,
        related_name="workshop_invitations",
        verbose_name=_("affectation"),
    )
    answer = models.CharField(
        _("réponse"), max_length=8, choices=Answer.choices, default=Answer.PENDING
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    attended = models.BooleanField(_("présent·e"), null=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("présence notée par"),
    )

    class Meta:
        verbose_name = _("invitation à un atelier")
        verbose_name_plural = _("invitations aux ateliers")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "placement"], name="one_invitation_per_workshop"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} → {self.placement_id}"
