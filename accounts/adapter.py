import logging
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, gettext

from accounts import devices
from accounts.roles import has_mfa, must_use_mfa, space_of
from anvt.http import absolute_url
from notifications.services import notify, queue_account_email

logger = logging.getLogger(__name__)


def _owner_of(email: str, context: dict):
    """Whose message it is: the account allauth names in the context (an address it asks to
    verify), else the account whose own or verified address this is. Never an account that
    merely added the address unverified: that would hand someone else's codes to it."""
    named = context.get("user")
    if getattr(named, "pk", None) and (
        named.email.lower() == email.lower()
        or EmailAddress.objects.filter(user=named, email__iexact=email).exists()
    ):
        return named
    users = get_user_model().objects
    return (
        users.filter(email__iexact=email).first()
        or users.filter(emailaddress__email__iexact=email, emailaddress__verified=True).first()
    )


def _account_id(email: str) -> int | None:
    return get_user_model().objects.filter(email__iexact=email).values_list("pk", flat=True).first()


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """The new account keeps the language the person used to sign up. It is welcomed once
        its address is confirmed (accounts.signals), not before."""
        user.language = (get_language() or "fr")[:2]
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request) -> str:
        """Into the person's own space: a volunteer's dashboard, the staff's or partner's home."""
        return reverse(space_of(request.user))

    def get_signup_redirect_url(self, request) -> str:
        """A new account lands in its space once its address is confirmed."""
        return reverse(space_of(request.user))

    # Links in account e-mails start with the portal's public address (settings.SITE_URL),
    # never with the host the request came in on.

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_account_already_exists_mail(self, email: str) -> None:
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {"password_reset_url": absolute_url(reverse("account_reset_password"))},
        )

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's messages (address verification, password reset, "you already have an
        account") go through the outbox: an SMTP outage delays them instead of failing the
        request with a 500. Each is for an account that exists (unknown addresses get none)."""
        user = _owner_of(email, context)
        if user is None:
            logger.warning(
                "account e-mail %s to an address with no account: not sent", template_prefix
            )
            return
        request = allauth_context.request
        # In the account's language, with the portal's name and address (templates/account/email).
        with translation.override(user.language or settings.LANGUAGE_CODE):
            message = self.render_mail(
                template_prefix,
                email,
                {
                    "request": request,
                    "email": email,
                    **context,
                    "name": user.name,
                    "site_name": settings.SITE_NAME,
                    "site_url": settings.SITE_URL,
                },
            )
        html = next(
            (
                content
                for content, kind in getattr(message, "alternatives", [])
                if kind == "text/html"
            ),
            "",
        )
        queue_account_email(
            user, to=email, subject=message.subject, body=message.body, body_html=html
        )

    def pre_login(self, request, user, **kwargs):
        """Staff and partner accounts sign in only once their two-factor authentication is set
        up, which their invitation does: a password alone never opens them (issue 12)."""
        if must_use_mfa(user) and not has_mfa(user):
            messages.error(
                request,
                gettext(
                    "Ce compte s'active par le lien d'invitation reçu par e-mail (mot de passe et "
                    "double authentification). Demandez à l'ANVT de vous le renvoyer."
                ),
            )
            return HttpResponseRedirect(reverse("account_login"))
        return super().pre_login(request, user, **kwargs)

    # Login failures ------------------------------------------------------------------------------

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failures count per account, as allauth does, except on a device the owner has signed
        in from before (accounts.devices): it has its own count, so that an attacker's five
        failures from elsewhere do not lock the owner out of their own phone."""
        key = super()._get_login_attempts_cache_key(request, **credentials)
        login = credentials.get("email", credentials.get("username", ""))
        known = devices.known_user_id(request)
        if known is not None and known == _account_id(login):
            return f"{key}:known-device"
        return key

    def authentication_failed(self, request, **credentials) -> None:
        """When an account reaches the limit of failures, its owner is told by e-mail (once per
        window), with the way in that remains: a one-time code by e-mail."""
        super().authentication_failed(request, **credentials)
        login = credentials.get("email", credentials.get("username", "")).lower()
        counter = f"anvt:login-failures:{login}"
        cache.add(counter, 0, timeout=settings.LOGIN_FAILURES_WINDOW_SECONDS)
        try:
            failures = cache.incr(counter)
        except ValueError:  # expired between add and incr
            return
        if failures == settings.LOGIN_FAILURES_LIMIT:
            user = get_user_model().objects.filter(email__iexact=login, is_active=True).first()
            if user is not None:
                notify(user, "login_attempts", {"failures": failures}, link="/accounts/login/")
