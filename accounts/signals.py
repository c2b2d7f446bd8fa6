"""What the account's own events send: the welcome once the address is confirmed, and a warning
when a staff or partner account is opened from a device it never used."""

import re

from allauth.account.adapter import get_adapter
from allauth.account.signals import email_confirmed, user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from accounts import devices
from accounts.roles import must_use_mfa, space_of
from notifications.services import notify

# The browser and system a user agent names, for a person to recognise their own device.
BROWSERS = (("Edg", "Edge"), ("OPR", "Opera"), ("Firefox", "Firefox"), ("Chrome", "Chrome"))
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS", "macOS"),
    ("Linux", "Linux"),
)


def describe_browser(user_agent: str) -> str:
    browser = next((name for key, name in BROWSERS if key in user_agent), "")
    if not browser and re.search(r"Version/[\d.]+.*Safari", user_agent):
        browser = "Safari"
    system = next((name for key, name in SYSTEMS if key in user_agent), "")
    described = " / ".join(part for part in (browser, system) if part)
    return described or user_agent[:60] or "?"


def _client_ip(request) -> str:
    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:  # behind a proxy that did not say
        return "?"


@receiver(email_confirmed)
def welcome(request, email_address, **kwargs):
    """Once, when the account's own address is confirmed: what to do first, in her space."""
    user = email_address.user
    if email_address.email.lower() != user.email.lower():
        return  # a second address added later: no second welcome
    notify(user, "account_created", link=reverse(space_of(user)), dedupe_key="welcome")


@receiver(user_logged_in)
def warn_of_new_device(sender, request, user, **kwargs):
    """Staff and partner accounts read personal data: a sign-in (password, code, two-factor)
    from a device the account never used is told to its owner. allauth's signal: the
    invitation's first sign-in (accounts.views) is not one of these."""
    if not must_use_mfa(user) or devices.known_user_id(request) == user.pk:
        return
    notify(
        user,
        "new_sign_in",
        {
            "at": timezone.now(),
            "browser": describe_browser(request.headers.get("User-Agent", "")),
            "ip": _client_ip(request),
        },
        link=reverse("account_change_password"),
    )
