"""Issue 15, the readiness board: one row per volunteer of the contingent, one column per item,
"ready" once every item is verified or set aside; filters, a CSV, a print version, the same
number of queries whatever the size; the partner reads its own contingent's board."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.enums import ApplicationStatus, ContingentStatus, PlacementStatus
from missions.models import Application, Placement
from mobility import services
from mobility.enums import ItemOwner, ItemState
from mobility.models import ChecklistItem, MobilityItem
from tests.factories import (
    CallFactory,
    ContingentFactory,
    MissionFactory,
    ProfileFactory,
    UserFactory,
)
from tests.mobility.conftest import FRANCE, checklist_row, confirmed, item_of, login, text
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db
# Queries of one page, whatever the number of volunteers (measured with 3 and 40). Each counts
# 5 for the session, the user, her groups, her partner membership and her TOTP, and 3 to save
# the session; then the contingent, and 2 for the board (its placements, their items). The staff
# page also counts unread notifications; the print version does not; the CSV reads the board.
BOARD_QUERIES = 12
PRINT_QUERIES = 11
CSV_QUERIES = 11
PARTNER_BOARD_QUERIES = 12


@pytest.fixture
def three(manager, org_a, coordinator_a, checklist):
    """Three confirmed volunteers: the first ready, the second with nothing late, the third
    with her passport late."""
    placements = confirmed(manager, org_a, coordinator_a, size=3)
    first, second, _ = placements
    for item in first.mobility_items.all():
        if item.template.owner == ItemOwner.ANVT:
            services.verify_item(item, actor=manager)
        else:
            services.set_not_applicable(item, actor=manager, reason="Déjà fourni")
    services.set_not_applicable(
        item_of(second, "passport", checklist), actor=manager, reason="Passeport diplomatique"
    )
    return placements


def ready_count(page: str) -> tuple[int, int]:
    """(ready, rows) as the sentence above the board says them."""
    found = re.search(r"(\d+) dossiers? prêts? sur (\d+)\.", page)
    return int(found[1]), int(found[2])


def rows_of(page: str) -> list[str]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return body.split("<tr")[1:]


def test_one_row_per_volunteer_and_the_ready_one_is_ticked(manager_client, three):
    contingent = three[0].contingent

    response = manager_client.get(reverse("staff:readiness", args=[contingent.pk]))

    page = text(response)
    assert ready_count(page) == (1, 3)
    rows = rows_of(page)
    assert len(rows) == 3
    ready = [row for row in rows if 'class="ready"' in row]
    assert len(ready) == 1
    assert str(three[0].volunteer) in ready[0]
    assert "✓" in ready[0]
    assert all("✓" not in row for row in rows if row is not ready[0])
    assert all(label in page for label in (v[0] for v in FRANCE.values()))
    assert reverse("staff:mobility", args=[three[0].pk]) in ready[0]


def test_the_late_filter_keeps_the_late_files(manager_client, three):
    contingent = three[0].contingent

    response = manager_client.get(reverse("staff:readiness", args=[contingent.pk]), {"late": "1"})

    rows = rows_of(text(response))
    assert len(rows) == 1
    assert str(three[2].volunteer) in rows[0]
    assert "1 en retard" in rows[0]


def test_the_item_filter_keeps_one_column(manager_client, three, checklist):
    contingent = three[0].contingent
    vaccine = checklist["vaccine"]

    response = manager_client.get(
        reverse("staff:readiness", args=[contingent.pk]), {"item": vaccine.pk}
    )

    page = text(response)
    header = page.split("<thead>")[1].split("</thead>")[0]
    assert "Vaccin fièvre jaune" in header
    assert "Passeport valide" not in header
    assert len(rows_of(page)) == 3
    # The filter still offers every item.
    assert f'<option value="{checklist["passport"].pk}"' in page


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))


def test_the_csv_has_a_header_and_one_row_per_volunteer_with_disarmed_cells(manager_client, three):
    contingent = three[0].contingent
    VolunteerProfile.objects.filter(user=three[1].volunteer).update(
        last_name='=HYPERLINK("http://evil")', first_name="@SUM(1)"
    )

    response = manager_client.get(reverse("staff:readiness_csv", args=[contingent.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="dossiers-{contingent.pk}.csv"' in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header == [
        "Nom",
        "Prénoms",
        "Mission",
        "Départ prévu",
        "Jours restants",
        "En retard",
        *[v[0] for v in FRANCE.values()],
    ]
    assert len(rows) == 3
    evil = next(row for row in rows if "HYPERLINK" in row[0])
    assert evil[:2] == ['\'=HYPERLINK("http://evil")', "'@SUM(1)"]
    departure = three[0].planned_departure
    assert evil[3:6] == [departure.isoformat(), str((departure - timezone.localdate()).days), "0"]
    assert evil[6] == "Sans objet"
    late = next(row for row in rows if row[5] == "1")
    assert late[6] == "À faire"


def test_the_csv_follows_the_filters(manager_client, three):
    contingent = three[0].contingent

    response = manager_client.get(
        reverse("staff:readiness_csv", args=[contingent.pk]), {"late": "1"}
    )

    _, *rows = read_csv(response)
    assert len(rows) == 1


def test_the_print_version_renders_the_board_alone(manager_client, three):
    contingent = three[0].contingent

    response = manager_client.get(reverse("staff:readiness", args=[contingent.pk]), {"print": "1"})

    assert response.status_code == 200
    page = text(response)
    assert "Préparation au départ — Contingent Lyon" in page
    assert ready_count(page) == (1, 3)
    assert len(rows_of(page)) == 3
    assert "Filtrer" not in page


def test_the_partner_reads_its_contingents_board(
    org_a, coordinator_a, viewer_a, coordinator_b, manager, three
):
    contingent = three[0].contingent
    url = reverse("partners:readiness", args=[contingent.pk])

    response = login(coordinator_a).get(url)

    assert response.status_code == 200
    page = text(response)
    assert ready_count(page) == (1, 3)
    assert len(rows_of(page)) == 3
    assert reverse("staff:mobility", args=[three[0].pk]) not in page  # no link to ANVT's pages
    assert login(viewer_a).get(url).status_code == 200
    assert login(coordinator_b).get(url).status_code == 404


def test_the_partner_board_shows_only_its_placements(manager, org_a, coordinator_a, three):
    """A placement of its contingent it has not been proposed (still planned) is not its to
    see; nor is the board of a contingent still forming."""
    contingent = three[0].contingent
    Placement.objects.filter(pk=three[2].pk).update(status=PlacementStatus.PLANNED)
    forming = ContingentFactory(partner=org_a, status=ContingentStatus.FORMING)

    page = text(login(coordinator_a).get(reverse("partners:readiness", args=[contingent.pk])))

    assert len(rows_of(page)) == 2
    assert str(three[2].volunteer) not in page
    assert (
        login(coordinator_a).get(reverse("partners:readiness", args=[forming.pk])).status_code
        == 404
    )


def test_one_ready_file_of_three_reads_in_the_singular(manager_client, three):
    page = text(manager_client.get(reverse("staff:readiness", args=[three[0].contingent_id])))

    assert "1 dossier prêt sur 3." in page


# The query count -----------------------------------------------------------------------------


def big_contingent(partner, size: int, *, items: int = 12):
    """`size` confirmed volunteers of one contingent leaving in 40 days for Germany, whose list
    has `items` items; every file open, items in every state."""
    mission = MissionFactory(partner=partner, country="DE", title="Forêts de Bavière")
    contingent = ContingentFactory(
        call=CallFactory(missions=[mission]),
        partner=partner,
        capacity=size,
        status=ContingentStatus.CONFIRMED,
        planned_departure=timezone.localdate() + timedelta(days=40),
    )
    templates = ChecklistItem.objects.bulk_create(
        checklist_row(
            "DE",
            f"Élément {n}",
            list(ItemOwner)[n % 4],
            n % 2 == 0,
            n % 3 == 0,
            10 * n,
            n == items - 1,
            n,
        )
        for n in range(items)
    )
    users = UserFactory.create_batch(size)
    for user in users:
        ProfileFactory(user=user)
    applications = Application.objects.bulk_create(
        Application(call=contingent.call, volunteer=user, status=ApplicationStatus.SELECTED)
        for user in users
    )
    placements = Placement.objects.bulk_create(
        Placement(
            contingent=contingent,
            application=application,
            volunteer=application.volunteer,
            mission=mission,
            status=PlacementStatus.CONFIRMED,
        )
        for application in applications
    )
    states = list(ItemState)
    MobilityItem.objects.bulk_create(
        MobilityItem(
            placement=placement,
            template=template,
            due_date=contingent.planned_departure - timedelta(days=template.days_before_departure),
            state=states[(row + column) % len(states)],
        )
        for row, placement in enumerate(placements)
        for column, template in enumerate(templates)
    )
    return contingent


@pytest.mark.parametrize("size", [3, 40])
def test_the_board_takes_the_same_queries_whatever_the_size(
    manager_client, coordinator_a, org_a, django_assert_max_num_queries, size
):
    contingent = big_contingent(org_a, size)
    partner_client = login(coordinator_a)
    staff_url = reverse("staff:readiness", args=[contingent.pk])

    with django_assert_max_num_queries(BOARD_QUERIES):
        page = manager_client.get(staff_url)
    with django_assert_max_num_queries(BOARD_QUERIES):
        late = manager_client.get(staff_url, {"late": "1"})
    with django_assert_max_num_queries(PRINT_QUERIES):
        printed = manager_client.get(staff_url, {"print": "1"})
    with django_assert_max_num_queries(CSV_QUERIES):
        rows = read_csv(manager_client.get(reverse("staff:readiness_csv", args=[contingent.pk])))
    with django_assert_max_num_queries(PARTNER_BOARD_QUERIES):
        partner = partner_client.get(reverse("partners:readiness", args=[contingent.pk]))

    assert len(rows_of(text(page))) == size
    assert 0 < len(rows_of(text(late))) <= size
    assert len(rows_of(text(printed))) == size
    assert len(rows) == size + 1
    assert len(rows[0]) == 6 + 12
    assert len(rows_of(text(partner))) == size
