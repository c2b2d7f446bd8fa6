"""The handshake's pages read a bounded number of rows, whatever the volunteer has or the
placement has lived through (query counts, asserted)."""

from datetime import date

import pytest
from django.urls import reverse

from missions import services
from missions.enums import ApplicationStatus
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ExperienceFactory,
    MissionFactory,
    PartnerFactory,
    complete_volunteer,
)
from tests.files import PDF
from tests.missions.test_handshake import propose
from volunteers.models import Document

pytestmark = pytest.mark.django_db


def grow(placement, size):
    """`size` experiences and documents for her, and `size` corrections of her departure."""
    for i in range(size):
        ExperienceFactory(volunteer=placement.volunteer, organisation=f"Association {i}")
        Document.objects.create(
            volunteer=placement.volunteer,
            kind="other",
            file=f"documents/{i}.pdf",
            original_name=f"{i}.pdf",
            content_type="application/pdf",
            size=len(PDF),
        )


@pytest.mark.parametrize("size", [1, 15])
def test_the_partner_decision_file_is_bounded(
    client, manager, org_a, coordinator_a, size, django_assert_max_num_queries
):
    placement = propose(manager, org_a, share_documents=True)
    grow(placement, size)
    client.force_login(coordinator_a)
    with django_assert_max_num_queries(QUERIES["partner"]):
        page = client.get(reverse("partners:placement", args=[placement.pk]))
    assert page.status_code == 200
    assert page.text.count("Aperçu") == Document.objects.count()


@pytest.mark.parametrize("size", [1, 15])
def test_the_staff_placement_page_is_bounded(
    manager_client, manager, org_a, coordinator_a, size, django_assert_max_num_queries
):
    host = PartnerFactory(kind="host_structure", contact_email="accueil@example.org")
    placement = propose(manager, org_a, host=host)
    services.confirm_placement(placement, actor=coordinator_a)
    for _ in range(size):
        services.extend_deadline(placement, actor=manager, days=1)
    with django_assert_max_num_queries(QUERIES["staff"]):
        page = manager_client.get(reverse("staff:placement", args=[placement.pk]))
    assert page.text.count("Date limite prolongée") == size


@pytest.mark.parametrize("size", [1, 15])
def test_the_volunteer_placement_page_is_bounded(
    client, manager, org_a, coordinator_a, size, django_assert_max_num_queries
):
    placement = propose(manager, org_a)
    grow(placement, size)
    services.confirm_placement(placement, actor=coordinator_a)
    services.record_departure(placement, actor=coordinator_a, on=date(2026, 11, 1))
    client.force_login(placement.volunteer)
    with django_assert_max_num_queries(QUERIES["volunteer"]):
        page = client.get(reverse("volunteers:placement", args=[placement.pk]))
    assert "Départ" in page.text


@pytest.mark.parametrize("size", [1, 12])
def test_the_contingent_page_is_bounded(
    manager_client, manager, org_a, size, django_assert_max_num_queries
):
    mission = MissionFactory(partner=org_a)
    call = CallFactory(missions=[mission])
    contingent = services.create_contingent(
        actor=manager, call=call, partner=org_a, name="Contingent", capacity=size + 5
    )
    for i in range(size + 3):
        application = ApplicationFactory(
            call=call,
            volunteer=complete_volunteer(first_name=f"Vol{i}"),
            status=ApplicationStatus.SHORTLISTED,
        )
        if i < size:
            services.add_to_contingent(
                contingent, actor=manager, application=application, mission=mission
            )
    with django_assert_max_num_queries(QUERIES["contingent"]):
        page = manager_client.get(reverse("staff:contingent", args=[contingent.pk]))
    assert page.text.count("Suivre") == size
    assert page.text.count('class="card add-row"') == 3


# Measured on SQLite and PostgreSQL; the same whatever the size.
# The partner's and the staff's pages read the mobility file too (one query).
QUERIES = {"partner": 21, "staff": 14, "volunteer": 6, "contingent": 13}
