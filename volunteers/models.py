import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from volunteers.enums import (
    DocumentKind,
    EducationLevel,
    Gender,
    LanguageLevel,
    NationalityStatus,
    Region,
    SpokenLanguage,
    VerificationStatus,
)


def private_upload_path(instance, filename: str) -> str:
    """A random name in the owner's folder: the volunteer's file name is never used on disk."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"volunteers/{instance.volunteer_id}/{uuid.uuid4().hex}{suffix}"


class OwnedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rows of the volunteer themself. Staff access is granted through applications."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(volunteer=user)


class VolunteerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteer_profile",
        verbose_name=_("utilisateur"),
    )
    first_name = models.CharField(_("prénoms"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    gender = models.CharField(_("genre"), max_length=16, choices=Gender.choices, blank=True)
    nationality_status = models.CharField(
        _("nationalité"), max_length=24, choices=NationalityStatus.choices, blank=True
    )
    country_of_residence = CountryField(_("pays de résidence"), blank=True)
    region = models.CharField(
        _("région du Togo"), max_length=16, choices=Region.choices, blank=True
    )
    city = models.CharField(_("ville"), max_length=120, blank=True)
    phone = models.CharField(
        _("téléphone"),
        max_length=16,
        blank=True,
        help_text=_("Format international, ex. +22890123456."),
    )
    education_level = models.CharField(
        _("niveau d'études"), max_length=16, choices=EducationLevel.choices, blank=True
    )
    consent_at = models.DateTimeField(
        _("consentement au traitement des données le"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("profil de volontaire")
        verbose_name_plural = _("profils de volontaires")

    def __str__(self) -> str:
        return self.full_name or str(self.user)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ProfileLanguage(models.Model):
    profile = models.ForeignKey(
        VolunteerProfile,
        on_delete=models.CASCADE,
        related_name="languages",
        verbose_name=_("profil"),
    )
    language = models.CharField(_("langue"), max_length=8, choices=SpokenLanguage.choices)
    level = models.CharField(_("niveau"), max_length=2, choices=LanguageLevel.choices)

    class Meta:
        verbose_name = _("langue parlée")
        verbose_name_plural = _("langues parlées")
        constraints = [
            models.UniqueConstraint(fields=["profile", "language"], name="profile_language_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_language_display()} ({self.level})"


class Verification(models.Model):
    """Staff's verdict on what a volunteer declared (experiences, documents)."""

    verification_status = models.CharField(
        _("vérification"),
        max_length=12,
        choices=VerificationStatus.choices,
        default=VerificationStatus.DECLARED,
    )
    verification_reason = models.TextField(_("motif du rejet"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifié par"),
    )
    verified_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)

    class Meta:
        abstract = True


class Experience(Verification):
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="experiences",
        verbose_name=_("volontaire"),
    )
    organisation = models.CharField(_("structure d'accueil"), max_length=200)
    programme = models.CharField(
        _("programme"), max_length=200, blank=True, help_text=_("Ex. volontariat national ANVT.")
    )
    role = models.CharField(_("rôle"), max_length=200, blank=True)
    country = CountryField(_("pays"), default="TG")
    start_date = models.DateField(_("date de début"))
    end_date = models.DateField(
        _("date de fin"), null=True, blank=True, help_text=_("Laisser vide si en cours.")
    )
    description = models.TextField(_("description"), blank=True)
    proof = models.FileField(
        _("justificatif"), upload_to=private_upload_path, blank=True, max_length=200
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("expérience de volontariat")
        verbose_name_plural = _("expériences de volontariat")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="experience_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.start_date:%Y-%m-%d} → {self.end_date or '…'})"


class Document(Verification):
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("volontaire"),
    )
    kind = models.CharField(_("type de document"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("fichier"), upload_to=private_upload_path, max_length=200)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type de contenu"), max_length=64)
    size = models.PositiveIntegerField(_("taille (octets)"))
    expiry_date = models.DateField(_("date d'expiration"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.original_name}"
