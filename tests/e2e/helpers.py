"""Steps the end-to-end journeys share."""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from accounts.invitations import invitation_link
from tests.files import PDF

DEMO_PASSWORD = "anvt-demo-2026"


def log_in(page, url, email, password=DEMO_PASSWORD):
    page.goto(f"{url}/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()


def set_up_totp(page, url, password=DEMO_PASSWORD):
    """From a page that asked for two-factor authentication: password again, then the code."""
    page.goto(f"{url}/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:
        page.locator("#id_password").fill(password)
        page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile("/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("#id_code").press("Enter")
    page.wait_for_load_state()


STAFF_PASSWORD = "Equipe-ANVT-2026!"


def totp_code(secret: str) -> str:
    """The authenticator's current code, never one about to expire: the server accepts only the
    current 30-second window, and a browser round trip can cross its end."""
    left = 30 - time.time() % 30
    if left < 4:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def accept_invitation(page, url, email, password=STAFF_PASSWORD):
    """A staff or partner account's first sign-in: its invitation link, the authenticator's key
    and first code, the password (accounts/invitations.py)."""
    user = get_user_model().objects.get(email=email)
    page.goto(f"{url}{invitation_link(user).removeprefix(settings.SITE_URL)}")
    secret = page.locator("#invitation-secret").get_attribute("data-secret")
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("#id_code").press("Enter")
    page.wait_for_load_state()
    expect(
        page.get_by_text("Votre compte est activé, avec la double authentification.")
    ).to_be_visible()


def sign_up(page, url, email, password):
    page.goto(f"{url}/accounts/signup/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.locator("#id_password2").press("Enter")
    page.wait_for_load_state()
    # The verification e-mail (the welcome comes once the address is confirmed).
    wait_until(lambda: any("/confirm-email/" in m.body for m in mail.outbox if m.to == [email]))
    message = next(m for m in mail.outbox if m.to == [email] and "/confirm-email/" in m.body)
    link = re.search(r"https?://[^/\s]+(/\S*confirm-email/\S+)", message.body).group(1)
    page.goto(f"{url}{link}")
    page.locator("main form button[type=submit]").last.click()
    # Confirmed in the browser she signed up in: she is signed in, in her space.
    expect(page).to_have_url(f"{url}/espace/")


def pdf(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PDF)
    return str(path)


def wait_until(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.2)


def wait_for_outbox(timeout=30.0):
    """Every e-mail of the outbox sent by the worker; else fail naming those left behind."""
    from notifications.models import Notification

    left = Notification.objects.filter(channel="email").exclude(state="sent")
    try:
        wait_until(lambda: not left.exists(), timeout)
    except AssertionError:
        rows = list(left.values_list("pk", "event", "state", "attempts", "last_error"))
        raise AssertionError(f"e-mails not sent: {rows}") from None
