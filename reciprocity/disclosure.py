"""Small counts kept private in published tables (issue 21).

A count below THRESHOLD could point at a person ("the only woman from Savanes who left in
2025"), so it is published as "< 5". That alone is not enough: a table publishes its total, and
a count hidden alone in a column would be its total minus the others. So in each column that
adds up to a published total, hiding goes on, smallest counts first, until no hidden count can
be worked out from what is shown:

- at least two counts are hidden in the column (no subtraction gives one of them);
- their sum is not at either end of what the reader knows of them: a "< 5" is between 0 and 4,
  another hidden count at least 5, and a count is never more than the one of the stage before it
  on the same row (nor less than the stage after it), when those are shown. At an end, every
  hidden count would be pinned to its bound (two "< 5" adding up to 0 are both 0).

A column of a table is a list of counts whose sum is the table's total for that stage; the
funnel's stages are nested (eligible ≤ applied), which is what the row bounds use. Pure: no
database, no Django.
"""

from dataclasses import dataclass

THRESHOLD = 5
UNBOUNDED = 10**9


@dataclass
class Cell:
    value: int
    hidden: bool = False
    small: bool = False  # below the threshold: shown as "< 5"

    def published(self) -> int | str | None:
        """What the reader gets: the count, "< 5", or None (hidden to protect a small one)."""
        if self.small:
            return f"< {THRESHOLD}"
        return None if self.hidden else self.value


def _bounds(rows: list[list[Cell]], row: int, column: int) -> tuple[int, int]:
    cell = rows[row][column]
    low, high = (0, THRESHOLD - 1) if cell.small else (THRESHOLD, UNBOUNDED)
    if column + 1 < len(rows[row]) and not rows[row][column + 1].hidden:
        low = max(low, rows[row][column + 1].value)  # the next stage is a subset of this one
    if column > 0 and not rows[row][column - 1].hidden:
        high = min(high, rows[row][column - 1].value)
    return low, high


def _safe(rows, column: int, hidden: list[int]) -> bool:
    if not hidden:
        return True
    if len(hidden) < 2:
        return False
    total = sum(rows[row][column].value for row in hidden)
    bounds = [_bounds(rows, row, column) for row in hidden]
    return sum(low for low, _high in bounds) < total < sum(high for _low, high in bounds)


def protect(table: list[list[int]], width: int) -> tuple[list[list[Cell]], list[Cell]]:
    """Cells of a table of counts (rows: categories that together make the total; columns:
    nested stages), and its total row, with small counts marked and enough others hidden that
    no hidden count can be worked out from the published ones and the total."""
    rows = [[Cell(value) for value in row] for row in table]
    totals = [Cell(sum(row[column] for row in table)) for column in range(width)]
    for cell in [*totals, *(cell for row in rows for cell in row)]:
        if cell.value < THRESHOLD:
            cell.small = cell.hidden = True
    changed = True
    while changed:  # hiding a count widens the bounds of its neighbours: until nothing moves
        changed = False
        for column in range(width):
            if totals[column].small:
                continue  # the total is hidden too: no sum to subtract from
            hidden = [row for row in range(len(rows)) if rows[row][column].hidden]
            if _safe(rows, column, hidden):
                continue
            shown = sorted(
                (rows[row][column].value, row)
                for row in range(len(rows))
                if not rows[row][column].hidden
            )
            if shown:
                rows[shown[0][1]][column].hidden = True
                changed = True
    return rows, totals
