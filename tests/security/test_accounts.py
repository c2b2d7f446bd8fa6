"""Account security: sessions, lockout, two-factor authentication."""

import time
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import mfa
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_session_key_changes_at_login_and_dies_at_logout(client, volunteer):
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    login(client, volunteer.email)
    after = client.session.session_key
    assert after != before
    assert Session.objects.filter(session_key=after).exists()
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=after).exists()
    assert client.get(reverse("volunteers:dashboard")).status_code == 302


def test_a_password_change_ends_the_other_sessions(volunteer):
    phone, laptop = Client(), Client()
    login(phone, volunteer.email)
    login(laptop, volunteer.email)
    assert phone.get(reverse("volunteers:dashboard")).status_code == 200

    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Un-nouveau-mot-de-passe-9",
            "password2": "Un-nouveau-mot-de-passe-9",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("volunteers:dashboard")).status_code == 200
    stale = phone.get(reverse("volunteers:dashboard"))
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("account_login"))


def test_staff_sessions_expire_after_an_idle_hour(client, manager, volunteer):
    client.force_login(manager)
    client.get(reverse("staff:applications"))
    assert client.session.get_expiry_age() == 3600
    session = Session.objects.get(session_key=client.session.session_key)
    Session.objects.filter(pk=session.pk).update(
        expire_date=session.expire_date - timedelta(hours=1, seconds=1)
    )
    assert client.get(reverse("staff:applications"))["Location"].startswith(
        reverse("account_login")
    )

    volunteer_client = Client()
    volunteer_client.force_login(volunteer)
    volunteer_client.get(reverse("volunteers:dashboard"))
    assert volunteer_client.session.get_expiry_age() > 24 * 3600


def test_staff_activity_pushes_the_expiry_back_once_a_minute_not_on_every_page(client, manager):
    import time_machine

    client.force_login(manager)
    url = reverse("staff:applications")
    client.get(url)
    pushed = Session.objects.get(session_key=client.session.session_key).expire_date

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    writes = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert not [sql for sql in writes if "django_session" in sql]

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        client.get(url)
        later = Session.objects.get(session_key=client.session.session_key).expire_date
    assert later > pushed


def test_django_admin_login_goes_through_the_rate_limited_login(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin@anvt.tg", PASSWORD)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    for _ in range(5):
        login(client, admin.email, "wrong")
    assert "Trop de tentatives" in login(client, admin.email).text
    assert client.get("/admin/").status_code == 302


def _totp_code(user) -> str:
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    secret = mfa.decrypt(stored)  # encrypted at rest
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _second_step(client, code):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def test_a_totp_code_cannot_be_replayed_and_a_recovery_code_works_once(manager):
    first, second = Client(), Client()
    code = _totp_code(manager)
    assert login(first, manager.email).status_code == 302
    assert _second_step(first, code).status_code == 302
    assert first.get(reverse("staff:applications")).status_code == 200

    login(second, manager.email)
    replay = _second_step(second, code)
    assert replay.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in second.session

    recovery = RecoveryCodes.activate(manager)
    spare = recovery.get_unused_codes()[0]
    assert _second_step(second, spare).status_code == 302
    assert second.get(reverse("staff:applications")).status_code == 200

    third = Client()
    login(third, manager.email)
    assert _second_step(third, spare).status_code == 200
    assert "_auth_user_id" not in third.session
