"""What a volunteer texts to the portal's number: "STATUT" (or "STATUS") gets her applications'
statuses back by SMS. Only from her verified number, a few times an hour; anything else is
dropped without an answer (notifications/inbound.py)."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from missions.services import send_status_by_sms
from notifications import inbound

STATUS_KEYWORDS = ("STATUT", "STATUS")


@csrf_exempt  # the gateway signs its calls; it has no session
@require_POST
def inbound_sms(request):
    """The gateway's webhook: {"id": "<its id>", "from": "+228…", "text": "STATUT"}. Unsigned,
    forged or too old: 403. Otherwise 204 whatever happened, so that nothing tells a stranger
    whether a number has an account."""
    data = inbound.read_webhook(request)
    if data is None:
        return HttpResponse(status=403)
    message = inbound.parse(data)
    if message is not None:
        inbound.receive(message, answers=dict.fromkeys(STATUS_KEYWORDS, send_status_by_sms))
    return HttpResponse(status=204)
