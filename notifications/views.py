from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from notifications.models import Notification


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
