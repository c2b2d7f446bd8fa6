"""The programme's figures for the dashboard: one or two aggregate queries a panel, whatever the
number of applications (issue 18)."""

from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from django.db.models import CharField, Count, DurationField, ExpressionWrapper, F, Value
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


PLACEMENT_ENDED = [PlacementStatus.COMPLETED, PlacementStatus.INTERRUPTED]


def _flow(rows, direction: str, *, year: str, country: str, theme: str):
    """People per year, country and theme, in the columns both flows share for their UNION."""
    return (
        rows.annotate(
            direction=Value(direction, output_field=CharField()),
            year=ExtractYear(year),
            country=F(country),
            theme_fr=F(f"{theme}__name_fr"),
            theme_en=F(f"{theme}__name_en"),
        )
        .values("direction", "year", "country", "theme_fr", "theme_en")
        .annotate(n=Count("id"))
        .order_by()
    )


def flows() -> tuple[list[dict], list[dict], int]:
    """Volunteers sent abroad (departed placements) and received in Togo (incoming volunteers
    past their declaration), per year, country and theme, and how many running declarations are
    at a host ANVT has not verified (issue 21): all in one query."""
    outgoing = _flow(
        Placement.objects.filter(
            status__in=[PlacementStatus.DEPARTED, PlacementStatus.ARRIVED, *PLACEMENT_ENDED]
        ),
        "out",
        year="actual_departure",
        country="mission__country",
        theme="mission__theme",
    )
    incoming = _flow(
        IncomingVolunteer.objects.exclude(status=IncomingStatus.DECLARED),
        "in",
        year="arrival_date",
        country="nationality",
        theme="theme",
    )
    flagged = _flow(
        IncomingVolunteer.objects.flagged(),
        "flagged",
        year="arrival_date",
        country="nationality",
        theme="theme",
    )
    panels = {"out": [], "in": [], "flagged": []}
    for row in outgoing.union(incoming, flagged, all=True).order_by():
        panels[row["direction"]].append(
            {
                "year": row["year"],
                "country": countries.name(row["country"]),
                "theme": _theme_name(row["theme_fr"], row["theme_en"]),
                "n": row["n"],
            }
        )
    for rows in panels.values():
        rows.sort(key=lambda row: (-(row["year"] or 0), row["country"]))
    return panels["out"], panels["in"], sum(row["n"] for row in panels["flagged"])


def balances() -> dict[str, list[Bar]]:
    """Selected volunteers by gender and by region, from one grouped query."""
    rows = (
        Application.objects.filter(status__in=SELECTED_OR_LATER)
        .values("volunteer__volunteer_profile__gender", "volunteer__volunteer_profile__region")
        .annotate(n=Count("id"))
        .order_by()
    )
    totals = {"gender": defaultdict(int), "region": defaultdict(int)}
    for row in rows:
        for field in totals:
            totals[field][row[f"volunteer__volunteer_profile__{field}"]] += row["n"]
    result = {}
    for field, choices in (("gender", Gender.choices), ("region", Region.choices)):
        labels = dict(choices)
        ranked = sorted(totals[field].items(), key=lambda item: -item[1])
        result[field] = bars([(labels.get(value) or _("Non renseigné"), n) for value, n in ranked])
    return result


def median_days_to_decision() -> float | None:
    """The median time from submission to decision: the middle one or two applications in that
    order, read by the database (two queries, whatever the number of applications)."""
    decided = Application.objects.filter(submitted_at__isnull=False, decided_at__isnull=False)
    count = decided.count()
    if not count:
        return None
    span = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    middle = (
        decided.annotate(span=span)
        .order_by("span")
        .values_list("span", flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    return round(median(value.total_seconds() / 86400 for value in middle), 1)


def figures() -> dict:
    calls = list(Call.objects.order_by("-closes_at")[:6])
    outgoing, incoming, flagged = flows()
    return {
        "pipelines": call_pipelines(calls),
        "outgoing": outgoing,
        "incoming": incoming,
        **balances(),
        "median_days": median_days_to_decision(),
        # Foreign volunteers declared at a host ANVT has not verified, or no longer (issue 21).
        "flagged_incoming": flagged,
    }
