"""A partner's own information system: its API keys (`/api/v1/`) and the addresses its webhooks
go to. Only a coordinator of the organisation creates or revokes them (partner_space pages)."""

import secrets
from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from anvt.errors import Refused
from notifications.webhooks import address_refusal
from partners import secrets as stored_secrets
from partners.enums import TokenScope
from partners.models import ApiToken, PartnerMembership, PartnerOrganisation, WebhookEndpoint

KEY_PREFIX = "anvt_"
# How long a key may live: a key that never expires is a key nobody remembers to revoke.
VALIDITY_DAYS = (30, 90, 180, 365)
MAX_ACTIVE_KEYS = 10
MAX_ENDPOINTS = 3


def _require_coordinator(actor, organisation: PartnerOrganisation) -> None:
    if not PartnerMembership.objects.filter(
        user=actor, organisation=organisation, role="coordinator", organisation__active=True
    ).exists():
        raise Refused(_("Seul·e un·e coordinateur·rice de votre organisation peut faire cela."))


def create_token(
    organisation: PartnerOrganisation, *, actor, name: str, scope: str, days: int
) -> tuple[ApiToken, str]:
    """A new key, returned once in clear beside its row; only its SHA-256 is kept."""
    _require_coordinator(actor, organisation)
    name = name.strip()
    if not name:
        raise Refused(_("Donnez un nom à la clé (le système qui l'utilise)."))
    if scope not in TokenScope.values:
        raise Refused(_("Choisissez les droits de la clé."))
    if days not in VALIDITY_DAYS:
        raise Refused(_("Choisissez une durée de validité proposée."))
    with transaction.atomic():
        # One coordinator at a time: the count below cannot be passed by two at once.
        PartnerOrganisation.objects.select_for_update().get(pk=organisation.pk)
        if ApiToken.objects.usable().filter(organisation=organisation).count() >= MAX_ACTIVE_KEYS:
            raise Refused(
                _("Votre organisation a déjà %(count)s clés actives : révoquez-en une d'abord.")
                % {"count": MAX_ACTIVE_KEYS}
            )
        if ApiToken.objects.usable().filter(organisation=organisation, name=name).exists():
            raise Refused(_("Une clé active porte déjà ce nom."))
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = ApiToken.objects.create(
            organisation=organisation,
            name=name[:80],
            scope=scope,
            prefix=key[:12],
            digest=ApiToken.digest_of(key),
            created_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    return token, key


def revoke_token(token: ApiToken, *, actor) -> bool:
    """Revoke a key at once; False when it already was."""
    _require_coordinator(actor, token.organisation)
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
    )


def token_for_key(key: str) -> ApiToken | None:
    """The key's row, whatever its state (the caller says why it is refused), or None; in the
    same query, its creator's membership (`partner_membership_of` reads it from there) and
    whether she has two-factor authentication (`creator_has_mfa`)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related(
            "organisation", "created_by__partner_membership__organisation"
        )
        .annotate(
            creator_has_mfa=Exists(
                Authenticator.objects.filter(
                    user=OuterRef("created_by"), type=Authenticator.Type.TOTP
                )
            )
        )
        .filter(digest=ApiToken.digest_of(key))
        .first()
    )
    if token is not None:
        creator = token.created_by
        membership = getattr(creator, "partner_membership", None)
        creator._anvt_membership = (
            membership if membership is not None and membership.organisation.active else None
        )
    return token


def mark_used(token: ApiToken) -> None:
    """Its last use, written at most once a minute (a busy key is not a write per call)."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < timedelta(minutes=1):
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def add_endpoint(
    organisation: PartnerOrganisation, *, actor, url: str
) -> tuple[WebhookEndpoint, str]:
    """A new address for the organisation's webhooks, with its signing secret (shown once)."""
    _require_coordinator(actor, organisation)
    refusal = address_refusal(url)
    if refusal:
        raise Refused(refusal)
    with transaction.atomic():
        PartnerOrganisation.objects.select_for_update().get(pk=organisation.pk)
        endpoints = WebhookEndpoint.objects.filter(organisation=organisation, active=True)
        if endpoints.filter(url=url).exists():
            raise Refused(_("Cette adresse est déjà enregistrée."))
        if endpoints.count() >= MAX_ENDPOINTS:
            raise Refused(
                _("Votre organisation a déjà %(count)s adresses : retirez-en une d'abord.")
                % {"count": MAX_ENDPOINTS}
            )
        secret = "whsec_" + secrets.token_urlsafe(32)
        # An address removed earlier and registered again gets a new secret (and keeps the
        # list of what it was sent).
        endpoint, _created = WebhookEndpoint.objects.update_or_create(
            organisation=organisation,
            url=url,
            defaults={
                "secret_encrypted": stored_secrets.encrypt(secret),
                "active": True,
                "created_by": actor,
                "created_at": timezone.now(),
            },
        )
    return endpoint, secret


def remove_endpoint(endpoint: WebhookEndpoint, *, actor) -> None:
    """Stop posting to this address; what it was sent stays listed."""
    _require_coordinator(actor, endpoint.organisation)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
