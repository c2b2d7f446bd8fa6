"""The one way a notification is fetched for its reader: theirs, or 404."""

from django.shortcuts import get_object_or_404

from notifications.models import Notification


def get_notification_for_user(user, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.visible_to(user), pk=pk)
