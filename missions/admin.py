from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from audit.models import StatusChange
from missions.models import (
    Application,
    ApplicationChoice,
    Call,
    Contingent,
    EligibilityBatch,
    EligibilityReport,
    IncomingVolunteer,
    Mission,
    MissionLanguage,
    Placement,
    Review,
    Theme,
)


class AuditTrailMixin:
    """Shows the object's status changes, read-only, on its admin page.

    The status itself is read-only here: it moves only through the services, which audit it.
    """

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "status", "audit_trail")

    @admin.display(description=_("historique des statuts"))
    def audit_trail(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        changes = StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("actor")
        return (
            "\n".join(
                f"{c.created_at:%Y-%m-%d %H:%M} {c.from_status} → {c.to_status}"
                f" ({c.actor or c.job}){': ' + c.reason if c.reason else ''}"
                for c in changes
            )
            or "—"
        )


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "name_en", "active", "position")
    list_filter = ("active",)
    search_fields = ("name_fr", "name_en")
    prepopulated_fields = {"slug": ("name_fr",)}


class MissionLanguageInline(admin.TabularInline):
    model = MissionLanguage
    extra = 0


@admin.register(Mission)
class MissionAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "direction",
        "partner",
        "country",
        "start_date",
        "end_date",
        "seats",
        "status",
    )
    list_filter = ("status", "direction", "theme", "country", "partner")
    search_fields = ("title", "city", "partner__name")
    autocomplete_fields = ("partner", "theme")
    list_select_related = ("partner", "theme")
    inlines = [MissionLanguageInline]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "opens_at", "closes_at", "reference_date", "max_choices")
    search_fields = ("title",)
    filter_horizontal = ("missions", "reviewers")
    date_hierarchy = "closes_at"


class ChoiceInline(admin.TabularInline):
    model = ApplicationChoice
    extra = 0
    autocomplete_fields = ("mission",)


@admin.register(Application)
class ApplicationAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_per_page = 25
    list_display = ("volunteer", "call", "status", "submitted_at", "decided_at")
    list_filter = ("status", "call")
    search_fields = ("volunteer__email", "volunteer__volunteer_profile__last_name")
    autocomplete_fields = ("volunteer", "call")
    list_select_related = ("volunteer", "call")
    inlines = [ChoiceInline]


@admin.register(EligibilityReport)
class EligibilityReportAdmin(admin.ModelAdmin):
    list_display = ("application", "eligible", "engine_version", "reference_date", "ran_at")
    list_filter = ("eligible", "engine_version")
    search_fields = ("application__volunteer__email",)
    list_select_related = ("application__volunteer", "application__call")
    readonly_fields = [f.name for f in EligibilityReport._meta.fields]


@admin.register(EligibilityBatch)
class EligibilityBatchAdmin(admin.ModelAdmin):
    list_display = ("call", "status", "done", "total", "changed", "created_at", "finished_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in EligibilityBatch._meta.fields]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = (
        "application",
        "reviewer",
        "score",
        "recommendation",
    )
    list_filter = ("recommendation",)
    search_fields = ("application__volunteer__email", "reviewer__email")
    list_select_related = ("application__volunteer", "application__call", "reviewer")


@admin.register(Contingent)
class ContingentAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "call",
        "partner",
        "capacity",
        "seats_taken",
        "planned_departure",
        "status",
    )
    list_filter = ("status", "partner")
    search_fields = ("name",)
    readonly_fields = ("seats_taken",)
    list_select_related = ("call", "partner")


@admin.register(Placement)
class PlacementAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("volunteer", "mission", "contingent", "status", "proposed_at", "decided_at")
    list_filter = ("status", "contingent__partner")
    search_fields = ("volunteer__email", "mission__title")
    list_select_related = ("volunteer", "mission", "contingent")
    readonly_fields = ("contingent", "application", "volunteer", "mission")

    def has_add_permission(self, request):
        return False  # placements are made by adding an application to a contingent


@admin.register(IncomingVolunteer)
class IncomingVolunteerAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = (
        "first_name",
        "last_name",
        "nationality",
        "partner",
        "region",
        "arrival_date",
        "status",
    )
    list_filter = ("status", "region", "nationality", "partner")
    search_fields = ("first_name", "last_name", "passport_number")
    list_select_related = ("partner",)
