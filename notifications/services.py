"""Writing the outbox: messages rendered in the recipient's language, in the event's transaction."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from notifications.models import Channel, Notification

# Events and the channels they use. Every event is shown in the portal; most are e-mailed too.
EMAIL_AND_IN_APP = (Channel.IN_APP, Channel.EMAIL)


@dataclass
class Message:
    """One event for one recipient, before it is rendered."""

    user: object
    event: str
    context: dict = field(default_factory=dict)
    link: str = ""
    dedupe_key: str = ""
    channels: tuple[str, ...] = EMAIL_AND_IN_APP


def render(message: Message, channel: str) -> Notification:
    language = getattr(message.user, "language", None) or settings.LANGUAGE_CODE
    context = {
        **message.context,
        "user": message.user,
        "link": f"{settings.SITE_URL}{message.link}" if message.link else "",
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        base = f"notifications/{message.event}"
        subject = " ".join(render_to_string(f"{base}/subject.txt", context).split())
        body = render_to_string(f"{base}/body.txt", context).strip()
        body_html = (
            render_to_string(f"{base}/body.html", context) if channel == Channel.EMAIL else ""
        )
    return Notification(
        user=message.user,
        event=message.event,
        channel=channel,
        language=language,
        subject=subject[:200],
        body=body,
        body_html=body_html,
        link=message.link,
        dedupe_key=message.dedupe_key,
    )


def queue(messages: Iterable[Message]) -> list[Notification]:
    """Write the notifications of these messages and send the e-mails once the transaction commits.

    Must run inside the transaction of the event, so that a rolled-back event sends nothing.
    Messages with a dedupe key already in the outbox are skipped.
    """
    from notifications.tasks import send_notifications

    rows = [render(message, channel) for message in messages for channel in message.channels]
    if not rows:
        return []
    created = Notification.objects.bulk_create(
        rows, ignore_conflicts=any(r.dedupe_key for r in rows)
    )
    # With ignore_conflicts the primary keys are not returned on every database: read them back.
    if any(row.pk is None for row in created):
        keys = {(row.user_id, row.channel, row.dedupe_key) for row in rows}
        created = [
            row
            for row in Notification.objects.filter(
                dedupe_key__in={key for _u, _c, key in keys}, sent_at__isnull=True
            )
            if (row.user_id, row.channel, row.dedupe_key) in keys
        ]
    email_ids = [row.pk for row in created if row.channel == Channel.EMAIL and row.pk]
    if email_ids:
        transaction.on_commit(lambda: send_notifications.delay(notification_ids=email_ids))
    return created


def notify(user, event: str, context: dict | None = None, *, link: str = "", **options):
    return queue([Message(user=user, event=event, context=context or {}, link=link, **options)])
