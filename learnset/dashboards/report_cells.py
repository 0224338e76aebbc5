"""The programme report's small-number rules (DESIGN §3), on top of figures.py.

The report is a table of learning sets with a programme total beneath each column, so a figure
can be given back two ways: by the other cells of its row (joined = still in the set + left),
and by the total of its column minus the sets beside it. A hidden cell therefore brings more
cells into hiding, in its row and in its column, until neither subtraction gives it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from learnset.dashboards.figures import MIN_RESPONSES, SUPPRESSED, Figure
from learnset.figures import hide_beside


@dataclass(frozen=True)
class Cell:
    """A count before suppression, with how many different people it comes from."""

    value: int
    people: int

    @property
    def too_few(self) -> bool:
        # Zero names nobody; anything else from fewer than 3 people could name someone.
        return 0 < self.people < MIN_RESPONSES

    def figure(self, hidden: bool) -> Figure:
        return SUPPRESSED if hidden else Figure(self.value, self.people)


def protect_column(cells: Sequence[Cell], hidden: set[int]) -> set[int]:
    """More of a column's cells hidden beside those hidden, so that the column's total gives
    none of them back (`figures.hide_beside`, by the people each comes from)."""
    return hide_beside([cell.people for cell in cells], hidden)


def total_of(cells: Sequence[Cell]) -> Cell:
    """A column's total. People are summed over sets: someone in two sets counts twice, which
    can only keep a total from being hidden when it should be if nobody is in two sets."""
    return Cell(sum(cell.value for cell in cells), sum(cell.people for cell in cells))


def column_figures(cells: Sequence[Cell]) -> tuple[list[Figure], Figure]:
    """Each set's figure and the programme's total, hidden by the rules above."""
    hidden = protect_column(cells, {i for i, cell in enumerate(cells) if cell.too_few})
    total = total_of(cells)
    return [cell.figure(i in hidden) for i, cell in enumerate(cells)], total.figure(total.too_few)


def people_table(
    rows: Sequence[Sequence[int]], partitions: Sequence[tuple[int, ...]] = (), width: int = 0
) -> tuple[list[list[Figure]], list[Figure]]:
    """A table of counts of people (a row per set, a column per measure) with a total row:
    counts of 1 or 2 hidden; in a row, the columns of a partition (which add up to a column
    shown beside them) all hidden whenever one is; in a column, enough hidden beside a hidden
    one that the total does not give it back. Repeated until nothing more needs hiding.
    `width` columns when there are no rows (totals of 0)."""
    width = len(rows[0]) if rows else width
    hidden = {(r, c) for r, row in enumerate(rows) for c, value in enumerate(row) if 0 < value < 3}
    while True:
        before = len(hidden)
        for r in range(len(rows)):
            hidden.update(_partners(partitions, {c for c in range(width) if (r, c) in hidden}, r))
        for c in range(width):
            column = [Cell(row[c], row[c]) for row in rows]
            in_column = {r for r in range(len(rows)) if (r, c) in hidden}
            hidden.update((r, c) for r in protect_column(column, in_column))
        if len(hidden) == before:
            break
    figures = [
        [Cell(value, value).figure((r, c) in hidden) for c, value in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    totals = [Cell(sum(row[c] for row in rows), 0) for c in range(width)]
    hidden_totals = {c for c, total in enumerate(totals) if 0 < total.value < MIN_RESPONSES}
    hidden_totals |= {c for _, c in _partners(partitions, hidden_totals, 0)}
    return figures, [
        Cell(total.value, total.value).figure(c in hidden_totals) for c, total in enumerate(totals)
    ]


def _partners(
    partitions: Sequence[tuple[int, ...]], hidden: set[int], row: int
) -> set[tuple[int, int]]:
    """Every column of a partition with a hidden column in it, as (row, column)."""
    return {(row, c) for partition in partitions if hidden & set(partition) for c in partition}


def grid_figures(
    rows: Sequence[Sequence[Cell]], row_totals: Sequence[Cell], width: int = 0
) -> tuple[list[list[Figure]], list[Figure], list[Figure], Figure]:
    """A table whose rows add up to totals shown beside them (gains of each kind and in all,
    for each set) and whose columns add up to the programme's: each cell, each row's total,
    each column's total and the grand total, hidden so that neither a row's total nor a
    column's gives a hidden cell back. Repeated until nothing more needs hiding. `width`
    columns when there are no rows (totals of 0)."""
    width = len(rows[0]) if rows else width
    hidden = {(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell.too_few}
    hidden |= {(r, width) for r, cell in enumerate(row_totals) if cell.too_few}
    while True:
        before = len(hidden)
        for r, row in enumerate(rows):
            in_row = {c for c in range(width) if (r, c) in hidden}
            if (r, width) not in hidden:
                hidden.update((r, c) for c in protect_column(row, in_row))
        for c in range(width + 1):
            column = [row[c] if c < width else row_totals[r] for r, row in enumerate(rows)]
            in_column = {r for r in range(len(rows)) if (r, c) in hidden}
            hidden.update((r, c) for r in protect_column(column, in_column))
        if len(hidden) == before:
            break
    cells = [
        [cell.figure((r, c) in hidden) for c, cell in enumerate(row)] for r, row in enumerate(rows)
    ]
    totals = [cell.figure((r, width) in hidden) for r, cell in enumerate(row_totals)]
    columns = [total_of([row[c] for row in rows]) for c in range(width)]
    grand = total_of(row_totals)
    return (
        cells,
        totals,
        [column.figure(column.too_few) for column in columns],
        grand.figure(grand.too_few),
    )
