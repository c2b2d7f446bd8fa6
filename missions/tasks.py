import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from anvt.celery import publish
from missions import checking, reminders
from missions.enums import ApplicationStatus, BatchStatus
from missions.models import Application, Call, EligibilityBatch

logger = logging.getLogger(__name__)


@shared_task
def check_application_eligibility(*, application_id: int) -> None:
    """Check one application (after a submission or a change of the volunteer's data)."""
    checking.check_applications([application_id], job="eligibility_check")


@shared_task
def recheck_call(*, batch_id: int) -> None:
    batch = EligibilityBatch.objects.filter(pk=batch_id).first()
    if batch is None:  # deleted meanwhile: nothing to do
        return
    try:
        checking.run_batch(batch)
    except SoftTimeLimitExceeded:
        # Too long for one task: left running, the stale-batch sweep resumes it where it stopped.
        logger.warning("eligibility batch %s reached the time limit: to be resumed", batch_id)
        return
    except Exception as exc:
        EligibilityBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, error=str(exc)[:2000]
        )
        raise


@shared_task
def resume_stale_batches() -> None:
    """Every minute: a whole-call re-check whose worker died is taken over where it stopped."""
    for batch_id in checking.stale_batch_ids():
        logger.warning("eligibility batch %s is stale: resumed", batch_id)
        publish(recheck_call, batch_id=batch_id)


@shared_task
def recheck_open_calls() -> None:
    """Nightly: re-check every open application of every open call."""
    for call in Call.objects.open_at(timezone.now()):
        checking.start_batch(call)


@shared_task
def send_reminders() -> None:
    """Daily: deadline, confirmation and document-expiry reminders (each at most once)."""
    logger.info("reminders queued: %s", reminders.send_all())


@shared_task
def placement_deadlines() -> None:
    """Hourly: reminders before and on the day of each confirmation deadline, escalation to the
    programme managers once it has passed (each once; see missions.reminders)."""
    logger.info("placement deadlines: %s", reminders.deadline_reminders(timezone.now()))


@shared_task
def recheck_stuck_submissions() -> None:
    """Submitted applications still without a report (the broker was down at submission)."""
    limit = timezone.now() - timezone.timedelta(minutes=5)
    ids = list(
        Application.objects.filter(
            status=ApplicationStatus.SUBMITTED,
            eligibility_report__isnull=True,
            submitted_at__lt=limit,
        ).values_list("pk", flat=True)[:5000]
    )
    for start in range(0, len(ids), checking.CHUNK_SIZE):
        checking.check_applications(
            ids[start : start + checking.CHUNK_SIZE], job="stuck_submission"
        )
