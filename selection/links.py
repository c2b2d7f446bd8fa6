"""The link of a committee member from outside ANVT: signed, for one session, no account.

It names the member and carries a secret stored on the member's row; it opens that session's
pages for that member and nothing else, and stops working when the session closes (the secret
is emptied then).
"""

import secrets

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from anvt.errors import Refused
from selection.models import CommitteeMember

SALT = "anvt.selection.member"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def token_of(member: CommitteeMember) -> str:
    return _signer().sign_object([member.pk, member.token], compress=True)


def home_path(member: CommitteeMember) -> str:
    if member.user_id is not None:
        return reverse("staff:committee", args=[member.session_id])
    return reverse("committee:home", args=[token_of(member)])


def member_for(token: str) -> CommitteeMember | None:
    """The outside member this link names, or None for a link that is not one of ours (the page
    answers 404). A link of a closed session is still recognised, to say so."""
    try:
        member_id, secret = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(member_id, int) or not isinstance(secret, str) or not secret:
        return None
    member = (
        CommitteeMember.objects.select_related("session", "session__call")
        .filter(pk=member_id, user__isnull=True)
        .first()
    )
    if member is None:
        return None
    if member.token and not secrets.compare_digest(secret, member.token):
        return None
    member.link_secret = secret
    return member


def check(member: CommitteeMember) -> None:
    """Refused, with a message the member can act on, once the session is closed."""
    if not member.session.is_open or not member.token:
        raise Refused(
            _(
                "La séance « %(title)s » est close : ce lien ne sert plus. Merci pour votre "
                "participation ; le procès-verbal est tenu par l'ANVT."
            )
            % {"title": member.session.title}
        )
