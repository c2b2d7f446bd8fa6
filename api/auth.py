"""Who calls the partner API: a key of one organisation (`Authorization: Bearer anvt_…`), in
the name of the coordinator who created it, with its rights (read, or read and write), its
limits (requests per minute, body size) and the audit context of what it changes."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from accounts import integrations
from accounts.roles import partner_membership_of
from api.problems import ApiProblem
from audit import context
from partner_space.access import PartnerScope
from partners.models import ApiToken


@dataclass
class Caller:
    token: ApiToken
    scope: PartnerScope

    @property
    def user(self):
        return self.token.created_by

    def __str__(self) -> str:
        # The throttle's key: the key's row, never the key itself.
        return f"api-token:{self.token.pk}:{self.token.digest[:16]}"


class TokenAuth(HttpBearer):
    """A usable key of an active organisation whose creator still belongs to it; for `write`,
    a read-and-write key whose creator is still a coordinator."""

    openapi_description = (
        "Une clé d'API de votre organisation (`anvt_…`), créée par un·e coordinateur·rice dans "
        "l'espace partenaire, page « API et webhooks »."
    )

    def __init__(self, *, write: bool = False, upload: bool = False):
        super().__init__()
        self.write = write
        # The body an operation may receive: a report with its file, or a small JSON document.
        self.limit = "API_MAX_UPLOAD_BYTES" if upload else "API_MAX_BODY_BYTES"

    def __call__(self, request):
        # Without a key or with another scheme: the problem says what is expected.
        caller = super().__call__(request)
        if caller is None:
            raise ApiProblem(
                "unauthorized",
                _("Ajoutez l'en-tête « Authorization: Bearer <votre clé> »."),
                headers={"WWW-Authenticate": 'Bearer realm="anvt"'},
            )
        return caller

    def authenticate(self, request, token: str):
        key = integrations.token_for_key(token)
        if key is None:
            raise _unauthorized(_("Cette clé n'existe pas."))
        state = key.state()
        if state == "revoked":
            raise _unauthorized(_("Cette clé a été révoquée."))
        if state == "expired":
            raise _unauthorized(
                _("Cette clé a expiré le %(date)s : créez-en une nouvelle.")
                % {"date": timezone.localtime(key.expires_at).date().isoformat()}
            )
        if not key.organisation.active:
            raise _unauthorized(_("Votre organisation n'est plus active sur le portail."))
        membership = partner_membership_of(key.created_by) if key.created_by.is_active else None
        if membership is None or membership.organisation_id != key.organisation_id:
            raise _unauthorized(
                _("La personne qui a créé cette clé n'est plus membre de l'organisation.")
            )
        if not key.creator_has_mfa:
            # Partner users read personal data only with two-factor authentication: a key
            # stands for its creator, and stops when she turns it off.
            raise _unauthorized(
                _(
                    "La personne qui a créé cette clé n'a plus la double authentification : "
                    "elle doit la réactiver."
                )
            )
        caller = Caller(token=key, scope=PartnerScope(membership))
        request.api_caller = caller
        context.act_for(_("clé d'API « %(name)s »") % {"name": key.name})
        integrations.mark_used(key)
        if self.write and not key.may_write:
            raise ApiProblem("forbidden", _("Cette clé ne permet que la lecture."))
        if self.write and not membership.is_coordinator:
            raise ApiProblem(
                "forbidden",
                _("La personne qui a créé cette clé n'est plus coordinateur·rice."),
            )
        limit = getattr(settings, self.limit)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > limit:
            raise ApiProblem(
                "too-large",
                _("Le corps de la requête dépasse %(size)s Kio.") % {"size": limit // 1024},
            )
        return caller


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem("unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="anvt"'})


class TokenThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT requests per key (e.g. "300/min"), read at each request; none when it is
    "" ("off" in the environment: the benchmark measures the API itself, and one key may not
    pass 5 requests a second). ninja keeps each key's recent request times in the cache, so its
    cost grows with the limit."""

    scope = "api-token"

    def __init__(self):
        super().__init__(settings.API_RATE_LIMIT or "1/s")

    def allow_request(self, request) -> bool:
        if not settings.API_RATE_LIMIT:
            return True
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request) -> str | None:
        caller = getattr(request, "api_caller", None)
        return f"throttle:{caller}" if caller else None
