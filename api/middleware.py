"""Every call of the partner API with a valid key goes to the audit trail (`audit.ApiCall`):
the key's name, in whose name, what was asked and the status answered."""

from django.utils.translation import gettext as _

from api import problems
from audit import context
from audit.models import ApiCall


class ApiCallLog:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        with context.request_scope():
            response = self.get_response(request)
        if response.status_code in (404, 405) and response.get("Content-Type") != (
            problems.CONTENT_TYPE
        ):
            # An address no operation has, or a method it does not take: a problem too.
            allowed = response.get("Allow")
            response = problems.response(
                request,
                "not-found" if response.status_code == 404 else "method-not-allowed",
                _("Rien à cette adresse pour votre organisation.")
                if response.status_code == 404
                else _("Cette adresse ne prend pas la méthode %(method)s.")
                % {"method": request.method},
                headers={"Allow": allowed} if allowed else None,
            )
        caller = getattr(request, "api_caller", None)
        if caller is not None:
            ApiCall.objects.create(
                organisation_id=caller.token.organisation_id,
                token=caller.token,
                token_name=caller.token.name,
                actor=caller.token.created_by,
                method=request.method[:8],
                path=request.get_full_path()[:300],
                status=response.status_code,
            )
        return response
