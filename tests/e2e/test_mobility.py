"""The mobility file at phone size: Akouvi completes her part, France Volontaires its insurance,
ANVT verifies everything and ticks the workshop's attendance; the contingent's board turns green
and the partner sees it."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from missions.models import Placement
from mobility.enums import ItemState
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import accept_invitation, log_in, pdf


@pytest.mark.django_db(transaction=True)
def test_a_file_completed_verified_and_green_on_the_board(
    live_server, browser, screenshots, tmp_path
):
    call_command("seed_demo")
    url = live_server.url
    placement = Placement.objects.get(volunteer__email="akouvi@volontaire.demo")

    def phone():
        context = browser.new_context(locale="fr-FR", viewport=PHONE)
        context.set_default_timeout(15_000)
        return context.new_page()

    def shoot(page, name):
        page.screenshot(path=screenshots / f"mobility-{name}.png", full_page=True)

    # Akouvi sends her visa and a new medical certificate from her phone.
    volunteer = phone()
    log_in(volunteer, url, "akouvi@volontaire.demo")
    volunteer.goto(f"{url}/espace/affectations/{placement.pk}/")
    volunteer.get_by_role("link", name="Mon dossier de départ : visa, assurance, billets…").click()
    expect(volunteer.get_by_text("À reprendre : Le certificat doit dater")).to_be_visible()
    for label in ("Visa obtenu", "Certificat médical d'aptitude"):
        card = volunteer.locator("section.card", has=volunteer.get_by_role("heading", name=label))
        card.locator("input[type=file]").set_input_files(pdf(tmp_path, "piece.pdf"))
        card.locator("button[type=submit]").click()
        expect(volunteer.get_by_text("Transmis à l'ANVT, qui va le vérifier.")).to_be_visible()
    shoot(volunteer, "01-volunteer-checklist")

    # France Volontaires gives the date its health insurance starts.
    partner = phone()
    accept_invitation(partner, url, "coordinator@france-volontaires.demo")
    partner.goto(f"{url}/partenaires/affectations/{placement.pk}/")
    insurance = partner.locator("#mobility li", has_text="Assurance santé souscrite")
    insurance.locator("input[type=date]").fill("2027-08-25")
    insurance.get_by_role("button", name="Transmettre").click()
    expect(partner.get_by_text("Transmis à l'ANVT, qui va le vérifier.")).to_be_visible()

    # ANVT verifies every piece, books the flights and ticks the workshop's attendance.
    manager = phone()
    accept_invitation(manager, url, "manager@anvt.demo")
    manager.goto(f"{url}/equipe/affectations/{placement.pk}/dossier/")
    verify = manager.get_by_role("button", name="Vérifié", exact=True)
    while verify.count():
        verify.first.click()
        expect(manager.get_by_text("Vérifié.", exact=True)).to_be_visible()
    shoot(manager, "04-staff-file")
    workshop = placement.workshop_invitations.get().workshop
    manager.goto(f"{url}/equipe/ateliers/{workshop.pk}/presences/")
    manager.get_by_label("Akouvi Tchala").check()
    shoot(manager, "05-attendance")
    manager.get_by_role("button", name="Enregistrer les présences").click()
    expect(manager.get_by_text("Présences enregistrées.")).to_be_visible()
    states = set(placement.mobility_items.values_list("state", flat=True))
    assert states == {ItemState.VERIFIED}

    # The board turns green, for ANVT and for the partner.
    manager.goto(f"{url}/equipe/contingents/{placement.contingent_id}/preparation/")
    expect(manager.get_by_text("1 dossier prêt sur 1.")).to_be_visible()
    expect(manager.locator("tr.ready")).to_have_count(1)
    shoot(manager, "02-board")
    partner.goto(f"{url}/partenaires/contingents/{placement.contingent_id}/preparation/")
    expect(partner.locator("tr.ready")).to_have_count(1)
    shoot(partner, "03-partner-board")

    manager.goto(f"{url}/equipe/listes-de-depart/")
    shoot(manager, "06-checklists")

    # She can leave without any override.
    manager.goto(f"{url}/equipe/affectations/{placement.pk}/")
    expect(manager.get_by_text("Le dossier de départ n'est pas complet")).to_have_count(0)
    manager.locator("form.date-action[action$='/depart/'] button").click()
    expect(manager.get_by_text("Enregistré.")).to_be_visible()
    placement.refresh_from_db()
    assert placement.status == "departed"
