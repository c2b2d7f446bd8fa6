import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from volunteers.enums import (
    ATTESTED,
    AttestationStatus,
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
    # Who at the host organisation can attest it (volunteers.attestations).
    referee_name = models.CharField(_("nom du ou de la référent·e"), max_length=150, blank=True)
    referee_role = models.CharField(
        _("fonction du ou de la référent·e"), max_length=150, blank=True
    )
    referee_email = models.EmailField(_("e-mail du ou de la référent·e"), blank=True)
    referee_phone = models.CharField(
        _("téléphone du ou de la référent·e"), max_length=20, blank=True
    )
    # The referee's answer: what they attested (the eligibility engine counts these dates).
    attestation_status = models.CharField(
        _("attestation"),
        max_length=12,
        choices=AttestationStatus.choices,
        default=AttestationStatus.NONE,
        blank=True,
    )
    attested_by = models.CharField(_("attestée par"), max_length=150, blank=True)
    attested_at = models.DateTimeField(_("attestée le"), null=True, blank=True)
    attested_organisation = models.CharField(_("structure attestée"), max_length=200, blank=True)
    attested_role = models.CharField(_("rôle attesté"), max_length=200, blank=True)
    attested_start = models.DateField(_("début attesté"), null=True, blank=True)
    attested_end = models.DateField(_("fin attestée"), null=True, blank=True)
    attestation_comment = models.TextField(_("commentaire de la structure"), blank=True)
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
            models.CheckConstraint(
                condition=Q(attested_end__isnull=True)
                | Q(attested_start__isnull=True)
                | Q(attested_end__gte=F("attested_start")),
                name="attested_experience_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.start_date:%Y-%m-%d} → {self.end_date or '…'})"

    @property
    def is_attested(self) -> bool:
        return self.attestation_status in ATTESTED

    @property
    def counted_period(self) -> tuple:
        """The dates the eligibility engine counts: the host's when it attested them."""
        if self.is_attested and self.attested_start:
            return (self.attested_start, self.attested_end)
        return (self.start_date, self.end_date)

    @property
    def attested_differs(self) -> bool:
        return self.is_attested and (
            (self.attested_organisation, self.attested_role, self.attested_start, self.attested_end)
            != (self.organisation, self.role, self.start_date, self.end_date)
        )


class AttestationRequest(models.Model):
    """One e-mail to an experience's referee, with its link: signed, for that experience only,
    usable once, valid 30 days (volunteers.attestations)."""

    experience = models.ForeignKey(
        Experience,
        on_delete=models.CASCADE,
        related_name="attestation_requests",
        verbose_name=_("expérience"),
    )
    email = models.EmailField(_("envoyée à"))
    secret = models.CharField(_("secret du lien"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"))
    expires_at = models.DateTimeField(_("expire le"))
    reminded_at = models.DateTimeField(_("relancée le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answer = models.CharField(
        _("réponse"), max_length=12, choices=AttestationStatus.choices, blank=True
    )

    class Meta:
        verbose_name = _("demande d'attestation")
        verbose_name_plural = _("demandes d'attestation")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.experience_id} → {self.email}"


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
