from django.contrib import admin

from audit.models import AccessLog, StatusChange


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows are shown, never changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "content_type",
        "object_id",
        "from_status",
        "to_status",
        "actor",
        "job",
    )
    list_filter = ("content_type", "to_status", "job")
    search_fields = ("object_id", "actor__email", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("content_type", "actor")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "action", "content_type", "object_id")
    list_filter = ("action", "content_type")
    search_fields = ("user__email", "object_id")
    date_hierarchy = "created_at"
    list_select_related = ("content_type", "user")
