from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications import inbound, services
from notifications.access import get_notification_for_user
from notifications.families import FAMILIES, MANDATORY
from notifications.forms import OpenForm
from notifications.models import Notification


@login_required
def notification_list(request):
    rows = Notification.objects.visible_to(request.user)[:100]
    return render(request, "notifications/list.html", {"notifications": rows})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_notification_for_user(request.user, pk)
    services.mark_read(notification)
    form = OpenForm(request.POST)
    if notification.link and form.is_valid() and form.cleaned_data["open"]:
        return redirect(notification.link)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request):
    services.mark_all_read(request.user)
    return redirect("notifications:list")


def unsubscribe(request, token: str):
    """From the link in an e-mail, without logging in: confirm, then stop that family."""
    decoded = services.read_unsubscribe_token(token)
    if decoded is None or decoded[1] in MANDATORY or decoded[1] not in FAMILIES:
        raise Http404
    user_id, family = decoded
    if request.method == "POST":
        services.unsubscribe(user_id=user_id, family=family)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"family": FAMILIES[family], "done": request.method == "POST"},
    )


@csrf_exempt  # the gateway signs its calls (notifications/sms.py); it has no session
@require_POST
def sms_receipts(request):
    """The gateway's delivery receipt of an SMS: {"id": "<its id>", "status": "delivered"}.
    Unsigned or unknown: 403 or 404 with no body, nothing changed (the gateway tries again)."""
    data = inbound.read_webhook(request)
    if data is None:
        return HttpResponse(status=403)
    found = services.record_receipt(
        provider_id=str(data.get("id", ""))[:100],
        status=str(data.get("status", "")),
        error=str(data.get("error", "")),
    )
    return HttpResponse(status=204 if found else 404)
