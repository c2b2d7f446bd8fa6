"""Two programme managers add the last seat of a contingent at the same moment (PostgreSQL)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from missions import services
from missions.enums import ApplicationStatus
from missions.models import Application, Contingent, Placement
from missions.workflow import WorkflowError
from tests.conftest import at_once, require_service
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ContingentFactory,
    MissionFactory,
    UserFactory,
)


@pytest.mark.django_db(transaction=True)
def test_two_managers_adding_the_last_seat_at_once_one_wins():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "concurrent transactions need PostgreSQL (DATABASE_URL)")
    mission = MissionFactory()
    call = CallFactory(missions=[mission])
    contingent = ContingentFactory(call=call, partner=mission.partner, capacity=1)
    applications = [
        ApplicationFactory(call=call, status=ApplicationStatus.SHORTLISTED) for _ in range(2)
    ]
    managers = [UserFactory(), UserFactory()]
    for manager in managers:
        manager.groups.add(Group.objects.get_or_create(name="programme_managers")[0])

    def add(manager, application):
        def attempt():
            try:
                with transaction.atomic():
                    services.add_to_contingent(
                        Contingent.objects.get(pk=contingent.pk),
                        actor=manager,
                        application=Application.objects.get(pk=application.pk),
                        mission=mission,
                    )
            except WorkflowError as exc:
                return exc.message
            return "added"

        return attempt

    outcomes = at_once(*(add(m, a) for m, a in zip(managers, applications, strict=True)))

    assert sorted(outcomes) == sorted(
        ["added", f"Le contingent « {contingent.name} » est complet."]
    )
    contingent.refresh_from_db()
    assert contingent.seats_taken == 1
    assert Placement.objects.count() == 1
    # A forming contingent tells nobody anything: both stay shortlisted, one holds the seat.
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == [ApplicationStatus.SHORTLISTED, ApplicationStatus.SHORTLISTED]
