from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    SENDING_AGENCY = "sending_agency", _("Agence d'envoi")
    HOST_STRUCTURE = "host_structure", _("Structure d'accueil")
    PUBLIC_BODY = "public_body", _("Organisme public")


class MembershipRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinateur·rice")
    VIEWER = "viewer", _("Lecteur·rice")
