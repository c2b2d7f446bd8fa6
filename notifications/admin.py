from django.contrib import admin

from notifications.models import InboundSms, Notification, SmsNumber
from notifications.services import SECRET_EVENTS


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
    search_fields = ("user__email", "to_number", "provider_id", "subject", "last_error")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = [field.name for field in Notification._meta.fields]

    def get_fields(self, request, obj=None):
        """A code or a link that opens an account is never shown, even while unsent."""
        fields = self.readonly_fields
        if obj is not None and obj.event in SECRET_EVENTS:
            return [name for name in fields if name not in ("body", "body_html", "link")]
        return fields

    def has_add_permission(self, request):
        return False


@admin.register(SmsNumber)
class SmsNumberAdmin(admin.ModelAdmin):
    """Who receives SMS on which number; codes are never shown."""

    list_display = ("user", "number", "verified_at", "pending_number", "code_sent_at")
    search_fields = ("user__email", "number", "pending_number")
    list_select_related = ("user",)
    fields = ("user", "number", "verified_at", "pending_number", "code_sent_at", "code_attempts")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(InboundSms)
class InboundSmsAdmin(admin.ModelAdmin):
    list_display = ("received_at", "from_number", "user", "keyword", "outcome")
    list_filter = ("outcome", "keyword")
    search_fields = ("from_number", "user__email")
    date_hierarchy = "received_at"
    list_select_related = ("user",)
    readonly_fields = [field.name for field in InboundSms._meta.fields]

    def has_add_permission(self, request):
        return False
