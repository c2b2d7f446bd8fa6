"""Two simultaneous clicks on the same decision change it once (PostgreSQL row locks)."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from audit.models import StatusChange
from missions.models import Placement
from notifications.models import Notification
from tests.conftest import at_once, require_service
from tests.factories import ApplicationFactory, ContingentFactory, complete_volunteer


def twice_at_once(user, url, data):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "concurrent transactions need PostgreSQL (DATABASE_URL)")
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)
    return at_once(
        *(lambda client=client: client.post(url, data).status_code for client in clients)
    )


@pytest.mark.django_db(transaction=True)
def test_two_confirm_clicks_confirm_once(coordinator_a, sent_contingent):
    placement = sent_contingent.placements.order_by("pk").first()
    statuses = twice_at_once(
        coordinator_a,
        reverse("partners:placement_confirm", args=[placement.pk]),
        {},
    )
    assert statuses == [302, 302]
    placement.refresh_from_db()
    assert placement.status == "confirmed"
    assert (
        StatusChange.objects.filter(
            object_id=placement.pk, to_status="confirmed", content_type__model="placement"
        ).count()
        == 1
    )
    assert Notification.objects.filter(event="placement_decided", channel="email").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_select_clicks_select_once(manager, call):
    contingent = ContingentFactory(call=call, capacity=3)
    application = ApplicationFactory(
        call=call, volunteer=complete_volunteer(), status="shortlisted"
    )
    url = reverse("staff:contingent_add", args=[contingent.pk])
    statuses = twice_at_once(
        manager, url, {"application": application.pk, "mission": call.missions.get().pk}
    )
    assert statuses == [302, 302]
    contingent.refresh_from_db()
    assert (contingent.seats_taken, Placement.objects.count()) == (1, 1)
    application.refresh_from_db()
    assert application.status == "selected"


@pytest.mark.django_db(transaction=True)
def test_two_submit_clicks_send_one_message(call):
    application = ApplicationFactory(call=call, volunteer=complete_volunteer())
    statuses = twice_at_once(
        application.volunteer,
        reverse("volunteers:application_review", args=[application.pk]),
        {},
    )
    assert statuses == [302, 302]
    application.refresh_from_db()
    assert application.status in {"submitted", "eligible"}
    sent = Notification.objects.filter(user=application.volunteer, event="application_submitted")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "in_app"]


@pytest.mark.django_db(transaction=True)
def test_a_partner_confirming_while_the_volunteer_withdraws_never_deadlocks(
    coordinator_a, sent_contingent
):
    """One lock order for the whole codebase: application, then placement, then contingent."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "concurrent transactions need PostgreSQL (DATABASE_URL)")
    for placement in sent_contingent.placements.order_by("pk"):
        partner, volunteer = Client(), Client()
        partner.force_login(coordinator_a)
        volunteer.force_login(placement.volunteer)
        confirm = reverse("partners:placement_confirm", args=[placement.pk])
        withdraw = reverse("volunteers:application_withdraw", args=[placement.application_id])
        statuses = at_once(
            lambda partner=partner, url=confirm: partner.post(url).status_code,
            lambda volunteer=volunteer, url=withdraw: (
                volunteer.post(url, {"reason": "Je ne peux plus partir"}).status_code
            ),
        )
        assert statuses == [302, 302]
        placement.refresh_from_db()
        placement.application.refresh_from_db()
        assert (placement.status, placement.application.status) == ("cancelled", "withdrawn")
    sent_contingent.refresh_from_db()
    assert sent_contingent.seats_taken == 0
