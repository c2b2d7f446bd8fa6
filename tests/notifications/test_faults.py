"""A worker killed with SIGKILL while sending: once workers run again, every pending message is
sent exactly once (PostgreSQL, Redis and real worker processes)."""

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from kombu import Connection

from notifications.models import Notification
from notifications.services import Message, render
from tests.conftest import require_service, wait_for
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
COUNT = 12


def _worker(env, log: Path):
    celery = Path(sys.executable).with_name("celery")
    command = [celery, "-A", "anvt", "worker", "--pool=solo", "--loglevel=INFO"]
    with log.open("ab") as output:
        return subprocess.Popen(
            [*command, "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _sent_ids(folder: Path) -> Counter:
    ids = Counter()
    for path in folder.glob("*.log"):
        ids.update(
            int(match)
            for match in re.findall(r"^X-ANVT-Notification: (\d+)$", path.read_text(), re.M)
        )
    return ids


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_nothing_and_sends_nothing_twice(tmp_path):
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        require_service(
            "PostgreSQL and Redis", "worker processes need DATABASE_URL and CELERY_BROKER_URL"
        )
    broker = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/3"  # a queue of this test's own
    with Connection(broker) as conn:
        conn.default_channel.client.flushdb()
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "anvt.settings",  # the real settings, not the tests'
        "DJANGO_DEBUG": "1",
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "EMAIL_FILE_PATH": str(tmp_path),
        "EMAIL_BACKEND": "tests.flaky_email.SlowFileEmailBackend",
        "NOTIFICATION_STALE_CLAIM_SECONDS": "1",
        "NOTIFICATION_RESEND_AFTER_SECONDS": "0",
    }
    user = UserFactory()
    rows = [render(Message(user=user, event="account_created"), "email") for _ in range(COUNT)]
    ids = [row.pk for row in Notification.objects.bulk_create(rows)]

    # A client of the test's own queue (CELERY_BROKER_URL in the environment would win over a
    # broker given to a Celery app, so the connection is passed explicitly).
    sender, queue = Celery("fault-test", set_as_current=False), Connection(broker)
    mails, log = tmp_path / "mails", tmp_path / "workers.log"
    mails.mkdir()
    env["EMAIL_FILE_PATH"] = str(mails)
    workers = []
    try:
        workers.append(_worker(env, log))
        # One batch, as the application queues it: the worker sends one message every 0.3 s.
        sender.send_task(
            "notifications.tasks.send_notifications",
            kwargs={"notification_ids": ids},
            connection=queue,
        )
        wait_for(lambda: Notification.objects.filter(pk__in=ids, state="sent").count() >= 3, 60)
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        assert Notification.objects.filter(pk__in=ids, state="sending").exists()

        workers.append(_worker(env, log))
        time.sleep(1.5)  # the dead worker's claim is now stale
        # What celery beat does every minute:
        sender.send_task("notifications.tasks.resend_pending", connection=queue)
        wait_for(lambda: Notification.objects.filter(pk__in=ids, state="sent").count() == COUNT, 60)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
        queue.release()
        sender.close()

    sent = _sent_ids(mails)
    assert sorted(sent) == sorted(ids)
    assert set(sent.values()) == {1}
