"""The mobility file's statuses and who completes each item."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemOwner(models.TextChoices):
    VOLUNTEER = "volunteer", _("le ou la volontaire")
    ANVT = "anvt", _("l'ANVT")
    PARTNER = "partner", _("le partenaire")
    HOST = "host", _("la structure d'accueil")


class ItemState(models.TextChoices):
    TO_DO = "to_do", _("À faire")
    SUBMITTED = "submitted", _("Transmis")
    VERIFIED = "verified", _("Vérifié")
    REFUSED = "refused", _("Refusé")
    NOT_APPLICABLE = "not_applicable", _("Sans objet")


# An item counts as ready in these states (a departure without them asks for an override).
ITEM_READY = frozenset({ItemState.VERIFIED, ItemState.NOT_APPLICABLE})
# Who moves an item: whoever completes it submits it; programme managers verify, refuse or set
# it aside ("manager"); a refused item is submitted again.
ITEM_TRANSITIONS = {
    (ItemState.TO_DO, ItemState.SUBMITTED): "owner",
    (ItemState.REFUSED, ItemState.SUBMITTED): "owner",
    (ItemState.SUBMITTED, ItemState.SUBMITTED): "owner",  # a new document replaces the last
    (ItemState.SUBMITTED, ItemState.VERIFIED): "manager",
    (ItemState.SUBMITTED, ItemState.REFUSED): "manager",
    (ItemState.TO_DO, ItemState.VERIFIED): "manager",  # ANVT's own items, done by ANVT
    (ItemState.TO_DO, ItemState.NOT_APPLICABLE): "manager",
    (ItemState.REFUSED, ItemState.NOT_APPLICABLE): "manager",
    (ItemState.NOT_APPLICABLE, ItemState.TO_DO): "manager",
    (ItemState.VERIFIED, ItemState.TO_DO): "manager",  # reopened
}


class Answer(models.TextChoices):
    PENDING = "pending", _("Sans réponse")
    YES = "yes", _("Vient")
    NO = "no", _("Ne vient pas")
