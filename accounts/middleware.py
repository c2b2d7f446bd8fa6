from django.conf import settings

from accounts.roles import STAFF_ROLES, partner_membership_of, roles_of


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after an idle hour: each request of a staff member (or a partner
    coordinator) pushes the expiry back by STAFF_IDLE_SECONDS; volunteers keep the default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (roles_of(user) & STAFF_ROLES or user.is_superuser or _is_coordinator(user))
        ):
            request.session.set_expiry(settings.STAFF_IDLE_SECONDS)
        return self.get_response(request)


def _is_coordinator(user) -> bool:
    membership = partner_membership_of(user)
    return membership is not None and membership.is_coordinator
