"""Staff and partner accounts are activated by an invitation: TOTP and password in one step, so
that a password alone never opens them (issue 12, item 13)."""

import io
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.invitations import accept, invitation_link, invite
from accounts.roles import PROGRAMME_MANAGERS_GROUP, has_mfa
from anvt.errors import Refused
from notifications.models import Notification
from tests.conftest import PASSWORD, with_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Equipe-ANVT-2026!"


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def new_manager(db):
    user = UserFactory(email="afi@anvt.tg")
    user.set_password(PASSWORD)  # created with a password, before two-factor: the risk
    user.save()
    user.groups.add(Group.objects.get_or_create(name=PROGRAMME_MANAGERS_GROUP)[0])
    return user


def _path(user) -> str:
    return re.sub(r"^https?://[^/]+", "", invitation_link(user))


def test_a_staff_password_alone_never_opens_the_account(client, new_manager):
    response = client.post(
        reverse("account_login"), {"login": new_manager.email, "password": PASSWORD}, follow=True
    )
    assert "_auth_user_id" not in client.session
    assert "Ce compte s&#x27;active par le lien d&#x27;invitation" in response.text
    assert not has_mfa(new_manager)


def test_the_invitation_sets_up_totp_and_the_password_together_then_is_spent(
    client, new_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = invite(new_manager)
    new_manager.refresh_from_db()
    assert not new_manager.has_usable_password()  # the old password no longer works
    email = Notification.objects.get(user=new_manager, event="invitation", channel="email")
    assert link in mail.outbox[-1].body and mail.outbox[-1].to == [new_manager.email]
    assert email.body == ""  # the link opens the account: not kept once sent

    path = _path(new_manager)
    page = client.get(path)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page.text).group(1)
    wrong = client.post(
        path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "code": "000000"}
    )
    assert "Ce code ne correspond pas" in wrong.text
    new_manager.refresh_from_db()
    assert not new_manager.has_usable_password() and not has_mfa(new_manager)

    done = client.post(
        path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "code": _code(secret)}
    )
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(new_manager.pk)
    new_manager.refresh_from_db()
    assert has_mfa(new_manager) and new_manager.check_password(NEW_PASSWORD)
    client.logout()
    assert client.get(path).status_code == 404  # spent


def test_a_forged_or_expired_invitation_answers_404(client, new_manager, settings):
    invite(new_manager)
    assert client.get("/accounts/invitation/forged/").status_code == 404
    path = _path(new_manager)
    settings.INVITATION_MAX_AGE_SECONDS = -1
    assert client.get(path).status_code == 404


def test_volunteers_are_not_invited(volunteer):
    with pytest.raises(Refused):
        invite(volunteer)
    assert volunteer.has_usable_password()


def test_the_admin_sends_invitations(client, new_manager, django_user_model):
    admin_user = with_totp(django_user_model.objects.create_superuser("root@anvt.tg", PASSWORD))
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "send_invitation", "_selected_action": [new_manager.pk]},
        follow=True,
    )
    assert "1 invitation(s) envoyée(s)." in response.text
    assert Notification.objects.filter(user=new_manager, event="invitation").exists()


def test_a_superuser_made_on_the_command_line_is_invited_from_it(django_user_model):
    admin_user = django_user_model.objects.create_superuser("root@anvt.tg", PASSWORD)
    output = io.StringIO()
    call_command("invite", "root@anvt.tg", stdout=output)
    assert "/accounts/invitation/" in output.getvalue()
    admin_user.refresh_from_db()
    assert not admin_user.has_usable_password()


def test_accepting_twice_activates_once_with_recovery_codes(new_manager):
    invite(new_manager)
    secret = "JBSWY3DPEHPK3PXP"
    accept(new_manager, password=NEW_PASSWORD, secret=secret, code=_code(secret))
    with pytest.raises(Refused):
        accept(new_manager, password="Autre-2026!", secret=secret, code=_code(secret))
    assert sorted(new_manager.authenticator_set.values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    new_manager.refresh_from_db()
    assert new_manager.check_password(NEW_PASSWORD)
