"""The production configuration, served by gunicorn as docker-compose runs it."""

import http.client
import logging
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

from anvt.logs import RedactSecrets
from tests.anvt.test_deployment import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    env = {
        **PRODUCTION_ENV,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,vir.anvt.tg",
        "DJANGO_BEHIND_TLS_PROXY": "true",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "HOME": str(folder),
    }
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300
        )
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [gunicorn, "anvt.wsgi", f"--bind=127.0.0.1:{port}", "--workers=1", "--no-control-socket"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.2)
    yield port
    server.terminate()
    server.wait(timeout=10)


def _get(port, url, https=True):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", url, headers={"X-Forwarded-Proto": "https"} if https else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_security_headers_of_a_real_response(production_server):
    response = _get(production_server, "/")
    assert response.status == 200
    csp = response.getheader("Content-Security-Policy")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert (
        response.getheader("Strict-Transport-Security")
        == "max-age=31536000; includeSubDomains; preload"
    )
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_cookies_are_secure_and_http_only(production_server):
    response = _get(production_server, "/accounts/login/")
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith("csrftoken=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_plain_http_is_redirected_to_https_except_the_health_check(production_server):
    redirected = _get(production_server, "/", https=False)
    assert redirected.status == 301
    assert redirected.getheader("Location").startswith("https://127.0.0.1")
    assert _get(production_server, "/healthz", https=False).status == 200


def test_static_files_are_compressed_and_fingerprinted(production_server):
    page = http.client.HTTPConnection("127.0.0.1", production_server, timeout=10)
    page.request("GET", "/", headers={"X-Forwarded-Proto": "https"})
    html = page.getresponse().read().decode()
    css = html.split('href="/static/css/', 1)[1].split('"', 1)[0]
    assert css.startswith("anvt.") and css.endswith(".css") and css != "anvt.css"
    page.request(
        "GET",
        f"/static/css/{css}",
        headers={"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"},
    )
    response = page.getresponse()
    response.read()
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")


# --- errors ---------------------------------------------------------------------------------------


def explode(request):
    password, passport = request.POST.get("password"), request.POST.get("passport_number")
    raise RuntimeError(f"failed with password={password} for passport {passport}")


urlpatterns = [path("explode/", explode)]


@pytest.mark.urls("tests.security.test_production")
def test_a_crash_shows_a_plain_page_and_logs_no_secret(db, settings):
    settings.DEBUG = False
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client = Client(raise_request_exception=False)
        response = client.post(
            "/explode/",
            {
                "password": "Tr0ub4dor&3",
                "passport_number": "20FR45871",
                "csrfmiddlewaretoken": "abc",
            },
        )
    finally:
        logger.removeHandler(handler)
    body = response.content.decode()
    assert response.status_code == 500
    assert "Une erreur est survenue" in body
    for leak in (
        "Traceback",
        "RuntimeError",
        "SELECT",
        settings.SECRET_KEY,
        "Tr0ub4dor",
        "DATABASES",
    ):
        assert leak not in body
    logged = stream.getvalue()
    assert "RuntimeError" in logged and "/explode/" in logged
    assert "Tr0ub4dor&3" not in logged and "20FR45871" not in logged
    assert "[redacted]" in logged


def test_redaction_masks_secret_pairs_in_any_message():
    record = logging.LogRecord(
        "anvt",
        logging.INFO,
        __file__,
        1,
        "token=abcd1234 passport_number: 20FR45871 ok",
        None,
        None,
    )
    RedactSecrets().filter(record)
    assert record.getMessage() == "token=[redacted] passport_number: [redacted] ok"
