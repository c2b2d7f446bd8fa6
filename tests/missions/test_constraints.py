"""Rules the database itself enforces, whatever code writes the rows."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from missions.enums import PlacementStatus
from missions.models import (
    Application,
    ApplicationChoice,
    Contingent,
    Criterion,
    Placement,
    Review,
)
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ContingentFactory,
    ExperienceFactory,
    MissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_one_application_per_volunteer_per_call():
    application = ApplicationFactory()
    refused(
        lambda: Application.objects.create(volunteer=application.volunteer, call=application.call)
    )


def test_a_mission_once_per_application_and_ranks_unique():
    first, second = MissionFactory(), MissionFactory()
    application = ApplicationFactory(call=CallFactory(missions=[first, second]), choose=[first])
    refused(
        lambda: ApplicationChoice.objects.create(application=application, mission=first, rank=2)
    )
    refused(
        lambda: ApplicationChoice.objects.create(application=application, mission=second, rank=1)
    )
    refused(
        lambda: ApplicationChoice.objects.create(application=application, mission=second, rank=0)
    )
    ApplicationChoice.objects.create(application=application, mission=second, rank=2)
    assert application.choices.count() == 2


def test_one_review_per_reviewer_and_scores_from_0_to_20():
    application, reviewer = ApplicationFactory(), UserFactory()
    review = {"scores": {"motivation": 4}, "score": 14, "recommendation": "select"}
    Review.objects.create(application=application, reviewer=reviewer, **review)
    refused(lambda: Review.objects.create(application=application, reviewer=reviewer, **review))
    refused(
        lambda: Review.objects.create(
            application=application, reviewer=UserFactory(), **{**review, "score": 21}
        )
    )


def test_a_criterion_weighs_1_to_10_and_marks_up_to_20():
    call = ApplicationFactory().call
    Criterion.objects.create(call=call, key="terrain", name="Terrain", weight=10, max_score=20)
    refused(lambda: Criterion.objects.create(call=call, key="terrain", name="Doublon"))
    refused(lambda: Criterion.objects.create(call=call, key="a", name="A", weight=0))
    refused(lambda: Criterion.objects.create(call=call, key="b", name="B", weight=11))
    refused(lambda: Criterion.objects.create(call=call, key="c", name="C", max_score=21))


def test_end_dates_never_precede_start_dates():
    refused(lambda: MissionFactory(start_date=date(2026, 10, 1), end_date=date(2026, 9, 30)))
    refused(lambda: ExperienceFactory(start_date=date(2024, 1, 2), end_date=date(2024, 1, 1)))
    refused(lambda: CallFactory(opens_at="2026-03-01T00:00Z", closes_at="2026-02-01T00:00Z"))
    ExperienceFactory(start_date=date(2024, 1, 1), end_date=None)  # ongoing is fine


def test_seats_and_capacities_are_positive():
    refused(lambda: MissionFactory(seats=0))
    refused(lambda: ContingentFactory(capacity=0))


def test_contingent_never_holds_more_seats_than_its_capacity():
    contingent = ContingentFactory(capacity=1, seats_taken=1)
    refused(lambda: Contingent.objects.filter(pk=contingent.pk).update(seats_taken=2))


def test_a_volunteer_has_one_confirmed_or_departed_placement_at_a_time():
    application = ApplicationFactory()
    other = ApplicationFactory(volunteer=application.volunteer)
    for app in (application, other):
        Placement.objects.create(
            contingent=ContingentFactory(call=app.call),
            application=app,
            volunteer=app.volunteer,
            mission=app.call.missions.get(),
            status=PlacementStatus.PROPOSED,
        )
    first, second = Placement.objects.order_by("pk")
    Placement.objects.filter(pk=first.pk).update(status=PlacementStatus.CONFIRMED)
    refused(lambda: Placement.objects.filter(pk=second.pk).update(status=PlacementStatus.DEPARTED))
    Placement.objects.filter(pk=first.pk).update(status=PlacementStatus.COMPLETED)
    Placement.objects.filter(pk=second.pk).update(status=PlacementStatus.CONFIRMED)
