"""Small counts kept private in published tables (issue 21).

A count below THRESHOLD could point at a person ("the only woman from Savanes who left in
2025"), so it is published as "< 5". That alone is not enough: a table publishes its total, and
a count hidden alone in a column would be its total minus the others. So in each column that
adds up to a published total, hiding goes on, smallest counts first, until no hidden count can
be worked out from what is shown:

- at least two counts are hidden in the column (no subtraction gives one of them);
- each keeps more than one possible value, given what the reader knows of the others: a "< 5"
  is between 0 and 4, another hidden count at least 5, and a count is never more than the one of
  the stage before it on the same row (nor less than the stage after it), when those are shown.
  Two "< 5" adding up to 0 are both 0; a 5 hidden beside a "< 5" in a row whose stages say 5 is 5.

Where even hiding every count of a column would not do (0 and 5 for a total of 5), the total is
not published, in that table nor in any other table of the same people (`protect_together`).

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


def _ranges(rows: list[list[Cell]], totals: list[Cell]) -> dict[tuple[int, int], list[int]]:
    """What a reader can work out of each hidden count: its least and greatest possible values,
    narrowed until nothing moves (bounds propagation). A "< 5" is 0 to 4, another hidden count
    5 or more; in a column with a published total the hidden counts add up to it minus the shown
    ones; along a row a stage is never more than the one before."""
    width = len(totals)
    ranges = {
        (r, c): [0, THRESHOLD - 1] if cell.small else [THRESHOLD, UNBOUNDED]
        for r, row in enumerate(rows)
        for c, cell in enumerate(row)
        if cell.hidden
    }

    def bounds(r, c):
        cell = rows[r][c]
        return ranges[r, c] if cell.hidden else [cell.value, cell.value]

    changed = True
    while changed:
        changed = False

        def narrow(key, low, high):
            nonlocal changed
            current = ranges[key]
            new = [max(current[0], low), min(current[1], high)]
            if new != current:
                ranges[key] = new
                changed = True

        for c in range(width):
            if totals[c].hidden:
                continue
            hidden = [r for r in range(len(rows)) if rows[r][c].hidden]
            rest = totals[c].value - sum(
                rows[r][c].value for r in range(len(rows)) if not rows[r][c].hidden
            )
            lows = sum(ranges[r, c][0] for r in hidden)
            highs = sum(ranges[r, c][1] for r in hidden)
            for r in hidden:
                low, high = ranges[r, c]
                narrow((r, c), rest - (highs - high), rest - (lows - low))
        for r in range(len(rows)):
            for c in range(width - 1):
                before, after = bounds(r, c), bounds(r, c + 1)
                if rows[r][c].hidden:
                    narrow((r, c), after[0], UNBOUNDED)
                if rows[r][c + 1].hidden:
                    narrow((r, c + 1), 0, before[1])
    return ranges


def _exposed(rows, totals) -> list[int]:
    """The columns where a hidden count is alone, or has only one possible value, or where the
    hidden counts' sum sits within THRESHOLD of the least or greatest sum they could have: with
    so little room, what the other columns say about the same rows (each stage within the one
    before) could still pin one down."""
    ranges = _ranges(rows, totals)
    found = set()
    for c in range(len(totals)):
        hidden = [r for r in range(len(rows)) if rows[r][c].hidden]
        if not hidden or totals[c].hidden:
            continue
        total = sum(rows[r][c].value for r in hidden)
        lows = sum(ranges[r, c][0] for r in hidden)
        highs = sum(ranges[r, c][1] for r in hidden)
        if len(hidden) < 2 or total - lows < THRESHOLD or highs - total < THRESHOLD:
            found.add(c)
    for (_r, c), (low, high) in ranges.items():
        if low >= high:
            found.add(c)
    return sorted(found)


def protect(table: list[list[int]], width: int) -> tuple[list[list[Cell]], list[Cell], set[int]]:
    """Cells of a table of counts (rows: categories that together make the total; columns:
    nested stages), and its total row, with small counts marked and enough others hidden that
    no hidden count can be worked out from the published ones and the total. Also the columns
    where even hiding every count would not do: their total must not be published at all."""
    rows = [[Cell(value) for value in row] for row in table]
    totals = [Cell(sum(row[column] for row in table)) for column in range(width)]
    for cell in [*totals, *(cell for row in rows for cell in row)]:
        if cell.value < THRESHOLD:
            cell.small = cell.hidden = True
    exhausted = set()
    while exposed := _exposed(rows, totals):
        # Hiding a count widens what the reader knows of its neighbours: one at a time, the
        # smallest shown count of the first exposed column, until nothing is exposed.
        column = exposed[0]
        shown = sorted(
            (rows[r][column].value, r) for r in range(len(rows)) if not rows[r][column].hidden
        )
        if shown:
            rows[shown[0][1]][column].hidden = True
        elif not totals[column].hidden:
            totals[column].hidden = True
            exhausted.add(column)
        else:  # nothing left to hide in this column: the exposure comes from a row; widen it
            # Another column that still shows something (the exposed ones first): hiding there
            # always makes progress, so the loop ends; with nothing shown anywhere, nothing can
            # be worked out either.
            order = [c for c in exposed if c != column] + [
                c for c in range(len(totals)) if c not in exposed
            ]
            target = next(
                (
                    c
                    for c in order
                    if not totals[c].hidden or any(not row[c].hidden for row in rows)
                ),
                None,
            )
            if target is None:
                break
            rest = sorted(
                (rows[r][target].value, r) for r in range(len(rows)) if not rows[r][target].hidden
            )
            if rest:
                rows[rest[0][1]][target].hidden = True
            else:
                totals[target].hidden = True
                exhausted.add(target)
    return rows, totals, exhausted


def protect_together(
    tables: list[list[list[int]]], width: int
) -> list[tuple[list[list[Cell]], list[Cell]]]:
    """Several tables of the same people, each with the same total row: a total that one table
    cannot publish safely is published by none (the others would give it away)."""
    results = [protect(table, width) for table in tables]
    withheld = set().union(*(exhausted for _rows, _totals, exhausted in results))
    for _rows, totals, _exhausted in results:
        for column in withheld:
            totals[column].hidden = True
    return [(rows, totals) for rows, totals, _exhausted in results]
