"""The programme's figures for the dashboard, each in one aggregate query."""

from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from missions.enums import ApplicationStatus, IncomingStatus, PlacementStatus
from missions.models import Application, Call, IncomingVolunteer, Placement
from volunteers.enums import Gender, Region

SELECTED_OR_LATER = [
    ApplicationStatus.SELECTED,
    ApplicationStatus.DEPARTED,
    ApplicationStatus.ON_MISSION,
    ApplicationStatus.COMPLETED,
    ApplicationStatus.INTERRUPTED,
]
FUNNEL = [
    (_("Envoyées"), None),
    (
        _("Éligibles"),
        {
            ApplicationStatus.ELIGIBLE,
            ApplicationStatus.UNDER_REVIEW,
            ApplicationStatus.SHORTLISTED,
            ApplicationStatus.WAITLISTED,
            ApplicationStatus.PROPOSED,
            *SELECTED_OR_LATER,
        },
    ),
    (
        _("Examinées"),
        {
            ApplicationStatus.UNDER_REVIEW,
            ApplicationStatus.SHORTLISTED,
            ApplicationStatus.WAITLISTED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.PROPOSED,
            *SELECTED_OR_LATER,
        },
    ),
    (
        _("Présélectionnées"),
        {
            ApplicationStatus.SHORTLISTED,
            ApplicationStatus.WAITLISTED,
            ApplicationStatus.PROPOSED,
            *SELECTED_OR_LATER,
        },
    ),
    (_("Sélectionnées"), set(SELECTED_OR_LATER)),
    (
        _("Parties"),
        {
            ApplicationStatus.DEPARTED,
            ApplicationStatus.ON_MISSION,
            ApplicationStatus.COMPLETED,
            ApplicationStatus.INTERRUPTED,
        },
    ),
]


BAR_HEIGHT = 26
BAR_SPACE = 330  # SVG units for the longest bar; labels take the 200 units to its left


@dataclass
class Bar:
    label: str
    value: int | float
    length: float = 0  # in SVG units
    y: int = 0


def bars(rows: list[tuple[str, int | float]]) -> list[Bar]:
    top = max((value for _label, value in rows), default=0) or 1
    return [
        Bar(str(label), value, round(BAR_SPACE * value / top, 1), index * BAR_HEIGHT)
        for index, (label, value) in enumerate(rows)
    ]


def call_pipelines(calls) -> list[dict]:
    counts = defaultdict(dict)
    for row in (
        Application.objects.filter(call__in=calls)
        .exclude(status=ApplicationStatus.DRAFT)
        .values("call", "status")
        .annotate(n=Count("id"))
    ):
        counts[row["call"]][row["status"]] = row["n"]
    labels = dict(ApplicationStatus.choices)
    pipelines = []
    for call in calls:
        by_status = counts.get(call.pk, {})
        total = sum(n for status, n in by_status.items() if status != ApplicationStatus.WITHDRAWN)
        funnel = [
            (label, total if statuses is None else sum(by_status.get(s, 0) for s in statuses))
            for label, statuses in FUNNEL
        ]
        pipelines.append(
            {
                "call": call,
                "statuses": [(labels[s], n) for s, n in sorted(by_status.items())],
                "funnel": bars(funnel),
            }
        )
    return pipelines


def _theme_name(french: str, english: str) -> str:
    """A theme's name in the reader's language, as Theme.name gives it."""
    return english if (get_language() or "fr").startswith("en") and english else french


def outgoing_flows() -> list[dict]:
    rows = (
        Placement.objects.filter(
            status__in=[PlacementStatus.DEPARTED, PlacementStatus.ARRIVED, *PLACEMENT_ENDED]
        )
        .annotate(year=ExtractYear("actual_departure"))
        .values("year", "mission__country", "mission__theme__name_fr", "mission__theme__name_en")
        .annotate(n=Count("id"))
        .order_by("-year", "mission__country")
    )
    return [
        {
            "year": row["year"],
            "country": countries.name(row["mission__country"]),
            "theme": _theme_name(row["mission__theme__name_fr"], row["mission__theme__name_en"]),
            "n": row["n"],
        }
        for row in rows
    ]


PLACEMENT_ENDED = [PlacementStatus.COMPLETED, PlacementStatus.INTERRUPTED]


def incoming_flows() -> list[dict]:
    rows = (
        IncomingVolunteer.objects.exclude(status=IncomingStatus.DECLARED)
        .annotate(year=ExtractYear("arrival_date"))
        .values("year", "nationality", "theme__name_fr", "theme__name_en")
        .annotate(n=Count("id"))
        .order_by("-year", "nationality")
    )
    return [
        {
            "year": row["year"],
            "country": countries.name(row["nationality"]),
            "theme": _theme_name(row["theme__name_fr"], row["theme__name_en"]),
            "n": row["n"],
        }
        for row in rows
    ]


def balance(field: str, choices) -> list[Bar]:
    labels = dict(choices)
    rows = (
        Application.objects.filter(status__in=SELECTED_OR_LATER)
        .values(f"volunteer__volunteer_profile__{field}")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return bars(
        [
            (
                labels.get(row[f"volunteer__volunteer_profile__{field}"]) or _("Non renseigné"),
                row["n"],
            )
            for row in rows
        ]
    )


def median_days_to_decision() -> float | None:
    spans = [
        (decided - submitted).total_seconds() / 86400
        for submitted, decided in Application.objects.filter(
            submitted_at__isnull=False, decided_at__isnull=False
        ).values_list("submitted_at", "decided_at")
    ]
    return round(median(spans), 1) if spans else None


def figures() -> dict:
    calls = list(Call.objects.order_by("-closes_at")[:6])
    return {
        "pipelines": call_pipelines(calls),
        "outgoing": outgoing_flows(),
        "incoming": incoming_flows(),
        "gender": balance("gender", Gender.choices),
        "region": balance("region", Region.choices),
        "median_days": median_days_to_decision(),
    }
