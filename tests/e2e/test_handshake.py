"""The placement handshake in a browser at phone size, on PostgreSQL with a real worker: France
Volontaires confirms Sena after opening her file, the host structure in Lille confirms through
the link it received by e-mail, and only then does Sena read "sélectionnée"; she follows her
placement page through departure, arrival and return. The host declines Kodjo, who reads what
happens next."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from playwright.sync_api import expect

from missions.models import Placement
from tests.conftest import require_service
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import accept_invitation, log_in, wait_for_outbox, wait_until

HOST_ADDRESS = "jeunesse@mairie-lille.demo"


def host_link(address: str, count: int, index: int = -1) -> str:
    """The path of a host link e-mailed to `address` (the newest by default), once `count` have
    gone out."""
    wait_until(lambda: len([m for m in mail.outbox if m.to == [address]]) >= count)
    body = [m.body for m in mail.outbox if m.to == [address]][index]
    return re.search(r"https?://[^/\s]+(/accueil/\S+/)", body).group(1)


@pytest.mark.django_db(transaction=True)
def test_three_parties_confirm_and_each_reads_only_what_is_decided(
    live_server, browser, celery_worker_thread, screenshots
):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the handshake runs on PostgreSQL (DATABASE_URL)")
    call_command("seed_demo")
    url = live_server.url

    def phone():
        context = browser.new_context(locale="fr-FR", viewport=PHONE)
        context.set_default_timeout(15_000)
        return context.new_page()

    def shoot(page, name):
        page.screenshot(path=screenshots / f"handshake-{name}.png", full_page=True)

    sena = Placement.objects.get(volunteer__email="sena@volontaire.demo")
    kodjo = Placement.objects.get(volunteer__email="kodjo@volontaire.demo")

    # Sena reads that she is proposed, not selected.
    volunteer = phone()
    log_in(volunteer, url, "sena@volontaire.demo")
    volunteer.goto(f"{url}/candidatures/{sena.application_id}/")
    expect(volunteer.locator(".status-line")).to_contain_text("Proposée à un partenaire")
    volunteer.get_by_role("link", name="Mon affectation : étapes, dates, contacts").click()
    expect(volunteer.locator("#next-steps")).to_contain_text("en attente de réponse")
    shoot(volunteer, "01-volunteer-proposed")

    # France Volontaires opens her file, then confirms: the host is asked in its turn.
    partner = phone()
    accept_invitation(partner, url, "coordinator@france-volontaires.demo")
    partner.goto(f"{url}/partenaires/affectations/{sena.pk}/")
    expect(partner.locator("#profile")).to_contain_text("Je veux transmettre")
    expect(partner.locator("#assessment")).to_contain_text("/20")
    expect(partner.locator("#documents")).to_contain_text("Aperçu")
    partner.locator("#documents a", has_text="Aperçu").first.click()
    partner.go_back()
    shoot(partner, "02-partner-decision-file")
    partner.get_by_role("button", name="Confirmer l'affectation").click()
    expect(partner.get_by_text("la structure d'accueil est maintenant sollicitée")).to_be_visible()
    sena.refresh_from_db()
    assert sena.status == "host_pending"

    volunteer.reload()
    expect(volunteer.locator(".status-line")).to_contain_text("Proposée à un partenaire")

    # The host structure, without an account, confirms through the e-mailed link.
    host = phone()
    host.goto(f"{url}{host_link(HOST_ADDRESS, 2)}")  # Kodjo's link (seed), then Sena's
    expect(host.get_by_role("heading", level=1)).to_contain_text("Mairie de Lille")
    expect(host.locator("main")).to_contain_text("Sena")
    shoot(host, "03-host-link")
    host.get_by_label("Votre nom et votre fonction").fill("Julie Lefèvre, responsable jeunesse")
    host.get_by_role("button", name="Confirmer l'accueil").click()
    expect(host.get_by_text("l'accueil est confirmé")).to_be_visible()
    expect(host.get_by_text("Ce lien a déjà servi")).to_be_visible()
    sena.refresh_from_db()
    assert (sena.status, sena.application.status) == ("confirmed", "selected")

    # Only now is she selected, and her page says what comes next.
    volunteer.goto(f"{url}/espace/affectations/{sena.pk}/")
    expect(volunteer.locator(".status-line")).to_contain_text("Sélectionnée")
    expect(volunteer.locator(".step-next")).to_contain_text("Départ")
    expect(volunteer.get_by_text("jeunesse@mairie-lille.demo")).to_be_visible()
    shoot(volunteer, "04-volunteer-selected")

    # The partner records her departure (her mobility file is not complete: it says why she
    # leaves anyway), her arrival and her return.
    partner.goto(f"{url}/partenaires/affectations/{sena.pk}/")
    partner.locator("#override").fill("Départ avancé pour la rentrée scolaire.")
    for action in ("depart", "arrivee", "retour"):
        partner.locator(f"form.date-action[action$='/{action}/'] button").click()
        expect(partner.get_by_text("Enregistré.")).to_be_visible()
    shoot(partner, "05-partner-dates")
    sena.refresh_from_db()
    assert (sena.status, sena.application.status) == ("completed", "completed")
    volunteer.reload()
    expect(volunteer.locator(".status-line")).to_contain_text("Mission terminée")
    shoot(volunteer, "06-volunteer-returned")

    # The host declines Kodjo, with a reason it lets him read; he reads what happens next.
    host.goto(f"{url}{host_link(HOST_ADDRESS, 2, index=0)}")
    host.get_by_label("Votre nom et votre fonction").fill("Julie Lefèvre")
    host.get_by_text("Refuser l'accueil…").click()
    host.get_by_label("Motif du refus").fill("Plus de tuteur disponible en juin.")
    host.get_by_label("Le ou la volontaire peut lire ce motif").check()
    host.get_by_role("button", name="Refuser l'accueil").click()
    expect(host.get_by_text("Votre refus est enregistré")).to_be_visible()
    kodjo.refresh_from_db()
    assert (kodjo.status, kodjo.application.status) == ("declined", "shortlisted")

    declined = browser.new_context(locale="en-GB", viewport=PHONE).new_page()
    log_in(declined, url, "kodjo@volontaire.demo")
    declined.goto(f"{url}/espace/affectations/{kodjo.pk}/")
    expect(declined.locator("#what-next")).to_contain_text("Plus de tuteur disponible en juin.")
    expect(declined.locator("#what-next")).to_contain_text("shortlist")
    shoot(declined, "07-volunteer-declined")

    # The programme manager follows it all on the placement's page.
    manager = phone()
    accept_invitation(manager, url, "manager@anvt.demo")
    manager.goto(f"{url}/equipe/affectations/{sena.pk}/")
    history = manager.locator("#history")
    expect(history).to_contain_text("Lien de confirmation envoyé à la structure d'accueil")
    expect(history).to_contain_text("Julie Lefèvre, responsable jeunesse")
    expect(history).to_contain_text("Terminée")
    shoot(manager, "08-manager-placement")

    # Each was told once, in their own language.
    wait_for_outbox()
    sena_subjects = [m.subject for m in mail.outbox if m.to == ["sena@volontaire.demo"]]
    assert "Votre candidature est proposée à France Volontaires" in sena_subjects
    selected = sena_subjects.index("Vous êtes sélectionné·e : toutes les parties ont confirmé")
    assert selected > sena_subjects.index("Votre candidature est proposée à France Volontaires")
    kodjo_subjects = [m.subject for m in mail.outbox if m.to == ["kodjo@volontaire.demo"]]
    assert "Your application is back on the shortlist" in kodjo_subjects
