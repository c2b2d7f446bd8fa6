"""The programme's public figures (issue 21): for one year, how many applied, were eligible,
were selected, left and completed their mission, per call and by region of Togo, gender and
residence, and the foreign volunteers received in Togo by nationality and theme. Every count
goes through `disclosure.protect`: no small count, and none that subtraction would give back.

The year of an application is the year its call closed (and its contingents are that call's);
of a foreign volunteer, the year they arrived. Seven queries, whatever the number of
applications. Nobody belongs to a contingent before being selected, so the funnel is counted per
call, each call named with the contingents it formed.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from missions.enums import ApplicationStatus, IncomingStatus
from missions.models import Application, Call, Contingent, IncomingVolunteer, Theme
from reciprocity.disclosure import THRESHOLD, protect_together
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
NOT_SAID = "none"
OTHERS = "others"
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


def _tables(specs: list[tuple], columns: list[tuple[str, str]]) -> list[Table]:
    """Tables of the same people, protected together (`disclosure.protect_together`). Each spec
    is (key, title, header, categories, counts): `categories` are (value, label) in the order
    shown, every one of them even when empty (a row that appears only when someone is in it
    would say so); `counts` are {value: [one count per column]}. `columns`: (full, short)."""
    width = len(columns)
    protected = protect_together(
        [
            [counts.get(value, [0] * width) for value, _label in categories]
            for _key, _title, _header, categories, counts in specs
        ],
        width,
    )
    return [
        Table(
            key=key,
            title=str(title),
            header=str(header),
            columns=[str(full) for full, _short in columns],
            short=[str(short) for _full, short in columns],
            rows=[
                (str(label), [cell.published() for cell in row])
                for (_value, label), row in zip(categories, cells, strict=True)
            ],
            total=[cell.published() for cell in totals],
        )
        for (key, title, header, categories, counts), (cells, totals) in zip(
            specs, protected, strict=True
        )
    ]


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

    # Each call with the contingents it formed: nobody belongs to a contingent before being
    # selected, and a contingent's own counts would give back its call's by subtraction.
    calls = list(
        Call.objects.filter(closes_at__year=year, applications__submitted_at__isnull=False)
        .distinct()
        .order_by("closes_at", "pk")
        .only("pk", "title")
        .prefetch_related(Prefetch("contingents", queryset=Contingent.objects.order_by("name")))
    )
    tables = _tables(
        [
            (
                "call",
                _("Par appel et ses contingents"),
                _("Appel"),
                [(c.pk, _call_label(c)) for c in calls],
                by["call"],
            ),
            (
                "region",
                _("Par région du Togo"),
                _("Région"),
                [*Region.choices, (NOT_SAID, _("Non renseignée (dont la diaspora)"))],
                by["region"],
            ),
            (
                "gender",
                _("Par genre"),
                _("Genre"),
                [*Gender.choices, (NOT_SAID, _("Non renseigné"))],
                by["gender"],
            ),
            (
                "residence",
                _("Résident·e·s et diaspora"),
                _("Résidence"),
                RESIDENCE,
                by["residence"],
            ),
        ],
        [(label, SHORT[key]) for key, label, _q in STAGES],
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
    # A nationality of fewer than five people joins the others: its row alone would say that
    # someone of that country came.
    shown = sorted(
        (code for code, n in nationality.items() if n >= THRESHOLD),
        key=lambda code: str(countries.name(code)),
    )
    nationalities = {code: [nationality[code]] for code in shown}
    nationalities[OTHERS] = [sum(n for code, n in nationality.items() if code not in shown)]
    themes = list(
        Theme.objects.filter(Q(active=True) | Q(pk__in=list(theme))).order_by("position", "pk")
    )
    received_label = _("Volontaires accueilli·e·s")
    inbound = _tables(
        [
            (
                "nationality",
                _("Par nationalité"),
                _("Nationalité"),
                [
                    *((code, countries.name(code)) for code in shown),
                    (OTHERS, _("Autres nationalités")),
                ],
                nationalities,
            ),
            (
                "theme",
                _("Par thème"),
                _("Thème"),
                [(t.pk, t.name) for t in themes],
                {pk: [n] for pk, n in theme.items()},
            ),
        ],
        [(received_label, received_label)],
    )
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


def _call_label(call) -> str:
    names = [contingent.name for contingent in call.contingents.all()]
    if not names:
        return call.title
    return _("%(call)s (contingents : %(names)s)") % {"call": call.title, "names": ", ".join(names)}


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
