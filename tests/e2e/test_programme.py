"""The whole programme in a browser, as the demo data tells it, on PostgreSQL with a real Celery
worker over Redis: a call, five new volunteers (two not eligible, and told why), reviews, a
contingent of four, the partner's answers, the freed seat, departures, and everyone told in
their own language."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from missions import hostlinks
from missions.models import Application, Contingent, Placement
from notifications.models import Notification
from tests.conftest import require_service
from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.helpers import accept_invitation, log_in, pdf, sign_up, wait_for_outbox

PASSWORD = "Un-mot-de-passe-solide-2026"
CALL = "VIR 2027 — France — Service Civique"
FRANCE = [
    "Sensibilisation au tri des déchets dans les quartiers",
    "Prévention santé auprès des jeunes",
    "Accompagnement scolaire et lutte contre le décrochage",
    "Éducation à la solidarité internationale dans les lycées",
]


def submit(page):
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def apply_as_volunteer(page, url, tmp_path, person, reference):
    """Sign up, fill the profile, declare experience, upload documents and apply."""
    sign_up(page, url, person["email"], PASSWORD)
    page.goto(f"{url}/espace/profil/identity/")
    page.locator("#id_first_name").fill(person["first"])
    page.locator("#id_last_name").fill(person["last"])
    page.locator("#id_birth_date").fill(person["birth"](reference).isoformat())
    page.locator("#id_gender").select_option(person["gender"])
    page.locator("#id_nationality_status").select_option("togolese_resident")
    submit(page)
    page.locator("#id_country_of_residence").select_option("TG")
    page.locator("#id_region").select_option("maritime")
    page.locator("#id_city").fill("Aného")
    page.locator("#id_phone").fill("+22890123456")
    submit(page)
    page.locator("#id_languages-0-language").select_option("fr")
    page.locator("#id_languages-0-level").select_option("C1")
    submit(page)
    page.locator("#id_education_level").select_option("baccalaureate")
    submit(page)
    page.locator("#id_consent").check()
    submit(page)

    page.goto(f"{url}/espace/experiences/nouvelle/")
    page.locator("#id_organisation").fill("ANVT — volontariat national")
    end = reference - timedelta(days=30)
    page.locator("#id_start_date").fill(
        (end - timedelta(days=person["experience_days"] - 1)).isoformat()
    )
    page.locator("#id_end_date").fill(end.isoformat())
    submit(page)
    for kind in ("cv", "motivation_letter", "experience_certificate", "passport"):
        page.goto(f"{url}/espace/documents/")
        page.locator("#id_kind").select_option(kind)
        if kind == "passport":
            page.locator("#id_expiry_date").fill("2032-01-01")
        page.locator("#id_file").set_input_files(pdf(tmp_path, f"{kind}.pdf"))
        submit(page)
    choose_and_submit(page, url, person["mission"])


def choose_and_submit(page, url, mission):
    page.goto(f"{url}/missions/")
    page.get_by_role("link", name=CALL).click()
    submit(page)  # start my application
    page.locator("#id_choice_1").select_option(label=mission)
    submit(page)
    page.locator("#id_motivation").fill(
        "J'anime depuis trois ans des ateliers avec l'ANVT et je veux apprendre d'autres méthodes."
    )
    submit(page)
    submit(page)  # send


def wait_for_report(page):
    """The worker checks eligibility after the submission: reload until the result shows."""
    for _ in range(60):
        if page.locator("ul.criteria").count():
            return
        page.wait_for_timeout(500)
        page.reload()
    raise AssertionError("no eligibility report")


@pytest.mark.django_db(transaction=True)
def test_the_whole_programme(live_server, browser, celery_worker_thread, screenshots, tmp_path):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the programme runs on PostgreSQL (DATABASE_URL)")
    call_command("seed_demo")
    url = live_server.url

    def person_page(locale="fr-FR", viewport=LAPTOP):
        context = browser.new_context(locale=locale, viewport=viewport)
        context.set_default_timeout(15_000)
        return context.new_page()

    def shoot(page, name):
        page.screenshot(path=screenshots / f"programme-{name}.png", full_page=True)

    # A programme manager opens the call with the four France missions.
    manager = person_page()
    accept_invitation(manager, url, "manager@anvt.demo")
    closes = timezone.localtime() + timedelta(days=20)
    reference = closes.date()
    manager.goto(f"{url}/equipe/appels/nouveau/")
    manager.locator("#id_title").fill(CALL)
    manager.locator("#id_opens_at").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    manager.locator("#id_closes_at").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    manager.locator("#id_reference_date").fill(reference.isoformat())
    manager.locator("#id_min_reviews").fill("1")  # one reviewer this time
    for status in ("togolese_resident", "togolese_diaspora"):
        manager.locator(f"input[name=nationality_statuses][value={status}]").check()
    for kind in ("cv", "motivation_letter", "experience_certificate"):
        manager.locator(f"input[name=required_documents][value={kind}]").check()
    for title in FRANCE:
        manager.get_by_label(title, exact=True).check()
    manager.get_by_label("Komlan Agbeko").check()
    shoot(manager, "01-call")
    submit(manager)
    expect(manager.get_by_text("Appel enregistré.")).to_be_visible()

    # Five volunteers sign up and apply; two are not eligible, and are told why.
    people = [
        {
            "email": "akosua@example.tg",
            "first": "Akosua",
            "last": "Dogbe",
            "gender": "female",
            "birth": lambda ref: ref.replace(year=ref.year - 22),
            "experience_days": 800,
            "mission": FRANCE[0],
            "locale": "fr-FR",
        },
        {
            "email": "mawuli@example.tg",
            "first": "Mawuli",
            "last": "Kpodar",
            "gender": "male",
            "birth": lambda ref: ref.replace(year=ref.year - 24),
            "experience_days": 900,
            "mission": FRANCE[1],
            "locale": "en-GB",
        },
        {
            "email": "edem@example.tg",
            "first": "Edem",
            "last": "Agbodjan",
            "gender": "male",
            "birth": lambda ref: ref.replace(year=ref.year - 20),
            "experience_days": 760,
            "mission": FRANCE[2],
            "locale": "fr-FR",
        },
        {
            "email": "sitsofe@example.tg",
            "first": "Sitsofe",
            "last": "Anani",
            "gender": "female",
            "birth": lambda ref: ref.replace(year=ref.year - 26),
            "experience_days": 800,
            "mission": FRANCE[3],
            "locale": "fr-FR",
        },
        {
            "email": "komi@example.tg",
            "first": "Komi",
            "last": "Tsatsu",
            "gender": "male",
            "birth": lambda ref: ref.replace(year=ref.year - 21),
            "experience_days": 699,
            "mission": FRANCE[3],
            "locale": "fr-FR",
        },
    ]
    for person in people:
        page = person_page(person["locale"], PHONE)
        apply_as_volunteer(page, url, tmp_path, person, reference)
        wait_for_report(page)
        if person["first"] == "Sitsofe":
            expect(page.get_by_text("vous avez eu 26 ans le", exact=False)).to_be_visible()
            shoot(page, "02-not-eligible-age")
        elif person["first"] == "Komi":
            expect(page.get_by_text("moins que les 2 ans (730 jours) demandés")).to_be_visible()
            shoot(page, "03-not-eligible-experience")
        elif person["first"] == "Mawuli":
            expect(page.get_by_text("Your application meets every condition.")).to_be_visible()
        else:
            expect(
                page.get_by_text("Votre candidature remplit toutes les conditions.")
            ).to_be_visible()
        page.context.close()

    # Two volunteers of the demo data apply too.
    for email, mission in (("ama@volontaire.demo", FRANCE[0]), ("efua@volontaire.demo", FRANCE[1])):
        page = person_page(viewport=PHONE)
        log_in(page, url, email)
        choose_and_submit(page, url, mission)
        wait_for_report(page)
        page.context.close()
    call_id = Application.objects.filter(call__title=CALL).values_list("call", flat=True).first()
    statuses = dict(
        Application.objects.filter(call_id=call_id).values_list("volunteer__email", "status")
    )
    assert sorted(statuses.values()).count("eligible") == 5
    assert statuses["sitsofe@example.tg"] == statuses["komi@example.tg"] == "ineligible"

    # The reviewer scores the five eligible applications.
    reviewer = person_page()
    accept_invitation(reviewer, url, "reviewer@anvt.demo")
    eligible = list(Application.objects.filter(call_id=call_id, status="eligible").order_by("pk"))
    for application in eligible:
        reviewer.goto(f"{url}/equipe/candidatures/{application.pk}/")
        for name in ("motivation", "experience", "skills", "languages"):
            reviewer.locator(f"input[name={name}][value='4']").check()
        reviewer.locator("#id_recommendation").select_option("select")
        reviewer.get_by_role("button", name="Enregistrer mon évaluation").click()
        expect(reviewer.get_by_text("Évaluation enregistrée.")).to_be_visible()
    shoot(reviewer, "04-review")

    # The manager shortlists four, waitlists Efua, forms the contingent of four and sends it.
    for application in eligible:
        manager.goto(f"{url}/equipe/candidatures/{application.pk}/")
        manager.get_by_role("button", name="Présélectionner").click()
        if application.volunteer.email == "efua@volontaire.demo":
            manager.get_by_role("button", name="Liste d'attente").click()
    manager.goto(f"{url}/equipe/contingents/")
    manager.locator("#id_call").select_option(label=CALL)
    manager.locator("#id_partner").select_option(label="France Volontaires")
    manager.locator("#id_name").fill("VIR 2027 — France — Service Civique")
    manager.locator("#id_capacity").fill("4")
    submit(manager)
    for _ in range(4):
        manager.locator("form.add-row").first.get_by_role("button", name="Ajouter").click()
        expect(manager.get_by_text("Volontaire ajouté·e au contingent.")).to_be_visible()
    manager.get_by_role("button", name="Envoyer au partenaire").click()
    expect(manager.get_by_text("Contingent envoyé au partenaire.")).to_be_visible()
    shoot(manager, "05-contingent-sent")
    contingent = Contingent.objects.get(call_id=call_id)

    # France Volontaires confirms three and declines one, with a reason.
    partner = person_page()
    accept_invitation(partner, url, "coordinator@france-volontaires.demo")
    placements = list(Placement.objects.filter(contingent=contingent).order_by("pk"))
    for index, placement in enumerate(placements):
        partner.goto(f"{url}/partenaires/affectations/{placement.pk}/")
        if index < 3:
            partner.get_by_role("button", name="Confirmer l'affectation").click()
            expect(partner.get_by_text("Affectation confirmée")).to_be_visible()
        else:
            partner.get_by_text("Refuser l'affectation…").click()
            partner.locator("#id_reason").fill("Le niveau de français demandé n'est pas atteint.")
            partner.get_by_role("button", name="Refuser", exact=True).click()
            expect(
                partner.get_by_text("Affectation refusée ; l'ANVT est prévenue.")
            ).to_be_visible()
    shoot(partner, "06-partner-decisions")

    # The manager puts the waitlisted volunteer in the freed seat; the partner confirms her.
    manager.goto(f"{url}/equipe/contingents/{contingent.pk}/")
    expect(manager.get_by_text("3 places occupées sur 4")).to_be_visible()
    waitlisted = manager.locator("form.add-row").filter(has_text="Sur liste d'attente")
    waitlisted.get_by_role("button", name="Ajouter").click()
    expect(manager.get_by_text("4 places occupées sur 4")).to_be_visible()
    shoot(manager, "07-freed-seat")
    freed = Placement.objects.get(contingent=contingent, volunteer__email="efua@volontaire.demo")
    partner.goto(f"{url}/partenaires/affectations/{freed.pk}/")
    partner.get_by_role("button", name="Confirmer l'affectation").click()
    expect(partner.get_by_text("Affectation confirmée")).to_be_visible()

    # The mission in Lille has its own host structure: it confirms through its e-mailed link.
    for placement in Placement.objects.filter(contingent=contingent, status="host_pending"):
        host = person_page(viewport=PHONE)
        host.goto(f"{url}{hostlinks.link_path(placement)}")
        host.get_by_label("Votre nom et votre fonction").fill("Julie Lefèvre")
        host.get_by_role("button", name="Confirmer l'accueil").click()
        expect(host.get_by_text("l'accueil est confirmé")).to_be_visible()
        host.context.close()

    # Departures are recorded on each placement's page; the contingent has left.
    for placement in Placement.objects.filter(contingent=contingent, status="confirmed"):
        manager.goto(f"{url}/equipe/affectations/{placement.pk}/")
        # Their mobility files are not complete: the manager says why they leave anyway.
        manager.locator("#override").fill("Dossiers vérifiés sur papier au siège.")
        manager.locator("form.date-action[action$='/depart/'] button").click()
        expect(manager.get_by_text("Enregistré.")).to_be_visible()
    contingent.refresh_from_db()
    assert contingent.status == "departed"
    shoot(manager, "08-departed")

    # Everyone was told, in their own language, and every e-mail went out once.
    wait_for_outbox()
    subjects = {}
    for message in mail.outbox:
        subjects.setdefault(message.to[0], []).append(message.subject)
    assert "Your application is eligible" in subjects["mawuli@example.tg"]
    assert "Your application: Left for the mission" in subjects["mawuli@example.tg"]
    assert "Votre candidature n'est pas éligible pour le moment" in subjects["komi@example.tg"]
    assert any(
        "Volontaires proposé·e·s" in s for s in subjects["coordinator@france-volontaires.demo"]
    )
    assert any("France Volontaires a répondu" in s for s in subjects["manager@anvt.demo"])
    outbox_ids = [m.extra_headers.get("X-ANVT-Notification") for m in mail.outbox]
    outbox_ids = [pk for pk in outbox_ids if pk]
    assert (
        len(outbox_ids)
        == len(set(outbox_ids))
        == Notification.objects.filter(channel="email").count()
    )
