"""The host's attestation of an experience: a link e-mailed to the referee the volunteer named.

The link names one attestation request and carries a secret stored on it; it opens that
experience and nothing else, for 30 days, once. The referee confirms the organisation, the role
and the dates, corrects them, or declines. Answering empties the secret (the link is used up);
the volunteer may remind the referee once per request, with the same link.
"""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from anvt.errors import Refused
from notifications.services import Message, queue
from volunteers.enums import AttestationStatus
from volunteers.models import AttestationRequest, Experience

SALT = "anvt.volunteers.attestation"
VALID_DAYS = 30
# Requests a volunteer may send in a day: the portal writes to addresses she types.
DAILY_REQUESTS = 10


def _signer() -> signing.Signer:
    # No timestamp in the signature: the expiry is stored on the request.
    return signing.Signer(salt=SALT)


def token_of(request: AttestationRequest) -> str:
    return _signer().sign_object([request.pk, request.secret], compress=True)


def link_path(request: AttestationRequest) -> str:
    return reverse("attestation", args=[token_of(request)])


def request_for(token: str) -> tuple[AttestationRequest | None, str]:
    """The request this link names and the secret it carries, or (None, "") for a link that is
    not one of ours (the page answers 404): forged, tampered, or of a request that is gone."""
    try:
        request_id, secret = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None, ""
    if not isinstance(request_id, int) or not isinstance(secret, str) or not secret:
        return None, ""
    found = (
        AttestationRequest.objects.select_related("experience", "experience__volunteer")
        .filter(pk=request_id)
        .first()
    )
    return found, secret


def check(request: AttestationRequest, secret: str, *, moment=None) -> None:
    """Refused, with a message the referee can act on: a used, replaced or expired link."""
    moment = moment or timezone.now()
    if request.answered_at is not None or not request.secret:
        if request.answered_at is not None:
            raise Refused(_("Ce lien a déjà servi : votre réponse est enregistrée. Merci."))
        raise Refused(_("Ce lien a été remplacé par une demande plus récente : utilisez-la."))
    if not secrets.compare_digest(secret, request.secret):
        raise Refused(_("Ce lien a été remplacé par une demande plus récente : utilisez-la."))
    if moment >= request.expires_at:
        raise Refused(
            _(
                "Ce lien a expiré le %(date)s. La ou le volontaire peut vous envoyer une "
                "nouvelle demande."
            )
            % {"date": date_format(timezone.localtime(request.expires_at), "DATE_FORMAT")}
        )


def current(experience: Experience) -> AttestationRequest | None:
    return experience.attestation_requests.order_by("-sent_at", "-pk").first()


def state_of(experience: Experience, request: AttestationRequest | None, *, moment=None):
    """The experience's attestation status, "expired" once its latest request (`request`, read
    by the caller: no query here) lapsed unanswered."""
    moment = moment or timezone.now()
    if (
        experience.attestation_status == AttestationStatus.REQUESTED
        and request is not None
        and request.answered_at is None
        and moment >= request.expires_at
    ):
        return AttestationStatus.EXPIRED
    return experience.attestation_status


def ask(experience: Experience, *, actor) -> AttestationRequest:
    """The volunteer asks her referee: a new link (an earlier one stops working)."""
    if experience.volunteer_id != actor.pk:
        raise Refused(_("Vous n'avez pas le droit de faire cette action."))
    email = experience.referee_email.strip().lower()
    if not email or not experience.referee_name.strip():
        raise Refused(
            _("Indiquez d'abord le nom et l'e-mail de votre référent·e dans cette expérience.")
        )
    if email == actor.email.strip().lower():
        raise Refused(
            _(
                "L'attestation doit venir de la structure d'accueil : donnez l'adresse de votre "
                "référent·e, pas la vôtre."
            )
        )
    with transaction.atomic():
        experience = Experience.objects.select_for_update().get(pk=experience.pk)
        if experience.attestation_status in (
            AttestationStatus.CONFIRMED,
            AttestationStatus.CORRECTED,
        ):
            raise Refused(_("Cette expérience est déjà attestée."))
        if (
            Experience.objects.filter(
                volunteer_id=actor.pk,
                attestation_requests__sent_at__gte=timezone.now() - timedelta(days=1),
            ).count()
            >= DAILY_REQUESTS
        ):
            raise Refused(
                _("Vous avez envoyé %(count)s demandes aujourd'hui : la suite demain.")
                % {"count": DAILY_REQUESTS}
            )
        state = state_of(experience, current(experience))
        if state == AttestationStatus.REQUESTED:
            raise Refused(
                _(
                    "Une demande attend déjà la réponse de votre référent·e : vous pouvez la "
                    "relancer."
                )
            )
        experience.attestation_requests.filter(answered_at__isnull=True).update(secret="")
        now = timezone.now()
        request = AttestationRequest.objects.create(
            experience=experience,
            email=email,
            secret=secrets.token_urlsafe(32),
            sent_at=now,
            expires_at=now + timedelta(days=VALID_DAYS),
        )
        experience.attestation_status = AttestationStatus.REQUESTED
        experience.save(update_fields=["attestation_status", "updated_at"])
        _send(request, event="attestation_request")
    return request


def remind(experience: Experience, *, actor) -> AttestationRequest:
    """One reminder per request, with the same link, before it expires."""
    if experience.volunteer_id != actor.pk:
        raise Refused(_("Vous n'avez pas le droit de faire cette action."))
    with transaction.atomic():
        experience = Experience.objects.select_for_update().get(pk=experience.pk)
        request = current(experience)
        if request is None or state_of(experience, request) != AttestationStatus.REQUESTED:
            raise Refused(_("Aucune demande n'attend de réponse : rien à relancer."))
        if request.reminded_at is not None:
            raise Refused(
                _("Vous avez déjà relancé votre référent·e le %(date)s : une relance par demande.")
                % {"date": date_format(timezone.localtime(request.reminded_at), "DATE_FORMAT")}
            )
        request.reminded_at = timezone.now()
        request.save(update_fields=["reminded_at"])
        _send(request, event="attestation_reminder")
    return request


def _send(request: AttestationRequest, *, event: str) -> None:
    experience = request.experience
    queue(
        [
            Message(
                user=None,
                to_address=request.email,
                language=settings.LANGUAGE_CODE,
                event=event,
                context={
                    "experience": experience,
                    "volunteer": experience.volunteer,
                    "request": request,
                    "contact_name": experience.referee_name,
                },
                link=link_path(request),
            )
        ]
    )


def answer(
    request: AttestationRequest,
    secret: str,
    *,
    answer: str,
    name: str,
    organisation: str = "",
    role: str = "",
    start: date | None = None,
    end: date | None = None,
    comment: str = "",
    moment=None,
) -> Experience:
    """The referee's answer: confirmed as declared, corrected, or declined. Refused, changing
    nothing, for a used, replaced or expired link, or dates that cannot be."""
    if answer not in (
        AttestationStatus.CONFIRMED,
        AttestationStatus.CORRECTED,
        AttestationStatus.DECLINED,
    ):
        raise Refused(_("Choisissez de confirmer, de corriger ou de refuser."))
    if not name.strip():
        raise Refused(_("Indiquez votre nom : il figure sur l'attestation."))
    today = timezone.localdate(moment or timezone.now())
    if answer == AttestationStatus.CORRECTED:
        if start is None:
            raise Refused(_("Indiquez la date de début de l'engagement."))
        if start > today or (end is not None and end > today):
            raise Refused(_("Une date attestée ne peut pas être dans le futur."))
        if end is not None and end < start:
            raise Refused(_("La date de fin précède la date de début."))
        if not organisation.strip():
            raise Refused(_("Indiquez le nom de la structure."))
    with transaction.atomic():
        # The experience first, then its request: the order `ask` and `remind` lock them in.
        experience = Experience.objects.select_for_update().get(pk=request.experience_id)
        request = AttestationRequest.objects.select_for_update().get(pk=request.pk)
        check(request, secret, moment=moment)
        now = moment or timezone.now()
        request.answered_at, request.answer, request.secret = now, answer, ""
        request.save(update_fields=["answered_at", "answer", "secret"])
        experience.attestation_status = answer
        experience.attested_by = name.strip()[:150]
        experience.attested_at = now
        experience.attestation_comment = comment.strip()
        if answer == AttestationStatus.CONFIRMED:
            experience.attested_organisation = experience.organisation
            experience.attested_role = experience.role
            experience.attested_start = experience.start_date
            experience.attested_end = experience.end_date
        elif answer == AttestationStatus.CORRECTED:
            experience.attested_organisation = organisation.strip()[:200]
            experience.attested_role = role.strip()[:200]
            experience.attested_start, experience.attested_end = start, end
        else:
            experience.attested_organisation = experience.attested_role = ""
            experience.attested_start = experience.attested_end = None
        experience.save()
    return experience


def cancel_pending(experience: Experience) -> None:
    """The referee's address changed while a request waits: its link stops working and she may
    ask again (the caller holds the experience locked)."""
    experience.attestation_requests.filter(answered_at__isnull=True).update(secret="")
    if experience.attestation_status == AttestationStatus.REQUESTED:
        experience.attestation_status = AttestationStatus.NONE
