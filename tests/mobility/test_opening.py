"""Issue 15, the file opens: a placement confirmed by every party gets one item per active item of
its destination's checklist, each due a number of days before the planned departure; the
managers keep the checklists (a new item reaches the open files; a list is copied to start a new
country's)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from anvt.errors import Refused
from missions import hostlinks
from missions import services as missions
from missions.enums import PlacementStatus
from mobility import services
from mobility.enums import ItemState
from mobility.models import ChecklistItem, MobilityItem
from mobility.queries import file_of
from partners.enums import OrganisationKind
from tests.factories import PartnerFactory
from tests.mobility.conftest import FRANCE, confirmed, flashed, item_of, login

pytestmark = pytest.mark.django_db


def test_confirming_a_placement_opens_one_item_per_active_item_of_its_country(placement):
    items = file_of(placement)

    assert placement.status == PlacementStatus.CONFIRMED
    assert [item.template.label_fr for item in items] == [v[0] for v in FRANCE.values()]
    departure = placement.contingent.planned_departure
    assert [item.due_date for item in items] == [
        departure - timedelta(days=values[4]) for values in FRANCE.values()
    ]
    assert {item.state for item in items} == {ItemState.TO_DO}
    # Neither the inactive French item nor another country's.
    assert not MobilityItem.objects.exclude(template__country="FR").exists()
    assert not MobilityItem.objects.filter(template__active=False).exists()


def test_without_a_contingent_departure_the_mission_start_counts(
    manager, org_a, coordinator_a, checklist
):
    [placement] = confirmed(manager, org_a, coordinator_a, departure=None)

    start = placement.mission.start_date
    assert item_of(placement, "vaccine", checklist).due_date == start - timedelta(days=30)
    assert item_of(placement, "workshop", checklist).due_date == start - timedelta(days=14)


def test_a_placement_still_waiting_for_its_partner_has_no_file(
    manager, org_a, coordinator_a, checklist
):
    [placement] = confirmed(manager, org_a, coordinator_a, confirm=False)

    assert placement.status == PlacementStatus.PROPOSED
    assert not placement.mobility_items.exists()


def test_with_a_host_the_file_opens_once_the_host_has_confirmed(
    manager, org_a, coordinator_a, checklist
):
    host = PartnerFactory(
        name="Association Solidarité Lyon",
        kind=OrganisationKind.HOST_STRUCTURE,
        contact_email="accueil@solidarite-lyon.fr",
    )
    [placement] = confirmed(manager, org_a, coordinator_a, host=host)
    assert placement.status == PlacementStatus.HOST_PENDING
    assert not placement.mobility_items.exists()

    missions.host_confirm(
        placement, token=hostlinks.link_path(placement).split("/")[-2], name="Jeanne Accueil"
    )

    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED
    assert placement.mobility_items.count() == len(FRANCE)


def test_opening_twice_adds_nothing(placement):
    assert services.open_file(placement) == []
    assert placement.mobility_items.count() == len(FRANCE)


def test_a_new_item_saved_by_a_manager_reaches_the_open_files_only(
    client, manager, org_a, coordinator_a, placement, checklist
):
    [departed] = confirmed(manager, org_a, coordinator_a)
    services.depart(
        departed, actor=manager, on=departed.mission.start_date, override="Départ anticipé"
    )
    client.force_login(manager)

    response = client.post(
        reverse("staff:checklist_item_add"),
        {
            "country": "FR",
            "position": 6,
            "label_fr": "Permis international",
            "label_en": "International licence",
            "help_fr": "",
            "help_en": "",
            "owner": "volunteer",
            "needs_document": "on",
            "days_before_departure": 10,
            "active": "on",
        },
    )

    assert response.status_code == 302
    assert "Élément enregistré." in flashed(response)
    new = ChecklistItem.objects.get(label_fr="Permis international")
    item = item_of(placement, new)
    assert (item.state, item.due_date) == (
        ItemState.TO_DO,
        placement.contingent.planned_departure - timedelta(days=10),
    )
    departed.refresh_from_db()
    assert departed.status == PlacementStatus.DEPARTED
    assert not departed.mobility_items.filter(template=new).exists()


def test_an_item_for_another_country_does_not_reach_a_french_file(manager, placement):
    services.save_checklist_item(
        None,
        actor=manager,
        values={
            "country": "SN",
            "label_fr": "Visa sénégalais",
            "label_en": "Senegal visa",
            "owner": "volunteer",
        },
    )

    assert placement.mobility_items.count() == len(FRANCE)


def test_only_a_programme_manager_keeps_the_checklists(coordinator_a, reviewer, placement):
    before = ChecklistItem.objects.count()

    with pytest.raises(Refused, match="pas le droit"):
        services.save_checklist_item(
            None,
            actor=coordinator_a,
            values={"country": "FR", "label_fr": "X", "label_en": "X", "owner": "volunteer"},
        )
    with pytest.raises(Refused, match="pas le droit"):
        services.copy_checklist(actor=coordinator_a, source="FR", target="BE")
    for user in (coordinator_a, reviewer):
        assert login(user).get(reverse("staff:checklists")).status_code == 404
        post = login(user).post(
            reverse("staff:checklist_item_add"),
            {"country": "FR", "label_fr": "X", "label_en": "X", "owner": "volunteer"},
        )
        assert post.status_code == 404

    assert ChecklistItem.objects.count() == before
    assert placement.mobility_items.count() == len(FRANCE)


def test_copying_france_to_belgium_starts_belgium_with_the_active_items(manager_client, checklist):
    response = manager_client.post(reverse("staff:checklists"), {"source": "FR", "target": "BE"})

    assert "Liste copiée : adaptez-la à ce pays." in flashed(response)
    belgium = ChecklistItem.objects.filter(country="BE").order_by("position")
    assert [
        (item.label_fr, item.owner, item.days_before_departure, item.is_workshop)
        for item in belgium
    ] == [(v[0], v[1], v[4], v[5]) for v in FRANCE.values()]
    # France's own list is untouched.
    assert ChecklistItem.objects.filter(country="FR").count() == len(FRANCE) + 1


@pytest.mark.parametrize(
    ("source", "target", "message", "on_the_page"),
    [
        ("FR", "SN", "Ce pays a déjà sa liste : modifiez-la plutôt.", None),
        ("FR", "FR", "Choisissez un autre pays que celui de la liste copiée.", None),
        # The page offers to copy only the lists that exist.
        ("BE", "DE", "Le pays à copier n'a pas de liste.", "Choisissez deux pays."),
    ],
)
def test_a_copy_that_would_mix_two_lists_is_refused(
    manager, manager_client, checklist, source, target, message, on_the_page
):
    before = sorted(ChecklistItem.objects.values_list("country", "label_fr"))

    with pytest.raises(Refused, match=re.escape(message)):
        services.copy_checklist(actor=manager, source=source, target=target)
    response = manager_client.post(
        reverse("staff:checklists"), {"source": source, "target": target}
    )

    assert flashed(response) == [on_the_page or message]
    assert sorted(ChecklistItem.objects.values_list("country", "label_fr")) == before
