from datetime import date

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anvt.forms import DateInput
from missions.enums import ApplicationStatus
from missions.models import Application, ApplicationChoice, Mission, Theme
from notifications.families import EVENT_LABELS
from notifications.models import Channel, Notification, State
from volunteers.enums import Gender, Region, VerificationStatus
from volunteers.models import Experience

YES_NO = [("yes", _("Oui")), ("no", _("Non"))]
ELIGIBILITY = [("yes", _("Éligible")), ("no", _("Non éligible")), ("unknown", _("Pas vérifiée"))]
ORDERING = [
    ("-submitted", _("Envoi : plus récentes")),
    ("submitted", _("Envoi : plus anciennes")),
    ("name", _("Nom (A → Z)")),
    ("-score", _("Note : meilleures d'abord")),
    ("score", _("Note : plus faibles d'abord")),
]
ORDER_BY = {
    "-submitted": ["-submitted_at", "-id"],
    "submitted": ["submitted_at", "id"],
    "name": [
        "volunteer__volunteer_profile__last_name",
        "volunteer__volunteer_profile__first_name",
        "id",
    ],
    # Applications not reviewed yet come last, whichever the direction.
    "-score": [F("review_score").desc(nulls_last=True), "-id"],
    "score": [F("review_score").asc(nulls_last=True), "id"],
}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class ApplicationFilter(django_filters.FilterSet):
    """The staff's list of applications. Built with Exists() rather than joins, so that a filter
    never duplicates rows nor forces a DISTINCT over 50 000 applications."""

    q = django_filters.CharFilter(label=_("Nom ou e-mail"), method="search")
    call = django_filters.ModelChoiceFilter(label=_("Appel"), queryset=None, empty_label=_("Tous"))
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=ApplicationStatus.choices, empty_label=_("Tous")
    )
    mission = django_filters.ModelChoiceFilter(
        label=_("Mission"), queryset=None, method="with_mission", empty_label=_("Toutes")
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Thème"), queryset=Theme.objects.all(), method="with_theme", empty_label=_("Tous")
    )
    gender = django_filters.ChoiceFilter(
        label=_("Genre"),
        choices=Gender.choices,
        field_name="volunteer__volunteer_profile__gender",
        empty_label=_("Tous"),
    )
    region = django_filters.ChoiceFilter(
        label=_("Région"),
        choices=Region.choices,
        field_name="volunteer__volunteer_profile__region",
        empty_label=_("Toutes"),
    )
    age_min = django_filters.NumberFilter(
        label=_("Âge minimum"),
        method="older_than",
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"min": 15, "max": 99}),
    )
    age_max = django_filters.NumberFilter(
        label=_("Âge maximum"),
        method="younger_than",
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"min": 15, "max": 99}),
    )
    eligible = django_filters.ChoiceFilter(
        label=_("Éligibilité"),
        choices=ELIGIBILITY,
        method="by_eligibility",
        empty_label=_("Toutes"),
    )
    verified_experience = django_filters.ChoiceFilter(
        label=_("Expérience vérifiée"),
        choices=YES_NO,
        method="by_verified_experience",
        empty_label=_("Tous"),
    )
    score_min = django_filters.NumberFilter(
        label=_("Note moyenne minimum (sur 20)"),
        field_name="review_score",
        lookup_expr="gte",
        widget=forms.NumberInput(attrs={"min": 0, "max": 20, "step": "0.5"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Tri"), choices=ORDERING, method="sort_by", empty_label=None
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["call"].queryset = calls
        self.filters["mission"].queryset = Mission.objects.filter(calls__in=calls).distinct()
        self.form.fields["sort"].initial = "-submitted"

    def search(self, queryset, name, value):
        for term in value.split()[:4]:
            queryset = queryset.filter(
                Q(volunteer__email__icontains=term)
                | Q(volunteer__volunteer_profile__last_name__icontains=term)
                | Q(volunteer__volunteer_profile__first_name__icontains=term)
            )
        return queryset

    def with_mission(self, queryset, name, value):
        return queryset.filter(
            Exists(ApplicationChoice.objects.filter(application=OuterRef("pk"), mission=value))
        )

    def with_theme(self, queryset, name, value):
        return queryset.filter(
            Exists(
                ApplicationChoice.objects.filter(application=OuterRef("pk"), mission__theme=value)
            )
        )

    def _reference(self) -> date:
        call = getattr(self.form, "cleaned_data", {}).get("call")
        return call.effective_reference_date if call else timezone.localdate()

    def older_than(self, queryset, name, value):
        return queryset.filter(
            volunteer__volunteer_profile__birth_date__lte=years_before(
                self._reference(), int(value)
            )
        )

    def younger_than(self, queryset, name, value):
        return queryset.filter(
            volunteer__volunteer_profile__birth_date__gt=years_before(
                self._reference(), int(value) + 1
            )
        )

    def by_eligibility(self, queryset, name, value):
        if value == "unknown":
            return queryset.filter(eligibility_report__isnull=True)
        return queryset.filter(eligibility_report__eligible=value == "yes")

    def by_verified_experience(self, queryset, name, value):
        verified = Exists(
            Experience.objects.filter(
                volunteer=OuterRef("volunteer"), verification_status=VerificationStatus.VERIFIED
            )
        )
        return queryset.filter(verified if value == "yes" else ~verified)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*ORDER_BY.get(value, ORDER_BY["-submitted"]))

    @property
    def qs(self):
        queryset = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("sort"):
            queryset = queryset.order_by(*ORDER_BY["-submitted"])
        return queryset


class OutboxFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("État"), choices=State.choices, empty_label=_("Tous")
    )
    event = django_filters.ChoiceFilter(
        label=_("Événement"), choices=list(EVENT_LABELS.items()), empty_label=_("Tous")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Canal"), choices=Channel.choices, empty_label=_("Tous")
    )
    since = django_filters.DateFilter(
        label=_("Depuis le"), field_name="created_at", lookup_expr="date__gte", widget=DateInput()
    )
    until = django_filters.DateFilter(
        label=_("Jusqu'au"), field_name="created_at", lookup_expr="date__lte", widget=DateInput()
    )
    q = django_filters.CharFilter(
        label=_("Destinataire"), field_name="user__email", lookup_expr="icontains"
    )

    class Meta:
        model = Notification
        fields: list[str] = []
