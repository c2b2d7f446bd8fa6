from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.enums import Direction, MissionStatus
from missions.models import MissionLanguage
from tests.factories import CallFactory, MissionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return [mission.title for mission in response.context["page"]]


def test_catalogue_is_public_and_lists_open_calls_and_published_missions(client):
    published = MissionFactory(title="Tri des déchets à Lyon")
    MissionFactory(title="Brouillon secret", status=MissionStatus.DRAFT)
    CallFactory(title="VIR 2026 — France", missions=[published])
    CallFactory(
        title="Appel clos", opens_at="2020-01-01T00:00Z", closes_at="2020-02-01T00:00Z", missions=[]
    )

    response = client.get(reverse("missions:catalogue"))

    assert response.status_code == 200
    assert titles(response) == ["Tri des déchets à Lyon"]
    assert "VIR 2026 — France" in response.text
    assert "Appel clos" not in response.text and "Brouillon secret" not in response.text


def _month_after(months: int) -> date:
    today = timezone.localdate()
    year, month = divmod(today.month - 1 + months, 12)
    return date(today.year + year, month + 1, 1)


def test_catalogue_filters(client):
    health = ThemeFactory(slug="sante", name_fr="Prévention et santé")
    soon, later = _month_after(2), _month_after(3)
    MissionFactory(
        title="Lyon",
        country="FR",
        city="Lyon",
        start_date=soon,
        end_date=later.replace(year=later.year + 1),
    )
    MissionFactory(
        title="Santé Dakar",
        theme=health,
        country="SN",
        city="Dakar",
        start_date=later,
        end_date=later.replace(year=later.year + 1),
    )
    kara = MissionFactory(
        title="Kara",
        country="TG",
        city="Kara",
        direction=Direction.INCOMING,
        start_date=soon.replace(day=15),
        end_date=later.replace(year=later.year + 1),
    )
    MissionLanguage.objects.create(mission=kara, language="ee", level="B1")
    url = reverse("missions:catalogue")

    assert titles(client.get(url, {"theme": health.pk})) == ["Santé Dakar"]
    assert titles(client.get(url, {"country": "FR"})) == ["Lyon"]
    assert titles(client.get(url, {"direction": "incoming"})) == ["Kara"]
    assert titles(client.get(url, {"start_month": soon.strftime("%Y-%m")})) == ["Lyon", "Kara"]
    assert titles(client.get(url, {"language": "ee"})) == ["Kara"]
    assert titles(client.get(url, {"q": "dakar"})) == ["Santé Dakar"]
    assert titles(client.get(url, {"q": "nowhere"})) == []


def test_bad_filter_values_show_a_message_and_no_error(client):
    MissionFactory(title="Lyon")
    response = client.get(
        reverse("missions:catalogue"), {"direction": "sideways", "start_month": "2026-13"}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text


def test_catalogue_is_paginated(client):
    for n in range(15):
        MissionFactory(title=f"Mission {n:02d}")
    first = client.get(reverse("missions:catalogue"))
    second = client.get(reverse("missions:catalogue"), {"page": 2})
    assert len(titles(first)) == 12 and len(titles(second)) == 3
    assert "Page 1 sur 2" in first.text


@pytest.mark.parametrize("count", [1, 50])
def test_catalogue_runs_a_constant_number_of_queries(client, count, django_assert_max_num_queries):
    theme = ThemeFactory()
    missions = [MissionFactory(theme=theme) for _ in range(count)]
    for mission in missions[:3]:
        MissionLanguage.objects.create(mission=mission, language="fr", level="B2")
    CallFactory(missions=missions)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("missions:catalogue"), {"theme": theme.pk})
    assert len(titles(response)) == min(count, 12)


def test_mission_page_offers_to_apply_through_its_open_calls(client):
    mission = MissionFactory(title="Tri des déchets à Lyon")
    call = CallFactory(title="VIR 2026 — France", missions=[mission])
    page = client.get(reverse("missions:mission", args=[mission.pk]))
    assert "Candidater via « VIR 2026 — France »" in page.text
    assert reverse("missions:call", args=[call.pk]) in page.text


def test_unpublished_mission_is_404(client):
    draft = MissionFactory(title="Brouillon secret", status=MissionStatus.DRAFT)
    response = client.get(reverse("missions:mission", args=[draft.pk]))
    assert response.status_code == 404
    assert "Brouillon secret" not in response.text


def test_call_not_yet_open_is_404(client):
    future = CallFactory(
        title="Appel futur", opens_at="2099-01-01T00:00Z", closes_at="2099-02-01T00:00Z"
    )
    assert client.get(reverse("missions:call", args=[future.pk])).status_code == 404
