"""Two simultaneous clicks on the same decision change it once (PostgreSQL row locks)."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from audit.models import StatusChange
from missions import services
from missions.enums import PLACEMENT_HOLDS_SEAT
from missions.models import Placement
from missions.workflow import WorkflowError
from notifications.models import Notification
from tests.conftest import at_once, require_service
from tests.factories import (
    ApplicationFactory,
    ContingentFactory,
    MembershipFactory,
    complete_volunteer,
)


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
    assert application.status == "shortlisted"  # told nothing while the contingent forms


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


def _forming_contingent(manager, call, count: int, capacity: int = 5):
    contingent = ContingentFactory(call=call, capacity=capacity)
    mission = call.missions.get()
    placements = []
    for _ in range(count):
        application = ApplicationFactory(
            call=call, volunteer=complete_volunteer(), status="shortlisted"
        )
        placements.append(
            services.add_to_contingent(
                contingent, actor=manager, application=application, mission=mission
            )
        )
    return contingent, placements


def _seats_match(contingent) -> bool:
    contingent.refresh_from_db()
    holding = Placement.objects.filter(contingent=contingent, status__in=PLACEMENT_HOLDS_SEAT)
    return contingent.seats_taken == holding.count()


@pytest.mark.django_db(transaction=True)
def test_two_remove_clicks_free_one_seat(manager, call):
    """Two 'Retirer' at once freed two seats: the contingent could then be overfilled."""
    contingent, placements = _forming_contingent(manager, call, 5)
    statuses = twice_at_once(
        manager, reverse("staff:placement_remove", args=[placements[0].pk]), {}
    )
    assert statuses == [302, 302]
    assert _seats_match(contingent) and contingent.seats_taken == 4
    more = ApplicationFactory(call=call, volunteer=complete_volunteer(), status="shortlisted")
    services.add_to_contingent(
        contingent, actor=manager, application=more, mission=call.missions.get()
    )
    extra = ApplicationFactory(call=call, volunteer=complete_volunteer(), status="shortlisted")
    with pytest.raises(WorkflowError, match="complet"):
        services.add_to_contingent(
            contingent, actor=manager, application=extra, mission=call.missions.get()
        )
    assert _seats_match(contingent) and contingent.seats_taken == 5


@pytest.mark.django_db(transaction=True)
def test_two_removals_of_different_placements_at_once_count_both(manager, call):
    contingent, placements = _forming_contingent(manager, call, 3)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(manager)
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "concurrent transactions need PostgreSQL (DATABASE_URL)")
    at_once(
        *(
            lambda client=client, pk=placement.pk: (
                client.post(reverse("staff:placement_remove", args=[pk])).status_code
            )
            for client, placement in zip(clients, placements[:2], strict=True)
        )
    )
    assert _seats_match(contingent) and contingent.seats_taken == 1


@pytest.mark.django_db(transaction=True)
def test_two_send_clicks_tell_the_partner_once(manager, call):
    contingent, _placements = _forming_contingent(manager, call, 2)
    coordinators = [MembershipFactory(organisation=contingent.partner).user for _ in range(2)]
    statuses = twice_at_once(manager, reverse("staff:contingent_send", args=[contingent.pk]), {})
    assert statuses == [302, 302]
    told = Notification.objects.filter(event="placement_proposed", channel="in_app")
    assert sorted(told.values_list("user", flat=True)) == sorted(c.pk for c in coordinators)


@pytest.mark.django_db(transaction=True)
def test_two_decline_clicks_tell_anvt_once(manager, coordinator_a, sent_contingent):
    placement = sent_contingent.placements.order_by("pk").first()
    statuses = twice_at_once(
        coordinator_a,
        reverse("partners:placement_decline", args=[placement.pk]),
        {"reason": "Niveau de langue"},
    )
    assert statuses == [302, 302]
    assert Notification.objects.filter(event="placement_decided", channel="email").count() == 1
    assert _seats_match(sent_contingent) and sent_contingent.seats_taken == 1


@pytest.mark.django_db(transaction=True)
def test_two_shortlist_clicks_tell_the_volunteer_once(manager, call):
    application = ApplicationFactory(
        call=call, volunteer=complete_volunteer(), status="under_review"
    )
    statuses = twice_at_once(
        manager,
        reverse("staff:application_shortlist", args=[application.pk]),
        {"reason": "Vue en comité"},
    )
    assert statuses == [302, 302]
    told = Notification.objects.filter(user=application.volunteer, event="application_status")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "in_app"]


@pytest.mark.django_db(transaction=True)
def test_two_withdraw_clicks_tell_the_volunteer_once(call):
    application = ApplicationFactory(call=call, volunteer=complete_volunteer(), status="eligible")
    statuses = twice_at_once(
        application.volunteer,
        reverse("volunteers:application_withdraw", args=[application.pk]),
        {"reason": ""},
    )
    assert statuses == [302, 302]
    told = Notification.objects.filter(user=application.volunteer, event="application_status")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "in_app"]


@pytest.mark.django_db
def test_a_second_removal_read_before_the_first_frees_no_seat(manager, call):
    """The same race, made deterministic: the second click read the placement while it was
    still planned, then found it cancelled under the lock."""
    contingent, placements = _forming_contingent(manager, call, 5)
    second_click = Placement.objects.get(pk=placements[0].pk)
    services.remove_from_contingent(placements[0], actor=manager)
    services.remove_from_contingent(second_click, actor=manager)
    assert _seats_match(contingent) and contingent.seats_taken == 4


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_and_a_decline_at_once_one_stands_the_other_is_told(
    coordinator_a, sent_contingent
):
    """Two coordinators answer the same placement at the same moment, one yes, one no: the
    first decision stands, the second reads that it came too late, nothing is told twice."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "concurrent transactions need PostgreSQL (DATABASE_URL)")
    placement = sent_contingent.placements.order_by("pk").first()
    other = MembershipFactory(organisation=coordinator_a.partner_membership.organisation).user

    def attempt(action):
        try:
            action()
        except WorkflowError as refusal:
            return refusal.message
        return "ok"

    outcomes = at_once(
        lambda: attempt(lambda: services.confirm_placement(placement, actor=coordinator_a)),
        lambda: attempt(
            lambda: services.decline_placement(
                Placement.objects.get(pk=placement.pk), actor=other, reason="Plus de place"
            )
        ),
    )
    assert sorted(outcome == "ok" for outcome in outcomes) == [False, True]
    refused = next(outcome for outcome in outcomes if outcome != "ok")
    assert "n'attend pas cette décision" in refused
    placement.refresh_from_db()
    decided = StatusChange.objects.filter(
        object_id=placement.pk, content_type__model="placement"
    ).exclude(to_status="proposed")
    assert decided.count() == 1
    assert placement.status == decided.get().to_status
