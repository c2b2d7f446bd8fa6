"""A phone number verified by a code sent to it by SMS, before anything else is sent there."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from anvt.errors import Refused
from notifications.models import Channel, Notification, SmsNumber, SmsOptIn
from notifications.services import Message, queue

CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
SALT = "anvt.notifications.sms-code"


def _hash(user, number: str, code: str) -> str:
    return salted_hmac(SALT, f"{user.pk}:{number}:{code}", algorithm="sha256").hexdigest()


def number_of(user) -> SmsNumber | None:
    return SmsNumber.objects.filter(user=user).first()


def verified_number(user) -> str:
    row = number_of(user)
    return row.number if row is not None else ""


def _taken(number: str, user) -> bool:
    return SmsNumber.objects.filter(number=number).exclude(user=user).exists()


def send_code(user, number: str) -> None:
    """Send a six-digit code to `number` (E.164), through the outbox; the number is verified
    once the code is entered. Refused: a second try within a minute, more than
    SMS_CODES_PER_DAY codes a day, a number verified for another account."""
    if not settings.SMS_ENABLED:
        raise Refused(_("L'envoi de SMS n'est pas disponible pour le moment."))
    now = timezone.now()
    SmsNumber.objects.get_or_create(user=user)
    with transaction.atomic():
        # Locked: two requests at once cannot both pass the limits below.
        row = SmsNumber.objects.select_for_update().get(user=user)
        if row.number == number:
            raise Refused(_("Ce numéro est déjà vérifié."))
        # The limits come first, and a refused number counts as a try: trying numbers one
        # after another to learn which have an account is as slow as asking for codes.
        if row.code_sent_at and now - row.code_sent_at < RESEND_AFTER:
            raise Refused(
                _("Un code vient d'être envoyé : attendez une minute avant d'en demander un autre.")
            )
        sent_today = Notification.objects.filter(
            user=user, event="sms_code", created_at__gte=now - timedelta(days=1)
        ).count()
        if sent_today >= settings.SMS_CODES_PER_DAY:
            raise Refused(_("Trop de codes envoyés aujourd'hui : réessayez demain."))
        if _taken(number, user):
            SmsNumber.objects.filter(pk=row.pk).update(code_sent_at=now)
            # The same answer whoever holds it: the page does not tell whose number it is.
            refusal = Refused(
                _(
                    "Ce numéro ne peut pas être vérifié pour ce compte. S'il est bien le vôtre, "
                    "écrivez à l'ANVT."
                )
            )
        else:
            refusal = None
            code = f"{secrets.randbelow(1_000_000):06d}"
            row.pending_number = number
            row.code_hash = _hash(user, number, code)
            row.code_sent_at = now
            row.code_attempts = 0
            row.save(update_fields=["pending_number", "code_hash", "code_sent_at", "code_attempts"])
            queue(
                [
                    Message(
                        user=user,
                        event="sms_code",
                        context={"code": code},
                        channels=(Channel.SMS,),
                        to_number=number,
                    )
                ]
            )
    if refusal is not None:  # raised once the try is recorded (outside the transaction)
        raise refusal


def confirm_code(user, code: str) -> str:
    """Verify the pending number with its code; the number, in E.164. A wrong code counts; after
    five, or ten minutes, the code is void and a new one must be asked for."""
    row = number_of(user)
    code = "".join(code.split())
    if row is None or not row.pending_number or not row.code_hash:
        raise Refused(_("Aucun code en attente : demandez d'abord un code."))
    if timezone.now() - row.code_sent_at > CODE_LIFETIME:
        raise Refused(_("Ce code a expiré : demandez-en un nouveau."))
    # Each try is counted in the database before the comparison: guesses sent in parallel all
    # count, and the sixth is refused whatever their number.
    if not SmsNumber.objects.filter(pk=row.pk, code_attempts__lt=CODE_ATTEMPTS).update(
        code_attempts=F("code_attempts") + 1
    ):
        raise Refused(_("Ce code a expiré : demandez-en un nouveau."))
    if not constant_time_compare(_hash(user, row.pending_number, code), row.code_hash):
        row.refresh_from_db(fields=["code_attempts"])
        if row.code_attempts >= CODE_ATTEMPTS:
            raise Refused(_("Code incorrect. Ce code a expiré : demandez-en un nouveau."))
        raise Refused(_("Code incorrect : vérifiez le dernier SMS reçu et réessayez."))
    number = row.pending_number
    try:
        with transaction.atomic():
            row.number = number
            row.verified_at = timezone.now()
            row.pending_number = row.code_hash = ""
            row.code_attempts = 0
            row.save()
    except IntegrityError as exc:  # verified meanwhile by another account
        raise Refused(
            _(
                "Ce numéro ne peut pas être vérifié pour ce compte. S'il est bien le vôtre, "
                "écrivez à l'ANVT."
            )
        ) from exc
    return number


def forget_number(user) -> None:
    """No more SMS: the number and the SMS choices are removed."""
    with transaction.atomic():
        SmsNumber.objects.filter(user=user).delete()
        SmsOptIn.objects.filter(user=user).delete()
