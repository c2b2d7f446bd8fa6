from django.db import models
from django.utils.translation import gettext_lazy as _

# The regions of Togo: host structures are registered in one (partners), volunteers live in one.
from partners.enums import Region  # noqa: F401 (re-exported)


class Gender(models.TextChoices):
    FEMALE = "female", _("Femme")
    MALE = "male", _("Homme")
    OTHER = "other", _("Autre")
    UNDISCLOSED = "undisclosed", _("Ne souhaite pas le dire")


class NationalityStatus(models.TextChoices):
    TOGOLESE_RESIDENT = "togolese_resident", _("Togolais·e résidant au Togo")
    TOGOLESE_DIASPORA = "togolese_diaspora", _("Togolais·e de la diaspora")
    FOREIGN = "foreign", _("Autre nationalité")


class EducationLevel(models.TextChoices):
    PRIMARY = "primary", _("Primaire")
    SECONDARY = "secondary", _("Secondaire (sans le bac)")
    BACCALAUREATE = "baccalaureate", _("Baccalauréat")
    VOCATIONAL = "vocational", _("Formation professionnelle")
    BACHELOR = "bachelor", _("Licence")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorat")


class LanguageLevel(models.TextChoices):
    A1 = "A1", _("A1 — débutant")
    A2 = "A2", _("A2 — élémentaire")
    B1 = "B1", _("B1 — intermédiaire")
    B2 = "B2", _("B2 — avancé")
    C1 = "C1", _("C1 — autonome")
    C2 = "C2", _("C2 — maîtrise")


class SpokenLanguage(models.TextChoices):
    FRENCH = "fr", _("Français")
    ENGLISH = "en", _("Anglais")
    EWE = "ee", _("Éwé")
    KABIYE = "kbp", _("Kabiyè")
    GERMAN = "de", _("Allemand")
    SPANISH = "es", _("Espagnol")
    PORTUGUESE = "pt", _("Portugais")
    ARABIC = "ar", _("Arabe")
    OTHER = "other", _("Autre langue")


class DocumentKind(models.TextChoices):
    ID_CARD = "id_card", _("Carte d'identité")
    PASSPORT = "passport", _("Passeport")
    CV = "cv", _("CV")
    MOTIVATION_LETTER = "motivation_letter", _("Lettre de motivation")
    EXPERIENCE_CERTIFICATE = "experience_certificate", _("Attestation d'expérience")
    CRIMINAL_RECORD = "criminal_record", _("Extrait de casier judiciaire")
    MEDICAL_CERTIFICATE = "medical_certificate", _("Certificat médical")
    OTHER = "other", _("Autre document")
    # A piece of the mobility file before departure (visa, insurance, tickets…).
    MOBILITY = "mobility", _("Pièce du dossier de départ")


DOCUMENTS_WITH_EXPIRY = frozenset(
    {DocumentKind.ID_CARD, DocumentKind.PASSPORT, DocumentKind.MEDICAL_CERTIFICATE}
)
IDENTITY_DOCUMENTS = frozenset({DocumentKind.ID_CARD, DocumentKind.PASSPORT})


class VerificationStatus(models.TextChoices):
    DECLARED = "declared", _("Déclaré")
    VERIFIED = "verified", _("Vérifié")
    REJECTED = "rejected", _("Rejeté")


class AttestationStatus(models.TextChoices):
    """Where the host's attestation of an experience stands."""

    NONE = "", _("Pas demandée")
    REQUESTED = "requested", _("Demandée")
    CONFIRMED = "confirmed", _("Attestée")
    CORRECTED = "corrected", _("Attestée avec corrections")
    DECLINED = "declined", _("Refusée par la structure")
    EXPIRED = "expired", _("Lien expiré sans réponse")


# The host has answered and vouches for the experience (its dates as attested).
ATTESTED = frozenset({AttestationStatus.CONFIRMED, AttestationStatus.CORRECTED})
