import logging

from celery import shared_task
from django.utils import timezone

from missions import checking
from missions.enums import BatchStatus
from missions.models import Call, EligibilityBatch

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
    except Exception as exc:
        EligibilityBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, error=str(exc)[:2000]
        )
        raise


@shared_task
def recheck_open_calls() -> None:
    """Nightly: re-check every open application of every open call."""
    for call in Call.objects.open_at(timezone.now()):
        checking.start_batch(call)
