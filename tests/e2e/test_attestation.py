"""Issue 20 in Chromium at phone size: a volunteer names her referee on an experience and asks
for the attestation; the referee, without an account, opens the e-mailed link and attests with
an earlier start date; a programme manager (TOTP) reads "attested with corrections" and the
corrected dates on the application, the volunteer reads it on her experiences page, and the link
once used says so. Then the public certificate check (/verifier/) and a follow-up questionnaire
(/suivi/<token>/) answered through its link, each photographed before and after."""

import re
from datetime import date, timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from accounts.roles import PROGRAMME_MANAGERS_GROUP
from alumni import certificates, followup
from alumni.models import Answer, FollowUp, Questionnaire
from missions import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import log_in, totp_code, wait_until
from tests.factories import ApplicationFactory, UserFactory, complete_volunteer
from tests.missions.test_handshake import propose
from volunteers.enums import AttestationStatus
from volunteers.models import Experience

ORGANISATION = "Croix-Rouge togolaise, comité de Kara"
DECLARED_START, DECLARED_END = date(2024, 2, 1), date(2024, 12, 20)
ATTESTED_START = date(2023, 10, 2)  # the referee remembers an earlier start
REFEREE = ("Koffi Mensah", "Coordinateur des volontaires", "koffi.mensah@croix-rouge.example")
SIGNED = "Koffi Mensah, coordinateur"


def french(day: date) -> str:
    with translation.override("fr"):
        return date_format(day, "DATE_FORMAT")


def sign_in_with_totp(page, url, email, secret):
    log_in(page, url, email, PASSWORD)
    expect(page).to_have_url(re.compile("/accounts/2fa/authenticate/"))
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("#id_code").press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile("/equipe/"))


def completed_placement(manager, org_a, coordinator_a):
    """A mission carried out to its end (as tests/alumni/conftest.py's `completed`)."""
    placement = propose(manager, org_a)
    services.confirm_placement(placement, actor=coordinator_a)
    today = timezone.localdate()
    services.record_departure(placement, actor=coordinator_a, on=today - timedelta(days=200))
    services.record_arrival(placement, actor=coordinator_a, on=today - timedelta(days=199))
    services.record_return(placement, actor=coordinator_a, on=today - timedelta(days=1))
    placement.refresh_from_db()
    return placement


@pytest.mark.django_db(transaction=True)
def test_a_referee_attests_with_corrections_and_alumni_pages_on_a_phone(
    live_server, page, browser, shoot, screenshots, org_a, coordinator_a
):
    url = live_server.url
    page.set_default_timeout(15_000)
    volunteer = complete_volunteer(
        UserFactory(email="ama.agbodjan@example.tg", name="Ama Agbodjan"),
        first_name="Ama",
        last_name="Agbodjan",
    )
    application = ApplicationFactory(volunteer=volunteer, status="submitted")
    manager = UserFactory(name="Afi Mensah", email="afi.mensah@anvt.example")
    manager.groups.add(Group.objects.get_or_create(name=PROGRAMME_MANAGERS_GROUP)[0])
    manager_secret = generate_totp_secret()
    TOTP.activate(manager, manager_secret)

    def fresh_phone():
        context = browser.new_context(locale="fr-FR", viewport=PHONE)
        context.set_default_timeout(15_000)
        return context, context.new_page()

    # 1. The volunteer adds the experience and its referee through the form, on her phone.
    log_in(page, url, volunteer.email, PASSWORD)
    expect(page).to_have_url(re.compile("/espace/"))
    page.goto(f"{url}/espace/experiences/")
    page.get_by_role("link", name="Ajouter une expérience").click()
    page.get_by_label("Structure d'accueil").fill(ORGANISATION)
    page.get_by_label("Rôle", exact=True).fill("Animatrice santé communautaire")
    page.get_by_label("Date de début").fill(DECLARED_START.isoformat())
    page.get_by_label("Date de fin").fill(DECLARED_END.isoformat())
    name, role, email = REFEREE
    page.locator("#id_referee_name").fill(name)
    page.locator("#id_referee_role").fill(role)
    page.locator("#id_referee_email").fill(email)
    page.locator("#id_referee_phone").fill("+228 90 11 22 33")
    shoot("attestation-00-experience-form")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Expérience enregistrée.")).to_be_visible()
    experience = Experience.objects.get(volunteer=volunteer, organisation=ORGANISATION)
    assert (experience.referee_name, experience.referee_email) == (name, email)
    assert experience.referee_phone  # kept, in whatever form the app stores it

    card = page.locator("article.card", has_text=ORGANISATION)
    expect(card).to_contain_text("pas encore demandée")
    card.get_by_role("button", name=f"Demander l'attestation à {name}").click()
    expect(page.get_by_text(f"Demande envoyée à {name}")).to_be_visible()
    card = page.locator("article.card", has_text=ORGANISATION)
    expect(card).to_contain_text("sans réponse pour l'instant")
    expect(card.get_by_role("button", name="Relancer mon référent·e (une fois)")).to_be_visible()

    # The e-mail reaches the referee once the request is committed (the live server's thread).
    wait_until(lambda: any(m.to == [email] for m in mail.outbox))
    message = next(m for m in mail.outbox if m.to == [email])
    link = re.search(r"https?://[^/\s]+(/attestation/\S+/)", message.body).group(1)
    assert "Ama Agbodjan" in message.body or "Ama Agbodjan" in message.subject

    # 2. The referee, in a browser of their own, no account: the page of that experience only.
    referee_context, referee = fresh_phone()
    response = referee.goto(f"{url}{link}")
    assert response.status == 200
    assert "noindex" in response.headers.get("x-robots-tag", "")
    expect(referee.get_by_role("heading", level=1)).to_have_text(
        "Attestation d'expérience de volontariat"
    )
    expect(referee.locator("main")).to_contain_text("Ama Agbodjan")
    expect(referee.locator("main")).to_contain_text(ORGANISATION)
    expect(referee.locator("main")).to_contain_text(french(DECLARED_START))
    expect(referee.get_by_role("button", name="J'atteste, c'est exact")).to_be_visible()
    # Nothing of the portal's spaces: no sign-in, no menu of the volunteer.
    expect(referee.get_by_role("link", name="Mes expériences")).to_have_count(0)
    shoot("attestation-01-referee-before", referee)

    referee.get_by_text("J'atteste avec des corrections…").click()
    corrections = referee.locator("details", has_text="Attester avec ces corrections")
    corrections.get_by_label("Votre nom et votre fonction").fill(SIGNED)
    expect(corrections.get_by_label("Structure")).to_have_value(ORGANISATION)
    expect(corrections.get_by_label("Début de l'engagement")).to_have_value(
        DECLARED_START.isoformat()
    )
    corrections.get_by_label("Début de l'engagement").fill(ATTESTED_START.isoformat())
    corrections.get_by_label("Commentaire (facultatif)").fill(
        "Elle a commencé avec la campagne de vaccination d'octobre 2023."
    )
    shoot("attestation-01b-referee-corrections-open", referee)
    # Enter in a field of the corrections sends the corrections (its own form), nothing else.
    corrections.get_by_label("Commentaire (facultatif)").press("Tab")
    corrections.get_by_label("Début de l'engagement").press("Enter")
    expect(referee.get_by_text("Votre réponse est enregistrée. Merci.")).to_be_visible()
    expect(referee.get_by_role("button", name="J'atteste, c'est exact")).to_have_count(0)
    shoot("attestation-02-referee-after", referee)

    experience.refresh_from_db()
    assert experience.attestation_status == AttestationStatus.CORRECTED
    assert (experience.attested_start, experience.attested_end) == (ATTESTED_START, DECLARED_END)
    assert experience.attested_by == SIGNED
    # The declared dates stay as she typed them; the engine counts the attested ones.
    assert (experience.start_date, experience.end_date) == (DECLARED_START, DECLARED_END)
    assert experience.counted_period == (ATTESTED_START, DECLARED_END)

    # The link opened again: used up, said plainly, nothing to submit.
    again = referee.goto(f"{url}{link}")
    assert again.status == 200
    expect(referee.get_by_text("Votre réponse est enregistrée. Merci.")).to_be_visible()
    # Only what this link answered: nothing of the experience (another referee may follow).
    expect(referee.locator("main")).to_contain_text("Attestée avec corrections")
    expect(referee.locator("main")).not_to_contain_text(ORGANISATION)
    expect(referee.locator("main form")).to_have_count(0)
    referee_context.close()

    # 3. The volunteer's experiences page shows the attestation and its corrections.
    page.goto(f"{url}/espace/experiences/")
    card = page.locator("article.card", has_text=ORGANISATION)
    expect(card).to_contain_text(f"attestée par {SIGNED}")
    expect(card).to_contain_text(f"Dates retenues : {french(ATTESTED_START)}")
    expect(card.get_by_role("button")).to_have_count(0)  # nothing left to ask or remind
    shoot("attestation-03-volunteer-experiences")

    # 4. A programme manager, TOTP, reads it on the application.
    staff_context, staff = fresh_phone()
    sign_in_with_totp(staff, url, manager.email, manager_secret)
    staff.goto(f"{url}{reverse('staff:application', args=[application.pk])}")
    section = staff.locator("section.card", has=staff.get_by_role("heading", name="Expériences"))
    item = section.locator(f"#experience-{experience.pk}")
    expect(item).to_contain_text(f"Attestée avec corrections par {SIGNED}")
    expect(item).to_contain_text(
        f"Dates déclarées : {french(DECLARED_START)} → {french(DECLARED_END)} ; "
        f"attestées : {french(ATTESTED_START)} → {french(DECLARED_END)}"
    )
    expect(item).to_contain_text("campagne de vaccination")
    section.scroll_into_view_if_needed()
    section.screenshot(path=screenshots / "attestation-04-staff-experiences.png")
    shoot("attestation-04b-staff-application-full", staff)

    # 5. The public check of a certificate: the empty form, then a valid code typed by hand.
    placement = completed_placement(manager, org_a, coordinator_a)
    certificate = certificates.issue(placement)
    visitor_context, visitor = fresh_phone()
    visitor.goto(f"{url}/verifier/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Vérifier un certificat de fin de mission"
    )
    shoot("attestation-05-verify-empty", visitor)
    visitor.get_by_label("Code du certificat").fill(certificate.code.lower())
    visitor.get_by_role("button", name="Vérifier").click()
    expect(visitor).to_have_url(re.compile(f"/verifier/{re.escape(certificate.code)}/$"))
    expect(visitor.get_by_role("status")).to_contain_text(f"Certificat {certificate.code} : valide")
    for private in ("Akosua", "Mensah", "Lyon"):
        expect(visitor.locator("main")).not_to_contain_text(private)
    shoot("attestation-06-verify-valid", visitor)
    visitor_context.close()

    # 6. A follow-up questionnaire three months after the return, answered through its link.
    questionnaire = Questionnaire.objects.create(
        months_after=3,
        title="Trois mois après votre retour",
        intro="Quelques questions, deux minutes : vos réponses améliorent le programme.",
    )
    followup.save_questions(
        questionnaire,
        actor=manager,
        rows=[
            {
                "text": "Que faites-vous aujourd'hui ?",
                "kind": "choice",
                "choices": ["Un emploi", "Des études", "Je cherche", "Un autre engagement"],
            },
            {"text": "La mission vous a-t-elle servi ?", "kind": "scale", "choices": []},
            {"text": "Un mot pour les prochain·e·s volontaires ?", "kind": "text", "choices": []},
        ],
    )
    assert followup.send_due(followup.add_months(placement.return_date, 3)) == 1
    follow_up = FollowUp.objects.get(placement=placement)
    alumna_context, alumna = fresh_phone()
    response = alumna.goto(f"{url}{followup.link_path(follow_up)}")
    assert response.status == 200
    expect(alumna.get_by_role("heading", level=1)).to_have_text("Trois mois après votre retour")
    shoot("attestation-07-follow-up-before", alumna)
    alumna.get_by_role("radio", name="Des études").check()
    alumna.locator("fieldset", has_text="La mission vous a-t-elle servi").get_by_role(
        "radio", name="4"
    ).check()
    alumna.get_by_label("Un mot pour les prochain·e·s volontaires ?").fill(
        "Partez curieux, et notez tout."
    )
    alumna.get_by_role("button", name="Envoyer mes réponses").click()
    expect(alumna.get_by_text("sont enregistrées. Merci d")).to_be_visible()
    expect(alumna.get_by_role("button", name="Envoyer mes réponses")).to_have_count(0)
    shoot("attestation-08-follow-up-after", alumna)
    assert sorted(Answer.objects.filter(follow_up=follow_up).values_list("value", flat=True)) == [
        "4",
        "Des études",
        "Partez curieux, et notez tout.",
    ]
    alumna_context.close()
    staff_context.close()
