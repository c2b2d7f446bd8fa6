import time

from django.conf import settings

from accounts.roles import STAFF_ROLES, partner_membership_of, roles_of

# The last moment the expiry was pushed back, in the session.
ACTIVE_KEY = "_anvt_active"
# Pushed back at most once a minute: saving the session on every request cost three queries of
# every staff page (issue 18). The idle limit holds within a minute.
TOUCH_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after an idle hour: a request of a staff member (or a partner
    coordinator) pushes the expiry back by STAFF_IDLE_SECONDS, once a minute at most; volunteers
    keep the default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (roles_of(user) & STAFF_ROLES or user.is_superuser or _is_coordinator(user))
        ):
            now = int(time.time())
            if now - request.session.get(ACTIVE_KEY, 0) >= TOUCH_SECONDS:
                request.session[ACTIVE_KEY] = now
                request.session.set_expiry(settings.STAFF_IDLE_SECONDS)
        return self.get_response(request)


def _is_coordinator(user) -> bool:
    membership = partner_membership_of(user)
    return membership is not None and membership.is_coordinator
