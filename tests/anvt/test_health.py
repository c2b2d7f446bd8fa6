import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.urls import reverse

from anvt.celery import app
from tests.conftest import require_service, wait_for
from tests.factories import ApplicationFactory, CallFactory, complete_volunteer

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_is_ok_when_services_answer(client, settings):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["broker"] in {"ok", "eager"}


def test_healthz_names_the_broker_when_it_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "broker": "error"}}


@pytest.fixture
def hung_broker(tmp_path):
    """A Redis of the test's own that accepts connections but never answers (SIGSTOP)."""
    if not shutil.which("redis-server"):
        require_service("redis-server", "a private Redis needs the redis-server program")
    port = _closed_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: _answers(port), 10)
    os.kill(server.pid, signal.SIGSTOP)
    try:
        yield url
    finally:
        os.kill(server.pid, signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_healthz_answers_503_quickly_when_the_broker_hangs(client, settings, hung_broker):
    settings.CELERY_BROKER_URL = hung_broker
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    assert time.monotonic() - started < 6
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"


def _fresh_pools():
    """Connections of the app's broker, taken anew for the broker configured now (kombu keeps
    one pool per broker address: none is closed)."""
    app._pool = None
    app.amqp._producer_pool = None


def test_a_hung_broker_never_makes_the_volunteer_wait(
    client, hung_broker, django_capture_on_commit_callbacks
):
    """The application is saved and the page answers at once; the job is queued in the
    background (and, the broker never answering, left to the periodic re-check)."""
    application = ApplicationFactory(call=CallFactory(), volunteer=complete_volunteer())
    client.force_login(application.volunteer)
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = hung_broker, False
    _fresh_pools()
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("volunteers:application_review", args=[application.pk]))
        elapsed = time.monotonic() - started
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        _fresh_pools()
    assert response.status_code == 302 and elapsed < 2, elapsed
    application.refresh_from_db()
    assert application.status == "submitted"
