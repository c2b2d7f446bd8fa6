"""Devices a person has signed in from: a signed cookie, so that a lockout caused by someone
else's failed attempts does not lock the owner out of their own phone or computer."""

from django.conf import settings
from django.core import signing

COOKIE = "anvt_known_device"
SALT = "accounts.known-device"
MAX_AGE = 365 * 24 * 3600


def known_user_id(request) -> int | None:
    """The id of the account that signed in from this device before, or None."""
    value = request.COOKIES.get(COOKIE)
    if not value:
        return None
    try:
        return int(signing.loads(value, salt=SALT, max_age=MAX_AGE))
    except (signing.BadSignature, ValueError, TypeError):
        return None


class KnownDeviceMiddleware:
    """Marks the device of every signed-in person (once per person and device)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and known_user_id(request) != user.pk:
            response.set_cookie(
                COOKIE,
                signing.dumps(user.pk, salt=SALT),
                max_age=MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
