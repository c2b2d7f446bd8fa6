import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.utils.translation import get_language

from notifications.services import notify, queue_account_email

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """The new account keeps the language the person used to sign up, and is welcomed."""
        user.language = (get_language() or "fr")[:2]
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                notify(user, "account_created", link="/espace/")
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's messages (address verification, password reset, "you already have an
        account") go through the outbox: an SMTP outage delays them instead of failing the
        request with a 500. Each is for an account that exists (unknown addresses get none)."""
        user = get_user_model().objects.filter(emailaddress__email__iexact=email).first()
        user = user or get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            logger.warning(
                "account e-mail %s to an address with no account: not sent", template_prefix
            )
            return
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
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
