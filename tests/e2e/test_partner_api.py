"""Issue 22 in Chromium at phone size: France Volontaires' coordinator creates an API key (shown
once), her system uses it over HTTP against the live server, she registers a webhook address
(its secret shown once), sees the key's last use, revokes it (the next call is refused), and
reads the API's reference page, served from our own static files. Screenshots: api-*.png."""

import json
import urllib.error
import urllib.request

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.api.receiver import Receiver
from tests.e2e.test_reciprocity import sign_in


def call(url: str, key: str, method="GET", body=None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (the live server's http URL)
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (live server)
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_connects_her_system_on_a_phone(
    live_server, browser, shoot, sent_contingent, coordinator_a
):
    url = live_server.url
    Authenticator.objects.filter(user=coordinator_a).delete()  # sign_in sets up her own TOTP
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
    sign_in(page, url, coordinator_a.email)
    page.goto(f"{url}/partenaires/")
    page.get_by_role("link", name="API et webhooks").click()
    expect(page.locator("h1")).to_have_text("API et webhooks")

    page.get_by_text("Créer une clé", exact=True).click()
    page.locator("#id_name").fill("PLATO production")
    page.get_by_label("Lecture et écriture").check()
    page.get_by_role("button", name="Créer la clé").click()
    expect(page.get_by_text("Clé créée.")).to_be_visible()
    key = page.locator("code.secret").inner_text()
    assert key.startswith("anvt_")
    shoot("api-key-shown-once", page)

    status, listed = call(f"{url}/api/v1/placements", key)
    assert status == 200 and len(listed["items"]) == 2
    first = listed["items"][0]["id"]
    status, confirmed = call(f"{url}/api/v1/placements/{first}/confirm", key, "POST")
    assert (status, confirmed["status"]) == (200, "confirmed")

    page.reload()
    expect(page.locator("code.secret")).to_have_count(0)  # shown once only
    card = page.locator("article", has_text="PLATO production")
    expect(card).to_contain_text("Dernière utilisation")

    receiver = Receiver()
    try:
        page.get_by_text("Ajouter une adresse", exact=True).click()
        page.locator("#id_url").fill("https://10.0.0.8/hook")
        page.get_by_role("button", name="Enregistrer l'adresse").click()
        expect(page.get_by_text("réseau privé")).to_be_visible()
        page.get_by_text("Ajouter une adresse", exact=True).click()
        page.locator("#id_url").fill(receiver.url)
        page.get_by_role("button", name="Enregistrer l'adresse").click()
        expect(page.locator("code.secret")).to_contain_text("whsec_")
        shoot("api-webhook-secret", page)
    finally:
        receiver.close()

    card = page.locator("article", has_text="PLATO production")
    card.get_by_role("button", name="Révoquer").click()
    expect(page.locator("article", has_text="PLATO production")).to_contain_text("révoquée")
    status, refused = call(f"{url}/api/v1/placements", key)
    assert (status, refused["detail"]) == (401, "This key has been revoked.")
    shoot("api-keys", page)

    page.goto(f"{url}/api/v1/docs")
    expect(page.get_by_text("ANVT — API des partenaires").first).to_be_visible()
    expect(page.get_by_text("/api/v1/placements/{placement_id}/confirm")).to_be_visible()
    shoot("api-reference", page)
    page.close()
