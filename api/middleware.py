"""Every call of the partner API with a valid key goes to the audit trail (`audit.ApiCall`):
the key's name, in whose name, what was asked and the status answered."""

from audit import context
from audit.models import ApiCall


class ApiCallLog:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        try:
            response = self.get_response(request)
        finally:
            context.end(request)
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
