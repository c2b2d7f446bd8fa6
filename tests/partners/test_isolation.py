"""A partner user sees only their own organisation's rows, everywhere (the heart of issue 6)."""

import pytest
from django.urls import reverse

from missions.models import IncomingVolunteer, Mission, Placement

pytestmark = pytest.mark.django_db
SECRETS = ("Secretname", "Contingent secret", "Mission secrète", "20FR45871")


def urls_of_org_a(contingent, incoming, offer):
    placement = contingent.placements.first()
    return [
        ("get", reverse("partners:contingent", args=[contingent.pk])),
        ("get", reverse("partners:placement", args=[placement.pk])),
        ("post", reverse("partners:placement_confirm", args=[placement.pk])),
        ("post", reverse("partners:placement_decline", args=[placement.pk])),
        ("post", reverse("partners:placement_departure", args=[placement.pk])),
        ("post", reverse("partners:placement_report_midterm", args=[placement.pk])),
        ("get", reverse("partners:placement_report_midterm_file", args=[placement.pk])),
        ("get", reverse("partners:incoming_edit", args=[incoming.pk])),
        ("post", reverse("partners:incoming_arrived", args=[incoming.pk])),
        ("get", reverse("partners:mission_edit", args=[offer.pk])),
    ]


@pytest.fixture
def offer_a(org_a):
    return Mission.objects.create(
        title="Mission secrète proposée",
        description="…",
        theme_id=Mission.objects.first().theme_id,
        direction="incoming",
        partner=org_a,
        country="TG",
        city="Kara",
        start_date="2027-01-01",
        end_date="2027-03-01",
        status="draft",
    )


def test_a_user_of_another_organisation_gets_404_and_sees_nothing(
    client, coordinator_b, sent_contingent, incoming_a, offer_a
):
    client.force_login(coordinator_b)
    for method, url in urls_of_org_a(sent_contingent, incoming_a, offer_a):
        response = getattr(client, method)(url, {"decision": "confirm", "on": "2026-10-01"})
        assert response.status_code == 404, url
        assert not any(secret in response.content.decode() for secret in SECRETS), url
    assert set(Placement.objects.values_list("status", flat=True)) == {"proposed"}
    assert IncomingVolunteer.objects.get().status == "declared"


def test_lists_and_counts_of_b_never_include_a(
    client, coordinator_b, sent_contingent, incoming_a, offer_a
):
    client.force_login(coordinator_b)
    for name in ("partners:home", "partners:incoming", "partners:missions", "partners:members"):
        page = client.get(reverse(name))
        assert page.status_code == 200
        assert not any(secret in page.text for secret in SECRETS), name
    home = client.get(reverse("partners:home"))
    assert "0 affectation à confirmer" in home.text
    assert home.context["placements"] == []


@pytest.mark.parametrize("who", ["volunteer", "manager"])
def test_volunteers_and_staff_without_membership_get_404(
    client, who, request, sent_contingent, incoming_a, offer_a
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("partners:home")).status_code == 404
    for method, url in urls_of_org_a(sent_contingent, incoming_a, offer_a):
        assert getattr(client, method)(url).status_code == 404, url


def test_anonymous_users_are_sent_to_login(client, sent_contingent, incoming_a, offer_a):
    for method, url in [
        ("get", reverse("partners:home")),
        *urls_of_org_a(sent_contingent, incoming_a, offer_a),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_contingent_still_forming_is_invisible_to_the_partner(
    client, coordinator_a, org_a, manager
):
    from missions import services
    from tests.factories import CallFactory

    forming = services.create_contingent(
        actor=manager, call=CallFactory(), partner=org_a, name="Brouillon interne", capacity=2
    )
    client.force_login(coordinator_a)
    assert client.get(reverse("partners:contingent", args=[forming.pk])).status_code == 404
    assert "Brouillon interne" not in client.get(reverse("partners:home")).text


def test_partner_notifications_are_their_own(client, coordinator_a, coordinator_b, sent_contingent):
    client.force_login(coordinator_b)
    page = client.get(reverse("notifications:list"))
    assert "Contingent secret" not in page.text
    client.force_login(coordinator_a)
    assert "Contingent secret" in client.get(reverse("notifications:list")).text
