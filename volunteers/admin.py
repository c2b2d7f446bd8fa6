from django.contrib import admin

from volunteers.models import Document, Experience, ProfileLanguage, VolunteerProfile


class ProfileLanguageInline(admin.TabularInline):
    model = ProfileLanguage
    extra = 0


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "first_name",
        "last_name",
        "birth_date",
        "gender",
        "nationality_status",
        "region",
    )
    list_filter = ("nationality_status", "gender", "region", "education_level")
    search_fields = ("user__email", "first_name", "last_name", "phone")
    autocomplete_fields = ("user",)
    list_select_related = ("user",)
    inlines = [ProfileLanguageInline]


@admin.register(Experience)
class ExperienceAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "organisation", "start_date", "end_date", "verification_status")
    list_filter = ("verification_status", "country")
    search_fields = ("volunteer__email", "organisation", "programme")
    autocomplete_fields = ("volunteer",)
    readonly_fields = ("verified_by", "verified_at")
    list_select_related = ("volunteer",)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = (
        "volunteer",
        "kind",
        "original_name",
        "expiry_date",
        "verification_status",
        "uploaded_at",
    )
    list_filter = ("kind", "verification_status")
    search_fields = ("volunteer__email", "original_name")
    autocomplete_fields = ("volunteer",)
    readonly_fields = ("content_type", "size", "verified_by", "verified_at")
    list_select_related = ("volunteer",)
