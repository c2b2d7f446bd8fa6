"""SMS the portal receives through the gateway's signed webhook: each once, from a verified
number, within the hourly limit. What the text asks is answered by the space that knows it
(volunteer_space/sms.py)."""

import json
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from anvt import phones
from notifications import sms
from notifications.models import InboundOutcome, InboundSms, SmsNumber


@dataclass
class Inbound:
    provider_id: str
    from_number: str
    text: str


def read_webhook(request) -> dict | None:
    """The JSON body of a call the gateway signed, or None (unsigned, forged, too old, not
    JSON): such a call is dropped without a word."""
    body = request.body
    if not sms.signature_is_valid(
        settings.SMS_WEBHOOK_SECRET, request.headers.get(sms.SIGNATURE_HEADER, ""), body
    ):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def parse(data: dict) -> Inbound | None:
    provider_id = str(data.get("id", ""))[:100]
    number = phones.parse(str(data.get("from", "")))
    if not provider_id or number is None:
        return None
    return Inbound(provider_id=provider_id, from_number=number, text=str(data.get("text", "")))


def keyword_of(text: str) -> str:
    """The first word, upper-case, without accents or punctuation: "statut ?" is STATUT."""
    words = text.split()
    if not words:
        return ""
    plain = unicodedata.normalize("NFKD", words[0]).encode("ascii", "ignore").decode()
    return "".join(c for c in plain if c.isalnum()).upper()[:20]


def receive(message: Inbound, *, answers: dict) -> InboundSms | None:
    """Record the message once (a replayed id is None) and decide what it gets: `answers` maps
    the keywords understood to a callable(user) that queues the reply."""
    keyword = keyword_of(message.text)
    owner = (
        SmsNumber.objects.filter(number=message.from_number, verified_at__isnull=False)
        .select_related("user")
        .first()
    )
    user = owner.user if owner is not None and owner.user.is_active else None
    if user is None:
        outcome = InboundOutcome.UNKNOWN_NUMBER
    elif keyword not in answers:
        outcome = InboundOutcome.UNKNOWN_KEYWORD
    elif (
        InboundSms.objects.filter(
            from_number=message.from_number,
            outcome=InboundOutcome.ANSWERED,
            received_at__gte=timezone.now() - timedelta(hours=1),
        ).count()
        >= settings.SMS_STATUS_PER_HOUR
    ):
        outcome = InboundOutcome.RATE_LIMITED
    else:
        outcome = InboundOutcome.ANSWERED
    try:
        with transaction.atomic():
            row = InboundSms.objects.create(
                provider_id=message.provider_id,
                from_number=message.from_number,
                user=user,
                keyword=keyword,
                outcome=outcome,
            )
            if outcome == InboundOutcome.ANSWERED:
                answers[keyword](user)
    except IntegrityError:
        return None  # this id was received before: a replay
    return row
