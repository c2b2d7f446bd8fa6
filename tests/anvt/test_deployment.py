"""Production settings and the container recipe, checked without Docker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "MFA_ENCRYPTION_KEYS": "AE0FJhU1Nog28VzlZD5FIQIanziBTxIqA3RrwCoT35s=",
    "DJANGO_ALLOWED_HOSTS": "vir.anvt.tg",
    "SITE_URL": "https://vir.anvt.tg",
    "EMAIL_HOST": "smtp.anvt.tg",
    "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/anvt-deploy-check.sqlite3"),
}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_in_production_stops_with_a_clear_message():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}
    server = subprocess.run(
        [sys.executable, "-c", "import anvt.wsgi"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "anvt.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert server.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DEBUG is off" in server.stderr
    command = _manage("check", env={**env, "DJANGO_DEBUG": "0"})
    assert command.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DEBUG is off" in command.stderr


def test_manage_py_in_a_bare_checkout_uses_development_defaults():
    result = _manage("check", env={"PATH": os.environ["PATH"]})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_docker_compose_follows_the_compose_specification():
    result = subprocess.run(
        [
            Path(sys.executable).with_name("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            "docker-compose.yml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_runs_the_commands_the_tests_exercise():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {
        "db",
        "redis",
        "cache",
        "web",
        "worker",
        "worker-eligibility",
        "worker-notifications",
        "beat",
    }
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    # The cache may evict its keys; the broker, on its own Redis, never.
    assert "allkeys-lru" in services["cache"]["command"]
    assert services["web"]["environment"]["REDIS_URL"].startswith("redis://cache:6379")
    assert "gunicorn anvt.wsgi" in " ".join(services["web"]["command"])
    # One worker per queue, together consuming every queue the settings route tasks to.
    from django.conf import settings

    consumed = set()
    for name in ("worker", "worker-eligibility", "worker-notifications"):
        command = " ".join(services[name]["command"])
        assert "celery -A anvt worker" in command
        consumed |= set(command.split("--queues=")[1].split()[0].split(","))
    assert consumed == {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert services["web"]["environment"]["DATABASE_POOL_SIZE"] == "4"
    assert "celery -A anvt beat" in " ".join(services["beat"]["command"])
    for name in ("db", "redis", "web"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "worker-eligibility", "worker-notifications", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379")


def test_web_command_of_docker_compose_serves_the_health_endpoint(tmp_path):
    """Runs gunicorn exactly as the compose file's web service does, on a free local port."""
    import shlex
    import socket
    import time
    import urllib.request

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    script = compose["services"]["web"]["command"][-1]
    gunicorn = shlex.split(script.split("exec ", 1)[1])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = [arg for arg in gunicorn if not arg.startswith(("--bind", "--workers"))]
    args += [f"--bind=127.0.0.1:{port}", "--workers=1"]
    env = {
        **PRODUCTION_ENV,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,vir.anvt.tg",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HOME": str(tmp_path),
    }
    executable = Path(sys.executable).with_name(args[0])
    server = subprocess.Popen([executable, *args[1:]], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    body = r.read().decode()
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert r.status == 200
        assert '"database": "ok"' in body
    finally:
        server.terminate()
        server.wait(timeout=10)


POOLED_THREADS = """
import threading

import django

django.setup()
from django.db import connection, connections

backends, lock = set(), threading.Lock()


def work():
    for _ in range(5):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        with lock:
            backends.add(backend)
        connections.close_all()  # back to the pool, as at the end of a request


threads = [threading.Thread(target=work) for _ in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(backends))
"""


@pytest.mark.django_db
def test_with_a_pool_six_threads_share_two_connections():
    """DATABASE_POOL_SIZE=2: the threads of one process (gunicorn's gthread workers) take turns
    on two PostgreSQL connections instead of opening their own."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Django's connection pool is PostgreSQL's (the suite runs on it in CI)")
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {**PRODUCTION_ENV, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "anvt.settings"}
    result = subprocess.run(
        [sys.executable, "-c", POOLED_THREADS],
        cwd=ROOT,
        env={**env, "DATABASE_POOL_SIZE": "2"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) <= 2


def test_each_kind_of_work_goes_to_its_own_queue():
    """So that a whole call's re-check never delays an e-mail, nor e-mails a submission's check."""
    from anvt.celery import app

    def queue(task: str) -> str:
        return app.amqp.router.route({}, task)["queue"].name

    assert queue("missions.tasks.check_application_eligibility") == "eligibility"
    assert queue("missions.tasks.recheck_call") == "eligibility"
    assert queue("notifications.tasks.send_notifications") == "notifications"
    assert queue("notifications.tasks.resend_pending") == "notifications"
    assert queue("missions.tasks.send_reminders") == "celery"
    assert queue("volunteer_space.tasks.erase_volunteer") == "celery"
