"""France Volontaires confirms a placement after a refused empty decline; the other partner sees
none of them."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from missions.models import Placement
from tests.e2e.conftest import LAPTOP
from tests.e2e.helpers import accept_invitation


@pytest.mark.django_db(transaction=True)
def test_france_volontaires_confirms_and_the_other_partner_sees_nothing(
    live_server, page, shoot, browser
):
    call_command("seed_demo")
    url = live_server.url
    page.set_viewport_size(LAPTOP)
    page.set_default_timeout(10_000)

    # Partner users read personal data: their invitation sets up two-factor authentication.
    accept_invitation(page, url, "coordinator@france-volontaires.demo")
    page.goto(f"{url}/partenaires/")
    # Kodjo is already confirmed by France Volontaires and waits for the host in Lille.
    expect(page.get_by_role("heading", name="1 affectation à confirmer")).to_be_visible()
    shoot("partner-01-home")

    page.get_by_role("link", name=re.compile("Sena DOSSOU —")).click()
    shoot("partner-02-placement")
    # A decline without its reason is refused, and nothing changes.
    page.get_by_text("Refuser l'affectation…").click()
    page.get_by_role("button", name="Refuser", exact=True).click()
    expect(page.get_by_text("Indiquez le motif du refus.")).to_be_visible()
    assert Placement.objects.get(volunteer__email="sena@volontaire.demo").status == "proposed"
    page.get_by_role("button", name="Confirmer l'affectation").click()
    expect(page.get_by_text("la structure d'accueil est maintenant sollicitée")).to_be_visible()
    shoot("partner-03-confirmed")
    waiting = Placement.objects.filter(
        volunteer__email__in=["sena@volontaire.demo", "kodjo@volontaire.demo"]
    )
    assert sorted(waiting.values_list("status", flat=True)) == ["host_pending", "host_pending"]

    other = browser.new_context(locale="fr-FR", viewport=LAPTOP)
    other_page = other.new_page()
    accept_invitation(other_page, url, "coordinator@lome-solidarite.demo")
    other_page.goto(f"{url}/partenaires/")
    expect(other_page.get_by_role("heading", name="0 affectation à confirmer")).to_be_visible()
    expect(other_page.get_by_text("Sena")).to_have_count(0)
    # Its own incoming volunteer, in its list and as the thing to do now.
    expect(other_page.get_by_role("link", name="Camille DURAND")).to_be_visible()
    expect(other_page.locator(".next-step h2")).to_have_text(
        "Enregistrez l'arrivée de Camille DURAND"
    )
    shoot("partner-06-other-partner", other_page)
    placement = Placement.objects.get(volunteer__email="sena@volontaire.demo")
    response = other_page.goto(f"{url}/partenaires/affectations/{placement.pk}/")
    assert response.status == 404
    expect(other_page.get_by_text("Sena")).to_have_count(0)
    other.close()
