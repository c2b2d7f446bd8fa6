from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valide")
    REVOKED = "revoked", _("Révoqué")


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("Un choix dans une liste")
    SCALE = "scale", _("Une note de 1 à 5")
    TEXT = "text", _("Une réponse libre")


# After how many months back home a questionnaire is sent.
FOLLOW_UP_MONTHS = (3, 6, 12)
