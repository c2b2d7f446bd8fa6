import pytest

from tests.factories import ApplicationFactory, CallFactory, MissionFactory, complete_volunteer


@pytest.fixture
def volunteer_client(client, volunteer):
    client.force_login(volunteer)
    return client


@pytest.fixture
def open_call(db):
    return CallFactory(
        title="VIR 2026 — France",
        missions=[MissionFactory(title=f"Mission {n}") for n in range(4)],
    )


@pytest.fixture
def others_application(other_volunteer):
    """Another volunteer's complete, submitted file: what must never leak."""
    complete_volunteer(other_volunteer, first_name="Kossi", last_name="Secretname")
    return ApplicationFactory(
        volunteer=other_volunteer, motivation="Motivation secrète de Kossi", status="submitted"
    )
