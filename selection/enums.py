from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    # With its context: Django's own catalogue reads a bare "Close" as the verb ("Fermer").
    CLOSED = "closed", pgettext_lazy("état d'une séance", "Close")


class Outcome(models.TextChoices):
    SELECTED = "selected", _("Retenu·e")
    WAITLISTED = "waitlisted", _("Liste d'attente")
    NOT_SELECTED = "not_selected", _("Non retenu·e")


class DecisionReason(models.TextChoices):
    """The short reasons a committee gives; a free comment adds the rest."""

    STRONG_FILE = "strong_file", _("Dossier solide, parmi les meilleures notes")
    MISSION_FIT = "mission_fit", _("Profil adapté à la mission choisie")
    BALANCE = "balance", _("Équilibre de la sélection (genre, région, résidence, thème)")
    SEATS = "seats", _("Places insuffisantes pour la mission choisie")
    BELOW_THRESHOLD = "below_threshold", _("Note inférieure à celle des candidatures retenues")
    MISSION_MISMATCH = "mission_mismatch", _("Profil éloigné des missions demandées")
    LANGUAGE = "language", _("Niveau de langue insuffisant pour la mission")
    OTHER = "other", _("Autre motif (voir le commentaire)")


class ConflictKind(models.TextChoices):
    FAMILY = "family", _("Lien familial")
    ASSOCIATION = "association", _("Même association")
    EMPLOYER = "employer", _("Lien professionnel (employeur, collègue)")
    OTHER = "other", _("Autre lien")


class Dimension(models.TextChoices):
    GENDER = "gender", _("Femmes et hommes")
    REGION = "region", _("Régions du Togo")
    RESIDENCE = "residence", _("Résident·e·s et diaspora")
    THEME = "theme", _("Thèmes des missions")
