"""The SMS channel (issue 16): what an SMS costs, the texts that fit one, the number verified by a
code, the families chosen by SMS, the gateway (a real HTTP server on 127.0.0.1), its delivery
receipts and the "STATUT" a volunteer texts in."""

import copy
import json
import logging
import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from alumni.models import Questionnaire
from missions.enums import ApplicationStatus
from missions.models import Placement
from missions.services import return_for_correction
from mobility.models import ChecklistItem, MobilityItem, Workshop
from notifications import sms
from notifications.families import EVENT_FAMILY, SMS_FAMILIES
from notifications.models import (
    EmailOptOut,
    InboundSms,
    Notification,
    SmsNumber,
    SmsOptIn,
)
from notifications.services import Delivery, Message, deliver, notify, queue, render
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ContingentFactory,
    DocumentFactory,
    ExperienceFactory,
    MissionFactory,
    PartnerFactory,
    ProfileFactory,
    UserFactory,
)
from tests.notifications.sms_gateway import FakeSmsGateway

pytestmark = pytest.mark.django_db

SITE_URL = "https://vir.anvt.tg"
SECRET = "test-secret"
NUMBER = "+22890123456"  # "90 12 34 56" in Togo
OTHER_NUMBER = "+22891234567"
LINK = "/espace/candidatures/12345/"

WRONG_CODE = "Code incorrect : vérifiez le dernier SMS reçu et réessayez."
LAST_WRONG_CODE = "Code incorrect. Ce code a expiré : demandez-en un nouveau."
EXPIRED = "Ce code a expiré : demandez-en un nouveau."
TOO_SOON = "Un code vient d'être envoyé : attendez une minute avant d'en demander un autre."
TAKEN = (
    "Ce numéro ne peut pas être vérifié pour ce compte. S'il est bien le vôtre, écrivez à l'ANVT."
)
CODE_SENT = "Code envoyé par SMS au 90 12 34 56 : il est valable 10 minutes."
VERIFIED = "Le numéro 90 12 34 56 est vérifié. Choisissez maintenant les messages reçus par SMS."


@pytest.fixture(autouse=True)
def _sms_settings(settings, caplog):
    settings.SITE_URL = SITE_URL
    settings.SMS_WEBHOOK_SECRET = SECRET
    settings.SMS_STATUS_PER_HOUR = 3
    settings.SMS_CODES_PER_DAY = 5
    # The console backend (the default) writes each SMS to this log: the phone, for the tests.
    caplog.set_level(logging.INFO, logger="notifications.backends")


@pytest.fixture
def gateway(settings):
    fake = FakeSmsGateway().start()
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "notifications.backends.HttpSmsBackend",
    }
    settings.SMS_GATEWAY_URL = fake.url
    settings.SMS_GATEWAY_KEY = "key-of-the-gateway"
    settings.SMS_GATEWAY_TIMEOUT = 5
    settings.SMS_SENDER = "ANVT"
    yield fake
    fake.stop()


def verify(user, number: str = NUMBER) -> SmsNumber:
    return SmsNumber.objects.create(user=user, number=number, verified_at=timezone.now())


def shown(response) -> list[str]:
    """The messages the page shows (and checks that they are on the page)."""
    texts = [str(message) for message in response.context["messages"]]
    for text in texts:
        assert escape(text) in response.text
    return texts


def phones_log(caplog, number: str = NUMBER) -> list[str]:
    """The texts the console backend sent to this number, in order."""
    prefix = f"SMS to {number}: "
    return [
        r.getMessage()[len(prefix) :] for r in caplog.records if r.getMessage().startswith(prefix)
    ]


def last_code(caplog, number: str = NUMBER) -> str:
    return re.search(r"\b(\d{6})\b", phones_log(caplog, number)[-1]).group(1)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def ask_code(client, capture, number: str = "90 12 34 56"):
    with capture(execute=True):
        return client.post(reverse("preferences:phone"), {"number": number}, follow=True)


def enter_code(client, code: str):
    return client.post(reverse("preferences:phone_confirm"), {"code": code}, follow=True)


def sms_rows():
    return Notification.objects.filter(channel="sms").order_by("pk")


# 1. What an SMS costs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "length", "segments"),
    [
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),  # split: 153 per part
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # the extension table: two septets each
        ("€" * 80 + "a", "GSM-7", 161, 2),
        ("ê" * 70, "UCS-2", 70, 1),
        ("ê" * 71, "UCS-2", 71, 2),  # split: 67 per part
        ("ê" * 134, "UCS-2", 134, 2),
        ("ê" * 135, "UCS-2", 135, 3),
        ("a" * 68 + "🙂", "UCS-2", 70, 1),  # an emoji is two UTF-16 units
        ("a" * 69 + "🙂", "UCS-2", 71, 2),
    ],
)
def test_sms_length_and_segments_follow_gsm7_and_ucs2(text, encoding, length, segments):
    assert (sms.encoding(text), sms.length(text), sms.segments(text)) == (
        encoding,
        length,
        segments,
    )


@pytest.mark.parametrize("character", list("€[]{}^~|\\"))
def test_extension_characters_count_two_septets(character):
    text = "ANVT : " + character
    assert (sms.encoding(text), sms.length(text)) == ("GSM-7", 9)


def test_french_letters_of_the_gsm_alphabet_keep_an_sms_in_gsm7():
    text = "ANVT : Éric, votre dossier est validé à Lomé, où vous irez après."
    assert (sms.encoding(text), sms.length(text)) == ("GSM-7", len(text))
    assert (sms.encoding("éèàùÉ"), sms.length("éèàùÉ")) == ("GSM-7", 5)
    assert sms.segments("é" * 160) == 1


# "\u2019" is the curly apostrophe of typographic French and English.
@pytest.mark.parametrize("character", ["ê", "ç", "«", "»", "\u2019", "·", "🙂"])
def test_one_character_outside_gsm7_turns_the_whole_text_into_ucs2(character):
    text = "ANVT : votre candidature est envoyée " + character
    assert sms.encoding(text) == "UCS-2"
    assert sms.length("a" * 69 + character) == 69 + (2 if character == "🙂" else 1)


@pytest.mark.parametrize(
    ("text", "billed"),
    [
        # 152 septets, then an escape sequence that does not fit the one septet left: it goes
        # whole into the second part, which then overflows into a third.
        ("a" * 152 + "€" + "a" * 152, 3),
        # The same in UCS-2: an emoji (a surrogate pair) is not cut between two parts.
        ("ê" * 66 + "🙂" + "ê" * 66, 3),
    ],
)
def test_a_character_is_never_cut_between_two_parts(text, billed):
    assert sms.segments(text) == billed


# 2. Every text fits its budget, in both languages ------------------------------------------------

BUDGET = {"sms_status": 3}  # every other SMS: one segment


def sms_templates() -> dict[str, Path]:
    """Every notifications/<event>/sms.txt the template engine can find, by event."""
    found = {}
    for folder in engines["django"].template_dirs:
        for path in Path(folder).glob("notifications/*/sms.txt"):
            found.setdefault(path.parent.name, path)
    return found


def test_every_event_of_an_sms_family_has_its_sms_text():
    texts = sms_templates()
    missing = sorted(
        event
        for event, family in EVENT_FAMILY.items()
        if family in SMS_FAMILIES and event not in texts
    )
    assert missing == [], f"events offered by SMS without an sms.txt: {missing}"


def longest_statuses(language: str, count: int) -> list[str]:
    with translation.override(language):
        return sorted(ApplicationStatus, key=lambda status: -len(str(status.label)))[:count]


def scenarios(language: str) -> dict[str, list[tuple[str, dict]]]:
    """Realistic contexts of each event, with long names; every branch of its sms.txt."""
    partner = PartnerFactory(name="France Volontaires")
    mission = MissionFactory(
        partner=partner,
        title="Animation socioculturelle et soutien scolaire dans un quartier",
        city="Villeurbanne",
    )
    call = CallFactory(title="Volontariat International de Réciprocité 2027", missions=[mission])
    application = ApplicationFactory(call=call, status=ApplicationStatus.SUBMITTED)
    contingent = ContingentFactory(call=call, partner=partner)
    placement = Placement(
        contingent=contingent,
        application=application,
        volunteer=application.volunteer,
        mission=mission,
        status="confirmed",
        actual_departure=date(2026, 10, 1),
        arrival_date=date(2026, 10, 2),
    )
    document = DocumentFactory(kind="passport", expiry_date=date(2026, 11, 30))
    experience = ExperienceFactory(organisation="Croix-Rouge togolaise, comité régional de Kara")
    item = MobilityItem(
        template=ChecklistItem(
            country="FR",
            label_fr="Certificat international de vaccination contre la fièvre jaune",
            label_en="International certificate of vaccination against yellow fever",
            owner="volunteer",
        ),
        due_date=date(2026, 9, 15),
    )
    workshop = Workshop(
        contingent=contingent,
        starts_at=timezone.make_aware(datetime(2026, 9, 12, 9, 30)),
        place="Maison du volontariat, Lomé",
        seats=30,
    )
    reason = "Le justificatif de domicile est illisible : déposez une copie nette, en couleur."

    def with_status(status):
        copied = copy.copy(application)
        copied.status = status
        return copied

    status_cases = []
    for status in ApplicationStatus:
        status_cases.append((status.value, {"application": with_status(status), "reason": reason}))
        status_cases.append(
            (
                f"{status.value}, with placement",
                {"application": with_status(status), "reason": reason, "placement": placement},
            )
        )
    listed = [with_status(status) for status in longest_statuses(language, count=3)]
    return {
        "application_status": status_cases,
        "application_submitted": [("", {"application": application})],
        "date_corrected": [
            (
                event,
                {
                    "placement": placement,
                    "event": event,
                    "old": date(2026, 10, 1),
                    "new": date(2026, 10, 15),
                    "reason": reason,
                    "volunteer_name": "Adjoa Mawuéna Kpodar-Agbodjan",
                },
            )
            for event in ("departure", "arrival", "return")
        ],
        "document_expiry": [("", {"document": document, "departure": date(2026, 12, 1)})],
        "documents_deletion_notice": [
            (
                "",
                {
                    "kinds": ["Passeport", "Carte d'identité", "Extrait de casier judiciaire"],
                    "due": date(2026, 12, 31),
                    "count": 3,
                },
            )
        ],
        "follow_up": [
            (
                "",
                {
                    "questionnaire": Questionnaire(months_after=12, title="12 mois après"),
                    "placement": placement,
                },
            )
        ],
        "document_rejected": [("", {"document": document, "reason": reason})],
        "draft_reminder": [
            (status, {"application": with_status(status)})
            for status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED_FOR_CORRECTION)
        ],
        "eligibility_result": [
            ("eligible", {"application": application, "eligible": True, "problems": []}),
            (
                "not eligible",
                {
                    "application": application,
                    "eligible": False,
                    "problems": ["Il manque votre passeport.", "Votre CV n'est pas déposé."],
                },
            ),
        ],
        "experience_rejected": [("", {"experience": experience, "reason": reason})],
        "mobility_digest": [
            (f"{count} items", {"items": [item] * count, "today": date(2026, 9, 1), "late": [item]})
            for count in (1, 12)
        ],
        "mobility_item_refused": [("", {"item": item, "reason": reason})],
        "sms_code": [("", {"code": "042917"})],
        "sms_status": [
            ("three and more", {"applications": listed, "more": True}),
            ("none", {"applications": [], "more": False}),
        ],
        "workshop_invitation": [("", {"workshop": workshop})],
    }


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_sms_text_fits_its_budget_of_segments(make_user, language):
    user = make_user(f"adjoa.{language}@example.tg", name="Adjoa Kpodar", language=language)
    cases = scenarios(language)
    over, untested = [], []
    for event in sorted(sms_templates()):
        if event not in cases:
            untested.append(event)
            continue
        budget = BUDGET.get(event, 1)
        for variant, context in cases[event]:
            message = Message(user=user, event=event, context=context, link=LINK, channels=("sms",))
            text = render(message, "sms", number=NUMBER).body
            assert text, f"{event} [{variant}] ({language}) renders an empty SMS"
            if sms.segments(text) > budget:
                over.append(
                    f"{event} [{variant}] ({language}): {sms.encoding(text)}, "
                    f"{sms.length(text)} units = {sms.segments(text)} segments > {budget}: {text!r}"
                )
    assert untested == [], f"add a realistic context to scenarios() for: {untested}"
    assert over == [], "\n".join(over)


# 3. The number, verified by a code ---------------------------------------------------------------


def test_the_phone_page_offers_the_number_of_her_profile(client, volunteer):
    ProfileFactory(user=volunteer, phone=NUMBER)
    client.force_login(volunteer)
    page = client.get(reverse("preferences:phone"))
    assert page.status_code == 200
    assert page.context["form"].initial == {"number": "90 12 34 56"}
    assert 'name="number"' in page.text and 'value="90 12 34 56"' in page.text
    assert 'name="code"' not in page.text  # no code asked for yet


def test_a_volunteer_verifies_her_number_with_the_code_it_received(
    client, volunteer, caplog, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    page = ask_code(client, django_capture_on_commit_callbacks)
    assert shown(page) == [CODE_SENT]
    assert "Nous avons envoyé un code à 6 chiffres au 90 12 34 56." in page.text
    assert 'name="code"' in page.text

    [row] = Notification.objects.filter(user=volunteer)  # the code only: no e-mail, no bell
    assert (row.event, row.channel, row.to_number, row.state) == (
        "sms_code",
        "sms",
        NUMBER,
        "sent",
    )
    [text] = phones_log(caplog)
    code = last_code(caplog)
    assert text == (
        f"ANVT : votre code de vérification est {code}. Il est valable 10 minutes. "
        "Ne le donnez à personne."
    )
    assert sms.segments(text) == 1
    # Once handed over, the code is nowhere in the database (only its salted hash).
    kept = Notification.objects.values_list("subject", "summary", "body", "body_html", "last_error")
    assert not any(code in field for fields in kept for field in fields)
    assert row.body == ""
    pending = SmsNumber.objects.get(user=volunteer)
    assert (pending.number, pending.pending_number) == ("", NUMBER)
    assert code not in pending.code_hash

    wrong = enter_code(client, other_code(code))
    assert shown(wrong) == [WRONG_CODE]
    assert SmsNumber.objects.get(user=volunteer).number == ""

    right = enter_code(client, f"{code[:3]} {code[3:]}")  # typed with a space
    assert right.redirect_chain == [(reverse("preferences:messages"), 302)]
    assert shown(right) == [VERIFIED]
    assert "Numéro vérifié : <strong>90 12 34 56</strong>." in right.text
    verified = SmsNumber.objects.get(user=volunteer)
    assert (verified.number, verified.pending_number, verified.code_hash) == (NUMBER, "", "")
    assert verified.verified_at is not None


def test_a_code_entered_before_any_was_asked_for_is_refused(client, volunteer):
    client.force_login(volunteer)
    assert shown(enter_code(client, "123456")) == [
        "Aucun code en attente : demandez d'abord un code."
    ]
    assert shown(enter_code(client, "")) == ["Écrivez le code à 6 chiffres reçu par SMS."]
    assert not SmsNumber.objects.exists()


def test_asking_a_code_for_the_number_already_verified_sends_nothing(
    client, volunteer, django_capture_on_commit_callbacks
):
    verify(volunteer)
    before = SmsNumber.objects.values().get(user=volunteer)
    client.force_login(volunteer)
    page = ask_code(client, django_capture_on_commit_callbacks)
    assert shown(page) == ["Ce numéro est déjà vérifié."]
    assert not Notification.objects.exists()
    assert SmsNumber.objects.values().get(user=volunteer) == before


def test_the_phone_page_does_not_claim_an_old_number_was_verified_today(client, volunteer):
    with time_machine.travel(timezone.now() - timedelta(days=60)):
        verify(volunteer)
    client.force_login(volunteer)
    page = client.get(reverse("preferences:phone"))
    assert "90 12 34 56" in page.text
    assert "vérifié aujourd'hui" not in page.text


@pytest.mark.parametrize("member", ["coordinator_a", "manager"])
def test_partners_and_staff_are_not_offered_sms(
    request, client, member, django_capture_on_commit_callbacks
):
    member = request.getfixturevalue(member)
    client.force_login(member)
    assert client.get(reverse("preferences:phone"))["Location"] == reverse("preferences:messages")
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(reverse("preferences:phone"), {"number": "90 12 34 56"})
    assert posted["Location"] == reverse("preferences:messages")
    assert not Notification.objects.exists()
    assert not SmsNumber.objects.exists()
    page = client.get(reverse("preferences:messages"))
    assert page.status_code == 200
    assert sms_checkboxes(page) == []
    assert reverse("preferences:phone") not in page.text


def test_a_number_that_does_not_exist_is_refused_next_to_the_field(client, volunteer):
    client.force_login(volunteer)
    page = client.post(reverse("preferences:phone"), {"number": "90 12"})
    assert page.status_code == 200
    assert page.context["form"].errors == {
        "number": [
            "Ce numéro n'existe pas. Au Togo, écrivez ses 8 chiffres (90 12 34 56) ; ailleurs, "
            "commencez par l'indicatif du pays (+33 6 12 34 56 78)."
        ]
    }
    assert not SmsNumber.objects.exists()
    assert not Notification.objects.exists()


def test_five_wrong_codes_void_the_code(
    client, volunteer, caplog, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    ask_code(client, django_capture_on_commit_callbacks)
    code = last_code(caplog)
    answers = [shown(enter_code(client, other_code(code))) for _ in range(5)]
    assert answers == [[WRONG_CODE]] * 4 + [[LAST_WRONG_CODE]]
    # Even the right code is refused now: a new one must be asked for.
    assert shown(enter_code(client, code)) == [EXPIRED]
    assert SmsNumber.objects.get(user=volunteer).number == ""


@pytest.mark.parametrize(
    ("after", "messages", "number"),
    [
        (timedelta(minutes=9, seconds=59), [VERIFIED], NUMBER),
        (timedelta(minutes=10, seconds=1), [EXPIRED], ""),
    ],
)
def test_a_code_is_valid_ten_minutes(
    client, volunteer, caplog, django_capture_on_commit_callbacks, after, messages, number
):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(volunteer)
        ask_code(client, django_capture_on_commit_callbacks)
        traveller.shift(after)
        assert shown(enter_code(client, last_code(caplog))) == messages
    assert SmsNumber.objects.get(user=volunteer).number == number


def test_a_second_code_waits_a_minute_and_replaces_the_first(
    client, volunteer, caplog, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(volunteer)
        ask_code(client, django_capture_on_commit_callbacks)
        first = last_code(caplog)
        before = SmsNumber.objects.values().get(user=volunteer)
        traveller.shift(timedelta(seconds=30))
        again = ask_code(client, django_capture_on_commit_callbacks, number="91 23 45 67")
        assert shown(again) == [TOO_SOON]
        assert list(sms_rows().values_list("to_number", flat=True)) == [NUMBER]
        assert SmsNumber.objects.values().get(user=volunteer) == before

        traveller.shift(timedelta(seconds=31))
        assert shown(ask_code(client, django_capture_on_commit_callbacks)) == [CODE_SENT]
        second = last_code(caplog)
        assert sms_rows().count() == 2
        if second != first:
            assert shown(enter_code(client, first)) == [WRONG_CODE]
        assert shown(enter_code(client, second)) == [VERIFIED]


def test_codes_are_limited_per_day(client, settings, volunteer, django_capture_on_commit_callbacks):
    settings.SMS_CODES_PER_DAY = 2
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(volunteer)
        for _ in range(2):
            assert shown(ask_code(client, django_capture_on_commit_callbacks)) == [CODE_SENT]
            traveller.shift(timedelta(minutes=2))
        before = SmsNumber.objects.values().get(user=volunteer)
        refused = ask_code(client, django_capture_on_commit_callbacks)
        assert shown(refused) == ["Trop de codes envoyés aujourd'hui : réessayez demain."]
        assert sms_rows().count() == 2
        assert SmsNumber.objects.values().get(user=volunteer) == before
        traveller.shift(timedelta(days=1))
        assert shown(ask_code(client, django_capture_on_commit_callbacks)) == [CODE_SENT]
        assert sms_rows().count() == 3


@pytest.fixture
def third_volunteer(make_user):
    return make_user("afi@example.tg", name="Afi Secretname")


@pytest.mark.parametrize("holder", ["other_volunteer", "third_volunteer"])
def test_a_number_verified_for_another_account_is_refused_the_same_way_whoever_holds_it(
    request, client, volunteer, django_capture_on_commit_callbacks, holder
):
    holder = request.getfixturevalue(holder)
    verify(holder)
    client.force_login(volunteer)
    page = ask_code(client, django_capture_on_commit_callbacks)
    assert shown(page) == [TAKEN]
    assert holder.name not in page.text and holder.email not in page.text
    assert not Notification.objects.exists()  # nothing sent to anyone
    # Nothing given to her; the try is recorded, so that numbers cannot be tried one after
    # another to learn which have an account.
    assert list(
        SmsNumber.objects.order_by("user").values_list("user", "number", "pending_number")
    ) == sorted([(holder.pk, NUMBER, ""), (volunteer.pk, "", "")])
    assert shown(ask_code(client, django_capture_on_commit_callbacks)) == [TOO_SOON]


def test_a_number_verified_meanwhile_by_another_account_is_not_given_twice(
    client, volunteer, other_volunteer, caplog, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    ask_code(client, django_capture_on_commit_callbacks)
    verify(other_volunteer)  # she verified it on her phone in the meantime
    assert shown(enter_code(client, last_code(caplog))) == [TAKEN]
    assert SmsNumber.objects.get(user=volunteer).number == ""
    assert SmsNumber.objects.get(user=other_volunteer).number == NUMBER


def test_forgetting_the_number_stops_every_sms(
    client, volunteer, manager, django_capture_on_commit_callbacks
):
    verify(volunteer)
    SmsOptIn.objects.create(user=volunteer, family="applications")
    client.force_login(volunteer)
    page = client.post(reverse("preferences:phone_forget"), follow=True)
    assert shown(page) == ["Vous ne recevrez plus de SMS de l'ANVT."]
    assert not SmsNumber.objects.filter(user=volunteer).exists()
    assert not SmsOptIn.objects.filter(user=volunteer).exists()
    assert 'name="sms_families"' not in page.text
    application = ApplicationFactory(volunteer=volunteer, status=ApplicationStatus.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        return_for_correction(application, actor=manager, reason="Le CV manque.")
    assert sorted(Notification.objects.values_list("channel", flat=True)) == ["email", "in_app"]


# 4. Families by SMS ------------------------------------------------------------------------------


def sms_checkboxes(page) -> list[tuple[str, bool]]:
    """The "Par SMS" checkboxes of the preferences page: (family, checked)."""
    return [
        (family, bool(checked))
        for family, checked in re.findall(
            r'name="sms_families" value="([a-z_]+)"( checked)?', page.text
        )
    ]


def test_sms_choices_appear_once_the_number_is_verified_for_sms_families_only(
    client, settings, volunteer
):
    settings.SMS_NUMBER = "+22899887766"
    client.force_login(volunteer)
    before = client.get(reverse("preferences:messages"))
    assert sms_checkboxes(before) == []
    assert f'href="{reverse("preferences:phone")}"' in before.text
    verify(volunteer)
    after = client.get(reverse("preferences:messages"))
    assert sms_checkboxes(after) == [("applications", False), ("reminders", False)]
    assert after.text.count(">Par SMS</label>") == 2
    assert "Numéro vérifié : <strong>90 12 34 56</strong>." in after.text
    assert "Envoyez <strong>STATUT</strong> au 99 88 77 66" in after.text


def test_choosing_sms_for_applications_sends_a_status_change_by_sms(
    client, volunteer, manager, caplog, django_capture_on_commit_callbacks
):
    verify(volunteer)
    client.force_login(volunteer)
    saved = client.post(
        reverse("preferences:messages"),
        {"families": ["applications", "reminders"], "sms_families": ["applications"]},
        follow=True,
    )
    assert shown(saved) == ["Vos préférences sont enregistrées."]
    assert sms_checkboxes(saved) == [("applications", True), ("reminders", False)]
    assert list(SmsOptIn.objects.values_list("family", flat=True)) == ["applications"]

    application = ApplicationFactory(volunteer=volunteer, status=ApplicationStatus.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        return_for_correction(application, actor=manager, reason="Le CV manque.")
    rows = Notification.objects.filter(user=volunteer, event="application_status")
    assert sorted(rows.values_list("channel", "state")) == [
        ("email", "sent"),
        ("in_app", "sent"),
        ("sms", "sent"),
    ]
    text = (
        "ANVT : votre candidature est à corriger. Voyez ce qui manque : "
        f"{SITE_URL}/candidatures/{application.pk}/"
    )
    sms_row = rows.get(channel="sms")
    assert (sms_row.to_number, sms_row.body) == (NUMBER, text)
    assert sms.segments(sms_row.body) == 1
    assert phones_log(caplog) == [text]
    assert [message.to for message in mail.outbox] == [[volunteer.email]]


def test_without_the_sms_choice_of_a_family_no_sms_is_sent(
    client, volunteer, manager, caplog, django_capture_on_commit_callbacks
):
    verify(volunteer)
    client.force_login(volunteer)
    client.post(
        reverse("preferences:messages"),
        {"families": ["applications", "reminders"], "sms_families": ["reminders"]},
    )
    application = ApplicationFactory(volunteer=volunteer, status=ApplicationStatus.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        return_for_correction(application, actor=manager, reason="Le CV manque.")
    assert sorted(Notification.objects.values_list("channel", flat=True)) == ["email", "in_app"]
    assert phones_log(caplog) == []


def test_sms_choices_without_a_verified_number_are_refused_and_change_nothing(client, volunteer):
    # A code was asked for, never entered: the number is not verified.
    SmsNumber.objects.create(user=volunteer, pending_number=NUMBER, code_hash="0" * 64)
    EmailOptOut.objects.create(user=volunteer, family="reminders")
    client.force_login(volunteer)
    page = client.post(
        reverse("preferences:messages"),
        {"families": ["applications", "reminders"], "sms_families": ["applications"]},
        follow=True,
    )
    assert shown(page) == ["Ce choix n'existe pas : vos préférences sont inchangées."]
    assert not SmsOptIn.objects.exists()
    assert list(EmailOptOut.objects.values_list("family", flat=True)) == ["reminders"]


def test_an_sms_family_event_reaches_the_verified_number_not_a_pending_one(
    volunteer, caplog, django_capture_on_commit_callbacks
):
    row = verify(volunteer)
    row.pending_number = OTHER_NUMBER  # changing numbers: the new one is not verified yet
    row.save()
    SmsOptIn.objects.create(user=volunteer, family="applications")
    application = ApplicationFactory(volunteer=volunteer, status=ApplicationStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        notify(volunteer, "application_submitted", {"application": application}, link=LINK)
    assert list(sms_rows().values_list("to_number", "state")) == [(NUMBER, "sent")]
    assert phones_log(caplog, OTHER_NUMBER) == []


# 5. The gateway ----------------------------------------------------------------------------------


def opted_in(volunteer) -> None:
    verify(volunteer)
    SmsOptIn.objects.create(user=volunteer, family="applications")


def submitted(volunteer):
    """An application_submitted event; its SMS row (pending until the commit's task runs)."""
    application = ApplicationFactory(volunteer=volunteer, status=ApplicationStatus.SUBMITTED)
    notify(volunteer, "application_submitted", {"application": application}, link=LINK)
    return Notification.objects.get(user=volunteer, channel="sms")


def test_the_gateway_gets_each_sms_with_its_key_and_an_idempotency_key(
    volunteer, gateway, django_capture_on_commit_callbacks
):
    opted_in(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        row = submitted(volunteer)
    [request] = gateway.requests
    assert request.path == "/v1/messages"
    assert request.headers["authorization"] == "Bearer key-of-the-gateway"
    assert request.headers["idempotency-key"] == f"anvt-notification-{row.pk}"
    assert request.headers["content-type"] == "application/json"
    assert request.body == {
        "to": NUMBER,
        "from": "ANVT",
        "text": (
            "ANVT : candidature bien envoyée. Le résultat de son éligibilité arrive sous peu : "
            f"{SITE_URL}{LINK}"
        ),
        "reference": str(row.pk),
        "callback_url": f"{SITE_URL}/sms/accuses/",
    }
    row.refresh_from_db()
    assert (row.state, row.provider_id, row.attempts, row.last_error) == ("sent", "gw-1", 1, "")


def test_a_gateway_error_keeps_the_sms_in_the_outbox_then_fails_it(settings, volunteer, gateway):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    gateway.status = 500
    opted_in(volunteer)
    row = submitted(volunteer)
    assert deliver([row.pk]) == Delivery(to_retry=[row.pk])
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error, row.provider_id) == (
        "pending",
        1,
        "gateway answered 500",
        "",
    )
    assert deliver([row.pk]) == Delivery(failed=[row.pk])
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 2)
    # Both tries named the same message: a gateway that honours the key sends it once.
    keys = {request.headers["idempotency-key"] for request in gateway.requests}
    assert (len(gateway.requests), keys) == (2, {f"anvt-notification-{row.pk}"})


def test_the_outbox_tries_again_until_the_gateway_takes_the_sms(
    settings, volunteer, gateway, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0
    settings.NOTIFICATION_MAX_ATTEMPTS = 5
    gateway.statuses = [500, 503]
    opted_in(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        row = submitted(volunteer)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.provider_id, row.last_error) == ("sent", 3, "gw-1", "")
    assert {r.headers["idempotency-key"] for r in gateway.requests} == {
        f"anvt-notification-{row.pk}"
    }
    assert len(gateway.requests) == 3


def test_a_gateway_that_never_answers_times_out_and_the_sms_waits(settings, volunteer, gateway):
    settings.SMS_GATEWAY_TIMEOUT = 1
    gateway.hang = True
    opted_in(volunteer)
    row = submitted(volunteer)
    started = time.monotonic()
    assert deliver([row.pk]) == Delivery(to_retry=[row.pk])
    assert time.monotonic() - started < 3
    row.refresh_from_db()
    assert (row.state, row.attempts, row.provider_id) == ("pending", 1, "")
    assert "timed out" in row.last_error


# 6. Delivery receipts ----------------------------------------------------------------------------


def post_webhook(name: str, data: dict, *, secret: str = SECRET, timestamp=None, header=None):
    body = json.dumps(data).encode()
    if header is None:
        header = sms.sign(secret, body, timestamp)
    headers = {sms.SIGNATURE_HEADER: header} if header else {}
    # The gateway has no session and no CSRF token.
    return Client(enforce_csrf_checks=True).post(
        reverse(name), data=body, content_type="application/json", headers=headers
    )


@pytest.fixture
def sent_sms(volunteer, gateway, django_capture_on_commit_callbacks):
    opted_in(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        row = submitted(volunteer)
    row.refresh_from_db()
    assert (row.state, row.provider_id) == ("sent", "gw-1")
    return row


def receipt_state(row) -> tuple:
    row.refresh_from_db()
    return row.state, row.delivered_at, row.last_error


def test_a_delivery_receipt_marks_the_sms_delivered(sent_sms):
    with time_machine.travel(timezone.now(), tick=False):
        response = post_webhook("sms_receipts", {"id": "gw-1", "status": "delivered"})
        assert (response.status_code, response.content) == (204, b"")
        assert receipt_state(sent_sms) == ("delivered", timezone.now(), "")


def test_a_failure_receipt_marks_the_sms_undelivered(sent_sms):
    response = post_webhook(
        "sms_receipts", {"id": "gw-1", "status": "failed", "error": "absent subscriber"}
    )
    assert response.status_code == 204
    assert receipt_state(sent_sms) == ("undelivered", None, "failed: absent subscriber")


BAD_SIGNATURES = {
    "unsigned": lambda: {"header": ""},
    "wrong secret": lambda: {"secret": "not-the-secret"},
    "older than five minutes": lambda: {"timestamp": int(time.time()) - sms.TOLERANCE_SECONDS - 1},
    "forged": lambda: {"header": f"t={int(time.time())},v1={'0' * 64}"},
}


@pytest.mark.parametrize("signature", BAD_SIGNATURES.values(), ids=BAD_SIGNATURES.keys())
def test_an_unsigned_receipt_is_refused_and_changes_nothing(sent_sms, signature):
    before = receipt_state(sent_sms)
    response = post_webhook("sms_receipts", {"id": "gw-1", "status": "delivered"}, **signature())
    assert (response.status_code, response.content) == (403, b"")
    assert receipt_state(sent_sms) == before == ("sent", None, "")


def test_a_receipt_signed_for_another_body_is_refused(sent_sms):
    header = sms.sign(SECRET, json.dumps({"id": "gw-1", "status": "failed"}).encode())
    response = post_webhook("sms_receipts", {"id": "gw-1", "status": "delivered"}, header=header)
    assert response.status_code == 403
    assert receipt_state(sent_sms) == ("sent", None, "")


@pytest.mark.parametrize("status", ["sent", "buffered"])
def test_an_intermediate_receipt_of_a_known_sms_is_acknowledged_and_changes_nothing(
    sent_sms, status
):
    # The SMS exists: a 404 would tell the gateway to send this receipt again and again.
    response = post_webhook("sms_receipts", {"id": "gw-1", "status": status})
    assert response.status_code == 204
    assert receipt_state(sent_sms) == ("sent", None, "")


def test_a_receipt_of_an_unknown_sms_is_not_found(sent_sms):
    response = post_webhook("sms_receipts", {"id": "gw-999", "status": "delivered"})
    assert (response.status_code, response.content) == (404, b"")
    assert receipt_state(sent_sms) == ("sent", None, "")


# 7. "STATUT" by SMS ------------------------------------------------------------------------------


def inbound(text: str, *, number: str = NUMBER, provider_id: str = "in-1", **signature):
    return post_webhook(
        "sms_inbound", {"id": provider_id, "from": number, "text": text}, **signature
    )


@pytest.fixture
def two_applications(volunteer):
    first = ApplicationFactory(
        volunteer=volunteer,
        call=CallFactory(title="Volontariat International de Réciprocité 2027"),
        status=ApplicationStatus.SUBMITTED,
    )
    second = ApplicationFactory(
        volunteer=volunteer,
        call=CallFactory(title="Chantiers solidaires Kara 2026"),
        status=ApplicationStatus.RETURNED_FOR_CORRECTION,
    )
    return first, second


def test_statut_from_her_verified_number_gets_her_applications_back(
    volunteer,
    two_applications,
    others_application,
    caplog,
    django_capture_on_commit_callbacks,
):
    verify(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = inbound("Statut ?")
    assert (response.status_code, response.content) == (204, b"")
    [reply] = Notification.objects.all()  # nothing else: no e-mail, no bell
    text = (
        "ANVT - vos candidatures : Chantiers solidaires Kara : À corriger ; "
        f"Volontariat International : Envoyée. {SITE_URL}"
    )
    assert (reply.user, reply.event, reply.channel, reply.to_number, reply.state) == (
        volunteer,
        "sms_status",
        "sms",
        NUMBER,
        "sent",
    )
    assert reply.body == text
    assert phones_log(caplog) == [text]
    assert others_application.call.title[:25] not in reply.body
    assert list(InboundSms.objects.values_list("from_number", "user", "keyword", "outcome")) == [
        (NUMBER, volunteer.pk, "STATUT", "answered")
    ]


def test_status_in_english_gets_english_labels(other_volunteer, django_capture_on_commit_callbacks):
    verify(other_volunteer, OTHER_NUMBER)
    for title, status in [("Reciprocity 2027", "submitted"), ("Kara 2026", "eligible")]:
        ApplicationFactory(volunteer=other_volunteer, call=CallFactory(title=title), status=status)
    with django_capture_on_commit_callbacks(execute=True):
        assert inbound("STATUS", number=OTHER_NUMBER).status_code == 204
    reply = Notification.objects.get(user=other_volunteer)
    assert (reply.language, reply.to_number) == ("en", OTHER_NUMBER)
    assert reply.body == (
        f"ANVT - your applications: Kara 2026 : Eligible ; Reciprocity 2027 : Submitted. {SITE_URL}"
    )


def test_only_the_three_latest_applications_are_listed(
    volunteer, django_capture_on_commit_callbacks
):
    verify(volunteer)
    for n in range(4):
        ApplicationFactory(volunteer=volunteer, call=CallFactory(title=f"Appel {n}"))
    with django_capture_on_commit_callbacks(execute=True):
        inbound("statut")
    body = Notification.objects.get().body
    assert body == (
        "ANVT - vos candidatures : Appel 3 : Brouillon ; Appel 2 : Brouillon ; "
        f"Appel 1 : Brouillon. Les autres sont sur le portail. {SITE_URL}"
    )
    assert sms.segments(body) == 1


@pytest.mark.parametrize("pending", [False, True], ids=["stranger", "number not verified"])
def test_statut_from_an_unknown_number_gets_no_answer(
    volunteer, two_applications, django_capture_on_commit_callbacks, pending
):
    if pending:
        SmsNumber.objects.create(user=volunteer, pending_number=NUMBER, code_hash="0" * 64)
    with django_capture_on_commit_callbacks(execute=True):
        response = inbound("STATUT")
    assert (response.status_code, response.content) == (204, b"")
    assert not Notification.objects.exists()
    assert list(InboundSms.objects.values_list("from_number", "user", "outcome")) == [
        (NUMBER, None, "unknown_number")
    ]


def test_an_unknown_keyword_gets_no_answer(
    volunteer, two_applications, django_capture_on_commit_callbacks
):
    verify(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = inbound("Bonjour, où en est mon dossier ?")
    assert response.status_code == 204
    assert not Notification.objects.exists()
    assert list(InboundSms.objects.values_list("user", "keyword", "outcome")) == [
        (volunteer.pk, "BONJOUR", "unknown_keyword")
    ]


@pytest.mark.parametrize("signature", BAD_SIGNATURES.values(), ids=BAD_SIGNATURES.keys())
def test_an_unsigned_inbound_sms_is_refused_and_recorded_nowhere(
    volunteer, two_applications, django_capture_on_commit_callbacks, signature
):
    verify(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = inbound("STATUT", **signature())
    assert (response.status_code, response.content) == (403, b"")
    assert not InboundSms.objects.exists()
    assert not Notification.objects.exists()


def test_a_replayed_inbound_sms_is_answered_once(
    volunteer, two_applications, django_capture_on_commit_callbacks
):
    verify(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        first = inbound("STATUT", provider_id="in-42")
        again = inbound("STATUT", provider_id="in-42")
    assert (first.status_code, again.status_code) == (204, 204)
    assert Notification.objects.count() == 1
    assert InboundSms.objects.count() == 1


def test_statut_is_answered_a_few_times_an_hour(
    volunteer, two_applications, caplog, django_capture_on_commit_callbacks
):
    verify(volunteer)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(4):
                assert inbound("STATUT", provider_id=f"in-{n}").status_code == 204
        assert sms_rows().count() == 3
        assert len(phones_log(caplog)) == 3
        assert list(
            InboundSms.objects.order_by("provider_id").values_list("outcome", flat=True)
        ) == [
            "answered",
            "answered",
            "answered",
            "rate_limited",
        ]
        traveller.shift(timedelta(hours=1, seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert inbound("STATUT", provider_id="in-4").status_code == 204
        assert sms_rows().count() == 4
        assert InboundSms.objects.get(provider_id="in-4").outcome == "answered"


def test_queueing_costs_the_same_queries_for_one_reader_or_twenty_with_sms(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Opt-outs, SMS choices and their numbers are read in one query, whatever the readers."""
    users = [UserFactory() for _ in range(21)]
    for position, user in enumerate(users):
        SmsNumber.objects.create(
            user=user, number=f"+2289{position:07d}", verified_at=timezone.now()
        )
        SmsOptIn.objects.create(user=user, family="applications")
    application = ApplicationFactory()

    def messages(readers):
        return [
            Message(user=u, event="application_submitted", context={"application": application})
            for u in readers
        ]

    with django_capture_on_commit_callbacks(execute=False):
        with django_assert_num_queries(2):  # preferences (one UNION), then one insert
            rows = queue(messages(users[:1]))
        assert sorted(r.channel for r in rows) == ["email", "in_app", "sms"]
        with django_assert_num_queries(2):
            rows = queue(messages(users[1:]))
        assert len([r for r in rows if r.channel == "sms"]) == 20
