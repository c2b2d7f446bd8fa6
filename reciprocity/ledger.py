"""The reciprocity ledger (issue 21): per partner and per year, the volunteers Togo sent to it
and the ones it sent to Togo, by where they stand, their balance, and each flow against the
yearly quota of the partner's agreements. Four queries, whatever the number of rows.

- Sent: placements of the partner's contingents, neither declined nor cancelled, counted in the
  year of the actual departure, else the contingent's planned departure, else the mission's start.
- Received: foreign volunteers declared for Togo, counted in their year of arrival, for the
  sending agency that sent them: the declaring partner when it is one, else the sending agency
  whose name the declaration gives (a host structure in Togo declares for its sender). Those
  whose sender is not a partner of ANVT make a line of their own.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from missions.enums import IncomingStatus, PlacementStatus
from missions.models import IncomingVolunteer, Placement
from partners.enums import OrganisationKind
from partners.models import Agreement, PartnerOrganisation

# Where each volunteer stands, in the ledger's four columns.
STAGES = {
    "planned": _("prévus"),
    "away": _("partis, en mission"),
    "completed": _("terminés"),
    "interrupted": _("interrompus"),
}
SENT_STAGE = {
    PlacementStatus.PLANNED: "planned",
    PlacementStatus.PROPOSED: "planned",
    PlacementStatus.HOST_PENDING: "planned",
    PlacementStatus.CONFIRMED: "planned",
    PlacementStatus.DEPARTED: "away",
    PlacementStatus.ARRIVED: "away",
    PlacementStatus.COMPLETED: "completed",
    PlacementStatus.INTERRUPTED: "interrupted",
}
RECEIVED_STAGE = {
    IncomingStatus.DECLARED: "planned",
    IncomingStatus.VALIDATED: "planned",
    IncomingStatus.ARRIVED: "away",
    IncomingStatus.COMPLETED: "completed",
    IncomingStatus.INTERRUPTED: "interrupted",
}


@dataclass
class Flow:
    """One direction of one line: counts per stage, and the quota of that year (None when no
    agreement covers the year)."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    quota: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def share(self) -> int | None:
        """The total as a percentage of the quota."""
        return round(100 * self.total / self.quota) if self.quota else None


@dataclass
class Line:
    partner: PartnerOrganisation
    year: int
    sent: Flow = field(default_factory=Flow)
    received: Flow = field(default_factory=Flow)

    @property
    def balance(self) -> int:
        """Sent minus received: above zero, Togo sends more than it receives from this partner."""
        return self.sent.total - self.received.total


def years() -> list[int]:
    """Every year with a flow or an agreement, newest first (three queries)."""
    found = set()
    for agreement in Agreement.objects.only("starts_on", "ends_on"):
        found.update(agreement.years())
    found.update(_sent().values_list("year", flat=True).distinct())
    found.update(
        IncomingVolunteer.objects.annotate(year=ExtractYear("arrival_date"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(filter(None, found), reverse=True)


def _sent():
    return (
        Placement.objects.exclude(status__in=[PlacementStatus.DECLINED, PlacementStatus.CANCELLED])
        .annotate(
            year=ExtractYear(
                Coalesce("actual_departure", "contingent__planned_departure", "mission__start_date")
            )
        )
        .order_by()
    )


def _received():
    sender = PartnerOrganisation.objects.filter(
        kind=OrganisationKind.SENDING_AGENCY, name__iexact=OuterRef("sending_organisation")
    ).values("pk")[:1]
    return IncomingVolunteer.objects.annotate(
        year=ExtractYear("arrival_date"),
        sender=Case(
            When(partner__kind=OrganisationKind.SENDING_AGENCY, then=F("partner")),
            default=Subquery(sender),
        ),
    ).order_by()


def yearly_quota(quota: int, starts: date, ends: date, year: int) -> int:
    """The share of a yearly quota that falls in `year`: all of it for a year the agreement
    covers whole, in proportion to its days otherwise (an agreement ending on 30 June and the
    next one starting on 1 July share that year's quota instead of each counting it whole)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = (min(ends, last) - max(starts, first)).days + 1
    if days <= 0:
        return 0
    return round(quota * days / ((last - first).days + 1))


def lines(
    *,
    year: int | None = None,
    partner: PartnerOrganisation | None = None,
    as_partner: bool = False,
) -> list[Line]:
    """The ledger's lines for one year (every partner with a flow or an agreement that year),
    or for one partner (every year), or both. Sorted by year, newest first, then by name; the
    line of volunteers whose sender is no partner (partner None) comes last. `as_partner`: as
    the partner sees it, without the placements ANVT is still planning (not yet proposed)."""
    sent = _sent()
    if as_partner:
        sent = sent.exclude(status=PlacementStatus.PLANNED)
    received = _received()
    agreements = Agreement.objects.all()
    if year is not None:
        sent, received = sent.filter(year=year), received.filter(year=year)
        agreements = agreements.covering(year)
    if partner is not None:
        sent = sent.filter(contingent__partner=partner)
        received = received.filter(sender=partner.pk)
        agreements = agreements.filter(partner=partner)

    table: dict[tuple[int | None, int], Line] = {}

    def line(partner_id: int, line_year: int) -> Line:
        key = (partner_id, line_year)
        if key not in table:
            table[key] = Line(partner=partner_id, year=line_year)
        return table[key]

    for row in sent.values("contingent__partner", "year", "status").annotate(n=Count("id")):
        line(row["contingent__partner"], row["year"]).sent.counts[SENT_STAGE[row["status"]]] += row[
            "n"
        ]
    for row in received.values("sender", "year", "status").annotate(n=Count("id")):
        line(row["sender"], row["year"]).received.counts[RECEIVED_STAGE[row["status"]]] += row["n"]
    quotas = defaultdict(lambda: [0, 0])
    for agreement in agreements:
        for agreement_year in agreement.years():
            if year is not None and agreement_year != year:
                continue
            for index, quota in enumerate((agreement.quota_sent, agreement.quota_received)):
                quotas[agreement.partner_id, agreement_year][index] += yearly_quota(
                    quota, agreement.starts_on, agreement.ends_on, agreement_year
                )
    for (partner_id, quota_year), (quota_sent, quota_received) in quotas.items():
        entry = line(partner_id, quota_year)
        entry.sent.quota, entry.received.quota = quota_sent, quota_received

    organisations = PartnerOrganisation.objects.in_bulk({key[0] for key in table} - {None})
    for entry in table.values():
        entry.partner = organisations.get(entry.partner)
    return sorted(
        table.values(),
        key=lambda entry: (
            -entry.year,
            entry.partner is None,
            entry.partner and entry.partner.name,
        ),
    )


def totals(rows: list[Line]) -> Line | None:
    """The sum of the lines (one year's), quotas included where any is set."""
    if not rows:
        return None
    total = Line(partner=None, year=rows[0].year)
    for entry in rows:
        for direction in ("sent", "received"):
            mine, theirs = getattr(total, direction), getattr(entry, direction)
            for stage, n in theirs.counts.items():
                mine.counts[stage] += n
            if theirs.quota is not None:
                mine.quota = (mine.quota or 0) + theirs.quota
    return total


def sending_partners():
    return PartnerOrganisation.objects.filter(kind=OrganisationKind.SENDING_AGENCY)
