import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners import secrets
from partners.enums import LegalForm, MembershipRole, OrganisationKind, Region, TokenScope


class OrganisationQuerySet(models.QuerySet):
    def hosts_in_togo(self):
        return self.filter(kind=OrganisationKind.HOST_STRUCTURE, country="TG")

    def with_verification(self):
        """Each organisation with `verified_until`: the end of its latest verification by ANVT
        (None when never verified), in the same query."""
        return self.annotate(verified_until=Max("verifications__valid_until"))


class PartnerOrganisation(models.Model):
    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    country = models.CharField(_("pays"), max_length=2, help_text=_("Code ISO 3166-1, ex. FR."))
    city = models.CharField(_("ville"), max_length=120, blank=True)
    # For a host structure without an account, the person who confirms placements by e-mail.
    contact_name = models.CharField(_("personne de contact"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # A host structure in Togo, as ANVT registers it before it may host foreign volunteers.
    region = models.CharField(
        _("région du Togo"), max_length=16, choices=Region.choices, blank=True
    )
    legal_form = models.CharField(
        _("forme juridique"), max_length=20, choices=LegalForm.choices, blank=True
    )
    registration_number = models.CharField(
        _("numéro d'enregistrement"),
        max_length=60,
        blank=True,
        help_text=_("Récépissé de déclaration, agrément ou RCCM."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation partenaire")
        verbose_name_plural = _("organisations partenaires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerMembership(models.Model):
    """A user's seat in one partner organisation; a user belongs to at most one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_membership",
        verbose_name=_("utilisateur"),
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=MembershipRole.choices)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre d'une organisation partenaire")
        verbose_name_plural = _("membres des organisations partenaires")

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    @property
    def is_coordinator(self) -> bool:
        return self.role == MembershipRole.COORDINATOR


class HostVerification(models.Model):
    """ANVT has checked a host structure in Togo (papers, premises, a referent) on one day, for a
    period. Rows are kept: the latest says until when the structure may host."""

    organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.CASCADE,
        related_name="verifications",
        verbose_name=_("structure"),
    )
    verified_on = models.DateField(_("vérifiée le"))
    valid_until = models.DateField(_("valable jusqu'au"))
    note = models.TextField(_("ce qui a été vérifié"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("vérifiée par"),
    )
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("vérification d'une structure d'accueil")
        verbose_name_plural = _("vérifications des structures d'accueil")
        ordering = ["-valid_until", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("verified_on")),
                name="host_verification_ends_after_it_starts",
                violation_error_message=_("La validité ne peut pas finir avant la vérification."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.verified_on} → {self.valid_until}"


def verification_state(valid_until: datetime.date | None, today=None) -> str:
    """ "verified", "lapsed" or "unverified", from the end of the latest verification."""
    if valid_until is None:
        return "unverified"
    return "verified" if valid_until >= (today or timezone.localdate()) else "lapsed"


class AgreementQuerySet(models.QuerySet):
    def covering(self, year: int):
        """Agreements in force at some point of that calendar year."""
        return self.filter(starts_on__year__lte=year, ends_on__year__gte=year)


class Agreement(models.Model):
    """A partnership agreement (convention) between ANVT and a partner: its period, the
    countries it covers, and how many volunteers each side undertakes to send every year."""

    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("partenaire"),
    )
    reference = models.CharField(_("référence"), max_length=60)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    countries = CountryField(_("pays couverts"), multiple=True)
    quota_sent = models.PositiveSmallIntegerField(
        _("volontaires envoyés du Togo, par an"),
        help_text=_("Volontaires togolais·es partant chez le partenaire chaque année."),
    )
    quota_received = models.PositiveSmallIntegerField(
        _("volontaires accueillis au Togo, par an"),
        help_text=_("Volontaires du partenaire accueilli·e·s au Togo chaque année."),
    )
    note = models.TextField(
        _("remarques"), blank=True, help_text=_("Le partenaire les lit avec l'accord.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("saisi par"),
    )
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("accord de partenariat")
        verbose_name_plural = _("accords de partenariat")
        ordering = ["partner__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="agreement_ends_after_it_starts",
                violation_error_message=_("L'accord ne peut pas finir avant de commencer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} — {self.reference}"

    def years(self) -> range:
        return range(self.starts_on.year, self.ends_on.year + 1)


# The partner's own information system ----------------------------------------------------------


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Not revoked, not expired, of an active organisation."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, organisation__active=True)


class ApiToken(models.Model):
    """A key a partner's information system calls the API with (`/api/v1/`), in the name of the
    coordinator who created it. Only its SHA-256 is stored: the key itself is shown once."""

    organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom"), max_length=80, help_text=_("Ex. « PLATO production »."))
    scope = models.CharField(_("droits"), max_length=8, choices=TokenScope.choices)
    # The key's first characters, shown in lists so a coordinator can tell keys apart.
    prefix = models.CharField(_("début de la clé"), max_length=16)
    digest = models.CharField(_("empreinte"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("révoquée par"),
    )
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.name}"

    @staticmethod
    def digest_of(key: str) -> str:
        # A random 256-bit key needs no slow hash: nothing to guess, only to compare.
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    def state(self, now=None) -> str:
        """ "active", "expired" or "revoked"."""
        if self.revoked_at:
            return "revoked"
        return "active" if self.expires_at > (now or timezone.now()) else "expired"


class WebhookEndpoint(models.Model):
    """Where a partner wants to be told of what concerns it (notifications/webhooks.py): an
    HTTPS address, and the secret each delivery is signed with (encrypted at rest)."""

    organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organisation"),
    )
    url = models.URLField(_("adresse"), max_length=300)
    secret_encrypted = models.TextField(_("secret (chiffré)"))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        verbose_name = _("adresse de webhook")
        verbose_name_plural = _("adresses de webhook")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "url"], name="webhook_endpoint_once_per_url"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.url}"

    @property
    def secret(self) -> str:
        return secrets.decrypt(self.secret_encrypted)
