from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "user",
        "event",
        "channel",
        "language",
        "state",
        "attempts",
        "read_at",
    )
    list_filter = ("state", "channel", "event", "language")
    search_fields = ("user__email", "subject", "last_error")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
