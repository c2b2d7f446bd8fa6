import logging

from celery import shared_task

from alumni import followup, retention

logger = logging.getLogger(__name__)


@shared_task
def apply_retention() -> None:
    """Nightly: documents past their keeping time deleted, their owners told beforehand."""
    done = retention.run()
    logger.info(
        "retention: %s document(s) of %s volunteer(s) deleted, %s told",
        done.deleted,
        done.volunteers,
        done.told,
    )


@shared_task
def send_follow_ups() -> None:
    """Daily: the questionnaires due 3, 6 and 12 months after each return."""
    logger.info("follow-ups: %s sent", followup.send_due())
