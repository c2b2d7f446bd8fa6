"""The alumni tests' shared fixture: a mission carried out to its end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from missions import services
from tests.missions.test_handshake import propose


def complete_a_mission(manager, partner, coordinator):
    """A volunteer proposed to `partner`, confirmed, gone 200 days ago and back yesterday."""
    placement = propose(manager, partner)
    services.confirm_placement(placement, actor=coordinator)
    today = timezone.localdate()
    services.record_departure(placement, actor=coordinator, on=today - timedelta(days=200))
    services.record_arrival(placement, actor=coordinator, on=today - timedelta(days=199))
    services.record_return(placement, actor=coordinator, on=today - timedelta(days=1))
    placement.refresh_from_db()
    return placement


@pytest.fixture
def completed(manager, org_a, coordinator_a):
    return complete_a_mission(manager, org_a, coordinator_a)
