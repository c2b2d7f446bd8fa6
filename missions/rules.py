"""Permission predicates, used by services, views and templates alike."""

from django.utils.translation import gettext as _

from accounts.roles import (  # noqa: F401 (re-exported: the predicates in one place)
    is_programme_manager,
    is_reviewer,
    is_volunteer,
    partner_membership_of,
)
from missions.enums import Actor


def can_review(user, application) -> bool:
    """Managers review every call; reviewers the calls they are assigned to."""
    if is_programme_manager(user):
        return True
    return is_reviewer(user) and application.call.reviewers.filter(pk=user.pk).exists()


def can_verify(user) -> bool:
    """Verifying an experience or a document is a programme manager's act: the item counts for
    every call the volunteer applies to, not only the calls a reviewer is assigned to."""
    return is_programme_manager(user)


def is_coordinator_of(user, organisation_id: int | None) -> bool:
    membership = partner_membership_of(user)
    return (
        membership is not None
        and membership.is_coordinator
        and membership.organisation_id == organisation_id
    )


def partner_of(obj) -> int | None:
    """The partner organisation that answers for an object of the programme."""
    # missions.models uses these predicates in its QuerySets: imported at call time.
    from missions.models import Contingent, IncomingVolunteer, Mission, Placement

    if isinstance(obj, Placement):
        return obj.contingent.partner_id
    if isinstance(obj, Contingent | Mission | IncomingVolunteer):
        return obj.partner_id
    return None


def may_act(actor_kind: str, user, obj) -> bool:
    """Whether `user` (None for a background job) is the kind of actor a transition needs."""
    if actor_kind == Actor.SYSTEM:
        return user is None
    if actor_kind == Actor.HOST:
        # The host's contact has no account: the service checked the placement's signed link
        # (missions.hostlinks) before the move, which the audit row records as its job.
        return user is None
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if actor_kind == Actor.OWNER:
        return getattr(obj, "volunteer_id", None) == user.pk
    if actor_kind == Actor.STAFF:
        return can_review(user, obj)
    if actor_kind == Actor.MANAGER:
        return is_programme_manager(user)
    if actor_kind == Actor.COORDINATOR:
        return is_coordinator_of(user, partner_of(obj))
    return False


def host_region_refusal(host, region: str) -> str | None:
    """Why a foreign volunteer cannot be declared at this host for a mission in that region of
    Togo (the host is registered in another), or None. The form and the service both ask."""
    if host is None or not host.region or not region or host.region == region:
        return None
    from partners.enums import Region

    labels = dict(Region.choices)
    return _(
        "%(host)s est enregistrée dans la région %(host_region)s, la mission est dans la "
        "région %(region)s : choisissez une structure de la région de la mission, ou corrigez "
        "la région."
    ) % {
        "host": host.name,
        "host_region": labels.get(host.region, host.region),
        "region": labels.get(region, region),
    }
