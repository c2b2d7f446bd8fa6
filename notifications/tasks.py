import logging
import random

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from notifications import services

logger = logging.getLogger(__name__)


def backoff(retries: int) -> float:
    """Exponential back-off with jitter: base * 2^n, plus up to one base at random."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS
    return base * 2**retries + random.uniform(0, base)  # noqa: S311 (jitter, not security)


@shared_task(
    bind=True,
    max_retries=None,
    # The database failed for longer than the marking's own retries: try the batch again later
    # (its claimed rows are released by the periodic job, then sent by whichever task comes).
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
)
def send_notifications(self, *, notification_ids: list[int]):
    """Deliver these notifications; retry the failed ones later until they are marked failed."""
    outcome = services.deliver(notification_ids)
    if outcome.to_retry:
        raise self.retry(
            kwargs={"notification_ids": outcome.to_retry}, countdown=backoff(self.request.retries)
        )


@shared_task
def resend_pending():
    """Periodic: release claims of killed workers and queue what is still pending."""
    released = services.release_stale_claims()
    ids = sorted(set(services.overdue_ids()) | set(released))
    if ids:
        logger.info(
            "outbox: %s stale claims released, %s pending queued again", len(released), len(ids)
        )
    services.dispatch(ids)
