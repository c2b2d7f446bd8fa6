"""Webhooks to a partner's system, through the outbox: the four events, signed deliveries that
a receiver on 127.0.0.1 verifies, retries with back-off, the delivery list of the partner (and
of nobody else), addresses refused, and a worker killed while delivering."""

import os
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.urls import reverse
from kombu import Connection

from accounts import integrations
from anvt.errors import Refused
from missions import reminders, services
from notifications.models import Notification
from notifications.services import deliver
from tests.api.receiver import Receiver
from tests.conftest import own_redis_url, require_service, wait_for
from tests.factories import IncomingFactory
from tests.workers import start_worker, stop, worker_environment


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def endpoint_a(receiver, coordinator_a, org_a):
    endpoint, secret = integrations.add_endpoint(org_a, actor=coordinator_a, url=receiver.url)
    receiver.secret = secret
    return endpoint


def webhook_rows():
    return Notification.objects.filter(channel="webhook").order_by("pk")


@pytest.mark.django_db
def test_a_proposal_is_delivered_signed_once_per_placement(
    receiver, endpoint_a, sent_contingent, django_capture_on_commit_callbacks
):
    rows = list(webhook_rows())
    assert [row.event for row in rows] == ["placement.proposed"] * 2
    deliver([row.pk for row in rows])

    assert len(receiver.deliveries) == 2
    placements = set(sent_contingent.placements.values_list("pk", flat=True))
    assert {d.body["data"]["placement"] for d in receiver.deliveries} == placements
    for delivery in receiver.deliveries:
        assert delivery.signed
        assert delivery.headers["x-anvt-event"] == "placement.proposed"
        assert delivery.headers["x-anvt-delivery"] == delivery.body["id"]
        assert "Secretname" not in delivery.raw.decode()  # ids and states, not people
    assert set(webhook_rows().values_list("state", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_a_forged_or_replayed_signature_does_not_match(receiver, endpoint_a, sent_contingent):
    from tests.api.receiver import signature_matches

    deliver(list(webhook_rows().values_list("pk", flat=True)))
    delivery = receiver.deliveries[0]
    header = delivery.headers["x-anvt-signature"]
    assert signature_matches(receiver.secret, header, delivery.raw)
    assert not signature_matches("whsec_other", header, delivery.raw)
    assert not signature_matches(receiver.secret, header, delivery.raw + b" ")
    stamp = int(header.split(",")[0][2:])
    from notifications.sms import sign

    old = sign(receiver.secret, delivery.raw, stamp - 301)
    assert not signature_matches(receiver.secret, old, delivery.raw)


@pytest.mark.django_db
def test_a_receiver_error_is_retried_with_the_same_delivery_id(
    receiver, endpoint_a, sent_contingent, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.statuses = [500, 503]
    row = webhook_rows().first()
    assert deliver([row.pk]).to_retry == [row.pk]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "answered 500")
    assert deliver([row.pk]).failed == [row.pk]  # the last attempt: failed, shown to the partner
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 2)
    assert receiver.deliveries[0].body["id"] == receiver.deliveries[1].body["id"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_with_back_off_until_delivered(
    receiver, endpoint_a, org_a, manager, celery_worker_thread, settings
):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0.2
    receiver.statuses = [502, 502]
    services.validate_incoming(IncomingFactory(partner=org_a), actor=manager)  # queued at commit
    first = wait_for(lambda: Notification.objects.filter(channel="webhook", state="sent").first())
    assert first.attempts == 3
    arrivals = [d.headers["x-anvt-delivery"] for d in receiver.deliveries]
    assert len(arrivals) == 3 and len(set(arrivals)) == 1


@pytest.mark.django_db
def test_cancelled_validated_and_deadline_events(
    endpoint_a, sent_contingent, manager, org_a, coordinator_a
):
    first, second = sent_contingent.placements.order_by("pk")
    services.withdraw_proposal(first, actor=manager, reason="Sans réponse")
    incoming = IncomingFactory(partner=org_a)
    services.validate_incoming(incoming, actor=manager)
    services.validate_incoming(incoming, actor=manager)  # a second click: told once
    reminders.deadline_reminders(second.deadline - timedelta(days=2))
    reminders.deadline_reminders(second.deadline - timedelta(days=2))  # the job runs again
    events = Counter(webhook_rows().values_list("event", flat=True))
    assert events == {
        "placement.proposed": 2,
        "placement.cancelled": 1,
        "incoming.validated": 1,
        "placement.deadline_approaching": 1,
    }
    cancelled = webhook_rows().get(event="placement.cancelled")
    assert f'"placement":{first.pk}' in cancelled.body
    assert '"status":"cancelled"' in cancelled.body


@pytest.mark.django_db
def test_an_event_without_address_or_of_another_partner_sends_nothing(
    receiver, endpoint_a, org_b, coordinator_b, manager
):
    IncomingFactory(partner=org_b)
    services.validate_incoming(IncomingFactory(partner=org_b), actor=manager)
    assert not webhook_rows().exists()


@pytest.mark.django_db
def test_a_removed_address_receives_nothing_more(
    receiver, endpoint_a, coordinator_a, org_a, manager
):
    integrations.remove_endpoint(endpoint_a, actor=coordinator_a)
    services.validate_incoming(IncomingFactory(partner=org_a), actor=manager)
    assert not webhook_rows().exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://plato.example.org/hook", "https://"),
        ("https://10.1.2.3/hook", "réseau privé"),
        ("https://[::1]/hook", "réseau privé"),
        ("https://169.254.169.254/latest", "réseau privé"),
    ],
)
def test_addresses_that_are_not_https_or_lead_inside_are_refused(
    coordinator_a, org_a, settings, url, message
):
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = []
    with pytest.raises(Refused, match=message):
        integrations.add_endpoint(org_a, actor=coordinator_a, url=url)


@pytest.mark.django_db
def test_the_partner_lists_its_deliveries_and_no_other_does(
    client, api, receiver, endpoint_a, sent_contingent, coordinator_a, coordinator_b, org_b
):
    from tests.api.conftest import key_for

    receiver.statuses = [500]
    deliver(list(webhook_rows().values_list("pk", flat=True)))
    client.force_login(coordinator_a)
    page = client.get(reverse("partners:integrations"))
    assert page.text.count("placement.proposed") >= 2
    assert "answered 500" in page.text
    key = key_for(coordinator_a, endpoint_a.organisation)
    listed = api("GET", "/webhooks/deliveries", key).json()["items"]
    assert sorted(item["state"] for item in listed) == ["pending", "sent"]
    other = key_for(coordinator_b, org_b)
    assert api("GET", "/webhooks/deliveries", other).json()["items"] == []
    client.force_login(coordinator_b)
    assert (
        "placement.proposed"
        not in client.get(reverse("partners:integrations")).text.split("Derniers envois")[1]
    )


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_no_delivery_and_repeats_only_the_one_in_flight(
    tmp_path, receiver, coordinator_a, org_a, manager
):
    """Twelve deliveries to a receiver that answers in 0.3 s; the worker is killed (SIGKILL)
    after three. Once a new worker runs and the periodic job has run, every delivery has
    arrived; the only one that may arrive twice is the one the killed worker was waiting on,
    with the same X-ANVT-Delivery id, which the receiver uses to ignore it."""
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        require_service(
            "PostgreSQL and Redis", "worker processes need DATABASE_URL and CELERY_BROKER_URL"
        )
    endpoint, receiver.secret = integrations.add_endpoint(
        org_a, actor=coordinator_a, url=receiver.url
    )
    from notifications import webhooks

    rows = [
        row
        for n in range(12)
        for row in webhooks.rows_for(
            [endpoint], event="incoming.validated", data={"incoming": n}, key=str(n)
        )
    ]
    ids = [row.pk for row in Notification.objects.bulk_create(rows)]  # pending, not queued yet
    receiver.delay = 0.3
    broker = own_redis_url(6)  # this test's own queue
    with Connection(broker) as conn:
        conn.default_channel.client.flushdb()
    env = worker_environment(
        broker, NOTIFICATION_STALE_CLAIM_SECONDS="1", NOTIFICATION_RESEND_AFTER_SECONDS="0"
    )
    sender, queue = Celery("webhook-fault-test", set_as_current=False), Connection(broker)
    log, workers = tmp_path / "workers.log", []
    try:
        workers.append(start_worker(env, log))
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
        sender.send_task("notifications.tasks.resend_pending", connection=queue)
        wait_for(lambda: Notification.objects.filter(pk__in=ids, state="sent").count() == 12, 60)
    finally:
        stop(workers)
        queue.release()
        sender.close()

    arrived = Counter(d.headers["x-anvt-delivery"] for d in receiver.deliveries)
    expected = {webhooks.delivery_id(row) for row in Notification.objects.filter(pk__in=ids)}
    assert set(arrived) == expected
    assert sum(arrived.values()) - len(arrived) <= 1  # at most the one in flight, again
    assert all(d.signed for d in receiver.deliveries)


@pytest.mark.django_db
def test_two_addresses_of_one_partner_each_get_every_event(
    receiver, coordinator_a, org_a, manager, settings
):
    first, _secret = integrations.add_endpoint(org_a, actor=coordinator_a, url=receiver.url)
    integrations.add_endpoint(org_a, actor=coordinator_a, url=receiver.url + "/copie")
    services.validate_incoming(IncomingFactory(partner=org_a), actor=manager)
    assert sorted(webhook_rows().values_list("endpoint_id", "event")) == [
        (first.pk, "incoming.validated"),
        (first.pk + 1, "incoming.validated"),
    ]


@pytest.mark.django_db
def test_an_address_with_an_impossible_port_is_refused(coordinator_a, org_a):
    with pytest.raises(Refused, match="Adresse invalide"):
        integrations.add_endpoint(org_a, actor=coordinator_a, url="https://example.org:99999/h")


@pytest.mark.django_db
def test_the_partner_sends_failed_deliveries_again(
    client, receiver, endpoint_a, sent_contingent, coordinator_a, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver.statuses = [500, 500]
    ids = list(webhook_rows().values_list("pk", flat=True))
    assert sorted(deliver(ids).failed) == sorted(ids)
    client.force_login(coordinator_a)
    page = client.get(reverse("partners:integrations"))
    assert "Renvoyer les 2 envois en échec" in page.text
    answer = client.post(reverse("partners:deliveries_retry"), follow=True)
    assert "2 envois en échec sont renvoyés." in answer.text
    assert set(webhook_rows().values_list("state", "attempts")) == {("pending", 0)}
