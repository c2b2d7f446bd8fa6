"""The outbox with a real Celery worker over the configured broker (Redis in CI)."""

import socket

import pytest
from celery import Celery
from django.core import mail
from django.db import connection

from missions import services
from notifications.models import Notification
from notifications.services import Message, deliver, notify, render
from notifications.tasks import resend_pending
from tests.conftest import at_once, require_service, wait_for
from tests.factories import ApplicationFactory, UserFactory, complete_volunteer
from tests.flaky_email import FlakyEmailBackend

worker_test = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@worker_test
def test_a_submission_sends_exactly_one_email_in_the_volunteers_language(celery_worker_thread):
    volunteer = complete_volunteer(UserFactory(language="en"))
    application = ApplicationFactory(volunteer=volunteer, call__title="VIR 2026")

    services.submit_application(application, actor=volunteer)

    wait_for(lambda: len(mail.outbox) == 2)  # the submission, then the eligibility result
    # Each row is marked sent just after its e-mail is handed over: wait for the marking too.
    wait_for(lambda: not Notification.objects.filter(channel="email", state="sending").exists())
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["Application sent: VIR 2026", "Your application is eligible"]
    assert all(message.to == [volunteer.email] for message in mail.outbox)
    assert set(Notification.objects.filter(channel="email").values_list("state", "attempts")) == {
        ("sent", 1)
    }


@worker_test
def test_refused_twice_then_sent_with_the_attempts_recorded(celery_worker_thread, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.flaky_email.FlakyEmailBackend"}}
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0.2
    FlakyEmailBackend.refusals_left = 2
    user = UserFactory()

    notify(user, "account_created")

    email = wait_for(lambda: Notification.objects.filter(channel="email", state="sent").first())
    assert (email.attempts, email.last_error) == (3, "")
    assert len(mail.outbox) == 1


@worker_test
def test_broker_down_at_the_event_then_the_periodic_job_sends_once(celery_worker_thread, settings):
    settings.NOTIFICATION_RESEND_AFTER_SECONDS = 0
    broken = Celery("broken-broker", set_as_current=False)
    broken.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/0"
    broken.conf.broker_connection_timeout = 1
    broken.conf.task_publish_retry_policy = {"max_retries": 0}
    user = UserFactory()

    broken.set_current()
    try:
        notify(user, "account_created")  # commits; queueing fails and is only logged
    finally:
        celery_worker_thread.set_current()

    email = Notification.objects.get(channel="email")
    assert email.state == "pending"
    assert mail.outbox == []

    resend_pending.delay()  # what celery beat does every minute, now that the broker is back
    wait_for(lambda: Notification.objects.filter(pk=email.pk, state="sent").exists())
    resend_pending.apply()  # a later run finds nothing left to send
    assert not Notification.objects.exclude(state="sent").filter(channel="email").exists()
    assert len(mail.outbox) == 1


@worker_test
def test_two_workers_racing_on_the_same_notification_send_one_email():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "row locks with SKIP LOCKED need PostgreSQL (DATABASE_URL)")
    user = UserFactory()
    email = render(Message(user=user, event="account_created"), "email")
    email.save()
    sent = at_once(lambda: deliver([email.pk]).sent, lambda: deliver([email.pk]).sent)

    assert sorted(sent) == [[], [email.pk]]
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 1)
