"""Staff and partner accounts start with an invitation: a signed link that expires, where the
person sets up two-factor authentication and chooses a password in one step. Before that the
account has no usable password, so nobody who learns one can enrol their own TOTP first.

The link holds the account's id and a digest of its password hash and last login: accepting it
changes both, which spends the link (like Django's password reset links).
"""

import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import has_mfa, must_use_mfa
from anvt.errors import Refused
from notifications.services import notify

SALT = "accounts.invitation"


def _state(user) -> str:
    """Changes when the invitation is accepted (a new password, a first login)."""
    stamp = f"{user.pk}:{user.password}:{user.last_login}:{user.email}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:32]


def invitation_link(user) -> str:
    token = signing.dumps({"user": user.pk, "state": _state(user)}, salt=SALT)
    return f"{settings.SITE_URL}{reverse('invitation', args=[token])}"


def invited_user(token: str):
    """The account the link invites, or None when the link is forged, expired or spent."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.INVITATION_MAX_AGE_SECONDS)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or _state(user) != data.get("state") or has_mfa(user):
        return None
    return user


def invite(user, *, by=None) -> str:
    """Send (or send again) the invitation of a staff or partner account; its password, if any,
    stops working until the invitation is accepted. Returns the link (printed by seed_demo)."""
    if not must_use_mfa(user):
        raise Refused(_("Seuls les comptes de l'équipe et des partenaires sont invités."))
    if has_mfa(user):
        raise Refused(_("Ce compte a déjà activé la double authentification."))
    with transaction.atomic():
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        link = invitation_link(user)
        days = settings.INVITATION_MAX_AGE_SECONDS // 86400
        notify(user, "invitation", {"invitation_url": link, "days": days})
    return link


def accept(user, *, password: str, secret: str, code: str) -> None:
    """Enrol the TOTP device and set the password, together: never one without the other."""
    if not validate_totp_code(secret, code):
        raise Refused(_("Ce code ne correspond pas : saisissez le code affiché par l'application."))
    with transaction.atomic():
        # A second submission at the same moment waits here, then finds the account activated.
        get_user_model().objects.select_for_update().filter(pk=user.pk).values("pk").first()
        if has_mfa(user):
            raise Refused(_("Ce compte est déjà activé : connectez-vous."))
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)  # the way back in when the phone is lost
        user.set_password(password)
        user.last_login = timezone.now()
        user.save(update_fields=["password", "last_login"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
