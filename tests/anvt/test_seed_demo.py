import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.roles import Role, roles_of
from missions.models import Theme
from partners.models import PartnerMembership, PartnerOrganisation

pytestmark = pytest.mark.django_db


def _snapshot():
    User = get_user_model()
    return {
        "users": sorted(User.objects.values_list("email", "password", "name", "is_superuser")),
        "emails": sorted(EmailAddress.objects.values_list("email", "verified")),
        "themes": sorted(Theme.objects.values_list("slug", "name_fr", "name_en")),
        "partners": sorted(PartnerOrganisation.objects.values_list("name", "kind", "country")),
        "members": sorted(PartnerMembership.objects.values_list("user__email", "role")),
    }


def test_seed_demo_twice_leaves_the_same_rows(capsys):
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
    assert len(first["themes"]) == 4
    assert "anvt-demo-2026" in capsys.readouterr().out


def test_seed_demo_gives_each_role_a_working_login(client):
    call_command("seed_demo")
    User = get_user_model()
    expected = {
        "manager@anvt.demo": {Role.PROGRAMME_MANAGER},
        "reviewer@anvt.demo": {Role.REVIEWER},
        "coordinator@france-volontaires.demo": {Role.PARTNER},
        "ama@volontaire.demo": {Role.VOLUNTEER},
        "admin@anvt.demo": {Role.ADMINISTRATOR},
    }
    for email, roles in expected.items():
        assert roles_of(User.objects.get(email=email)) == roles
    response = client.post(
        "/accounts/login/", {"login": "ama@volontaire.demo", "password": "anvt-demo-2026"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
