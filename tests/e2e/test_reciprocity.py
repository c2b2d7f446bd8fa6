"""Issue 21 in Chromium at phone size, on the demo data: the public figures of 2025 with their
small counts hidden; France Volontaires declares a volunteer at a host ANVT never verified (a
host of another region is refused first) and sees the flag; a programme manager (TOTP) sees it
on the dashboard, validates with a reason, verifies the host, and reads the ledger of 2025 with
its chart. Screenshots: reciprocity-*.png."""

import io
import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import StatusChange
from missions.models import IncomingVolunteer
from tests.conftest import PASSWORD
from tests.e2e.helpers import log_in, totp_code


def sign_in(page, url, email) -> None:
    user = get_user_model().objects.get(email=email)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    log_in(page, url, email, PASSWORD)
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("#id_code").press("Enter")
    page.wait_for_load_state()


def fill_declaration(page, host: str, region: str) -> None:
    page.locator("#id_first_name").fill("Jonas")
    page.locator("#id_last_name").fill("Weber")
    page.locator("#id_nationality").select_option("BE")
    page.locator("#id_birth_date").fill("2001-04-12")
    page.locator("#id_passport_number").fill("EH123456")
    page.locator("#id_sending_organisation").fill("France Volontaires")
    page.locator("#id_host_structure").select_option(label=host)
    page.locator("#id_region").select_option(region)
    page.locator("#id_theme").select_option(index=1)
    start = timezone.localdate() + timedelta(days=60)
    page.locator("#id_arrival_date").fill(start.isoformat())
    page.locator("#id_departure_date").fill((start + timedelta(days=180)).isoformat())
    page.locator("#id_emergency_contact_name").fill("Anna Weber")
    page.locator("#id_emergency_contact_phone").fill("+32470123456")


@pytest.mark.django_db(transaction=True)
def test_reciprocity_on_a_phone(live_server, browser, shoot):
    call_command("seed_demo", stdout=io.StringIO())
    url = live_server.url
    visitor = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
    visitor.goto(f"{url}/chiffres/?annee=2025")
    expect(visitor.locator("h1")).to_have_text(re.compile("en chiffres"))
    expect(visitor.locator("#table-region")).to_contain_text("< 5")
    expect(visitor.locator("#table-call tfoot")).to_contain_text("45")
    expect(visitor.locator("#table-nationality")).to_contain_text("France")
    assert "Cohorte 2025" not in visitor.content()
    shoot("reciprocity-public-2025", visitor)
    visitor.goto(f"{url}/chiffres/?annee=2025")  # kept: the same page again
    visitor.close()

    partner = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
    sign_in(partner, url, "coordinator@france-volontaires.demo")
    partner.goto(f"{url}/partenaires/accueil/declarer/")
    fill_declaration(partner, "Jeunesse Active des Savanes", "kara")
    partner.get_by_role("button", name="Enregistrer").click()
    expect(partner.locator(".errorlist")).to_contain_text(
        "Jeunesse Active des Savanes est enregistrée dans la région Savanes"
    )
    shoot("reciprocity-declaration-refused", partner)
    partner.locator("#id_region").select_option("savanes")
    partner.get_by_role("button", name="Enregistrer").click()
    expect(partner.get_by_text("Déclaration enregistrée")).to_be_visible()
    expect(partner.locator("article", has_text="Jonas WEBER")).to_contain_text("⚠ jamais vérifiée")
    shoot("reciprocity-partner-flag", partner)
    partner.goto(f"{url}/partenaires/reciprocite/")
    expect(partner.locator("table.ledger")).to_contain_text("2025")
    shoot("reciprocity-partner-ledger", partner)
    partner.close()

    manager = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
    sign_in(manager, url, "manager@anvt.demo")
    manager.goto(f"{url}/equipe/tableau-de-bord/")
    manager.locator("#flagged-incoming a").click()
    row = manager.locator("tr", has_text="Jonas WEBER")
    expect(row).to_contain_text("jamais vérifiée")
    row.locator("textarea").fill("Structure visitée par l'antenne de Dapaong ; papiers attendus.")
    shoot("reciprocity-staff-flagged", manager)
    row.get_by_role("button", name="Valider").click()
    expect(manager.get_by_text("Déclaration validée.")).to_be_visible()
    jonas = IncomingVolunteer.objects.get(last_name="Weber")
    assert jonas.status == "validated"
    assert StatusChange.objects.get(object_id=jonas.pk, to_status="validated").reason.startswith(
        "Structure visitée"
    )

    manager.goto(f"{url}/equipe/accueil/structures/")
    manager.get_by_role("link", name="Jeunesse Active des Savanes").click()
    manager.get_by_role("button", name="Enregistrer la vérification").click()
    expect(manager.get_by_text("Vérification enregistrée.")).to_be_visible()
    expect(manager.locator("#verification-title + p")).to_contain_text("vérifiée jusqu'au")
    shoot("reciprocity-host", manager)

    manager.goto(f"{url}/equipe/reciprocite/?annee=2025")
    line = manager.locator("table.ledger tbody tr", has_text="France Volontaires")
    expect(line).to_contain_text("11")  # sent in 2025: Afiwa and the cohort's ten
    expect(line).to_contain_text("117 %")  # received 14 for a quota of 12
    expect(manager.locator(".quota-tick")).to_have_count(2)
    shoot("reciprocity-ledger-2025", manager)
    manager.close()
