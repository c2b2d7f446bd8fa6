"""A worker killed with SIGKILL while sending: once workers run again, every pending message is
sent exactly once (PostgreSQL, Redis and real worker processes)."""

import os
import re
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.core import mail
from django.db import connection
from kombu import Connection

from notifications.models import Notification
from notifications.services import Message, deliver, render
from tests.conftest import own_redis_url, require_service, wait_for
from tests.factories import UserFactory
from tests.workers import start_worker, stop, worker_environment

ROOT = Path(__file__).resolve().parents[2]
COUNT = 12


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
    broker = own_redis_url(3)  # a queue of this test's own
    with Connection(broker) as conn:
        conn.default_channel.client.flushdb()
    env = worker_environment(
        broker,
        EMAIL_FILE_PATH=str(tmp_path),
        EMAIL_BACKEND="tests.flaky_email.SlowFileEmailBackend",
        NOTIFICATION_STALE_CLAIM_SECONDS="1",
        NOTIFICATION_RESEND_AFTER_SECONDS="0",
    )
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
        workers.append(start_worker(env, log))
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

        workers.append(start_worker(env, log))
        time.sleep(1.5)  # the dead worker's claim is now stale
        # What celery beat does every minute:
        sender.send_task("notifications.tasks.resend_pending", connection=queue)
        wait_for(lambda: Notification.objects.filter(pk__in=ids, state="sent").count() == COUNT, 60)
    finally:
        stop(workers)
        queue.release()
        sender.close()

    sent = _sent_ids(mails)
    assert sorted(sent) == sorted(ids)
    assert set(sent.values()) == {1}


def _pending_emails(count: int) -> list[int]:
    user = UserFactory()
    rows = [render(Message(user=user, event="account_created"), "email") for _ in range(count)]
    return [row.pk for row in Notification.objects.bulk_create(rows)]


@pytest.mark.django_db
def test_a_refused_smtp_connection_sends_the_batch_back_to_the_outbox(tmp_path, settings):
    """A 421 greeting used to raise before the per-message handling: up to 200 rows stayed
    'sending' with no error and no retry."""
    counter = tmp_path / "refusals"
    counter.write_text("1")
    os.environ["FLAKY_REFUSALS_FILE"] = str(counter)
    settings.MAILERS = {
        "default": {
            "BACKEND": "tests.flaky_email.GreetingRefusalBackend",
            "OPTIONS": {"file_path": str(tmp_path / "mails")},
        }
    }
    ids = _pending_emails(3)
    try:
        outcome = deliver(ids)
    finally:
        del os.environ["FLAKY_REFUSALS_FILE"]
    assert sorted(outcome.to_retry) == sorted(ids)
    rows = Notification.objects.filter(pk__in=ids)
    assert {(row.state, row.attempts) for row in rows} == {("pending", 1)}
    assert all("421" in row.last_error for row in rows)


@pytest.mark.django_db(transaction=True)
def test_a_refused_smtp_connection_is_retried_by_the_worker_with_back_off(tmp_path):
    """With real workers: the batch is retried by its own task (not by the minute job)."""
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        require_service("PostgreSQL and Redis", "worker processes need the services")
    broker = own_redis_url(4)
    with Connection(broker) as conn:
        conn.default_channel.client.flushdb()
    counter, log = tmp_path / "refusals", tmp_path / "worker.log"
    counter.write_text("2")
    env = worker_environment(
        broker,
        EMAIL_BACKEND="tests.flaky_email.GreetingRefusalBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mails"),
        FLAKY_REFUSALS_FILE=str(counter),
        NOTIFICATION_RETRY_BASE_SECONDS="0.5",
    )
    ids = _pending_emails(5)
    sender, queue = Celery("fault-test", set_as_current=False), Connection(broker)
    workers = [start_worker(env, log)]
    try:
        sender.send_task(
            "notifications.tasks.send_notifications",
            kwargs={"notification_ids": ids},
            connection=queue,
        )
        wait_for(lambda: Notification.objects.filter(pk__in=ids, state="sent").count() == 5, 60)
    finally:
        stop(workers)
        queue.release()
        sender.close()
    rows = Notification.objects.filter(pk__in=ids)
    assert {row.attempts for row in rows} == {3}  # two refusals, then sent
    assert sorted(_sent_ids(tmp_path / "mails")) == sorted(ids)


@pytest.mark.django_db(transaction=True)
def test_a_database_that_drops_after_the_smtp_accepted_sends_nothing_twice(settings):
    """The message is out when the database fails: marking it sent is tried again on a new
    connection instead of leaving the row to be sent a second time."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "dropping a database connection needs PostgreSQL")
    settings.MAILERS = {"default": {"BACKEND": "tests.flaky_email.DatabaseDroppingBackend"}}
    ids = _pending_emails(3)
    outcome = deliver(ids)
    assert sorted(outcome.sent) == sorted(ids)
    assert set(Notification.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == 3
    assert (
        Counter(m.extra_headers["X-ANVT-Notification"] for m in mail.outbox).most_common(1)[0][1]
        == 1
    )
