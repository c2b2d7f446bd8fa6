import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _signup(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _without_csrf(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def _link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _account_emails():
    """allauth's own e-mails (verification, reset, "already registered"), not our welcome."""
    return [m for m in mail.outbox if "[ANVT]" in m.subject]


def test_signup_sends_verification_and_login_waits_for_it(
    client, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client, "Yao.Dzifa@Example.tg")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert django_user_model.objects.get().email == "yao.dzifa@example.tg"
    assert [m.to for m in _account_emails()] == [["yao.dzifa@example.tg"]]

    client.logout()
    refused = _login(client, "yao.dzifa@example.tg")
    assert refused.status_code == 302
    assert refused["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    confirm_url = _link_in(_account_emails()[-1])
    confirmed = client.post(confirm_url)
    assert confirmed.status_code == 302

    accepted = _login(client, "yao.dzifa@example.tg")
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("volunteers:dashboard")  # into her own space
    assert client.session["_auth_user_id"] == str(django_user_model.objects.get().pk)


def test_signup_with_registered_email_answers_like_a_new_one(
    client, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = _signup(client, "someone.new@example.tg")
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        known = _signup(client, volunteer.email)

    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    # The owner of the registered address is told by e-mail; nothing is shown on the page.
    assert [m.to for m in _account_emails()] == [["someone.new@example.tg"], [volunteer.email]]


def test_password_reset_answers_alike_for_known_and_unknown_email(
    client, volunteer, django_capture_on_commit_callbacks
):
    url = reverse("account_reset_password")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": volunteer.email}, follow=True)
        unknown = client.post(url, {"email": "nobody@example.tg"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.content) == _without_csrf(unknown.content)
    # Only the account's owner gets an e-mail (through the outbox); nobody@ gets none.
    assert [m.to for m in _account_emails()] == [[volunteer.email]]


def test_login_is_refused_after_five_failures_even_with_the_right_password(client, volunteer):
    for _ in range(5):
        failed = _login(client, volunteer.email, "wrong password")
        assert failed.status_code == 200
        assert "_auth_user_id" not in client.session

    locked = _login(client, volunteer.email)

    assert locked.status_code == 200
    assert "Trop de tentatives de connexion échouées" in locked.text
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, volunteer):
    assert _login(client, volunteer.email).status_code == 302
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_mfa_page_offers_totp_to_a_logged_in_user(client, volunteer):
    assert _login(client, volunteer.email).status_code == 302
    url = reverse("mfa_activate_totp")
    first = client.get(url)
    if first.status_code == 302:  # allauth asks for the password again before changing MFA
        assert first["Location"].startswith(reverse("account_reauthenticate"))
        client.post(first["Location"], {"password": PASSWORD})
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="code"' in response.content
