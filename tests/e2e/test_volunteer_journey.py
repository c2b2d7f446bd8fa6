"""A new volunteer, on a phone, from sign-up to the eligibility result."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from tests.factories import CallFactory, MissionFactory
from tests.files import PDF

PASSWORD = "Un-mot-de-passe-solide-2026"


def _pdf(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PDF)
    return str(path)


@pytest.mark.django_db(transaction=True)
def test_volunteer_signs_up_and_applies_on_a_phone(live_server, page, shoot, tmp_path):
    missions = [
        MissionFactory(title="Tri des déchets à Lyon", start_date=date(2026, 10, 1)),
        MissionFactory(title="Prévention santé à Marseille", country="FR", city="Marseille"),
    ]
    call = CallFactory(
        title="VIR 2026 — France", missions=missions, reference_date=date(2026, 2, 28)
    )
    url = live_server.url
    page.set_default_timeout(10_000)

    page.goto(f"{url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Volontariat International de Réciprocité"
    )
    shoot("volunteer-01-home")

    page.goto(f"{url}/accounts/signup/")
    page.locator("#id_email").fill("akosua@example.tg")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    shoot("volunteer-02-signup")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifiez votre adresse e-mail")

    confirmation = mail.outbox[-1]
    assert "Confirmez votre adresse" in confirmation.subject
    assert not [m for m in mail.outbox if "Bienvenue" in m.subject]  # not before confirming
    link = re.search(r"https?://[^/\s]+(/\S+)", confirmation.body).group(1)
    page.goto(f"{url}{link}")
    page.get_by_role("button", name="Confirmer").click()
    # Confirmed in the browser she signed up in: signed in, in her space, welcomed by the bell.
    expect(page).to_have_url(f"{url}/espace/")
    expect(page.locator(".bell .badge")).to_have_text("1")

    page.goto(f"{url}/espace/profil/identity/")
    page.get_by_label("Prénoms").fill("Akosua")
    page.locator("#id_last_name").fill("Dogbe")
    page.get_by_label("Date de naissance").fill("2003-04-12")
    page.get_by_label("Genre").select_option("female")
    page.get_by_label("Nationalité").select_option("togolese_resident")
    shoot("volunteer-03-profile-identity")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.get_by_label("Pays de résidence").select_option("TG")
    page.get_by_label("Région du Togo").select_option("maritime")
    page.get_by_label("Ville").fill("Aného")
    page.get_by_label("Téléphone").fill("+228 90 12 34 56")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.locator("#id_languages-0-language").select_option("fr")
    page.locator("#id_languages-0-level").select_option("C1")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_label("Niveau d'études").select_option("baccalaureate")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_label(re.compile("J'accepte que l'ANVT")).check()
    shoot("volunteer-04-profile-consent")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Profil complété à 100 %")).to_be_visible()

    page.goto(f"{url}/espace/experiences/nouvelle/")
    page.get_by_label("Structure d'accueil").fill("ANVT — volontariat national")
    page.get_by_label("Date de début").fill("2022-01-01")
    page.get_by_label("Date de fin").fill("2024-06-30")
    page.get_by_label("Justificatif (document scanné)").set_input_files(
        _pdf(tmp_path, "attestation.pdf")
    )
    shoot("volunteer-05-experience")
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("Total retenu aujourd'hui : 2 ans et 5 mois (912 jours)")
    ).to_be_visible()
    shoot("volunteer-06-experiences")

    for kind, name, expiry in [
        ("cv", "cv.pdf", None),
        ("motivation_letter", "lettre.pdf", None),
        ("experience_certificate", "certificat.pdf", None),
        ("passport", "passeport.pdf", "2031-01-01"),
    ]:
        page.goto(f"{url}/espace/documents/")
        page.get_by_label("Type de document").select_option(kind)
        if expiry:
            page.get_by_label("Date d'expiration").fill(expiry)
        page.get_by_label("Fichier").set_input_files(_pdf(tmp_path, name))
        page.get_by_role("button", name="Déposer").click()
        expect(page.get_by_text("Document déposé.")).to_be_visible()
    shoot("volunteer-07-documents")

    page.goto(f"{url}/missions/")
    shoot("volunteer-08-catalogue")
    page.get_by_role("link", name="Voir l'appel et candidater").click()
    page.get_by_role("button", name="Commencer ma candidature").click()
    page.get_by_label("Choix n° 1").select_option(label="Prévention santé à Marseille")
    page.get_by_label("Choix n° 2").select_option(label="Tri des déchets à Lyon")
    shoot("volunteer-09-apply-missions")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_label("Votre motivation").fill(
        "Depuis trois ans, j'anime des ateliers de sensibilisation à Aného. Je veux apprendre "
        "d'autres méthodes et les rapporter au Togo."
    )
    shoot("volunteer-10-apply-motivation")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    shoot("volunteer-11-apply-review")
    page.get_by_role("button", name="Envoyer ma candidature").click()

    expect(page.get_by_text("Votre candidature remplit toutes les conditions.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Éligible")
    shoot("volunteer-12-eligibility")
    assert call.applications.get().status == "eligible"

    # The bell: a title, a sentence or two and one action each, not the e-mail's text.
    page.locator(".bell").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    eligible = page.locator("article.notification").filter(
        has_text="Votre candidature est éligible"
    )
    expect(eligible).to_contain_text("l'équipe de l'ANVT va maintenant l'examiner")
    expect(page.locator("main")).not_to_contain_text("Bonjour")
    expect(page.locator("main")).not_to_contain_text("http")
    shoot("volunteer-13-notifications")
    eligible.get_by_role("button", name="Voir ma candidature").click()
    expect(page.locator(".timeline")).to_contain_text("Éligible")

    # The same news by e-mail: its HTML part, greeting her by the name she gave, on a phone.
    [email] = [m for m in mail.outbox if m.subject == "Votre candidature est éligible"]
    html = email.alternatives[0].content
    assert "<img" not in html
    # A blank page of its own, as a mail app shows it (the portal's CSP would drop its styles).
    inbox = page.context.new_page()
    inbox.set_content(html)
    expect(inbox.get_by_text("Bonjour Akosua Dogbe,")).to_be_visible()
    button = inbox.get_by_role("link", name="Voir ma candidature")
    expect(button).to_be_visible()
    # Built from the configured public address, never the host the request came in on.
    assert button.get_attribute("href").startswith(f"{settings.SITE_URL}/candidatures/")
    shoot("volunteer-14-email-html", inbox)
    assert "Bonjour Akosua Dogbe," in email.body
