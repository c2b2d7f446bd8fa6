"""The outbox: messages rendered in the recipient's language and written in the event's
transaction, then delivered after the commit, at most once each, with retries."""

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import CharField, F, Q, Value
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from anvt.celery import publish
from notifications.backends import backend_for
from notifications.families import FAMILIES, MANDATORY, SMS_FAMILIES, family_of
from notifications.models import Channel, EmailOptOut, Notification, SmsOptIn, State

logger = logging.getLogger(__name__)

EMAIL_AND_IN_APP = (Channel.IN_APP, Channel.EMAIL)
UNSUBSCRIBE_SALT = "anvt.notifications.unsubscribe"


@dataclass
class Message:
    """One event for one recipient, before it is rendered. A person without an account (a host
    structure's contact) is `user` None with `to_address` and `language`: e-mail only."""

    user: object
    event: str
    context: dict = field(default_factory=dict)
    link: str = ""
    dedupe_key: str = ""
    channels: tuple[str, ...] = EMAIL_AND_IN_APP
    to_address: str = ""
    language: str = ""
    # An SMS to a number not verified yet (its verification code).
    to_number: str = ""

    def __post_init__(self):
        if self.user is None:
            if not self.to_address:
                raise ValueError("A message without an account needs its address.")
            self.channels = (Channel.EMAIL,)

    @property
    def recipient(self):
        return self.user.pk if self.user is not None else self.to_address


def unsubscribe_url(user, event: str) -> str:
    family = family_of(event)
    if family in MANDATORY:
        return ""
    token = signing.dumps([user.pk, family], salt=UNSUBSCRIBE_SALT)
    return f"{settings.SITE_URL}{reverse('notifications:unsubscribe', args=[token])}"


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, family) of a link of ours whose person still has an account, else None."""
    try:
        user_id, family = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not get_user_model().objects.filter(pk=user_id, is_active=True).exists():
        return None  # the account was deleted since the e-mail was sent
    return user_id, family


def _plain_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping: "N'Guessan & Éléonore" stays as it
    is in subjects, text e-mails and SMS; the pages that show it escape it, once."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def greeting_name(message: Message) -> str:
    """The name the person gave (profile, invitation, host contact), never an address."""
    if message.user is not None:
        return message.user.name
    return message.context.get("contact_name", "")


def render(message: Message, channel: str, *, number: str = "") -> Notification:
    """The row of one message on one channel, in the recipient's language: a title (subject),
    one or two sentences (summary) and the label of its one action, for the bell and the
    notifications page; the e-mail's text and HTML parts; or the SMS's short text."""
    language = message.language or getattr(message.user, "language", None) or settings.LANGUAGE_CODE
    link = f"{settings.SITE_URL}{message.link}" if message.link else ""
    context = {
        **message.context,
        "user": message.user,
        "name": greeting_name(message),
        "link": link,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "unsubscribe_url": unsubscribe_url(message.user, message.event)
        if channel == Channel.EMAIL and message.user is not None
        else "",
    }
    with translation.override(language):
        base = f"notifications/{message.event}"
        subject = " ".join(_plain_text(f"{base}/subject.txt", context).split())
        summary = " ".join(_plain_text(f"{base}/summary.txt", context).split())
        action = " ".join(_plain_text(f"{base}/action.txt", context).split()) if link else ""
        context |= {"summary": summary, "action": action}
        body_html = ""
        if channel == Channel.SMS:
            body = " ".join(_plain_text(f"{base}/sms.txt", context).split())
        else:
            body = _plain_text(f"{base}/body.txt", context).strip()
            if channel == Channel.EMAIL:
                body_html = render_to_string(f"{base}/body.html", context)
    delivered = channel == Channel.IN_APP  # the row itself is the in-app message
    if delivered and message.event in SECRET_EVENTS:
        body = body_html = ""  # a link or code that opens an account: e-mail only
    return Notification(
        user=message.user,
        to_address=message.to_address,
        to_number=number if channel == Channel.SMS else "",
        event=message.event,
        channel=channel,
        language=language,
        subject=subject[:200],
        summary=summary[:400],
        action_label=action[:80],
        body=body,
        body_html=body_html,
        link=message.link,
        dedupe_key=message.dedupe_key,
        state=State.SENT if delivered else State.PENDING,
        sent_at=timezone.now() if delivered else None,
    )


def _wanted(messages: list[Message]) -> list[tuple[Message, str, str]]:
    """(message, channel, SMS number) triples: the message's channels less the e-mails its
    recipient opted out of, plus an SMS where they chose that family by SMS and have a verified
    number; less once-only messages already in the outbox. Two queries, whatever the number of
    messages."""
    users = {m.user.pk for m in messages if m.user is not None}
    opted_out, sms_to = set(), {}
    if users:
        email_off = EmailOptOut.objects.filter(user_id__in=users).values_list(
            "user_id", "family", Value("", output_field=CharField())
        )
        sms_on = (
            SmsOptIn.objects.filter(user_id__in=users, user__sms_number__verified_at__isnull=False)
            .exclude(user__sms_number__number="")
            .values_list("user_id", "family", "user__sms_number__number")
        )
        for user_id, family, number in email_off.union(sms_on, all=True):
            if number:
                sms_to[user_id, family] = number
            else:
                opted_out.add((user_id, family))
    keys = {m.dedupe_key for m in messages if m.dedupe_key}
    existing = (
        {
            (user_id or address, channel, key)
            for user_id, address, channel, key in Notification.objects.filter(
                dedupe_key__in=keys
            ).values_list("user_id", "to_address", "channel", "dedupe_key")
        }
        if keys
        else set()
    )
    triples = []
    for message in messages:
        family = family_of(message.event)
        channels = list(message.channels)
        number = message.to_number
        if (
            settings.SMS_ENABLED
            and message.user is not None
            and Channel.SMS not in channels
            and family in SMS_FAMILIES
            and (message.user.pk, family) in sms_to
        ):
            channels.append(Channel.SMS)
            number = sms_to[message.user.pk, family]
        for channel in channels:
            if channel == Channel.EMAIL and (message.recipient, family) in opted_out:
                continue
            if message.dedupe_key and (message.recipient, channel, message.dedupe_key) in existing:
                continue
            triples.append((message, channel, number))
    return triples


def queue(messages: Iterable[Message]) -> list[Notification]:
    """Write the notifications of these messages; deliver them once the transaction commits.

    Must run inside the transaction of the event, so that a rolled-back event sends nothing.
    If the broker cannot be reached at commit, the rows stay pending for the periodic job.
    """
    messages = list(messages)
    if not messages:
        return []
    rows = Notification.objects.bulk_create(
        render(message, channel, number=number) for message, channel, number in _wanted(messages)
    )
    to_send = [row.pk for row in rows if row.state == State.PENDING]
    if to_send:
        transaction.on_commit(lambda: dispatch(to_send), robust=True)
    return rows


def queue_account_email(user, *, to: str, subject: str, body: str, body_html: str = ""):
    """An e-mail already rendered by django-allauth (address verification, password reset…),
    delivered through the outbox like every other message: an SMTP outage delays it, with
    retries, instead of failing the sign-up or the reset."""
    row = Notification.objects.create(
        user=user,
        event="account_email",
        channel=Channel.EMAIL,
        language=getattr(user, "language", "") or settings.LANGUAGE_CODE,
        to_address=to,
        subject=subject[:200],
        body=body,
        body_html=body_html,
        state=State.PENDING,
    )
    transaction.on_commit(lambda: dispatch([row.pk]), robust=True)
    return row


def notify(user, event: str, context: dict | None = None, *, link: str = "", **options):
    return queue([Message(user=user, event=event, context=context or {}, link=link, **options)])


def dispatch(notification_ids: list[int]) -> None:
    """Hand the rows to a worker, in batches, without waiting on the broker (anvt.celery.publish).
    A broker failure is logged, not raised: the rows are pending and the periodic job will queue
    them again."""
    # notifications.tasks imports this module for its jobs: imported at call time.
    from notifications.tasks import send_notifications

    for start in range(0, len(notification_ids), BATCH_SIZE):
        publish(send_notifications, notification_ids=notification_ids[start : start + BATCH_SIZE])


BATCH_SIZE = 200
# Messages whose body opens an account (login codes, reset and invitation links): kept only
# until sent, never shown in-app, in the admin or in the data export.
# The host link lets its holder decide on a placement: its text is not kept once sent.
SECRET_EVENTS = frozenset(
    {
        "account_email",
        "invitation",
        "host_request",
        "host_reminder",
        "sms_code",
        # An outside committee member's link opens the session's files.
        "committee_invitation",
        # A referee's link: it records an attestation.
        "attestation_request",
        "attestation_reminder",
    }
)
# A worker sending a batch refreshes its claim this often (see release_stale_claims): well under
# NOTIFICATION_STALE_CLAIM_SECONDS, whatever the pace of the SMTP server.
CLAIM_REFRESH_SECONDS = 10
DATABASE_RETRIES = (0.2, 1.0, 3.0)


def _with_database_retries(write):
    """Run a write, trying again (on a new connection) when the database fails for a moment:
    the window in which a sent message could be sent again is a few seconds of outage, not
    any outage."""
    for pause in (*DATABASE_RETRIES, None):
        try:
            return write()
        except (OperationalError, InterfaceError):
            if pause is None:
                raise
            logger.warning("outbox: database error while marking a message sent; retrying")
            connection.close()
            time.sleep(pause)
    return None


@dataclass
class Delivery:
    sent: list[int] = field(default_factory=list)
    to_retry: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def deliver(notification_ids: list[int]) -> Delivery:
    """Send the pending rows among these ids, each at most once.

    Rows are claimed (pending -> sending) under a row lock that other workers skip, so that two
    workers given the same ids never send the same row twice.
    """
    outcome = Delivery()
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=notification_ids, state=State.PENDING)
            .exclude(channel=Channel.IN_APP)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=claimed).update(
            state=State.SENDING, attempts=F("attempts") + 1, claimed_at=now
        )
    if not claimed:
        return outcome
    rows = Notification.objects.filter(pk__in=claimed).select_related(
        "user", "user__volunteer_profile", "endpoint"
    )
    by_channel = defaultdict(list)
    for row in rows:
        by_channel[row.channel].append(row)

    refreshed = [time.monotonic()]

    def mark_sent(notification, provider_id: str = ""):
        # At once, message by message: a worker killed mid-batch leaves behind only rows that
        # were really not handed over, which the periodic job sends again. The message is out:
        # a database that fails now is tried again before the row is left to be sent twice.
        secret = {"body": "", "body_html": ""} if notification.event in SECRET_EVENTS else {}
        _with_database_retries(
            lambda: Notification.objects.filter(pk=notification.pk).update(
                state=State.SENT,
                sent_at=timezone.now(),
                last_error="",
                provider_id=provider_id,
                **secret,
            )
        )
        outcome.sent.append(notification.pk)
        keep_alive()

    def keep_alive():
        """Still at work: the claim of the rest of the batch is not stale (called around every
        attempt, sent or not, so that slow refusals do not let another worker take the rows)."""
        if time.monotonic() - refreshed[0] > CLAIM_REFRESH_SECONDS:
            Notification.objects.filter(pk__in=claimed, state=State.SENDING).update(
                claimed_at=timezone.now()
            )
            refreshed[0] = time.monotonic()

    errors: dict[int, str] = {}
    for channel, batch in by_channel.items():
        try:
            errors.update(backend_for(channel).send(batch, mark_sent, keep_alive=keep_alive))
        except DatabaseError:
            raise  # the task retries; the claims are released by the periodic job
        except Exception as exc:
            # A channel that failed as a whole: its unsent rows go back to the outbox.
            error = f"{type(exc).__name__}: {exc}"[:2000]
            errors.update({n.pk: error for n in batch if n.pk not in outcome.sent})
    if errors:
        attempts = dict(Notification.objects.filter(pk__in=errors).values_list("pk", "attempts"))
        channel_of = {row.pk: row.channel for rows_ in by_channel.values() for row in rows_}
        for pk, error in errors.items():
            # A partner's system may be down for a while: its webhooks get more attempts.
            limit = (
                settings.WEBHOOK_MAX_ATTEMPTS
                if channel_of.get(pk) == Channel.WEBHOOK
                else settings.NOTIFICATION_MAX_ATTEMPTS
            )
            final = attempts[pk] >= limit
            # Only a row still ours: one released meanwhile may have been sent by another worker.
            Notification.objects.filter(pk=pk, state=State.SENDING).update(
                state=State.FAILED if final else State.PENDING, last_error=error
            )
            (outcome.failed if final else outcome.to_retry).append(pk)
        logger.warning(
            "outbox: %s notifications failed, %s will be retried",
            len(errors),
            len(outcome.to_retry),
        )
    return outcome


def release_stale_claims() -> list[int]:
    """Rows a worker claimed but never finished (killed mid-task) become pending again; their
    ids are returned, to be queued at once."""
    limit = timezone.now() - timezone.timedelta(seconds=settings.NOTIFICATION_STALE_CLAIM_SECONDS)
    with transaction.atomic():
        stale = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENDING, claimed_at__lt=limit)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=stale).update(state=State.PENDING)
    return stale


def overdue_ids() -> list[int]:
    """Pending rows older than a few minutes: their task was lost or never queued."""
    limit = timezone.now() - timezone.timedelta(seconds=settings.NOTIFICATION_RESEND_AFTER_SECONDS)
    return list(
        Notification.objects.filter(state=State.PENDING, created_at__lt=limit)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=limit))
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )


def retry_failed(queryset) -> int:
    """Staff retry: failed rows get a fresh set of attempts and are queued again."""
    ids = list(queryset.filter(state=State.FAILED).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(state=State.PENDING, attempts=0)
    transaction.on_commit(lambda: dispatch(ids), robust=True)
    return len(ids)


# The reader's own acts ---------------------------------------------------------------------------


def mark_read(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(user) -> int:
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())


def set_email_families(user, *, wanted: set[str], offered) -> None:
    """Of the optional e-mail families `offered` to this person, keep those in `wanted` and stop
    the others (account messages stay)."""
    with transaction.atomic():
        EmailOptOut.objects.filter(user=user).delete()
        EmailOptOut.objects.bulk_create(
            EmailOptOut(user=user, family=key)
            for key in offered
            if key in FAMILIES and key not in MANDATORY and key not in wanted
        )


def set_sms_families(user, *, wanted: set[str]) -> None:
    """The families this person also receives by SMS (only those SMS can carry)."""
    with transaction.atomic():
        SmsOptIn.objects.filter(user=user).delete()
        SmsOptIn.objects.bulk_create(
            SmsOptIn(user=user, family=key) for key in SMS_FAMILIES if key in wanted
        )


# SMS delivery receipts ---------------------------------------------------------------------------

RECEIPT_STATES = {
    "delivered": State.DELIVERED,
    "failed": State.UNDELIVERED,
    "undelivered": State.UNDELIVERED,
    "expired": State.UNDELIVERED,
    "rejected": State.UNDELIVERED,
}


def record_receipt(*, provider_id: str, status: str, error: str = "") -> bool:
    """The gateway's word on an SMS it took: on the phone, or given up by the network (other
    statuses change nothing). False when no sent SMS has this id (yet: a receipt may overtake
    the gateway's answer)."""
    if not provider_id:
        return False
    rows = Notification.objects.filter(
        channel=Channel.SMS,
        provider_id=provider_id,
        state__in=(State.SENT, State.DELIVERED, State.UNDELIVERED),
    )
    state = RECEIPT_STATES.get(status)
    if state is None:  # an intermediate status ("buffered", "sent"): acknowledged, no change
        return rows.exists()
    delivered = state == State.DELIVERED
    if not delivered:
        rows = rows.exclude(state=State.DELIVERED)  # a late failure never undoes a delivery
    return bool(
        rows.update(
            state=state,
            delivered_at=timezone.now() if delivered else None,
            last_error="" if delivered else f"{status}: {error}"[:2000],
        )
    )


def unsubscribe(*, user_id: int, family: str) -> None:
    EmailOptOut.objects.get_or_create(user_id=user_id, family=family)
