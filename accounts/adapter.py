from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.utils.translation import get_language

from notifications.services import notify


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """The new account keeps the language the person used to sign up, and is welcomed."""
        user.language = (get_language() or "fr")[:2]
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                notify(user, "account_created", link="/espace/")
        return user
