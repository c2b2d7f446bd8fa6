"""The programme's public figures (issue 21): for one year, how many applied, were eligible,
were selected, left and completed their mission, per call and by region of Togo, gender and
residence, and the foreign volunteers received in Togo by nationality and theme. Every count
goes through `disclosure.protect`: no small count, and none that subtraction would give back.

The year of an application is the year its call closed (and its contingents are that call's);
of a foreign volunteer, the year they arrived. Seven queries, whatever the number of
applications. Nobody belongs to a contingent before being selected: the stages before that are
counted per call, the departures and completions per contingent too.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from missions.enums import ApplicationStatus, IncomingStatus, PlacementStatus
from missions.models import Application, Call, Contingent, IncomingVolunteer, Theme
from reciprocity.disclosure import THRESHOLD, protect
from volunteers.enums import Gender, NationalityStatus, Region

A = ApplicationStatus
DEPARTED = [A.DEPARTED, A.ON_MISSION, A.COMPLETED, A.INTERRUPTED]
SELECTED = [A.SELECTED, *DEPARTED]
# Statuses only an eligible application reaches (a rejection comes after a review).
REVIEWED = [A.ELIGIBLE, A.UNDER_REVIEW, A.SHORTLISTED, A.PROPOSED, A.WAITLISTED, A.REJECTED]
# Each stage is a subset of the one before: an application is counted eligible when its report
# says so or when its status could only follow eligibility, whatever the report says since (it
# is refreshed only while an application is open, and a withdrawn one keeps its last).
STAGES = [
    ("applied", _("Candidatures"), Q()),
    (
        "eligible",
        _("Éligibles"),
        Q(eligibility_report__eligible=True) | Q(status__in=[*REVIEWED, *SELECTED]),
    ),
    ("selected", _("Sélectionné·e·s"), Q(status__in=SELECTED)),
    ("departed", _("Parti·e·s"), Q(status__in=DEPARTED)),
    ("completed", _("Mission terminée"), Q(status=A.COMPLETED)),
]
SHORT = {
    "applied": pgettext_lazy("column", "Cand."),
    "eligible": pgettext_lazy("column", "Élig."),
    "selected": pgettext_lazy("column", "Sél."),
    "departed": pgettext_lazy("column", "Part."),
    "completed": pgettext_lazy("column", "Term."),
}
PLACEMENT_AWAY_OR_ENDED = [
    PlacementStatus.DEPARTED,
    PlacementStatus.ARRIVED,
    PlacementStatus.COMPLETED,
    PlacementStatus.INTERRUPTED,
]
NOT_SAID = "none"
RESIDENCE = [
    (NationalityStatus.TOGOLESE_RESIDENT, _("Au Togo")),
    (NationalityStatus.TOGOLESE_DIASPORA, _("Diaspora")),
    (NOT_SAID, _("Non renseigné")),
]
# Received in Togo: declarations ANVT validated (a declaration alone is not a volunteer yet).
RECEIVED = [
    IncomingStatus.VALIDATED,
    IncomingStatus.ARRIVED,
    IncomingStatus.COMPLETED,
    IncomingStatus.INTERRUPTED,
]
LICENCE = _(
    "Licence Creative Commons Attribution 4.0 International (CC BY 4.0) : réutilisation libre, "
    "en citant « ANVT (Agence Nationale du Volontariat au Togo) ». "
    "https://creativecommons.org/licenses/by/4.0/deed.fr"
)


@dataclass
class Table:
    key: str
    title: str
    header: str  # what a row is
    columns: list[str]
    short: list[str]  # the columns' names where a phone has room for five of them
    rows: list[tuple[str, list]]  # (label, published cells)
    total: list

    @property
    def header_cells(self) -> list[tuple[str, str]]:
        return list(zip(self.columns, self.short, strict=True))


def years() -> list[int]:
    """Years with a submitted application or a foreign volunteer received, newest first."""
    found = set(
        Call.objects.filter(applications__submitted_at__isnull=False)
        .annotate(year=ExtractYear("closes_at"))
        .values_list("year", flat=True)
        .distinct()
    )
    found.update(
        IncomingVolunteer.objects.filter(status__in=RECEIVED)
        .annotate(year=ExtractYear("arrival_date"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(found, reverse=True)


def _table(key, title, header, categories, counts, stages=STAGES) -> Table:
    """`categories`: (value, label) in the order shown, every one of them even when empty (a
    row that appears only when someone is in it would say so); `counts`: {value: [per stage]}."""
    width = len(stages)
    cells, totals = protect([counts.get(value, [0] * width) for value, _label in categories], width)
    return Table(
        key=key,
        title=str(title),
        header=str(header),
        columns=[str(label) for _key, label, _q in stages],
        short=[str(SHORT[key]) for key, _label, _q in stages],
        rows=[
            (str(label), [cell.published() for cell in row])
            for (_value, label), row in zip(categories, cells, strict=True)
        ],
        total=[cell.published() for cell in totals],
    )


def figures(year: int) -> dict:
    """Everything the public page, its CSV and its JSON show for `year`."""
    applications = (
        Application.objects.filter(submitted_at__isnull=False, call__closes_at__year=year)
        .values(
            "call",
            "volunteer__volunteer_profile__gender",
            "volunteer__volunteer_profile__region",
            "volunteer__volunteer_profile__nationality_status",
        )
        .annotate(**{key: Count("pk", filter=condition) for key, _label, condition in STAGES})
        .order_by()
    )
    by = {
        name: defaultdict(lambda: [0] * len(STAGES))
        for name in ("call", "gender", "region", "residence")
    }
    for row in applications:
        stages = [row[key] for key, _label, _q in STAGES]
        keys = {
            "call": row["call"],
            "gender": row["volunteer__volunteer_profile__gender"] or NOT_SAID,
            "region": row["volunteer__volunteer_profile__region"] or NOT_SAID,
            "residence": row["volunteer__volunteer_profile__nationality_status"]
            if row["volunteer__volunteer_profile__nationality_status"]
            in (NationalityStatus.TOGOLESE_RESIDENT, NationalityStatus.TOGOLESE_DIASPORA)
            else NOT_SAID,
        }
        for name, value in keys.items():
            for index, n in enumerate(stages):
                by[name][value][index] += n

    calls = list(
        Call.objects.filter(closes_at__year=year, applications__submitted_at__isnull=False)
        .distinct()
        .order_by("closes_at", "pk")
        .only("pk", "title")
    )
    tables = [
        _table(
            "call",
            _("Par appel à candidatures"),
            _("Appel"),
            [(c.pk, c.title) for c in calls],
            by["call"],
        ),
        _table(
            "region",
            _("Par région du Togo"),
            _("Région"),
            [*Region.choices, (NOT_SAID, _("Non renseignée (dont la diaspora)"))],
            by["region"],
        ),
        _table(
            "gender",
            _("Par genre"),
            _("Genre"),
            [*Gender.choices, (NOT_SAID, _("Non renseigné"))],
            by["gender"],
        ),
        _table(
            "residence", _("Résident·e·s et diaspora"), _("Résidence"), RESIDENCE, by["residence"]
        ),
    ]

    # The contingents the year's calls formed: who left with each, and who completed.
    contingents = list(
        Contingent.objects.filter(call__closes_at__year=year)
        .annotate(
            departed=Count("placements", filter=Q(placements__status__in=PLACEMENT_AWAY_OR_ENDED)),
            completed=Count("placements", filter=Q(placements__status=PlacementStatus.COMPLETED)),
        )
        .order_by("call__closes_at", "name", "pk")
    )
    tables.append(
        _table(
            "contingent",
            _("Par contingent"),
            _("Contingent"),
            [(c.pk, c.name) for c in contingents],
            {c.pk: [c.departed, c.completed] for c in contingents},
            stages=STAGES[3:],
        )
    )

    received = (
        IncomingVolunteer.objects.filter(status__in=RECEIVED, arrival_date__year=year)
        .values("nationality", "theme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    nationality, theme = defaultdict(int), defaultdict(int)
    for row in received:
        nationality[row["nationality"]] += row["n"]
        theme[row["theme"]] += row["n"]
    themes = list(
        Theme.objects.filter(Q(active=True) | Q(pk__in=list(theme))).order_by("position", "pk")
    )
    inbound = [
        _inbound(
            "nationality",
            _("Par nationalité"),
            _("Nationalité"),
            sorted(
                ((code, countries.name(code)) for code in nationality),
                key=lambda item: str(item[1]),
            ),
            nationality,
        ),
        _inbound("theme", _("Par thème"), _("Thème"), [(t.pk, t.name) for t in themes], theme),
    ]
    return {
        "year": year,
        "computed_at": timezone.now(),
        "threshold": THRESHOLD,
        "stages": [(key, str(label)) for key, label, _q in STAGES],
        "tables": tables,
        # The year's funnel at a glance: each stage and its total.
        "summary": list(zip(tables[0].columns, tables[0].total, strict=True)),
        "inbound": inbound,
        "licence": str(LICENCE),
    }


def _inbound(key, title, header, categories, counts) -> Table:
    cells, totals = protect([[counts.get(value, 0)] for value, _label in categories], 1)
    return Table(
        key=key,
        title=str(title),
        header=str(header),
        columns=[str(_("Volontaires accueilli·e·s"))],
        short=[str(_("Volontaires accueilli·e·s"))],
        rows=[
            (str(label), [row[0].published()])
            for (_value, label), row in zip(categories, cells, strict=True)
        ],
        total=[cell.published() for cell in totals],
    )


def as_json(data: dict) -> dict:
    """The figures as plain JSON: hidden counts are null, small ones "< 5"."""

    def table(t: Table) -> dict:
        return {
            "key": t.key,
            "title": t.title,
            "row_label": t.header,
            "columns": t.columns,
            "rows": [{"label": label, "values": values} for label, values in t.rows],
            "total": t.total,
        }

    return {
        "year": data["year"],
        "computed_at": data["computed_at"].isoformat(timespec="seconds"),
        "licence": data["licence"],
        "rule": str(
            _(
                "Un effectif inférieur à %(n)s est publié « < %(n)s » ; d'autres effectifs sont "
                "masqués (null) pour qu'aucun ne puisse être retrouvé par soustraction."
            )
            % {"n": THRESHOLD}
        ),
        "applications": [table(t) for t in data["tables"]],
        "received_in_togo": [table(t) for t in data["inbound"]],
    }


def as_rows(data: dict):
    """The figures as CSV rows: year, table, row, column, value ("< 5", or empty when masked)."""
    for t in [*data["tables"], *data["inbound"]]:
        for label, values in [*t.rows, (str(_("Total")), t.total)]:
            for column, value in zip(t.columns, values, strict=True):
                yield [data["year"], t.title, label, column, "" if value is None else value]
