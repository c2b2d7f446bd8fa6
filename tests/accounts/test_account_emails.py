"""Issue 16, the account's own e-mails in the portal's voice: confirmation at sign-up, the welcome
once the address is confirmed, password reset, login code, "you already have an account", the
notice of a change; in the account's language, with links to the public address only. And the
warning of a staff or partner sign-in from a device never used before."""

import html
import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import mfa
from notifications.models import Notification
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SITE = "https://vir.anvt.tg"
URL = re.compile(r"https?://[^\s\"'<>]+")
NEW_PASSWORD = "Un-nouveau-mot-2026!"
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
IP = "102.64.221.17"


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def phone():
    """A phone that reaches the portal by another name than its public one."""
    return Client(HTTP_HOST="localhost", HTTP_USER_AGENT=ANDROID, REMOTE_ADDR=IP)


def html_part(message) -> str:
    [(content, kind)] = message.alternatives
    assert kind == "text/html"
    return content


def path_of(link: str) -> str:
    assert link.startswith(f"{SITE}/"), link
    return link.removeprefix(SITE)


def only_public_links(*contents: str) -> None:
    for content in contents:
        assert "http://" not in content
        for host in ("127.0.0.1", "testserver", "localhost"):
            assert host not in content
        assert all(url == SITE or url.startswith(f"{SITE}/") for url in URL.findall(content))


def link_after(label: str, message) -> str:
    """The link the plain-text part gives after this label ("Confirmer mon adresse : …")."""
    match = re.search(rf"{re.escape(label)} :? ?(\S+)", message.body)
    assert match, message.body
    return match.group(1)


def assert_button(message, label: str, link: str) -> None:
    part = html_part(message)
    assert re.search(rf'<a href="{re.escape(link)}"[^>]*>{re.escape(html.escape(label))}</a>', part)
    assert "<img" not in part.lower() and "src=" not in part and "<link" not in part


def sign_up(client, email: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


# Sign-up, confirmation, welcome ------------------------------------------------------------------


def test_the_confirmation_email_greets_her_and_links_to_the_public_address(
    phone, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(phone, "afiwa.dossou@example.tg")
    [message] = mail.outbox
    assert message.to == ["afiwa.dossou@example.tg"]
    assert message.subject == "[ANVT] Confirmez votre adresse pour activer votre compte"
    # She gave no name yet: "Bonjour," and never the start of her address.
    assert message.body.startswith("Bonjour,\n")
    assert '<p style="margin-top:0;">Bonjour,</p>' in html_part(message)
    link = link_after("Confirmer mon adresse", message)
    assert path_of(link).startswith("/accounts/confirm-email/")
    assert_button(message, "Confirmer mon adresse", link)
    only_public_links(message.body, html_part(message))
    # Only the confirmation: the welcome waits for it.
    assert list(Notification.objects.values_list("event", flat=True)) == ["account_email"]


def test_confirming_in_the_same_browser_signs_her_in_and_welcomes_her_once(
    phone, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(phone, "afiwa.dossou@example.tg")
    link = link_after("Confirmer mon adresse", mail.outbox[0])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = phone.post(path_of(link))
    assert confirmed["Location"] == reverse("volunteers:dashboard")
    assert phone.get(confirmed["Location"]).status_code == 200

    [welcome] = mail.outbox
    assert welcome.subject == "Bienvenue sur le portail du Volontariat International de Réciprocité"
    assert welcome.body.startswith("Bonjour,\n")
    assert f"Compléter mon profil : {SITE}/espace/" in welcome.body
    assert_button(welcome, "Compléter mon profil", f"{SITE}/espace/")
    only_public_links(welcome.body, html_part(welcome))
    row = Notification.objects.get(event="account_created", channel="in_app")
    assert (row.action_label, row.link) == ("Compléter mon profil", "/espace/")
    assert row.summary

    with django_capture_on_commit_callbacks(execute=True):
        phone.post(path_of(link))  # the link clicked again
    assert Notification.objects.filter(event="account_created").count() == 2  # in-app, e-mail
    assert len(mail.outbox) == 1


def test_the_confirmation_link_opened_elsewhere_confirms_without_signing_in(
    phone, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(phone, "afiwa.dossou@example.tg")
    link = link_after("Confirmer mon adresse", mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path_of(link))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert EmailAddress.objects.get(email="afiwa.dossou@example.tg").verified


def test_a_second_address_is_confirmed_by_name_without_a_second_welcome(
    volunteer, volunteer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_client.post(
            reverse("account_email"), {"action_add": "", "email": "ama.koffi@example.org"}
        )
    [message] = mail.outbox
    assert message.to == ["ama.koffi@example.org"]
    assert message.body.startswith("Bonjour Ama Koffi,\n")
    assert '<p style="margin-top:0;">Bonjour Ama Koffi,</p>' in html_part(message)
    link = link_after("Confirmer mon adresse", message)
    only_public_links(message.body, html_part(message))

    with django_capture_on_commit_callbacks(execute=True):
        volunteer_client.post(path_of(link))
    assert EmailAddress.objects.get(email="ama.koffi@example.org").verified
    assert not Notification.objects.filter(event="account_created").exists()


# Password, login code, existing account ----------------------------------------------------------


def test_the_password_reset_email_greets_her_and_its_link_lets_her_choose_a_password(
    phone, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        phone.post(reverse("account_reset_password"), {"email": volunteer.email})
    [message] = mail.outbox
    assert message.subject == "[ANVT] Choisir un nouveau mot de passe"
    assert message.body.startswith("Bonjour Ama Koffi,\n")
    assert '<p style="margin-top:0;">Bonjour Ama Koffi,</p>' in html_part(message)
    link = link_after("Choisir un nouveau mot de passe", message)
    assert_button(message, "Choisir un nouveau mot de passe", link)
    only_public_links(message.body, html_part(message))
    # The link opens the account: not kept once sent.
    assert Notification.objects.get(event="account_email").body == ""

    form = phone.get(path_of(link), follow=True)
    assert form.status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        phone.post(
            form.redirect_chain[-1][0] if form.redirect_chain else path_of(link),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    volunteer.refresh_from_db()
    assert volunteer.check_password(NEW_PASSWORD)
    # The notice of the change, in the portal's voice.
    [notice] = mail.outbox
    assert notice.body.startswith("Bonjour Ama Koffi,\n")
    assert "Ce changement vient d'être fait sur votre compte" in notice.body
    assert IP in notice.body
    only_public_links(notice.body)


def test_a_changed_password_is_told_to_her_by_name(
    volunteer, phone, django_capture_on_commit_callbacks
):
    phone.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        phone.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    [notice] = mail.outbox
    assert notice.to == [volunteer.email]
    assert notice.body.startswith("Bonjour Ama Koffi,\n")
    assert "Votre mot de passe a été modifié." in notice.body
    assert f"depuis l'adresse IP {IP}" in notice.body
    only_public_links(notice.body)


def test_the_login_code_email_greets_her_and_the_code_signs_her_in_to_her_space(
    phone, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        phone.post(reverse("account_request_login_code"), {"email": volunteer.email})
    [message] = mail.outbox
    assert message.subject == "[ANVT] Votre code de connexion"
    assert message.body.startswith("Bonjour Ama Koffi,\n")
    code = re.search(r"\n\n(\S+)\n\n", message.body).group(1)
    assert code in html_part(message)
    only_public_links(message.body, html_part(message))
    assert Notification.objects.get(event="account_email").body == ""  # the code is not kept

    wrong = phone.post(reverse("account_confirm_login_code"), {"code": "AAAA-BBBB"})
    assert wrong.status_code == 200 and "_auth_user_id" not in phone.session
    signed_in = phone.post(reverse("account_confirm_login_code"), {"code": code})
    assert signed_in["Location"] == reverse("volunteers:dashboard")
    assert phone.session["_auth_user_id"] == str(volunteer.pk)


def test_signing_up_with_her_address_tells_her_she_has_an_account(
    phone, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(phone, volunteer.email)
    [message] = mail.outbox
    assert message.subject == "[ANVT] Vous avez déjà un compte"
    assert message.body.startswith("Bonjour Ama Koffi,\n")
    assert f"{SITE}/accounts/password/reset/" in message.body
    only_public_links(message.body)


def test_an_english_account_gets_its_emails_in_english(
    phone, volunteer, other_volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        phone.post(reverse("account_reset_password"), {"email": volunteer.email})
        phone.post(reverse("account_reset_password"), {"email": other_volunteer.email})
    french, english = mail.outbox
    assert english.to == [other_volunteer.email]
    assert english.body.startswith("Hello Kossi Adjo,\n")
    assert english.subject != french.subject  # "[ANVT] Choisir un nouveau mot de passe"
    assert "Choisir un nouveau mot de passe" not in english.body
    assert "Choisir un nouveau mot de passe" not in html_part(english)
    assert "Quelqu'un (vous, sans doute)" not in english.body
    only_public_links(english.body, html_part(english))


# A staff or partner sign-in from a device never used --------------------------------------------


def _totp_code(user) -> str:
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    return format_hotp_value(hotp_value(mfa.decrypt(stored), int(time.time()) // 30))


def _sign_in(client, user, code: str | None = None):
    """Password, then the two-factor code where the account has one."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    if code is not None:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    return response


@pytest.mark.parametrize(
    ("who", "space"), [("manager", "staff:home"), ("coordinator_a", "partners:home")]
)
def test_a_staff_or_partner_sign_in_from_a_new_device_is_told_to_its_owner(
    request, phone, who, space, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in = _sign_in(phone, user, _totp_code(user))
    assert signed_in["Location"] == reverse(space)

    row = Notification.objects.get(user=user, event="new_sign_in", channel="in_app")
    assert row.subject == "Nouvelle connexion à votre compte"
    assert "Chrome / Android" in row.summary and IP in row.summary
    assert (row.action_label, row.link) == (
        "Changer mon mot de passe",
        "/accounts/password/change/",
    )
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.body.startswith(f"Bonjour {user.name},\n")
    assert "Chrome / Android" in message.body and IP in message.body
    link = f"{SITE}/accounts/password/change/"
    assert f"Changer mon mot de passe : {link}" in message.body
    assert_button(message, "Changer mon mot de passe", link)
    only_public_links(message.body, html_part(message))


def test_a_device_already_used_is_not_reported_again_another_is(
    phone, manager, django_capture_on_commit_callbacks
):
    spare = RecoveryCodes.activate(manager).get_unused_codes()
    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(phone, manager, _totp_code(manager))
        phone.post(reverse("account_logout"))
        again = _sign_in(phone, manager, spare[0])
    assert again["Location"] == reverse("staff:home")
    assert Notification.objects.filter(user=manager, event="new_sign_in").count() == 2  # 1 each

    laptop = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/133.0")
    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(laptop, manager, spare[1])
    latest = Notification.objects.filter(user=manager, event="new_sign_in", channel="in_app")
    assert latest.count() == 2
    assert "Firefox / Windows" in latest.first().summary


def test_another_persons_device_is_a_new_device(
    phone, volunteer, manager, django_capture_on_commit_callbacks
):
    _sign_in(phone, volunteer)
    phone.post(reverse("account_logout"))
    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(phone, manager, _totp_code(manager))
    assert Notification.objects.filter(user=manager, event="new_sign_in").count() == 2


def test_a_volunteer_signing_in_from_a_new_device_gets_no_warning(
    phone, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in = _sign_in(phone, volunteer)
    assert signed_in["Location"] == reverse("volunteers:dashboard")
    assert not Notification.objects.filter(event="new_sign_in").exists()
    assert mail.outbox == []


def test_a_failed_second_step_warns_nobody(phone, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refused = _sign_in(phone, manager, "000000")
    assert refused.status_code == 200 and "_auth_user_id" not in phone.session
    assert not Notification.objects.filter(event="new_sign_in").exists()
