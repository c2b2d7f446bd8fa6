from functools import cache

from notifications.models import Notification


def unread(request):
    """`unread_notifications`: the bell's count. Templates call it; one query, only if shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    @cache
    def count() -> int:
        return Notification.objects.visible_to(user).unread().count()

    return {"unread_notifications": count}
