"""Issue 15, the departure waits for the file: while an item is neither verified nor set aside,
recording the departure is refused with the items missing, unless someone gives the reason to
leave anyway (kept with the items it overrode). The same for ANVT and for the partner."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.enums import PlacementEventKind, PlacementStatus
from missions.models import PlacementEvent
from mobility import services
from mobility.enums import ItemOwner
from tests.mobility.conftest import FRANCE, flashed, login, state

pytestmark = pytest.mark.django_db
LABELS = [values[0] for values in FRANCE.values()]


def placement_state(placement):
    placement.refresh_from_db()
    placement.application.refresh_from_db()
    return (
        placement.status,
        placement.actual_departure,
        placement.application.status,
        state(*placement.mobility_items.all()),
    )


def make_ready(placement, manager):
    for item in placement.mobility_items.select_related("template"):
        if item.template.owner == ItemOwner.ANVT:
            services.verify_item(item, actor=manager)
        else:
            services.set_not_applicable(item, actor=manager, reason="Fourni hors portail")


@pytest.fixture(params=["staff", "partner"])
def space(request, manager, coordinator_a):
    """Who records the departure, and where: ANVT's page or the partner's."""
    if request.param == "staff":
        return request.param, manager, login(manager), "staff"
    return request.param, coordinator_a, login(coordinator_a), "partners"


def post(space, placement, data):
    _, _, client, namespace = space
    return client.post(reverse(f"{namespace}:placement_departure", args=[placement.pk]), data)


def test_an_incomplete_file_refuses_the_departure_and_names_what_is_missing(space, placement):
    before = placement_state(placement)

    response = post(space, placement, {"on": timezone.localdate().isoformat()})

    [message] = flashed(response)
    assert "Le dossier de départ n'est pas complet" in message
    assert all(label in message for label in LABELS)
    assert response["Location"] == reverse(f"{space[3]}:placement", args=[placement.pk])
    assert placement_state(placement) == before


def test_the_items_ready_are_not_named(manager, space, placement, checklist):
    services.verify_item(placement.mobility_items.get(template=checklist["visa"]), actor=manager)

    [message] = flashed(post(space, placement, {"on": timezone.localdate().isoformat()}))

    assert "n'est pas complet" in message
    assert "Rendez-vous visa" not in message
    assert "Passeport valide" in message


def test_a_reason_to_leave_anyway_records_the_departure_and_what_it_overrode(
    space, placement, checklist, manager
):
    services.verify_item(placement.mobility_items.get(template=checklist["visa"]), actor=manager)
    today = timezone.localdate()

    response = post(
        space, placement, {"on": today.isoformat(), "override": "  Vol avancé par la compagnie "}
    )

    assert flashed(response) == ["Enregistré."]
    placement.refresh_from_db()
    assert (placement.status, placement.actual_departure) == (PlacementStatus.DEPARTED, today)
    [event] = PlacementEvent.objects.filter(
        placement=placement, kind=PlacementEventKind.DEPARTURE_OVERRIDE
    )
    assert event.actor == space[1]
    assert event.data == {
        "reason": "Vol avancé par la compagnie",
        "items": [label for label in LABELS if label != "Rendez-vous visa"],
    }


def test_a_complete_file_needs_no_override(manager, space, placement):
    make_ready(placement, manager)
    today = timezone.localdate()

    response = post(space, placement, {"on": today.isoformat()})

    assert flashed(response) == ["Enregistré."]
    placement.refresh_from_db()
    assert (placement.status, placement.actual_departure) == (PlacementStatus.DEPARTED, today)
    assert not PlacementEvent.objects.filter(
        placement=placement, kind=PlacementEventKind.DEPARTURE_OVERRIDE
    ).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Indiquez une date valide."),
        ({"on": "demain", "override": "Urgence"}, "Indiquez une date valide."),
    ],
)
def test_a_departure_without_a_valid_date_is_refused(manager, space, placement, data, message):
    make_ready(placement, manager)
    before = placement_state(placement)

    assert flashed(post(space, placement, data)) == [message]
    assert placement_state(placement) == before


def test_an_override_does_not_move_a_date_to_come(space, placement):
    tomorrow = timezone.localdate() + timedelta(days=1)
    before = placement_state(placement)

    response = post(space, placement, {"on": tomorrow.isoformat(), "override": "Urgence"})

    assert flashed(response) == [
        "Un départ s'enregistre le jour même ou après : cette date est à venir."
    ]
    assert placement_state(placement) == before


def test_another_partner_and_a_viewer_cannot_record_it(coordinator_b, viewer_a, manager, placement):
    make_ready(placement, manager)
    before = placement_state(placement)
    url = reverse("partners:placement_departure", args=[placement.pk])
    data = {"on": timezone.localdate().isoformat(), "override": "Urgence"}

    other = login(coordinator_b).post(url, data)
    viewer = login(viewer_a).post(url, data)

    assert other.status_code == 404
    assert viewer["Location"] == reverse("partners:home")
    assert placement_state(placement) == before
