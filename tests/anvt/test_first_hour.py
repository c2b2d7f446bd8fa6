"""Issue 17, the first hour of every role without a dead end: the staff's and the partner's next
step, the 404 that leads to one's space, sign-up errors under their field, 'Mon espace', the way
on after two-factor set-up, the eligibility preview before sending, the catalogue's order, labels
instead of stored codes, and each open call's own count of her experience.

Each test reads a page as its user would; a refused move changes nothing."""

import html
import re
from datetime import date, datetime, timedelta

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import PROGRAMME_MANAGERS_GROUP
from audit.models import AccessLog
from missions import services
from missions.enums import ApplicationStatus, Direction, PlacementStatus, Recommendation
from missions.models import Application, EligibilityReport, Placement, Review
from mobility import services as mobility_services
from notifications.models import Notification, State
from tests.conftest import PASSWORD
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    DocumentFactory,
    ExperienceFactory,
    MissionFactory,
    PartnerFactory,
    ProfileFactory,
    UserFactory,
    complete_volunteer,
)
from tests.mobility.conftest import FRANCE, checklist_row, confirmed, item_of
from tests.volunteers.test_next_step import day, panel_of, ready

pytestmark = pytest.mark.django_db
A = ApplicationStatus


def text(response) -> str:
    return html.unescape(response.content.decode())


def staff_panel(client, user, **headers):
    client.force_login(user)
    return panel_of(client.get(reverse("staff:home"), **headers))


def partner_panel(client, user):
    client.force_login(user)
    return panel_of(client.get(reverse("partners:home")))


def propose(manager, partner, *, name="Akosua Mensah"):
    """One volunteer (her account and profile named `name`) proposed to `partner`."""
    first, last = name.split(" ", 1)
    volunteer = complete_volunteer(UserFactory(name=name), first_name=first, last_name=last)
    mission = MissionFactory(partner=partner, title="Tri sélectif à Lyon")
    call = CallFactory(missions=[mission])
    contingent = services.create_contingent(
        actor=manager, call=call, partner=partner, name=f"Contingent {last}", capacity=2
    )
    application = ApplicationFactory(call=call, volunteer=volunteer, status=A.SHORTLISTED)
    placement = services.add_to_contingent(
        contingent, actor=manager, application=application, mission=mission
    )
    services.send_contingent(contingent, actor=manager)
    return Placement.objects.get(pk=placement.pk)


def review(application, author, score=4):
    services.submit_review(
        application,
        reviewer=author,
        scores=dict.fromkeys(Review.SCORE_FIELDS, score),
        comment="Bon dossier.",
        recommendation=Recommendation.SELECT,
    )


def failed_message(user):
    return Notification.objects.create(
        user=user,
        event="application_submitted",
        channel="email",
        language="fr",
        subject="Candidature envoyée",
        body="…",
        state=State.FAILED,
        attempts=3,
        last_error="550 boîte inconnue",
    )


@pytest.fixture
def france_checklist(db):
    rows = {}
    for key, values in FRANCE.items():
        rows[key] = checklist_row("FR", *values)
        rows[key].save()
    return rows


# B. The staff's home ------------------------------------------------------------------------------


def test_the_managers_next_step_follows_urgency_as_each_thing_is_dealt_with(
    client, manager, reviewer, application, sent_contingent, org_b, coordinator_b, france_checklist
):
    now = timezone.now()
    oldest, newest = sent_contingent.placements.order_by("pk")
    Placement.objects.filter(pk=oldest.pk).update(deadline=now - timedelta(days=2))
    Placement.objects.filter(pk=newest.pk).update(deadline=now - timedelta(hours=1))
    [leaving] = confirmed(manager, org_b, coordinator_b)
    vaccine = item_of(leaving, "vaccine", france_checklist)
    mobility_services.submit_item(
        vaccine, actor=leaving.volunteer, date_value=timezone.localdate() + timedelta(days=3)
    )
    review(application, reviewer)
    review(application, manager)
    failed_message(application.volunteer)

    late = staff_panel(client, manager)
    assert late.title == "2 affectations sans réponse après leur date limite"
    assert late.href == reverse("staff:placement", args=[oldest.pk])
    assert late.action == "Voir la plus ancienne"
    assert late.kicker == "À faire maintenant"
    assert client.get(late.href).status_code == 200

    Placement.objects.filter(pk=newest.pk).update(deadline=now + timedelta(days=5))
    one_late = staff_panel(client, manager)
    assert one_late.title == "1 affectation sans réponse après sa date limite"
    assert one_late.href == reverse("staff:placement", args=[oldest.pk])

    Placement.objects.filter(pk=oldest.pk).update(deadline=now + timedelta(days=5))
    to_verify = staff_panel(client, manager)
    assert to_verify.title == "1 pièce de dossier de départ à vérifier"
    assert to_verify.href == reverse("staff:mobility", args=[leaving.pk])
    assert client.get(to_verify.href).status_code == 200

    mobility_services.verify_item(vaccine, actor=manager)
    decide = staff_panel(client, manager)
    assert decide.title == "1 candidature évaluée attend votre décision"
    assert decide.href == f"{reverse('staff:applications')}?status=under_review&sort=-score"
    page = client.get(decide.href)
    assert reverse("staff:application", args=[application.pk]) in page.text

    services.shortlist(application, actor=manager)
    failed = staff_panel(client, manager)
    assert failed.title == "1 message n'a pas pu être envoyé"
    assert failed.href == f"{reverse('staff:outbox')}?state=failed"
    assert "550 boîte inconnue" in text(client.get(failed.href))

    Notification.objects.filter(state=State.FAILED).update(state=State.SENT)
    calm = staff_panel(client, manager)
    assert calm.title == "Rien d'urgent"
    assert calm.kicker == "Où vous en êtes"
    assert calm.href == reverse("staff:applications")


def test_a_reviewer_counts_only_the_eligible_applications_of_her_calls_not_yet_reviewed(
    client, reviewer, manager, call
):
    eligible = ApplicationFactory(call=call, status=A.ELIGIBLE)
    ApplicationFactory(call=call, status=A.UNDER_REVIEW)
    ApplicationFactory(call=call, status=A.SUBMITTED)
    ApplicationFactory(call=call, status=A.INELIGIBLE)
    ApplicationFactory(call=call, status=A.DRAFT)
    for _ in range(3):
        ApplicationFactory(call=CallFactory(title="Autre appel"), status=A.ELIGIBLE)
    late = propose(manager, PartnerFactory(name="Partenaire lointain"))
    Placement.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(days=1))

    before = staff_panel(client, reviewer)
    review(eligible, reviewer)
    after = staff_panel(client, reviewer)

    assert before.title == "2 candidatures à évaluer"
    assert before.href == f"{reverse('staff:applications')}?eligible=yes"
    assert before.action == "Évaluer"
    assert after.title == "1 candidature à évaluer"
    # A late placement is the managers' business, not hers.
    assert "affectation" not in before.block


def test_a_reviewer_of_another_call_sees_no_count_of_this_one(
    client, outside_reviewer, application
):
    step = staff_panel(client, outside_reviewer)

    assert step.title == "Rien d'urgent"
    assert "à évaluer" not in step.block


def test_a_partner_opening_the_team_space_is_told_why_and_led_to_its_own(client, coordinator_a):
    client.force_login(coordinator_a)

    response = client.get("/equipe/")

    assert response.status_code == 404
    page = text(response)
    assert "certaines pages sont réservées à l'équipe de l'ANVT" in page
    assert re.search(r'<a class="button" href="/partenaires/">Aller à mon espace</a>', page)


def test_a_volunteer_opening_the_team_space_is_led_to_hers(client, volunteer):
    client.force_login(volunteer)

    response = client.get(reverse("staff:applications"))

    assert response.status_code == 404
    assert re.search(r'href="/espace/">Aller à mon espace</a>', text(response))


def test_an_anonymous_visitor_on_a_missing_page_is_offered_to_sign_in(client):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    page = text(response)
    assert "il faut se connecter pour la voir" in page
    assert f'href="{reverse("account_login")}?next=/nulle-part/"' in page


# C. The partner's home ----------------------------------------------------------------------------


def test_a_placement_to_confirm_names_the_volunteer_and_the_deadline(
    client, manager, org_a, coordinator_a, coordinator_b
):
    placement = propose(manager, org_a)
    deadline = timezone.localtime(placement.deadline)

    step = partner_panel(client, coordinator_a)

    assert step.title == "Confirmez ou refusez 1 affectation"
    assert step.detail == f"La plus urgente : Akosua MENSAH, avant le {deadline:%d/%m/%Y %H:%M}."
    assert step.href == reverse("partners:placement", args=[placement.pk])
    assert step.action == "Répondre"
    assert "Confirmer l'affectation" in client.get(step.href).text

    other = partner_panel(client, coordinator_b)
    assert other.title == "Rien à faire pour le moment"
    assert "Akosua" not in other.block and "Mensah" not in other.block
    assert client.get(step.href).status_code == 404


def test_the_most_urgent_of_several_placements_is_named(client, manager, org_a, coordinator_a):
    first = propose(manager, org_a, name="Akosua Mensah")
    second = propose(manager, org_a, name="Kofi Amedzro")
    Placement.objects.filter(pk=second.pk).update(deadline=first.deadline - timedelta(days=1))

    step = partner_panel(client, coordinator_a)

    assert step.title == "Confirmez ou refusez 2 affectations"
    assert "Kofi AMEDZRO" in step.detail and "Akosua" not in step.detail
    assert step.href == reverse("partners:placement", args=[second.pk])


def test_once_answered_there_is_nothing_left_to_do(client, manager, org_a, coordinator_a):
    placement = propose(manager, org_a)
    client.force_login(coordinator_a)
    client.post(reverse("partners:placement_confirm", args=[placement.pk]))
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED

    step = partner_panel(client, coordinator_a)

    assert step.title == "Rien à faire pour le moment"
    assert step.href == reverse("partners:incoming")


def test_a_viewer_is_not_asked_to_confirm_what_only_a_coordinator_may(
    client, manager, org_a, viewer_a
):
    """The placement's page tells a viewer that only a coordinator answers: the panel must not
    send her there with 'Confirmez ou refusez… Répondre'."""
    placement = propose(manager, org_a)
    client.force_login(viewer_a)
    page = text(client.get(reverse("partners:placement", args=[placement.pk])))
    assert "Confirmer l'affectation" not in page
    assert "seul·e un·e coordinateur·rice peut la confirmer ou la refuser" in page

    step = partner_panel(client, viewer_a)

    assert "Confirmez ou refusez" not in step.title
    assert step.action != "Répondre"


# D. Sign-up ---------------------------------------------------------------------------------------


def test_signup_errors_stand_under_their_own_field_and_nothing_is_created(
    client, django_user_model
):
    page = client.get(reverse("account_signup"))
    assert re.search(r"<button[^>]*>\s*Créer mon compte\s*</button>", page.text)

    response = client.post(
        reverse("account_signup"),
        {"email": "nouvelle@example.tg", "password1": "court", "password2": "autre chose"},
    )

    assert response.status_code == 200
    assert not django_user_model.objects.filter(email="nouvelle@example.tg").exists()
    page = text(response)
    first, second = page.index('id="id_password1"'), page.index('id="id_password2"')
    too_short = page.index("trop court")
    mismatch = page.index("Les deux mots de passe ne sont pas identiques.")
    assert first < too_short < second < mismatch
    assert page.count("Les deux mots de passe ne sont pas identiques.") == 1
    assert re.search(r"<button[^>]*>\s*Créer mon compte\s*</button>", page)


def test_signup_with_matching_passwords_says_no_mismatch(client, django_user_model):
    response = client.post(
        reverse("account_signup"),
        {"email": "nouvelle@example.tg", "password1": "court", "password2": "court"},
    )

    assert response.status_code == 200
    assert "trop court" in text(response)
    assert "ne sont pas identiques" not in text(response)
    assert not django_user_model.objects.exists()


# E. The home page and 'Mon espace' ----------------------------------------------------------------


def test_an_anonymous_visitor_is_offered_a_volunteer_account(client):
    page = text(client.get(reverse("home")))

    assert f'href="{reverse("account_signup")}">Créer mon compte de volontaire' in page
    assert "Mon espace" not in page and "Aller à mon espace" not in page


def test_a_signed_in_volunteer_goes_to_her_space_from_the_home_page_and_the_header(
    client, volunteer
):
    client.force_login(volunteer)

    page = text(client.get(reverse("home")))

    assert '<a class="button" href="/espace/">Aller à mon espace</a>' in page
    assert '<a href="/espace/">Mon espace</a>' in page
    assert "Créer mon compte de volontaire" not in page


def test_a_managers_space_is_the_team_space(client, manager):
    client.force_login(manager)

    page = text(client.get(reverse("home")))

    assert '<a href="/equipe/">Mon espace</a>' in page
    assert '<a class="button" href="/equipe/">Aller à mon espace</a>' in page
    assert client.get("/equipe/").status_code == 200


def test_a_partners_space_is_the_partner_space(client, coordinator_a):
    client.force_login(coordinator_a)

    assert '<a href="/partenaires/">Mon espace</a>' in text(client.get(reverse("home")))


# F. Two-factor set-up leads on to the page asked for ----------------------------------------------


@pytest.fixture
def new_manager(make_user):
    user = make_user("nouveau@anvt.tg", name="Edem Nouveau")
    user.groups.add(Group.objects.get_or_create(name=PROGRAMME_MANAGERS_GROUP)[0])
    return user


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # the present period, amid the tolerated ones
    return format_hotp_value(hotp_value(secret, counter))


def get_reauthenticated(client, url):
    """GET `url`; when allauth first asks for the password again (before touching two-factor
    settings), give it, then GET `url` again."""
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith(
        reverse("account_reauthenticate")
    ):
        client.post(response["Location"], {"password": PASSWORD})
        response = client.get(url)
    return response


def test_after_setting_up_two_factor_the_recovery_codes_lead_to_the_page_asked_for(
    client, new_manager
):
    """Made a manager while signed in (a password alone no longer opens a staff account)."""
    client.force_login(new_manager)

    asked = client.get(reverse("staff:applications"))
    assert asked.status_code == 302
    assert asked["Location"] == reverse("mfa_activate_totp")

    setup = get_reauthenticated(client, asked["Location"])
    assert setup.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    activated = client.post(asked["Location"], {"code": current_code(secret)})
    if activated.status_code == 200:  # the 30-second period turned between code and check
        activated = client.post(asked["Location"], {"code": current_code(secret)})
    assert activated.status_code == 302
    assert activated["Location"] == reverse("mfa_view_recovery_codes")

    codes = text(client.get(activated["Location"]))
    assert re.search(
        r'<a class="button" href="/equipe/candidatures/">Continuer vers la page demandée</a>',
        codes,
    )
    assert "Continuer vers mon espace" not in codes
    assert client.get("/equipe/candidatures/").status_code == 200


def test_without_a_page_asked_for_the_recovery_codes_lead_to_ones_space(client, new_manager):
    TOTP.activate(new_manager, generate_totp_secret())
    RecoveryCodes.activate(new_manager)
    client.force_login(new_manager)

    codes = get_reauthenticated(client, reverse("mfa_view_recovery_codes"))

    assert codes.status_code == 200
    assert re.search(
        r'<a class="button" href="/equipe/">Continuer vers mon espace</a>', text(codes)
    )
    assert "Continuer vers la page demandée" not in text(codes)


# G. The review step previews eligibility, and stores nothing -------------------------------------


def review_step(client, volunteer, application):
    client.force_login(volunteer)
    response = client.get(reverse("volunteers:application_review", args=[application.pk]))
    assert response.status_code == 200
    page = text(response)
    start = page.index("Mon éligibilité, d'après mon dossier aujourd'hui")
    return page, re.search(r'<ul class="criteria">.*?</ul>', page[start:], re.S).group(0)


def test_the_review_step_previews_every_criterion_and_stores_nothing(client, volunteer):
    ready(volunteer)
    draft = ApplicationFactory(volunteer=volunteer)
    reports = EligibilityReport.objects.count()

    page, criteria = review_step(client, volunteer, draft)

    assert "Votre dossier remplit toutes les conditions de cet appel." in page
    assert criteria.count('class="criterion ') == 6
    assert "✘" not in criteria
    draft.refresh_from_db()
    assert draft.status == A.DRAFT
    assert EligibilityReport.objects.count() == reports


def test_a_too_old_volunteer_reads_the_rule_and_gets_no_link_to_her_birth_date(client, volunteer):
    ready(volunteer, birth_date=date(1995, 1, 1))
    draft = ApplicationFactory(volunteer=volunteer)

    page, criteria = review_step(client, volunteer, draft)

    assert "Votre dossier ne remplit pas encore toutes les conditions" in page
    assert "L'appel est ouvert jusqu'à 25 ans à sa date de référence" in criteria
    assert reverse("volunteers:profile_step", args=["identity"]) not in criteria
    assert not EligibilityReport.objects.exists()
    draft.refresh_from_db()
    assert draft.status == A.DRAFT


def test_a_missing_birth_date_is_linked_to_where_she_gives_it(client, volunteer):
    ready(volunteer, birth_date=None)
    draft = ApplicationFactory(volunteer=volunteer)

    _page, criteria = review_step(client, volunteer, draft)

    assert reverse("volunteers:profile_step", args=["identity"]) in criteria


def test_another_volunteers_draft_review_is_not_found(client, volunteer, other_volunteer):
    ready(other_volunteer)
    theirs = ApplicationFactory(volunteer=other_volunteer)
    client.force_login(volunteer)

    response = client.get(reverse("volunteers:application_review", args=[theirs.pk]))

    assert response.status_code == 404
    assert not EligibilityReport.objects.exists()


# H. The catalogue ---------------------------------------------------------------------------------


def test_missions_abroad_come_before_missions_in_togo_even_when_these_start_earlier(client):
    MissionFactory(
        title="Chantier à Kara", direction=Direction.INCOMING, start_date=date(2026, 12, 1)
    )
    MissionFactory(title="Tri à Lyon", start_date=date(2027, 3, 1))

    page = text(client.get(reverse("missions:catalogue")))

    assert page.index("Tri à Lyon") < page.index("Chantier à Kara")


def test_a_mission_in_togo_says_how_it_is_filled_without_an_apply_section(client):
    mission = MissionFactory(title="Chantier à Kara", direction=Direction.INCOMING, country="TG")
    CallFactory(missions=[mission])

    page = text(client.get(reverse("missions:mission", args=[mission.pk])))

    assert "on ne candidate pas à cette mission sur ce portail" in page
    assert "<h2>Candidater</h2>" not in page
    assert "Candidater via" not in page


def test_a_mission_abroad_offers_its_open_call(client):
    mission = MissionFactory(title="Tri à Lyon")
    call = CallFactory(title="VIR 2026 — France", missions=[mission])

    page = text(client.get(reverse("missions:mission", args=[mission.pk])))

    assert "<h2>Candidater</h2>" in page
    assert f'href="{reverse("missions:call", args=[call.pk])}">Candidater via « VIR 2026' in page


def test_a_calls_apply_section_comes_before_its_mission_cards(client, volunteer):
    call = CallFactory(missions=[MissionFactory(title=f"Mission {n}") for n in range(3)])
    client.force_login(volunteer)

    page = text(client.get(reverse("missions:call", args=[call.pk])))

    apply = page.index('id="apply-title">Candidater</h2>')
    assert apply < page.index("Commencer ma candidature") < page.index('class="cards"')
    assert apply < page.index("Mission 0")


# I. Labels, not codes -----------------------------------------------------------------------------


def sent_message(user, *, at=None):
    return Notification.objects.create(
        user=user,
        event="application_submitted",
        channel="email",
        language="fr",
        subject="Votre candidature est envoyée",
        body="…",
        state=State.SENT,
        attempts=1,
        created_at=at or timezone.now(),
        sent_at=at or timezone.now(),
    )


def outbox_rows(response) -> str:
    return re.search(r"<tbody>.*?</tbody>", text(response), re.S).group(0)


def test_the_outbox_names_each_event_and_state(client, manager, volunteer):
    sent_message(volunteer)
    client.force_login(manager)

    rows = outbox_rows(client.get(reverse("staff:outbox")))

    assert "Candidature envoyée" in rows and "Envoyée" in rows
    assert "application_submitted" not in rows


def test_the_outbox_in_english_says_sent_on_a_24_hour_clock(client, manager, volunteer):
    evening = timezone.make_aware(datetime(2026, 11, 20, 18, 30))
    sent_message(volunteer, at=evening)
    client.force_login(manager)

    rows = outbox_rows(client.get(reverse("staff:outbox"), headers={"accept-language": "en"}))

    assert "Application submitted" in rows
    assert "Sent" in rows and "Envoyée" not in rows
    assert "11/20/2026 18:30" in rows
    assert "p.m." not in rows and "a.m." not in rows


def csv_of(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_the_applications_csv_writes_gender_and_region_labels(client, manager, application):
    client.force_login(manager)

    content = csv_of(client.get(reverse("staff:applications_export")))

    assert "Secretname" in content
    assert "Femme" in content and "Grand Lomé" in content
    assert "female" not in content and "grand_lome" not in content


def test_the_applications_csv_in_english_writes_english_labels(client, manager, application):
    client.force_login(manager)

    content = csv_of(
        client.get(reverse("staff:applications_export"), headers={"accept-language": "en"})
    )

    assert "Woman" in content and "Greater Lomé" in content
    assert "Femme" not in content and "female" not in content


def test_document_sizes_read_in_ko_and_octets(client, volunteer):
    DocumentFactory(volunteer=volunteer, kind="cv", size=15)
    DocumentFactory(volunteer=volunteer, kind="motivation_letter", size=14_200)
    DocumentFactory(volunteer=volunteer, kind="experience_certificate", size=1_234_567)
    client.force_login(volunteer)

    page = text(client.get(reverse("volunteers:documents")))

    assert "15 octets" in page
    assert "14 Ko" in page
    assert "1,2 Mo" in page
    assert "Kio" not in page and "Mio" not in page


def test_the_access_log_names_the_document_viewed(client, manager, application):
    cv = application.volunteer.documents.get(kind="cv")
    client.force_login(manager)

    preview = client.get(reverse("staff:document_preview", args=[application.pk, cv.pk]))
    assert preview.status_code == 200
    assert AccessLog.objects.filter(action="view", object_id=cv.pk).count() == 1

    page = text(client.get(reverse("staff:application", args=[application.pk])))
    assert "Afi Mensah : aperçu de « CV »" in page


# J. The experiences page: today, and each open call at its reference date -------------------------


def test_an_ongoing_experience_counts_to_the_calls_reference_date_apart_from_today(
    client, volunteer
):
    today = timezone.localdate()
    ProfileFactory(user=volunteer)
    ExperienceFactory(volunteer=volunteer, start_date=today - timedelta(days=400), end_date=None)
    reference = today + timedelta(days=90)
    CallFactory(title="VIR 2027 — France", reference_date=reference)
    client.force_login(volunteer)

    page = text(client.get(reverse("volunteers:experiences")))

    today_line = re.search(r"Total retenu aujourd'hui : ([^<]+)</strong>", page).group(1)
    call_line = re.search(
        rf"Pour l'appel « VIR 2027 — France », compté au {day(reference)} "
        r"\(sa date de référence\) : ([^;]+) ; il en faut ([^.]+)\.",
        page,
    )
    assert call_line, "no line for the open call"
    assert "(401 jours)" in today_line
    assert "(491 jours)" in call_line.group(1)
    assert today_line.strip() != call_line.group(1).strip()
    assert call_line.group(2) == "2 ans (730 jours)"


def test_a_closed_call_gets_no_line_of_its_own(client, volunteer):
    now = timezone.now()
    ExperienceFactory(volunteer=volunteer)
    CallFactory(title="Appel clos", opens_at=now - timedelta(days=60), closes_at=now)
    client.force_login(volunteer)

    page = text(client.get(reverse("volunteers:experiences")))

    assert "Total retenu aujourd'hui" in page
    assert "Appel clos" not in page


def test_applications_are_untouched_by_reading_pages(client, volunteer, application):
    before = list(Application.objects.values_list("pk", "status"))
    client.force_login(volunteer)
    for url in (reverse("volunteers:experiences"), reverse("volunteers:dashboard")):
        assert client.get(url).status_code == 200
    assert list(Application.objects.values_list("pk", "status")) == before
