"""The host structure's link: signed, single-use, expiring with the host's deadline.

A host structure often has no account. Its contact receives by e-mail a link that names one
placement and carries a secret stored on it (`Placement.host_token`); the link opens that
placement's decision page and nothing else. Deciding empties the secret (the link is used up);
the deadline passed, the link no longer works, until a programme manager extends it.
"""

import secrets

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from anvt.errors import Refused
from missions.enums import PlacementStatus
from missions.models import Placement

SALT = "anvt.placements.host"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _signer() -> signing.Signer:
    # No timestamp: the deadline stored on the placement is the expiry, and the same secret
    # gives the same link in every e-mail and reminder.
    return signing.Signer(salt=SALT)


def link_path(placement: Placement) -> str:
    token = _signer().sign_object([placement.pk, placement.host_token], compress=True)
    return reverse("host_decision", args=[placement.pk, token])


def _decoded(pk: int, token: str) -> str | None:
    try:
        placement_id, secret = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if placement_id != pk or not isinstance(secret, str) or not secret:
        return None
    return secret


def placement_for_link(pk: int, token: str) -> Placement | None:
    """The placement this link names, or None when the link is not one of ours for it (a
    forged link, or the link of another placement): the page answers 404."""
    if _decoded(pk, token) is None:
        return None
    return (
        Placement.objects.select_related(
            "mission", "mission__partner", "host", "contingent", "contingent__partner", "volunteer"
        )
        .filter(pk=pk)
        .first()
    )


def check(placement: Placement, token: str, *, moment=None) -> None:
    """Refuse, with a message the host's contact can act on, a link that was used, replaced or
    has expired. `placement` is read under its row lock by the caller."""
    secret = _decoded(placement.pk, token)
    if secret is None:
        raise Refused(_("Ce lien n'est pas valide."))
    if placement.status != PlacementStatus.HOST_PENDING or not placement.host_token:
        raise Refused(
            _("Ce lien a déjà servi : la décision de votre structure est enregistrée.")
            if placement.host_decided_at
            else _("Cette affectation n'attend plus de décision de votre part.")
        )
    if not secrets.compare_digest(secret, placement.host_token):
        raise Refused(_("Ce lien a été remplacé par un plus récent : utilisez le dernier reçu."))
    if placement.deadline_passed(moment):
        raise Refused(
            _(
                "Ce lien a expiré le %(date)s : l'ANVT est prévenue et peut prolonger le délai ; "
                "écrivez-lui."
            )
            % {"date": date_format(timezone.localtime(placement.deadline), "DATETIME_FORMAT")}
        )
