"""The reciprocity ledger (issue 21) against data built by hand: each flow by stage and year,
the balance, each figure against the quota of the year; the staff page, its CSV and its chart;
the partner's own line; partnership agreements and what bad input gets."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from missions.models import Placement
from partners.models import Agreement
from reciprocity import ledger
from reciprocity.services import save_agreement
from tests.conftest import with_totp
from tests.factories import (
    ApplicationFactory,
    ContingentFactory,
    HostFactory,
    IncomingFactory,
    MembershipFactory,
    MissionFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db


def place(contingent, status, *, departure=None, mission_start=date(2025, 9, 1)):
    mission = MissionFactory(partner=contingent.partner, start_date=mission_start)
    application = ApplicationFactory(call=contingent.call, status="selected")
    return Placement.objects.create(
        contingent=contingent,
        application=application,
        volunteer=application.volunteer,
        mission=mission,
        status=status,
        actual_departure=departure,
    )


@pytest.fixture
def flows(manager, org_a, org_b):
    """France Volontaires (org A), in 2025: one volunteer away, one back, one back early, one
    planned, one declined and one cancelled (neither counts); in 2026 one confirmed. Received:
    in 2025 two it declared (one ended) and one a host in Togo declared for it; one of a sender
    that is no partner; in 2026 one validated."""
    save_agreement(
        None,
        actor=manager,
        partner=org_a,
        values={
            "reference": "CONV-A",
            "starts_on": date(2025, 1, 1),
            "ends_on": date(2026, 12, 31),
            "countries": ["FR"],
            "quota_sent": 4,
            "quota_received": 2,
        },
    )
    contingent = ContingentFactory(partner=org_a, capacity=10)
    place(contingent, "arrived", departure=date(2025, 3, 1))
    place(contingent, "completed", departure=date(2025, 1, 10))
    place(contingent, "interrupted", departure=date(2025, 2, 1))
    place(contingent, "confirmed")  # counted in the mission's start year, 2025
    place(contingent, "declined")
    place(contingent, "cancelled")
    place(contingent, "confirmed", mission_start=date(2026, 10, 1))
    IncomingFactory(partner=org_a, arrival_date=date(2025, 4, 1), status="arrived")
    IncomingFactory(
        partner=org_a, arrival_date=date(2025, 1, 5), departure_date=date(2025, 6, 1),
        status="completed",
    )  # fmt: skip
    lome = HostFactory(name="Association de Lomé")
    IncomingFactory(
        partner=lome, sending_organisation="france volontaires", arrival_date=date(2025, 5, 1)
    )
    IncomingFactory(
        partner=lome, sending_organisation="Agence inconnue", arrival_date=date(2025, 5, 2)
    )
    IncomingFactory(partner=org_a, arrival_date=date(2026, 2, 1), status="validated")
    # Another partner's flow in 2025, and nothing for it in 2026.
    place(ContingentFactory(partner=org_b), "departed", departure=date(2025, 6, 1))
    return org_a


def test_the_ledger_counts_each_flow_by_stage_and_year_against_the_quota(flows, org_a, org_b):
    rows = ledger.lines(year=2025)
    assert [row.partner.name if row.partner else None for row in rows] == [
        "Autre Partenaire", "France Volontaires", None,
    ]  # fmt: skip
    other, fv, unknown = rows
    assert fv.sent.counts == {"planned": 1, "away": 1, "completed": 1, "interrupted": 1}
    assert (fv.sent.total, fv.sent.quota, fv.sent.share) == (4, 4, 100)
    assert fv.received.counts == {"planned": 1, "away": 1, "completed": 1, "interrupted": 0}
    assert (fv.received.total, fv.received.quota, fv.received.share) == (3, 2, 150)
    assert fv.balance == 1
    assert (other.sent.total, other.sent.quota, other.received.total) == (1, None, 0)
    assert (unknown.received.total, unknown.sent.total) == (1, 0)
    total = ledger.totals(rows)
    assert (total.sent.total, total.received.total, total.balance) == (5, 4, 1)

    [fv_2026] = ledger.lines(year=2026)
    assert (fv_2026.sent.counts["planned"], fv_2026.received.counts["planned"]) == (1, 1)
    assert fv_2026.sent.quota == 4
    assert [row.year for row in ledger.lines(partner=org_a)] == [2026, 2025]
    assert [row.year for row in ledger.lines(partner=org_b)] == [2025]


def test_the_staff_page_its_chart_and_its_csv(flows, manager_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        page = manager_client.get(reverse("staff:ledger") + "?annee=2025")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Réciprocité 2025" in html
    assert html.count('class="quota-tick"') == 2  # France Volontaires' two quotas
    assert "150 %" in html and "Envoyeur hors partenaires" in html
    # An unknown year, or junk, shows the current year's ledger, without an error.
    assert manager_client.get(reverse("staff:ledger") + "?annee=1066").status_code == 200
    assert manager_client.get(reverse("staff:ledger") + "?annee=%00").status_code == 200

    response = manager_client.get(reverse("staff:ledger_export") + "?annee=2025")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:2] == ["année", "partenaire"]
    fv = next(line for line in lines if line[1] == "France Volontaires")
    assert fv[2:8] == ["1", "1", "1", "1", "4", "4"]
    assert fv[-1] == "1"


def test_the_page_queries_do_not_grow_with_partners(
    manager_client, manager, django_assert_max_num_queries
):
    for _n in range(6):
        contingent = ContingentFactory(partner=PartnerFactory())
        place(contingent, "completed", departure=date(2025, 3, 1))
    with django_assert_max_num_queries(14):
        assert manager_client.get(reverse("staff:ledger") + "?annee=2025").status_code == 200


def test_a_partner_reads_its_own_line_and_agreements_only(flows, org_a, org_b, coordinator_b):
    viewer = with_totp(MembershipFactory(organisation=org_a, role="viewer").user)
    client = Client()
    client.force_login(viewer)
    html = client.get(reverse("partners:reciprocity")).content.decode()
    assert "CONV-A" in html and "150 %" in html
    client.force_login(coordinator_b)
    html = client.get(reverse("partners:reciprocity")).content.decode()
    assert "CONV-A" not in html and "150 %" not in html
    assert "Aucun accord" in html
    # Staff pages stay staff pages.
    assert client.get(reverse("staff:ledger")).status_code == 404
    assert client.get(reverse("staff:agreements")).status_code == 404


def agreement_data(partner, **changes):
    data = {
        "partner": partner.pk,
        "reference": "CONV-2027",
        "starts_on": "2027-01-01",
        "ends_on": "2028-12-31",
        "countries": ["FR", "SN"],
        "quota_sent": "6",
        "quota_received": "3",
        "note": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quota_sent": "-1"}, "supérieure ou égale à 0"),
        ({"quota_received": "-3"}, "supérieure ou égale à 0"),
        ({"ends_on": "2026-12-31"}, "L&#x27;accord ne peut pas finir avant de commencer."),
        ({"countries": []}, "Ce champ est obligatoire."),
        (
            {"starts_on": "2028-06-01", "ends_on": "2029-05-31", "countries": ["SN"]},
            "chevauche l&#x27;accord CONV-2027",
        ),
    ],
)  # fmt: skip
def test_bad_agreements_get_a_clear_message_and_change_nothing(
    manager_client, org_a, changes, message
):
    assert (
        manager_client.post(reverse("staff:agreement_add"), agreement_data(org_a)).status_code
        == 302
    )
    before = list(Agreement.objects.values())
    response = manager_client.post(reverse("staff:agreement_add"), agreement_data(org_a, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Agreement.objects.values()) == before


def test_agreements_may_follow_each_other_or_cover_other_countries(manager_client, org_a, org_b):
    add = reverse("staff:agreement_add")
    assert manager_client.post(add, agreement_data(org_a)).status_code == 302
    # Same partner, same years, other countries; then the same countries, the years after.
    assert (
        manager_client.post(add, agreement_data(org_a, countries=["BE"], reference="B")).status_code
        == 302
    )
    assert (
        manager_client.post(
            add, agreement_data(org_a, starts_on="2029-01-01", ends_on="2030-12-31", reference="C")
        ).status_code
        == 302
    )
    # Another partner, the same countries and years.
    assert manager_client.post(add, agreement_data(org_b, reference="D")).status_code == 302
    assert Agreement.objects.count() == 4
    # Editing an agreement is not an overlap with itself; the partner stays as it was.
    first = Agreement.objects.get(reference="CONV-2027")
    response = manager_client.post(
        reverse("staff:agreement", args=[first.pk]),
        agreement_data(org_b, quota_sent="9"),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.quota_sent, first.partner) == (9, org_a)


def test_agreements_are_for_managers_and_sending_agencies(manager, reviewer, org_a):
    from anvt.errors import Refused

    values = {
        "reference": "X", "starts_on": date(2027, 1, 1), "ends_on": date(2027, 12, 31),
        "countries": ["FR"], "quota_sent": 1, "quota_received": 1,
    }  # fmt: skip
    with pytest.raises(Refused):
        save_agreement(None, actor=reviewer, partner=org_a, values=values)
    with pytest.raises(Refused, match="agence d'envoi"):
        save_agreement(None, actor=manager, partner=HostFactory(), values=values)
    assert not Agreement.objects.exists()


def test_agreements_that_follow_each_other_share_the_year_of_the_change(manager, org_a):
    for reference, starts, ends, quota in (
        ("A", date(2025, 1, 1), date(2026, 6, 30), 10),
        ("B", date(2026, 7, 1), date(2027, 12, 31), 20),
    ):
        save_agreement(
            None,
            actor=manager,
            partner=org_a,
            values={
                "reference": reference, "starts_on": starts, "ends_on": ends,
                "countries": ["FR"], "quota_sent": quota, "quota_received": 0,
            },
        )  # fmt: skip
    quotas = {row.year: (row.sent.quota, row.received.quota) for row in ledger.lines(partner=org_a)}
    # 2026: half of 10 (181 days) and half of 20 (184 days), not 30.
    assert quotas == {2025: (10, 0), 2026: (15, 0), 2027: (20, 0)}


def test_a_quota_of_zero_reads_zero_and_the_partner_does_not_see_plans(
    flows, manager, org_a, manager_client, coordinator_a
):
    contingent = ContingentFactory(partner=org_a)
    place(contingent, "planned", mission_start=date(2026, 10, 1))
    Agreement.objects.update(quota_received=0)
    html = manager_client.get(reverse("staff:ledger") + "?annee=2026").content.decode()
    assert "None" not in html
    [staff_line] = ledger.lines(year=2026, partner=org_a)
    [partner_line] = ledger.lines(year=2026, partner=org_a, as_partner=True)
    assert (staff_line.sent.counts["planned"], partner_line.sent.counts["planned"]) == (2, 1)
