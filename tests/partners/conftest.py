import pytest

from missions import services
from missions.models import Contingent
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    IncomingFactory,
    MembershipFactory,
    MissionFactory,
    PartnerFactory,
    complete_volunteer,
)
from tests.staff.conftest import manager, with_totp  # noqa: F401 (the manager fixture)


@pytest.fixture
def org_a(db):
    return PartnerFactory(name="France Volontaires")


@pytest.fixture
def org_b(db):
    return PartnerFactory(name="Autre Partenaire", country="BE")


@pytest.fixture
def coordinator_a(org_a):
    return with_totp(MembershipFactory(organisation=org_a, user__name="Claire Martin").user)


@pytest.fixture
def viewer_a(org_a):
    return MembershipFactory(organisation=org_a, role="viewer", user__name="Paul Lecteur").user


@pytest.fixture
def coordinator_b(org_b):
    return with_totp(MembershipFactory(organisation=org_b, user__name="Coordinatrice B").user)


@pytest.fixture
def sent_contingent(org_a, manager):  # noqa: F811
    """A contingent of org A with two proposed placements of volunteers named Secretname."""
    mission = MissionFactory(partner=org_a, title="Mission secrète à Lyon")
    call = CallFactory(missions=[mission])
    contingent = services.create_contingent(
        actor=manager, call=call, partner=org_a, name="Contingent secret", capacity=3
    )
    for n in range(2):
        volunteer = complete_volunteer(first_name=f"Vol{n}", last_name="Secretname")
        application = ApplicationFactory(call=call, volunteer=volunteer, status="shortlisted")
        services.add_to_contingent(
            contingent, actor=manager, application=application, mission=mission
        )
    services.send_contingent(contingent, actor=manager)
    return Contingent.objects.get(pk=contingent.pk)


@pytest.fixture
def incoming_a(org_a):
    return IncomingFactory(partner=org_a, last_name="Secretname", passport_number="20FR45871")
