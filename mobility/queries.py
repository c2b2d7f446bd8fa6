"""Reads of the mobility file: a contingent's readiness board, one placement's file."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from missions.enums import PlacementStatus
from missions.models import Contingent, Placement
from mobility.enums import ITEM_READY, ItemState
from mobility.models import ChecklistItem, MobilityItem

# The placements a board shows: confirmed, then on their way (the file stays readable).
ON_BOARD = [
    PlacementStatus.CONFIRMED,
    PlacementStatus.DEPARTED,
    PlacementStatus.ARRIVED,
]


@dataclass
class BoardRow:
    placement: Placement
    cells: list[MobilityItem | None]
    days_left: int
    late: int = 0
    ready: bool = False


@dataclass
class Board:
    columns: list[ChecklistItem]
    rows: list[BoardRow] = field(default_factory=list)

    @property
    def ready_count(self) -> int:
        return sum(row.ready for row in self.rows)

    def only(self, column_id: int) -> "Board":
        """The same board with one item's column (a filter that needs no query)."""
        keep = [i for i, column in enumerate(self.columns) if column.pk == column_id]
        return Board(
            columns=[self.columns[i] for i in keep],
            rows=[
                BoardRow(
                    row.placement, [row.cells[i] for i in keep], row.days_left, row.late, row.ready
                )
                for row in self.rows
            ],
        )


def readiness_board(contingent: Contingent, placements=None, *, only_late: bool = False) -> Board:
    """One row per volunteer of the contingent, one column per checklist item, in three queries
    whatever the size. `placements`: the rows to show (a partner's, say), default all."""
    today = timezone.localdate()
    placements = list(
        (placements if placements is not None else contingent.placements.all())
        .filter(contingent=contingent, status__in=ON_BOARD)
        .select_related("volunteer__volunteer_profile", "mission", "contingent")
        .order_by("volunteer__volunteer_profile__last_name", "pk")
    )
    items = MobilityItem.objects.filter(placement__in=placements).select_related("template")
    by_placement: dict[int, dict[int, MobilityItem]] = {}
    templates: dict[int, ChecklistItem] = {}
    for item in items:
        by_placement.setdefault(item.placement_id, {})[item.template_id] = item
        templates[item.template_id] = item.template
    columns = sorted(templates.values(), key=lambda t: (t.country.code, t.position, t.pk))
    board = Board(columns=columns)
    for placement in placements:
        own = by_placement.get(placement.pk, {})
        cells = [own.get(template.pk) for template in columns]
        present = list(own.values())
        row = BoardRow(
            placement=placement,
            cells=cells,
            days_left=(placement.planned_departure - today).days,
            late=sum(cell.is_late(today) for cell in present),
            ready=bool(present) and all(cell.state in ITEM_READY for cell in present),
        )
        if only_late and not row.late:
            continue
        board.rows.append(row)
    return board


def board_csv(board: Board) -> tuple[list[str], Iterable[tuple]]:
    """The board as rows for anvt.http.csv_response: one column per item, its state (and its
    date where it has one)."""
    labels = dict(ItemState.choices)
    header = [
        _("Nom"),
        _("Prénoms"),
        _("Mission"),
        _("Départ prévu"),
        _("Jours restants"),
        _("En retard"),
        *[column.label for column in board.columns],
    ]

    def rows():
        for row in board.rows:
            profile = getattr(row.placement.volunteer, "volunteer_profile", None)
            yield (
                getattr(profile, "last_name", ""),
                getattr(profile, "first_name", ""),
                row.placement.mission.title,
                row.placement.planned_departure.isoformat(),
                row.days_left,
                row.late,
                *[
                    ""
                    if cell is None
                    else labels[cell.state]
                    + (f" ({cell.date_value.isoformat()})" if cell.date_value else "")
                    for cell in row.cells
                ],
            )

    return header, rows()


def file_of(placement: Placement) -> list[MobilityItem]:
    return list(placement.mobility_items.with_template())
