"""A whole-call re-check survives its worker's death: it resumes where it stopped, within a
minute, and reports true counts (issue 13)."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from kombu import Connection

from missions import checking, tasks
from missions.enums import ApplicationStatus, BatchStatus
from missions.models import Application, EligibilityBatch, EligibilityReport
from tests.conftest import own_redis_url, require_service, wait_for
from tests.factories import CallFactory, submitted_call
from tests.workers import kill_with_children, start_worker, stop, worker_environment

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_batch_whose_worker_died_resumes_after_its_last_chunk_with_true_counts():
    call = submitted_call(6)
    ids = list(Application.objects.filter(call=call).order_by("pk").values_list("pk", flat=True))
    checking.check_applications(ids[:3], job="call_recheck")  # what the dead run committed
    first_reports = dict(EligibilityReport.objects.values_list("application_id", "ran_at"))
    batch = EligibilityBatch.objects.create(
        call=call,
        status=BatchStatus.RUNNING,
        total=6,
        done=3,
        changed=3,
        last_application_id=ids[2],
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    assert checking.stale_batch_ids() == [batch.pk]

    tasks.recheck_call(batch_id=batch.pk)  # what resume_stale_batches queues

    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done, batch.changed) == (BatchStatus.DONE, 6, 6, 6)
    assert checking.stale_batch_ids() == []
    again = dict(EligibilityReport.objects.values_list("application_id", "ran_at"))
    assert {pk: again[pk] for pk in ids[:3]} == first_reports  # not rewritten: resumed after
    assert set(again) == set(ids)


@pytest.mark.django_db
def test_a_batch_with_a_live_runner_is_left_alone():
    call = submitted_call(2)
    batch = EligibilityBatch.objects.create(
        call=call, status=BatchStatus.RUNNING, heartbeat_at=timezone.now()
    )
    assert checking.stale_batch_ids() == []
    checking.run_batch(batch)
    batch.refresh_from_db()
    assert (batch.status, batch.done) == (BatchStatus.RUNNING, 0)
    assert not EligibilityReport.objects.exists()


def _many_applications(count: int):
    """Applications in bulk (no documents: the engine finds them ineligible, which is work all
    the same)."""
    call = CallFactory()
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"batch{n}@example.tg", name=f"V{n}") for n in range(count)
    )
    Application.objects.bulk_create(
        Application(
            call=call,
            volunteer=user,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for user in users
    )
    return call


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_is_taken_over_and_the_batch_completes(tmp_path):
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        require_service("PostgreSQL and Redis", "worker processes need the services")
    broker = own_redis_url(5)
    with Connection(broker) as conn:
        conn.default_channel.client.flushdb()
    env = worker_environment(
        broker, ELIGIBILITY_BATCH_CHUNK_SIZE="25", ELIGIBILITY_BATCH_STALE_SECONDS="2"
    )
    call = _many_applications(1500)
    batch = EligibilityBatch.objects.create(call=call, total=1500)
    sender, queue = Celery("batch-fault", set_as_current=False), Connection(broker)
    log = tmp_path / "workers.log"
    workers = [start_worker(env, log, pool="prefork")]
    try:
        sender.send_task(
            "missions.tasks.recheck_call", kwargs={"batch_id": batch.pk}, connection=queue
        )
        wait_for(lambda: EligibilityBatch.objects.get(pk=batch.pk).done >= 100, 90)
        kill_with_children(workers[0])  # the whole worker dies, pool child and all
        stopped = EligibilityBatch.objects.get(pk=batch.pk)
        assert stopped.status == BatchStatus.RUNNING and stopped.done < 1500

        killed_at = time.monotonic()
        workers.append(start_worker(env, log, pool="prefork"))
        time.sleep(2.5)  # no heartbeat for longer than ELIGIBILITY_BATCH_STALE_SECONDS
        sender.send_task("missions.tasks.resume_stale_batches", connection=queue)  # beat's job
        wait_for(lambda: EligibilityBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE, 120)
        recovered_in = time.monotonic() - killed_at
    finally:
        stop(workers)
        queue.release()
        sender.close()
    batch.refresh_from_db()
    assert (batch.total, batch.done, batch.changed) == (1500, 1500, 1500)
    assert EligibilityReport.objects.filter(application__call=call).count() == 1500
    assert recovered_in < 60
