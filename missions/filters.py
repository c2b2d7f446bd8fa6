from datetime import date

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from missions.enums import Direction
from missions.models import Mission, MissionLanguage, Theme
from volunteers.enums import SpokenLanguage


def _month_choices():
    """The next eighteen months, as 'YYYY-MM' with a localised label."""
    today = timezone.localdate()
    choices = []
    for offset in range(18):
        year, month = divmod(today.month - 1 + offset, 12)
        first = date(today.year + year, month + 1, 1)
        choices.append((first.strftime("%Y-%m"), formats.date_format(first, "YEAR_MONTH_FORMAT")))
    return choices


def _country_choices():
    codes = Mission.objects.published().order_by().values_list("country", flat=True).distinct()
    return sorted(((code, countries.name(code)) for code in codes), key=lambda item: item[1])


class MissionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Mot-clé, ville…")}),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Thème"), queryset=Theme.objects.filter(active=True), empty_label=_("Tous")
    )
    country = django_filters.ChoiceFilter(
        label=_("Pays"), choices=_country_choices, empty_label=_("Tous")
    )
    direction = django_filters.ChoiceFilter(
        label=_("Sens"), choices=Direction.choices, empty_label=_("Tous")
    )
    start_month = django_filters.ChoiceFilter(
        label=_("Début"), choices=_month_choices, method="starting_in", empty_label=_("Tous")
    )
    language = django_filters.ChoiceFilter(
        label=_("Langue demandée"),
        choices=SpokenLanguage.choices,
        method="requiring_language",
        empty_label=_("Toutes"),
    )

    class Meta:
        model = Mission
        fields = ["q", "theme", "country", "direction", "start_month", "language"]

    def search(self, queryset, name, value):
        terms = value.split()[:5]
        for term in terms:
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(description__icontains=term)
                | Q(city__icontains=term)
                | Q(partner__name__icontains=term)
            )
        return queryset

    def starting_in(self, queryset, name, value):
        year, month = (int(part) for part in value.split("-"))
        return queryset.filter(start_date__year=year, start_date__month=month)

    def requiring_language(self, queryset, name, value):
        return queryset.filter(
            Exists(MissionLanguage.objects.filter(mission=OuterRef("pk"), language=value))
        )
