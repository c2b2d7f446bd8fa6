"""Issue 16, messages that read like a person wrote them: a title, one or two sentences and one
action on the portal; an e-mail (HTML and plain text) that greets the person by the name she gave,
with links to the portal's public address only; the preferences each role is offered."""

import ast
import html
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

from missions import reminders, services
from missions.models import Application
from missions.workflow import WorkflowError
from mobility import services as mobility
from mobility.enums import ItemOwner
from mobility.reminders import digests
from notifications.families import EVENT_FAMILY, FAMILIES
from notifications.models import EmailOptOut, Notification
from tests.anvt.test_deployment import PRODUCTION_ENV, ROOT
from tests.conftest import with_totp
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    DocumentFactory,
    ExperienceFactory,
    UserFactory,
    complete_volunteer,
)
from tests.mobility.conftest import checklist_row, confirmed
from volunteers.models import Experience

pytestmark = pytest.mark.django_db

SITE = "https://vir.anvt.tg"
EVENTS = ROOT / "notifications" / "templates" / "notifications"
REASON = "La pièce jointe est illisible : déposez-la à nouveau."
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.SITE_URL = SITE


def text(response) -> str:
    return html.unescape(response.content.decode())


def html_part(message) -> str:
    [(content, kind)] = message.alternatives
    assert kind == "text/html"
    return content


def email_to(user, event):
    """The one e-mail of this event sent to this person (from the outbox row's subject)."""
    row = Notification.objects.get(user=user, event=event, channel="email", state="sent")
    [message] = [m for m in mail.outbox if m.to == [user.email] and m.subject == row.subject]
    return message


def assert_reads_like_a_letter(message, *, greeting: str, action: str, link: str):
    """Both parts greet her, carry the one action to the portal's public address, and load
    nothing from elsewhere."""
    body, part = message.body, html_part(message)
    assert body.startswith(f"{greeting}\n")
    assert f"{action} : {link}" in body
    assert f'<p style="margin-top:0;">{html.escape(greeting)}</p>' in part
    assert re.search(
        rf'<a href="{re.escape(link)}"[^>]*>{re.escape(html.escape(action))}</a>', part
    )
    assert "<img" not in part.lower() and "src=" not in part and "<link" not in part
    for content in (body, part):
        assert "http://" not in content
        assert "127.0.0.1" not in content and "testserver" not in content
        assert all(url.startswith(f"{SITE}/") or url == SITE for url in URL.findall(content))


# The events' templates ---------------------------------------------------------------------------


def test_every_event_has_a_title_a_summary_an_action_and_a_text():
    folders = {path.name for path in EVENTS.iterdir() if path.is_dir()}
    # Every event sent has its folder ("account_email" is written by django-allauth).
    assert folders == set(EVENT_FAMILY) - {"account_email"}
    for event in sorted(folders):
        present = {path.name for path in (EVENTS / event).iterdir()}
        assert {"subject.txt", "summary.txt", "action.txt", "body.txt"} <= present, event


def _english_missing(folder: Path) -> list[str]:
    """Each string of these templates that the English catalogue lacks, with its template."""
    catalogue = trans_real.translation("en")._catalog
    call = re.compile(r"\b(n?gettext)\((u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"))")
    missing = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".txt", ".html"):
            continue
        for kind, literal in call.findall(templatize(path.read_text())):
            msgid = ast.literal_eval(literal)
            if ((msgid, 0) if kind == "ngettext" else msgid) not in catalogue:
                missing.setdefault(msgid, f"{path.relative_to(ROOT)}: {msgid}")
    return sorted(missing.values())


@pytest.mark.parametrize(
    "folder",
    [
        "notifications/templates/notifications",
        "templates/notifications",
        "templates/includes",
        "templates/account/email",
    ],
)
def test_every_message_and_message_page_string_has_its_english_translation(folder):
    assert _english_missing(ROOT / folder) == []


# On the portal: a title, a summary, one action ---------------------------------------------------


def _returned_for_correction(volunteer, manager, **cast):
    application = ApplicationFactory(volunteer=volunteer, status="under_review")
    services.return_for_correction(application, actor=manager, reason=REASON)
    return (
        "application_status",
        "Corriger ma candidature",
        reverse("volunteers:application", args=[application.pk]),
    )


def _selected(volunteer, manager, org_a, coordinator_a, **cast):
    [placement] = confirmed(manager, org_a, coordinator_a, volunteers=[volunteer], confirm=False)
    Notification.objects.all().delete()  # what the proposal told everyone
    services.confirm_placement(placement, actor=coordinator_a)
    return (
        "application_status",
        "Voir mon affectation",
        reverse("volunteers:placement", args=[placement.pk]),
    )


def _not_eligible(volunteer, **cast):
    complete_volunteer(volunteer, birth_date=date(1980, 1, 1))  # too old for the call
    application = ApplicationFactory(volunteer=volunteer)
    services.submit_application(application, actor=volunteer)  # checked after the commit
    return (
        "eligibility_result",
        "Compléter mon dossier",
        reverse("volunteers:application", args=[application.pk]),
    )


def _mobility_item_refused(volunteer, manager, org_a, coordinator_a, **cast):
    checklist_row(
        "FR", "Vaccin fièvre jaune", ItemOwner.VOLUNTEER, False, True, 30, False, 1
    ).save()
    [placement] = confirmed(manager, org_a, coordinator_a, volunteers=[volunteer])
    item = placement.mobility_items.get()
    mobility.submit_item(item, actor=volunteer, date_value=timezone.localdate())
    Notification.objects.all().delete()  # what the confirmation told everyone
    mobility.refuse_item(item, actor=manager, reason=REASON)
    return (
        "mobility_item_refused",
        "Reprendre cet élément",
        reverse("volunteers:mobility", args=[placement.pk]),
    )


def _experience_rejected(volunteer, manager, **cast):
    experience = ExperienceFactory(volunteer=volunteer, organisation="Croix-Rouge togolaise")
    services.set_verification(experience, actor=manager, verified=False, reason=REASON)
    return (
        "experience_rejected",
        "Corriger mon expérience",
        reverse("volunteers:experience_edit", args=[experience.pk]),
    )


def _document_rejected(volunteer, manager, **cast):
    document = DocumentFactory(volunteer=volunteer, kind="cv")
    services.set_verification(document, actor=manager, verified=False, reason=REASON)
    return (
        "document_rejected",
        "Déposer un nouveau document",
        reverse("volunteers:document_replace", args=[document.pk]),
    )


REPRESENTATIVE = {
    "returned_for_correction": _returned_for_correction,
    "selected": _selected,
    "eligibility_result": _not_eligible,
    "mobility_item_refused": _mobility_item_refused,
    "experience_rejected": _experience_rejected,
    "document_rejected": _document_rejected,
}


@pytest.fixture
def cast(volunteer, manager, org_a, coordinator_a):
    return {
        "volunteer": volunteer,
        "manager": manager,
        "org_a": org_a,
        "coordinator_a": coordinator_a,
    }


@pytest.mark.parametrize("case", REPRESENTATIVE)
def test_the_notifications_page_shows_a_title_a_summary_and_one_action_not_the_email(
    case, cast, volunteer, volunteer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event, action, link = REPRESENTATIVE[case](**cast)
    row = Notification.objects.get(user=volunteer, channel="in_app", event=event)
    assert (row.event, row.action_label, row.link) == (event, action, link)
    assert row.subject and row.summary and len(row.summary) <= 400

    page = text(volunteer_client.get(reverse("notifications:list")))
    assert row.subject in page and row.summary in page
    assert f'<button type="submit" name="open" value="1" lang="fr">{action}</button>' in page
    # Not the e-mail: no greeting, no raw address, no signature, no unsubscribe line.
    assert "Bonjour" not in page and SITE not in page and "http://" not in page
    assert "L'équipe du Volontariat International de Réciprocité" not in page
    assert "Ne plus recevoir ces e-mails" not in page

    opened = volunteer_client.post(reverse("notifications:read", args=[row.pk]), {"open": "1"})
    assert opened["Location"] == link
    assert volunteer_client.get(link).status_code == 200


@pytest.mark.parametrize("case", ["returned_for_correction", "experience_rejected"])
def test_a_message_she_must_act_on_tells_why_in_its_summary(
    case, cast, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        REPRESENTATIVE[case](**cast)
    row = Notification.objects.get(user=volunteer, channel="in_app")
    assert row.summary.endswith(REASON)
    assert REASON in email_to(volunteer, row.event).body


def test_an_application_returned_for_correction_is_emailed_with_the_action_to_correct_it(
    volunteer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _event, action, link = _returned_for_correction(volunteer, manager)
    message = email_to(volunteer, "application_status")
    assert_reads_like_a_letter(
        message, greeting="Bonjour Ama Koffi,", action=action, link=f"{SITE}{link}"
    )
    assert REASON in message.body and html.escape(REASON) in html_part(message)


def test_a_return_for_correction_without_saying_what_changes_nothing(
    volunteer, manager, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(volunteer=volunteer, status="under_review")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(WorkflowError, match="Indiquez ce que le ou la volontaire doit corriger"),
    ):
        services.return_for_correction(application, actor=manager, reason="  ")
    assert Application.objects.get(pk=application.pk).status == "under_review"
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_rejection_without_its_reason_changes_nothing_and_tells_nobody(
    volunteer, manager, django_capture_on_commit_callbacks
):
    experience = ExperienceFactory(volunteer=volunteer)
    before = (experience.verification_status, experience.verification_reason)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(WorkflowError, match="Indiquez le motif du rejet"),
    ):
        services.set_verification(experience, actor=manager, verified=False, reason=" ")
    experience = Experience.objects.get(pk=experience.pk)
    assert (experience.verification_status, experience.verification_reason) == before
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_verified_experience_sends_no_correction_message(
    volunteer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_verification(
            ExperienceFactory(volunteer=volunteer), actor=manager, verified=True
        )
    assert not Notification.objects.filter(event="experience_rejected").exists()


def test_nobody_else_reads_or_opens_her_messages(
    client, volunteer, other_volunteer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _event, _action, link = _experience_rejected(volunteer, manager)
    hers = Notification.objects.get(user=volunteer, channel="in_app")
    client.force_login(other_volunteer)
    page = text(client.get(reverse("notifications:list")))
    assert "Croix-Rouge togolaise" not in page and REASON not in page
    assert (
        client.post(reverse("notifications:read", args=[hers.pk]), {"open": "1"}).status_code == 404
    )
    assert client.get(link).status_code == 404
    assert Notification.objects.get(pk=hers.pk).read_at is None


# E-mails: greeting, HTML and text parts ----------------------------------------------------------


def test_the_email_greets_her_by_name_with_one_button_to_the_public_address(
    volunteer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _event, action, link = _experience_rejected(volunteer, manager)
    message = email_to(volunteer, "experience_rejected")
    assert message.subject == "Expérience à corriger : Croix-Rouge togolaise"
    assert_reads_like_a_letter(
        message, greeting="Bonjour Ama Koffi,", action=action, link=f"{SITE}{link}"
    )
    # The unsubscribe link too starts with the public address.
    assert f"{SITE}/notifications/desabonnement/" in message.body


def test_a_person_without_a_name_is_greeted_without_her_address(
    make_user, manager, django_capture_on_commit_callbacks
):
    nameless = make_user("afiwa.dossou@example.tg")
    with django_capture_on_commit_callbacks(execute=True):
        _event, action, link = _document_rejected(nameless, manager)
    message = email_to(nameless, "document_rejected")
    assert_reads_like_a_letter(message, greeting="Bonjour,", action=action, link=f"{SITE}{link}")
    assert "afiwa" not in message.body.lower() and "afiwa" not in html_part(message).lower()


def test_a_name_with_an_apostrophe_reads_as_written_in_both_parts(
    make_user, manager, django_capture_on_commit_callbacks
):
    user = make_user("nguessan@example.tg", name="Éléonore N'Guessan")
    with django_capture_on_commit_callbacks(execute=True):
        _experience_rejected(user, manager)
    message = email_to(user, "experience_rejected")
    assert message.body.startswith("Bonjour Éléonore N'Guessan,\n")
    assert "Bonjour Éléonore N&#x27;Guessan," in html_part(message)
    assert "&#x27;" not in message.body and "&amp;" not in message.body


def test_the_name_she_gives_in_her_profile_is_the_one_her_messages_greet(
    make_user, manager, client, django_capture_on_commit_callbacks
):
    user = make_user("akosua@example.tg")  # signed up with her address only
    client.force_login(user)
    identity = {
        "first_name": "Akosua",
        "last_name": "Mensah",
        "birth_date": "2003-05-17",
        "gender": "female",
        "nationality_status": "togolese_resident",
    }
    url = reverse("volunteers:profile_step", args=["identity"])
    refused = client.post(url, {**identity, "birth_date": "2999-01-01"})
    assert refused.status_code == 200
    user.refresh_from_db()
    assert user.name == ""  # a refused step names nobody

    assert client.post(url, identity).status_code == 302
    user.refresh_from_db()
    assert user.name == "Akosua Mensah"
    with django_capture_on_commit_callbacks(execute=True):
        _experience_rejected(user, manager)
    message = email_to(user, "experience_rejected")
    assert message.body.startswith("Bonjour Akosua Mensah,\n")
    assert "Bonjour Akosua Mensah," in html_part(message)


def test_an_english_reader_gets_her_message_in_english(
    volunteer, other_volunteer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _experience_rejected(volunteer, manager)
        _event, _action, link = _experience_rejected(other_volunteer, manager)
    french = Notification.objects.get(user=volunteer, channel="in_app")
    english = Notification.objects.get(user=other_volunteer, channel="in_app")
    assert english.language == "en"
    assert english.subject != french.subject  # "Expérience à corriger : …"
    assert english.action_label != french.action_label  # "Corriger mon expérience"
    assert "L'ANVT n'a pas pu valider" not in english.summary
    assert "Motif" not in english.summary
    message = email_to(other_volunteer, "experience_rejected")
    assert message.subject == english.subject
    assert_reads_like_a_letter(
        message,
        greeting="Hello Kossi Adjo,",
        action=english.action_label,
        link=f"{SITE}{link}",
    )
    assert "Bonjour" not in message.body and "Motif" not in message.body


# Reminders of what she must do -------------------------------------------------------------------


def test_an_application_returned_for_correction_is_reminded_once_before_the_call_closes(
    volunteer, manager, django_capture_on_commit_callbacks
):
    closing = CallFactory(closes_at=timezone.now() + timedelta(days=2))
    application = ApplicationFactory(call=closing, volunteer=volunteer, status="under_review")
    later = ApplicationFactory(
        call=CallFactory(closes_at=timezone.now() + timedelta(days=20)), status="under_review"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.return_for_correction(application, actor=manager, reason=REASON)
        services.return_for_correction(later, actor=manager, reason=REASON)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.send_all()
        second = reminders.send_all()

    assert (first["draft"], second["draft"]) == (2, 0)  # in-app and e-mail, once
    reminded = Notification.objects.filter(event="draft_reminder")
    assert set(reminded.values_list("user", "dedupe_key")) == {
        (volunteer.pk, f"correction_reminder:{application.pk}")
    }
    row = reminded.get(channel="in_app")
    assert "corriger" in row.summary and "brouillon" not in row.summary
    [message] = mail.outbox
    # She is reminded of a correction, not told her application is a draft.
    assert "brouillon" not in message.body
    assert "brouillon" not in html_part(message)


def test_a_draft_reminded_once_is_reminded_again_when_it_comes_back_for_correction(
    volunteer, manager, django_capture_on_commit_callbacks
):
    closing = CallFactory(closes_at=timezone.now() + timedelta(days=2))
    application = ApplicationFactory(call=closing, volunteer=volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_all()["draft"] == 2
    Application.objects.filter(pk=application.pk).update(status="under_review")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_for_correction(application, actor=manager, reason=REASON)
        assert reminders.send_all()["draft"] == 2
        assert reminders.send_all()["draft"] == 0
    assert sorted(
        Notification.objects.filter(event="draft_reminder", channel="email").values_list(
            "dedupe_key", flat=True
        )
    ) == [f"correction_reminder:{application.pk}", f"draft_reminder:{application.pk}"]


# Links into each reader's own space --------------------------------------------------------------


def test_a_corrected_date_links_each_reader_to_the_placement_in_their_own_space(
    client,
    volunteer,
    other_volunteer,
    manager,
    org_a,
    coordinator_a,
    django_capture_on_commit_callbacks,
):
    other_manager = with_totp(UserFactory(name="Yawa Tchala"))
    other_manager.groups.set(manager.groups.all())
    [placement] = confirmed(manager, org_a, coordinator_a, volunteers=[volunteer])
    today = timezone.localdate()
    services.record_departure(placement, actor=manager, on=today - timedelta(days=3))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.correct_date(
            placement,
            actor=manager,
            event="departure",
            on=today - timedelta(days=4),
            reason="Vol avancé d'un jour",
        )
    links = dict(
        Notification.objects.filter(event="date_corrected", channel="in_app").values_list(
            "user", "link"
        )
    )
    assert links == {
        volunteer.pk: reverse("volunteers:placement", args=[placement.pk]),
        coordinator_a.pk: reverse("partners:placement", args=[placement.pk]),
        other_manager.pk: reverse("staff:placement", args=[placement.pk]),
    }
    for user in (volunteer, coordinator_a, other_manager):
        client.force_login(user)
        assert client.get(links[user.pk]).status_code == 200, user
    assert f"{SITE}{links[other_manager.pk]}" in email_to(other_manager, "date_corrected").body
    client.force_login(other_volunteer)
    assert client.get(links[volunteer.pk]).status_code == 404


def test_a_departure_file_digest_links_each_reader_to_where_they_act(
    client, volunteer, manager, org_a, coordinator_a, django_capture_on_commit_callbacks
):
    for position, (label, owner) in enumerate(
        [
            ("Passeport", ItemOwner.VOLUNTEER),
            ("Assurance", ItemOwner.PARTNER),
            ("Visa", ItemOwner.ANVT),
        ]
    ):
        checklist_row("FR", label, owner, False, False, 18, False, position).save()
    [placement] = confirmed(
        manager,
        org_a,
        coordinator_a,
        volunteers=[volunteer],
        departure=timezone.localdate() + timedelta(days=20),
    )
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        digests(timezone.localdate())
    links = dict(
        Notification.objects.filter(event="mobility_digest", channel="in_app").values_list(
            "user", "link"
        )
    )
    assert links == {
        volunteer.pk: reverse("volunteers:mobility", args=[placement.pk]),
        coordinator_a.pk: reverse("partners:readiness", args=[placement.contingent_id]),
        manager.pk: reverse("staff:readiness", args=[placement.contingent_id]),
    }
    for user in (volunteer, coordinator_a, manager):
        client.force_login(user)
        assert client.get(links[user.pk]).status_code == 200, user
        row = Notification.objects.get(user=user, event="mobility_digest", channel="in_app")
        assert row.summary and row.action_label == "Ouvrir le dossier de départ"


# Preferences: only the families written for the person's roles ----------------------------------


def _labels(page: str) -> set[str]:
    return {key for key, label in FAMILIES.items() if str(label) in page}


@pytest.mark.parametrize(
    ("who", "offered"),
    [
        ("volunteer", {"account", "applications", "reminders"}),
        ("coordinator_a", {"account", "partner"}),
        ("manager", {"account", "staff"}),
    ],
)
def test_each_role_is_offered_only_the_families_written_for_it(client, request, who, offered):
    client.force_login(request.getfixturevalue(who))
    page = text(client.get(reverse("preferences:messages")))
    assert _labels(page) == offered


def test_a_family_not_offered_is_refused_and_nothing_changes(volunteer_client, volunteer):
    EmailOptOut.objects.create(user=volunteer, family="reminders")
    response = volunteer_client.post(
        reverse("preferences:messages"), {"families": ["applications", "partner"]}
    )
    assert response.status_code == 200
    assert "Ce choix n'existe pas : vos préférences sont inchangées." in text(response)
    assert list(EmailOptOut.objects.values_list("user", "family")) == [(volunteer.pk, "reminders")]


def test_a_coordinator_turns_off_only_the_partner_emails(coordinator_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator_a)
    browser.get(reverse("preferences:messages"))
    # Every box unticked: the browser sends only the form's token.
    token = browser.cookies["csrftoken"].value
    response = browser.post(reverse("preferences:messages"), {"csrfmiddlewaretoken": token})
    assert response["Location"] == reverse("preferences:messages")
    assert list(EmailOptOut.objects.values_list("family", flat=True)) == ["partner"]


@pytest.mark.parametrize(
    ("who", "two_factor"), [("volunteer", False), ("manager", True), ("coordinator_a", True)]
)
def test_the_account_menu_offers_message_choices_to_all_and_two_factor_to_staff_and_partners(
    client, request, who, two_factor
):
    client.force_login(request.getfixturevalue(who))
    page = text(client.get(reverse("notifications:list")))
    assert f'<a href="{reverse("preferences:messages")}">Mes messages (e-mail, SMS)</a>' in page
    assert ("Double authentification" in page) is two_factor
    assert (f'href="{reverse("mfa_index")}"' in page) is two_factor


# Production: links need the public https address -------------------------------------------------


def _start(**changes):
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "anvt.settings", **changes}
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", "import anvt.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"SITE_URL": None}, "SITE_URL is required when DEBUG is off"),
        ({"SITE_URL": "http://vir.anvt.tg"}, "SITE_URL is required when DEBUG is off"),
        ({"SITE_URL": "https://vir.anvt.tg/portail"}, "SITE_URL is required when DEBUG is off"),
        ({"SITE_URL": "https://anvt.example.org"}, "must be one of DJANGO_ALLOWED_HOSTS"),
    ],
    ids=["missing", "plain-http", "with-a-path", "host-not-allowed"],
)
def test_production_refuses_to_start_without_a_public_https_address(changes, message):
    started = _start(**changes)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and message in started.stderr


def test_production_starts_with_its_public_https_address():
    started = _start(SITE_URL="https://vir.anvt.tg/")
    assert started.returncode == 0, started.stderr
