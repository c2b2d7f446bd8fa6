import pytest
from django.utils import timezone

from missions import services
from missions.models import Contingent, IncomingVolunteer
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    MissionFactory,
    PartnerFactory,
    ThemeFactory,
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
    today = timezone.localdate()
    return IncomingVolunteer.objects.create(
        partner=org_a,
        first_name="Camille",
        last_name="Secretname",
        nationality="FR",
        birth_date="2001-09-22",
        passport_number="20FR45871",
        sending_organisation="France Volontaires",
        host_structure_name="Association de Kara",
        region="kara",
        theme=ThemeFactory(),
        arrival_date=today,
        departure_date=today + timezone.timedelta(days=200),
        emergency_contact_name="Marie Durand",
        emergency_contact_phone="+33612345678",
    )
