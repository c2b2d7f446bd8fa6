"""A programme manager accepts her invitation (TOTP and password), reviews, shortlists and forms
a contingent from the demo."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.invitations import invitation_link
from missions.models import Call, Contingent
from staff.management.commands.seed_demo import CALL_TITLE
from tests.e2e.conftest import LAPTOP
from tests.e2e.helpers import totp_code

DEMO_PASSWORD = "anvt-demo-2026"
STAFF_PASSWORD = "Equipe-ANVT-2026!"


def totp_now(secret: str) -> str:
    return totp_code(secret)


def review(page, scores):
    for name, value in scores.items():
        page.locator(f"input[name='{name}'][value='{value}']").check()
    page.get_by_label("Recommandation").select_option("select")
    page.get_by_role("button", name="Enregistrer mon évaluation").click()
    expect(page.get_by_text("Évaluation enregistrée.")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_manager_reviews_shortlists_and_forms_a_contingent(live_server, page, shoot):
    call_command("seed_demo")
    url = live_server.url
    # This year's call: the list of every call holds the 2025 cohort too.
    this_call = Call.objects.get(title=CALL_TITLE).pk
    page.set_viewport_size(LAPTOP)
    page.set_default_timeout(10_000)

    # A password alone never opens a staff account: it is activated by its invitation, which
    # sets up the authenticator and the password together.
    page.goto(f"{url}/accounts/login/")
    page.locator("#id_login").fill("manager@anvt.demo")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(re.compile("/accounts/login/"))  # no password before the invitation

    user = get_user_model().objects.get(email="manager@anvt.demo")
    page.goto(f"{url}{invitation_link(user).removeprefix(settings.SITE_URL)}")
    shoot("staff-01-invitation")
    secret = page.locator("#invitation-secret").get_attribute("data-secret")
    page.locator("#id_password1").fill(STAFF_PASSWORD)
    page.locator("#id_password2").fill(STAFF_PASSWORD)
    page.locator("#id_code").fill(totp_now(secret))
    page.get_by_role("button", name="Activer mon compte").click()
    expect(
        page.get_by_text("Votre compte est activé, avec la double authentification.")
    ).to_be_visible()

    page.goto(f"{url}/equipe/candidatures/?sort=name&call={this_call}")
    expect(page.get_by_role("heading", name="Candidatures", level=1)).to_be_visible()
    shoot("staff-02-applications")

    for name in ("KOFFI Ama", "MENSAH Efua"):
        page.goto(f"{url}/equipe/candidatures/?sort=name&call={this_call}")
        page.get_by_role("link", name=name).click()
        if name.startswith("KOFFI"):
            shoot("staff-03-application")
        review(page, {"motivation": 4, "experience": 4, "skills": 3, "languages": 4})
        # One review of the two the call asks for: the manager says why she shortlists now.
        page.get_by_text("Présélectionner (1 évaluation(s) sur 2)…").click()
        page.locator("#reason-shortlist").fill("Vue en comité de sélection")
        page.get_by_role("button", name="Présélectionner").click()
        expect(page.locator("p").filter(has_text="Présélectionnée").first).to_be_visible()
    shoot("staff-04-shortlisted")

    page.goto(f"{url}/equipe/contingents/")
    page.get_by_label("Appel").select_option(label="VIR 2026 — France — Service Civique")
    page.get_by_label("Partenaire").select_option(label="France Volontaires")
    page.get_by_label("Nom").fill("VIR 2026 — France — Service Civique")
    page.get_by_label("Places").fill("2")
    page.get_by_role("button", name="Créer le contingent").click()
    expect(page.get_by_text("0 places occupées sur 2")).to_be_visible()
    shoot("staff-05-contingent")

    for _ in range(2):
        page.locator("form.add-row").first.get_by_role("button", name="Ajouter").click()
        expect(page.get_by_text("Volontaire ajouté·e au contingent.")).to_be_visible()
    expect(page.get_by_text("2 places occupées sur 2")).to_be_visible()
    expect(page.get_by_text("Le contingent est complet.")).to_be_visible()
    shoot("staff-06-contingent-full")

    page.get_by_role("button", name="Envoyer au partenaire").click()
    expect(page.get_by_text("Contingent envoyé au partenaire.")).to_be_visible()
    shoot("staff-07-contingent-sent")
    assert (
        Contingent.objects.get(name="VIR 2026 — France — Service Civique").status
        == "sent_to_partner"
    )

    page.goto(f"{url}/equipe/tableau-de-bord/")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    shoot("staff-08-dashboard")
