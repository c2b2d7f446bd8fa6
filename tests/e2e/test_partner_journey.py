"""France Volontaires confirms one placement and declines another; the other partner sees none."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from missions.models import Placement
from tests.e2e.conftest import LAPTOP
from tests.e2e.helpers import accept_invitation


@pytest.mark.django_db(transaction=True)
def test_france_volontaires_confirms_and_declines(live_server, page, shoot, browser):
    call_command("seed_demo")
    url = live_server.url
    page.set_viewport_size(LAPTOP)
    page.set_default_timeout(10_000)

    # Partner users read personal data: their invitation sets up two-factor authentication.
    accept_invitation(page, url, "coordinator@france-volontaires.demo")
    page.goto(f"{url}/partenaires/")
    expect(page.get_by_role("heading", name="2 affectations à confirmer")).to_be_visible()
    shoot("partner-01-home")

    page.get_by_role("link", name=re.compile("Sena DOSSOU —")).click()
    shoot("partner-02-placement")
    page.get_by_role("button", name="Confirmer l'affectation").click()
    expect(page.get_by_text("Affectation confirmée.")).to_be_visible()
    shoot("partner-03-confirmed")

    page.goto(f"{url}/partenaires/")
    page.get_by_role("link", name=re.compile("Kodjo AKAKPO —")).click()
    page.get_by_text("Refuser l'affectation…").click()
    page.get_by_label("Motif du refus (transmis à l'ANVT)").fill(
        "Le niveau de français demandé n'est pas atteint."
    )
    shoot("partner-04-decline")
    page.get_by_role("button", name="Refuser", exact=True).click()
    expect(page.get_by_text("Affectation refusée ; l'ANVT est prévenue.")).to_be_visible()
    shoot("partner-05-declined")
    assert sorted(Placement.objects.values_list("status", flat=True)) == ["confirmed", "declined"]

    other = browser.new_context(locale="fr-FR", viewport=LAPTOP)
    other_page = other.new_page()
    accept_invitation(other_page, url, "coordinator@lome-solidarite.demo")
    other_page.goto(f"{url}/partenaires/")
    expect(other_page.get_by_role("heading", name="0 affectation à confirmer")).to_be_visible()
    expect(other_page.get_by_text("Sena")).to_have_count(0)
    expect(other_page.get_by_text("Camille DURAND")).to_be_visible()
    shoot("partner-06-other-partner", other_page)
    placement = Placement.objects.get(status="confirmed")
    response = other_page.goto(f"{url}/partenaires/affectations/{placement.pk}/")
    assert response.status == 404
    expect(other_page.get_by_text("Sena")).to_have_count(0)
    other.close()
