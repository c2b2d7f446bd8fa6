import logging

from celery import shared_task
from django.utils import timezone

from mobility import reminders

logger = logging.getLogger(__name__)


@shared_task
def mobility_digests() -> None:
    """Daily: each person's items to act on, in one message; ANVT told of departures at risk."""
    logger.info("mobility digests: %s", reminders.digests(timezone.localdate()))
