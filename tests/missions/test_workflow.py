"""Every allowed transition works for the right actor; every other move is refused and changes
nothing (PRODUCT section 5)."""

import itertools

import pytest
from django.contrib.auth.models import Group

from audit.models import StatusChange
from missions.enums import (
    APPLICATION_TRANSITIONS,
    CONTINGENT_TRANSITIONS,
    INCOMING_TRANSITIONS,
    MISSION_TRANSITIONS,
    PLACEMENT_TRANSITIONS,
    Actor,
    ApplicationStatus,
    ContingentStatus,
    IncomingStatus,
    MissionStatus,
    PlacementStatus,
)
from missions.models import Application, Contingent, IncomingVolunteer, Mission, Placement
from missions.workflow import WorkflowError, transition, transition_many
from tests.factories import (
    ApplicationFactory,
    ContingentFactory,
    IncomingFactory,
    MembershipFactory,
    MissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _world():
    """One object of each kind, sharing a partner, with one user per kind of actor."""
    coordinator = MembershipFactory().user
    partner = coordinator.partner_membership.organisation
    manager = UserFactory()
    manager.groups.add(Group.objects.get_or_create(name="programme_managers")[0])
    reviewer = UserFactory()
    reviewer.groups.add(Group.objects.get_or_create(name="reviewers")[0])
    mission = MissionFactory(partner=partner)
    application = ApplicationFactory(call__missions=[mission])
    application.call.reviewers.add(reviewer)
    contingent = ContingentFactory(call=application.call, partner=partner)
    placement = Placement.objects.create(
        contingent=contingent,
        application=application,
        volunteer=application.volunteer,
        mission=mission,
    )
    actors = {
        Actor.OWNER: application.volunteer,
        Actor.STAFF: reviewer,
        Actor.MANAGER: manager,
        Actor.COORDINATOR: coordinator,
        Actor.SYSTEM: None,
        Actor.HOST: None,  # the host's contact, through the signed link (no account)
    }
    return {
        Application: application,
        Placement: placement,
        Contingent: contingent,
        Mission: mission,
        IncomingVolunteer: IncomingFactory(partner=partner),
    }, actors


TABLES = [
    (Application, ApplicationStatus, APPLICATION_TRANSITIONS),
    (Placement, PlacementStatus, PLACEMENT_TRANSITIONS),
    (Contingent, ContingentStatus, CONTINGENT_TRANSITIONS),
    (Mission, MissionStatus, MISSION_TRANSITIONS),
    (IncomingVolunteer, IncomingStatus, INCOMING_TRANSITIONS),
]
TABLE_OF = {model: table for model, _enum, table in TABLES}


def _kinds(allowed):
    return {allowed} if isinstance(allowed, str) else set(allowed)


ALLOWED = [
    pytest.param(model, source, target, kind, id=f"{model.__name__}:{source}->{target} by {kind}")
    for model, _enum, table in TABLES
    for (source, target), allowed in sorted(table.items())
    for kind in sorted(_kinds(allowed))
]

FORBIDDEN = [
    pytest.param(model, source, target, id=f"{model.__name__}:{source}->{target}")
    for model, enum, table in TABLES
    for source, target in itertools.permutations(enum.values, 2)
    if (source, target) not in table
]


def _at(obj, status):
    type(obj).objects.filter(pk=obj.pk).update(status=status)
    obj.refresh_from_db()
    return obj


@pytest.mark.parametrize(("model", "source", "target", "kind"), ALLOWED)
def test_allowed_transition_is_made_and_audited(model, source, target, kind):
    objects, actors = _world()
    obj = _at(objects[model], source)

    changed = transition(
        obj,
        target,
        actor=actors[kind],
        job="test" if kind in (Actor.SYSTEM, Actor.HOST) else "",
        reason="r",
    )

    obj.refresh_from_db()
    assert changed is True
    assert obj.status == target
    change = StatusChange.objects.for_object(obj).get()
    assert (change.from_status, change.to_status, change.actor, change.reason) == (
        source,
        target,
        actors[kind],
        "r",
    )


@pytest.mark.parametrize(("model", "source", "target", "kind"), ALLOWED)
def test_allowed_transition_refuses_every_other_actor(model, source, target, kind):
    objects, actors = _world()
    obj = _at(objects[model], source)
    allowed = _kinds(TABLE_OF[model][(source, target)])
    for other, user in actors.items():
        if other in allowed or user is None or (other == Actor.MANAGER and Actor.STAFF in allowed):
            continue
        with pytest.raises(WorkflowError, match="pas le droit"):
            transition(obj, target, actor=user)
        obj.refresh_from_db()
        assert obj.status == source
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(("model", "source", "target"), FORBIDDEN)
def test_forbidden_transition_is_refused_and_changes_nothing(model, source, target):
    objects, actors = _world()
    obj = _at(objects[model], source)

    with pytest.raises(WorkflowError, match="Impossible de passer"):
        transition(obj, target, actor=actors[Actor.MANAGER])

    obj.refresh_from_db()
    assert obj.status == source
    assert not StatusChange.objects.exists()


def test_same_status_is_a_no_op_without_audit_row():
    objects, actors = _world()
    application = objects[Application]
    assert transition(application, ApplicationStatus.DRAFT, actor=actors[Actor.OWNER]) is False
    assert not StatusChange.objects.exists()


def test_a_job_must_name_itself():
    objects, _actors = _world()
    with pytest.raises(ValueError, match="must name its job"):
        transition(objects[Application], ApplicationStatus.SUBMITTED, actor=None)


def test_status_change_rows_are_append_only():
    objects, actors = _world()
    transition(objects[Application], ApplicationStatus.SUBMITTED, actor=actors[Actor.OWNER])
    change = StatusChange.objects.get()
    change.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        change.save()
    with pytest.raises(ValueError, match="append-only"):
        change.delete()


def test_transition_many_moves_each_object_once_with_one_audit_row_each():
    submitted = ApplicationFactory.create_batch(3, status=ApplicationStatus.SUBMITTED)
    already = ApplicationFactory(status=ApplicationStatus.ELIGIBLE)
    moved = transition_many(
        [(application, ApplicationStatus.ELIGIBLE) for application in [*submitted, already]],
        job="eligibility_check",
    )
    assert moved == submitted
    assert set(Application.objects.values_list("status", flat=True)) == {"eligible"}
    rows = StatusChange.objects.order_by("object_id")
    assert [(r.object_id, r.from_status, r.to_status, r.job, r.actor) for r in rows] == [
        (a.pk, "submitted", "eligible", "eligibility_check", None) for a in submitted
    ]


def test_transition_many_refuses_a_move_no_job_may_make_and_writes_nothing():
    applications = [
        ApplicationFactory(status=ApplicationStatus.SUBMITTED),
        ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW),
    ]
    with pytest.raises(WorkflowError):
        transition_many(
            [(applications[0], ApplicationStatus.ELIGIBLE), (applications[1], "shortlisted")],
            job="eligibility_check",
        )
    assert sorted(Application.objects.values_list("status", flat=True)) == [
        "submitted",
        "under_review",
    ]
    assert not StatusChange.objects.exists()
