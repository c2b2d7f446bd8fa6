import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_is_french_by_default(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.text
    assert "Qui peut candidater ?" in response.text


def test_home_switches_to_english(client):
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert switched.status_code == 302

    response = client.get(reverse("home"))
    assert response["Content-Language"] == "en"
    assert "Who can apply?" in response.text
    assert "Qui peut candidater ?" not in response.text


def test_home_honours_accept_language(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-GB,en;q=0.9"})
    assert response["Content-Language"] == "en"
    assert "Who can apply?" in response.text


def test_every_page_offers_the_language_switcher_and_account_menu(client, volunteer):
    anonymous = client.get(reverse("account_login"))
    assert f'action="{reverse("set_language")}"' in anonymous.text
    assert reverse("account_signup") in anonymous.text

    client.force_login(volunteer)
    logged_in = client.get(reverse("home"))
    assert volunteer.email in logged_in.text
    assert reverse("account_logout") in logged_in.text
    assert "username" not in logged_in.text.lower()


def _transferred(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def test_home_page_first_visit_weighs_under_100_kb(client):
    """The page plus every stylesheet, script and image it links to, as served."""
    page = client.get(reverse("home"))
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert any(asset.endswith(".css") for asset in assets)

    sizes = [_transferred(client.get(asset)) for asset in assets]

    assert all(sizes)
    assert _transferred(page) + sum(sizes) < 100 * 1024
