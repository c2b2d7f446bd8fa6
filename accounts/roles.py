"""Who may do what: the roles of PRODUCT section 2, computed once per request."""

from enum import StrEnum
from functools import cache

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection

from partners.models import PartnerMembership, PartnerOrganisation


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


@cache
def _facts_sql() -> str:
    """The groups, the active partner membership and the TOTP enrolment of one user, in one
    statement. Written in SQL (the names from the models): the ORM took longer to build this
    query, with its four subqueries, than the database to answer it, on every signed-in page."""
    q = connection.ops.quote_name
    User = get_user_model()
    through = User.groups.through._meta
    group, member, partner = Group._meta, PartnerMembership._meta, PartnerOrganisation._meta
    mfa = Authenticator._meta

    def column(meta, name):
        return f"{q(meta.db_table)}.{q(meta.get_field(name).column)}"

    in_group = (
        f"EXISTS (SELECT 1 FROM {q(through.db_table)} JOIN {q(group.db_table)} "  # noqa: S608
        f"ON {column(group, 'id')} = {column(through, 'group')} "
        f"WHERE {column(through, 'user')} = %s AND {column(group, 'name')} = %s)"
    )
    membership = (
        f"(SELECT {column(member, 'id')} FROM {q(member.db_table)} "  # noqa: S608
        f"JOIN {q(partner.db_table)} "
        f"ON {column(partner, 'id')} = {column(member, 'organisation')} "
        f"WHERE {column(member, 'user')} = %s AND {column(partner, 'active')} "
        f"ORDER BY {column(member, 'id')} LIMIT 1)"
    )
    totp = (
        f"EXISTS (SELECT 1 FROM {q(mfa.db_table)} "  # noqa: S608
        f"WHERE {column(mfa, 'user')} = %s AND {column(mfa, 'type')} = %s)"
    )
    return f"SELECT {in_group}, {in_group}, {membership}, {totp}"


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds. A signed-up person with no other role is a volunteer.

    One query answers for the groups, the partner membership and the two-factor enrolment of
    the request's user (every page of the staff and partners asks all three); the answer is
    cached on the user object, so templates and views may ask freely.
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_anvt_roles", None)
    if cached is not None:
        return cached
    with connection.cursor() as cursor:
        pk, totp = user.pk, Authenticator.Type.TOTP
        cursor.execute(
            _facts_sql(), (pk, REVIEWERS_GROUP, pk, PROGRAMME_MANAGERS_GROUP, pk, pk, totp)
        )
        reviewer, manager, membership, totp = cursor.fetchone()
    facts = {"reviewer": reviewer, "manager": manager, "membership": membership, "totp": totp}
    roles: set[Role] = set()
    if facts["reviewer"]:
        roles.add(Role.REVIEWER)
    if facts["manager"]:
        roles.add(Role.PROGRAMME_MANAGER)
    if facts["membership"] is not None:
        roles.add(Role.PARTNER)
    else:
        user._anvt_membership = None
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    if not roles:
        roles.add(Role.VOLUNTEER)
    user._anvt_totp = bool(facts["totp"])
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
    """Whether the user has enrolled a TOTP authenticator (two-factor authentication), asked of
    the database now: for the moments it changes (sign-in, invitation, enrolment)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_enrolled(user) -> bool:
    """`has_mfa` as the request's user stood when the request began, read with the roles: what
    the pages of the staff and partner spaces check on every request."""
    roles_of(user)
    return bool(getattr(user, "_anvt_totp", False))


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
