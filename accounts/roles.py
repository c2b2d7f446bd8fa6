"""Who may do what: the roles of PRODUCT section 2, computed once per request."""

from enum import StrEnum

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser

from partners.models import PartnerMembership


class Role(StrEnum):
    VOLUNTEER = "volunteer"
    REVIEWER = "reviewer"
    PROGRAMME_MANAGER = "programme_manager"
    PARTNER = "partner"
    ADMINISTRATOR = "administrator"


# Group names are data (created by a migration); these are the names the code relies on.
REVIEWERS_GROUP = "reviewers"
PROGRAMME_MANAGERS_GROUP = "programme_managers"
STAFF_ROLES = frozenset({Role.REVIEWER, Role.PROGRAMME_MANAGER})


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds. A signed-up person with no other role is a volunteer.

    The answer is cached on the user object, so templates and views may ask freely.
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_anvt_roles", None)
    if cached is not None:
        return cached
    roles: set[Role] = set()
    groups = set(user.groups.values_list("name", flat=True))
    if REVIEWERS_GROUP in groups:
        roles.add(Role.REVIEWER)
    if PROGRAMME_MANAGERS_GROUP in groups:
        roles.add(Role.PROGRAMME_MANAGER)
    if partner_membership_of(user) is not None:
        roles.add(Role.PARTNER)
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    if not roles:
        roles.add(Role.VOLUNTEER)
    user._anvt_roles = frozenset(roles)
    return user._anvt_roles


def is_staff_member(user) -> bool:
    """A reviewer or a programme manager: someone of ANVT's team."""
    return bool(roles_of(user) & STAFF_ROLES)


def is_programme_manager(user) -> bool:
    return Role.PROGRAMME_MANAGER in roles_of(user)


def is_reviewer(user) -> bool:
    return Role.REVIEWER in roles_of(user)


def is_volunteer(user) -> bool:
    return Role.VOLUNTEER in roles_of(user)


def has_mfa(user) -> bool:
    """Whether the user has enrolled a TOTP authenticator (two-factor authentication)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def must_use_mfa(user) -> bool:
    """Staff, partner users and administrators read personal data: two-factor authentication is
    theirs to use, from their first sign-in on (accounts.invitations)."""
    return bool(roles_of(user) - {Role.VOLUNTEER}) or user.is_staff or user.is_superuser


def space_of(user) -> str:
    """The URL name of the space a person works in, where their sign-in takes them."""
    roles = roles_of(user)
    if roles & STAFF_ROLES:
        return "staff:home"
    if Role.PARTNER in roles:
        return "partners:home"
    if Role.VOLUNTEER in roles:
        return "volunteers:dashboard"
    return "home"


def partner_membership_of(user):
    """The user's membership of an active partner organisation, or None (cached per request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_anvt_membership"):
        user._anvt_membership = (
            PartnerMembership.objects.select_related("organisation")
            .filter(user=user, organisation__active=True)
            .first()
        )
    return user._anvt_membership
