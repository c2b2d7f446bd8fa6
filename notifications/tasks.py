import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone

from notifications.models import Channel, Notification, State

logger = logging.getLogger(__name__)


def send_one(notification_id: int) -> bool:
    """Send one pending e-mail at most once: the row is claimed by a conditional update."""
    claimed = Notification.objects.filter(
        pk=notification_id, channel=Channel.EMAIL, state=State.PENDING
    ).update(state=State.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        to=[notification.user.email],
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(
            state=State.PENDING, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    Notification.objects.filter(pk=notification_id).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


@shared_task(bind=True, max_retries=5)
def send_notifications(self, *, notification_ids: list[int]):
    failed = []
    for notification_id in notification_ids:
        try:
            send_one(notification_id)
        except Exception:
            logger.exception("notification %s: sending failed", notification_id)
            failed.append(notification_id)
    if failed:
        raise self.retry(
            kwargs={"notification_ids": failed}, countdown=2 ** (self.request.retries + 1)
        )
