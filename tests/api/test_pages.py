"""The coordinator's page of keys and webhook addresses: a key shown once, then only its
start; rights; another organisation's key or address answers 404 and changes nothing."""

import pytest
from django.urls import reverse

from partners.models import ApiToken, WebhookEndpoint
from tests.api.conftest import key_for

pytestmark = pytest.mark.django_db


def test_a_key_is_shown_once_then_only_its_start(client, coordinator_a):
    client.force_login(coordinator_a)
    created = client.post(
        reverse("partners:token_create"),
        {"name": "PLATO production", "scope": "write", "days": "90"},
        follow=True,
    )
    token = ApiToken.objects.get()
    key = created.context["shown_once"]["value"]
    assert ApiToken.digest_of(key) == token.digest
    assert key in created.text and "Clé créée." in created.text
    again = client.get(reverse("partners:integrations"))
    assert key not in again.text
    assert f"{token.prefix}…" in again.text and "Jamais utilisée" in again.text
    assert (token.scope, token.name, (token.expires_at - token.created_at).days) == (
        "write",
        "PLATO production",
        90,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scope": "read", "days": "90"}, "Donnez un nom à la clé."),
        ({"name": "X", "scope": "admin", "days": "90"}, "Sélectionnez un choix valide"),
        ({"name": "X", "scope": "read", "days": "3650"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_key_form_with_bad_values_creates_nothing(client, coordinator_a, data, message):
    client.force_login(coordinator_a)
    answer = client.post(reverse("partners:token_create"), data, follow=True)
    assert message in answer.text
    assert not ApiToken.objects.exists()


def test_a_viewer_neither_sees_nor_creates_keys(client, viewer_a):
    client.force_login(viewer_a)
    page = client.get(reverse("partners:integrations"), follow=True)
    assert "Seul·e un·e coordinateur·rice" in page.text
    client.post(reverse("partners:token_create"), {"name": "X", "scope": "read", "days": "30"})
    assert not ApiToken.objects.exists()


def test_another_organisations_key_and_address_answer_404(
    client, coordinator_a, org_a, coordinator_b
):
    key_for(coordinator_a, org_a, name="Clé secrète A")
    token = ApiToken.objects.get()
    endpoint = WebhookEndpoint.objects.create(
        organisation=org_a, url="https://plato.example.org/hook", secret_encrypted="x"
    )
    client.force_login(coordinator_b)
    assert client.post(reverse("partners:token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("partners:endpoint_remove", args=[endpoint.pk])).status_code == 404
    page = client.get(reverse("partners:integrations")).text
    assert "Clé secrète A" not in page and "plato.example.org" not in page
    token.refresh_from_db()
    endpoint.refresh_from_db()
    assert (token.revoked_at, endpoint.active) == (None, True)


def test_an_address_that_is_not_https_is_refused_with_its_reason(client, coordinator_a, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = []
    client.force_login(coordinator_a)
    answer = client.post(
        reverse("partners:endpoint_create"), {"url": "http://plato.example.org/hook"}, follow=True
    )
    assert "L'adresse doit commencer par https://." in answer.text.replace("&#x27;", "'")
    assert not WebhookEndpoint.objects.exists()
