from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.families import FAMILIES, MANDATORY
from notifications.models import EmailOptOut, Notification
from notifications.services import read_unsubscribe_token


def get_notification_for_user(user, pk: int) -> Notification:
    try:
        return Notification.objects.visible_to(user).get(pk=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def notification_list(request):
    rows = Notification.objects.visible_to(request.user)[:100]
    return render(request, "notifications/list.html", {"notifications": rows})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_notification_for_user(request.user, pk)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if notification.link and request.POST.get("open"):
        return redirect(notification.link)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request):
    Notification.objects.visible_to(request.user).unread().update(read_at=timezone.now())
    return redirect("notifications:list")


def unsubscribe(request, token: str):
    """From the link in an e-mail, without logging in: confirm, then stop that family."""
    decoded = read_unsubscribe_token(token)
    if decoded is None or decoded[1] in MANDATORY or decoded[1] not in FAMILIES:
        raise Http404
    user_id, family = decoded
    done = False
    if request.method == "POST":
        EmailOptOut.objects.get_or_create(user_id=user_id, family=family)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"family": FAMILIES[family], "done": done},
    )


@login_required
def preferences(request):
    optional = [(key, label) for key, label in FAMILIES.items() if key not in MANDATORY]
    if request.method == "POST":
        wanted = set(request.POST.getlist("families"))
        with transaction.atomic():
            EmailOptOut.objects.filter(user=request.user).delete()
            EmailOptOut.objects.bulk_create(
                EmailOptOut(user=request.user, family=key)
                for key, _label in optional
                if key not in wanted
            )
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("notifications:preferences")
    off = set(EmailOptOut.objects.filter(user=request.user).values_list("family", flat=True))
    return render(
        request,
        "notifications/preferences.html",
        {
            "families": [(key, label, key not in off) for key, label in optional],
            "mandatory": [FAMILIES[key] for key in MANDATORY],
        },
    )
