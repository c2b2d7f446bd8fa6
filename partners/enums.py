from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    SENDING_AGENCY = "sending_agency", _("Agence d'envoi")
    HOST_STRUCTURE = "host_structure", _("Structure d'accueil")
    PUBLIC_BODY = "public_body", _("Organisme public")


class MembershipRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinateur·rice")
    VIEWER = "viewer", _("Lecteur·rice")


class Region(models.TextChoices):
    GRAND_LOME = "grand_lome", _("Grand Lomé")
    MARITIME = "maritime", _("Maritime")
    PLATEAUX = "plateaux", _("Plateaux")
    CENTRALE = "centrale", _("Centrale")
    KARA = "kara", _("Kara")
    SAVANES = "savanes", _("Savanes")


class LegalForm(models.TextChoices):
    """The legal form of a host structure in Togo, as its registration papers say."""

    ASSOCIATION = "association", _("Association déclarée")
    NGO = "ngo", _("ONG agréée")
    PUBLIC = "public", _("Établissement ou service public")
    LOCAL_AUTHORITY = "local_authority", _("Collectivité territoriale")
    COOPERATIVE = "cooperative", _("Coopérative ou groupement")
    COMPANY = "company", _("Entreprise")
    OTHER = "other", _("Autre")


class TokenScope(models.TextChoices):
    """What a partner's API token may do: read its organisation's data, or also act on it."""

    READ = "read", _("Lecture")
    WRITE = "write", _("Lecture et écriture")
