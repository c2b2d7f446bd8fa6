"""Public pages from the cache (issue 18): the same page for every anonymous visitor of a
language, without a query, dropped when what it shows changes; never anyone's own page."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from missions.enums import MissionStatus
from missions.models import Mission
from tests.factories import ApplicationFactory, CallFactory, MissionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    mission = MissionFactory(title="Tri des déchets à Lyon")
    return CallFactory(title="VIR 2027 — France", missions=[mission])


def public_urls(call):
    mission = call.missions.get()
    return [
        reverse("home"),
        reverse("missions:catalogue"),
        reverse("missions:catalogue") + "?country=FR",
        reverse("missions:mission", args=[mission.pk]),
        reverse("missions:call", args=[call.pk]),
    ]


def test_an_anonymous_visitor_gets_the_kept_page_without_a_query(
    client, call, django_assert_num_queries
):
    for url in public_urls(call):
        first = client.get(url)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.status_code == 200
        assert again.content == first.content
        assert again["ETag"] == first["ETag"]
        assert "Cookie" in again["Vary"] and "Accept-Language" in again["Vary"]
        assert again["Cache-Control"] == "private, no-cache"


def test_a_phone_that_has_the_page_gets_a_304_without_a_body(client, call):
    url = reverse("missions:call", args=[call.pk])
    first = client.get(url)

    unchanged = client.get(url, headers={"if-none-match": first["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.content == b""

    since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304

    stale = client.get(url, headers={"if-none-match": '"an-old-version"'})
    assert stale.status_code == 200 and "VIR 2027 — France" in stale.text


def test_kept_pages_carry_no_token_and_set_no_cookie(client, call):
    for url in public_urls(call):
        response = client.get(url)
        assert "csrfmiddlewaretoken" not in response.text
        assert not response.cookies, url


def test_each_language_has_its_own_page_and_the_switch_works_without_a_token(call):
    visitor = Client(enforce_csrf_checks=True)
    url = reverse("missions:call", args=[call.pk])
    assert "Candidater" in visitor.get(url).text

    switched = visitor.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302 and switched["Location"] == url
    english = visitor.get(url)
    assert english["Content-Language"] == "en"
    assert "Sign up to apply" in english.text

    other = Client()
    assert "Créer un compte pour candidater" in other.get(url).text
    assert other.get(url, headers={"accept-language": "en"})["Content-Language"] == "en"


def test_publishing_or_closing_a_mission_shows_at_once(client, call):
    url = reverse("missions:catalogue")
    assert "Santé à Dakar" not in client.get(url).text

    draft = MissionFactory(title="Santé à Dakar", status=MissionStatus.DRAFT)
    assert "Santé à Dakar" not in client.get(url).text
    draft.status = MissionStatus.PUBLISHED
    draft.save()
    assert "Santé à Dakar" in client.get(url).text

    shown = client.get(reverse("missions:mission", args=[draft.pk]))
    assert shown.status_code == 200
    draft.status = MissionStatus.CLOSED
    draft.save()
    assert "Santé à Dakar" not in client.get(url).text
    assert client.get(reverse("missions:mission", args=[draft.pk])).status_code == 404


def test_a_call_changed_or_given_missions_shows_at_once(client, call):
    url = reverse("missions:call", args=[call.pk])
    client.get(url)
    call.title = "VIR 2027 — France et Belgique"
    call.save()
    assert "VIR 2027 — France et Belgique" in client.get(url).text

    added = MissionFactory(title="Bruxelles solidaire")
    call.missions.add(added)
    assert "Bruxelles solidaire" in client.get(url).text

    theme = added.theme
    theme.name_fr = "Solidarité internationale"
    theme.save()
    assert "Solidarité internationale" in client.get(reverse("missions:catalogue")).text


def test_a_call_opening_by_the_clock_shows_without_any_write(client):
    mission = MissionFactory(title="Chantier à Kara")
    soon = timezone.now() + timedelta(seconds=1)
    CallFactory(title="Appel de minuit", opens_at=soon, missions=[mission])
    url = reverse("missions:catalogue")
    assert "Appel de minuit" not in client.get(url).text

    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.2)

    assert "Appel de minuit" in client.get(url).text


def test_a_signed_in_page_is_never_kept_for_anyone_else(client, call, volunteer):
    url = reverse("missions:call", args=[call.pk])
    application = ApplicationFactory(volunteer=volunteer, call=call)
    mine = reverse("volunteers:application", args=[application.pk])

    client.force_login(volunteer)
    assert mine in client.get(url).text
    client.logout()

    anonymous = Client().get(url)
    assert mine not in anonymous.text
    assert "Créer un compte pour candidater" in anonymous.text

    # And the anonymous page, now kept, is not what she gets when she signs in again.
    client.force_login(volunteer)
    again = client.get(url)
    assert mine in again.text and "Créer un compte pour candidater" not in again.text
    assert "csrfmiddlewaretoken" not in Client().get(url).text


def test_a_message_waiting_is_shown_not_hidden_by_a_kept_page(client, volunteer):
    client.get(reverse("home"))  # kept
    client.force_login(volunteer)
    response = client.post(reverse("account_logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Vous êtes déconnecté" in response.text or "déconnecté" in response.text


def test_a_missing_page_is_not_kept(client):
    hidden = MissionFactory(title="Pas encore publiée", status=MissionStatus.DRAFT)
    url = reverse("missions:mission", args=[hidden.pk])
    assert client.get(url).status_code == 404
    Mission.objects.filter(pk=hidden.pk).update(status=MissionStatus.PUBLISHED)
    assert client.get(url).status_code == 200


def test_a_theme_added_shows_in_the_catalogue_filter(client, call):
    url = reverse("missions:catalogue")
    client.get(url)
    ThemeFactory(slug="nouveau", name_fr="Numérique solidaire")
    assert "Numérique solidaire" in client.get(url).text


def test_a_page_asked_with_unknown_parameters_or_a_search_is_built_not_kept(
    client, call, django_assert_max_num_queries
):
    """Every made-up parameter would otherwise keep a page of its own in the cache."""
    catalogue = reverse("missions:catalogue")
    for url in (f"{catalogue}?utm_source=sms", f"{catalogue}?q=Lyon", "/?x=1"):
        client.get(url)
        again = client.get(url)
        assert again.status_code == 200
        assert "ETag" not in again, url  # built for this request, as a signed-in page is
    # Known filters are kept whatever their order.
    client.get(f"{catalogue}?country=FR&page=1")
    with django_assert_max_num_queries(0):
        assert client.get(f"{catalogue}?page=1&country=FR").status_code == 200


def test_public_pages_are_served_when_the_cache_does_not_answer(client, call, settings):
    """A Redis that is down (nothing listens on the port) costs the cache, not the page."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    mission = call.missions.get()
    for url in (reverse("home"), reverse("missions:mission", args=[mission.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "ANVT" in response.text


def test_without_a_shared_cache_production_keeps_no_page(client, call, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    url = reverse("missions:call", args=[call.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) > 0
