"""Permission predicates, used by services, views and templates alike."""

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
