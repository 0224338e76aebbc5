"""The programme report's small-number rules (DESIGN §3), on top of figures.py.

The report is shown for every year together and for each year on its own, as a page, a
spreadsheet and a CSV, and any two of those can be put side by side. So one rule holds for
every figure in all of them, plain enough to prove that no figure, taken from any view and
set against figures from any other, gives a hidden one back:

1. A learning set's figures are decided by its own counts alone. A count or rate from 1 or 2
   people is hidden, and so is enough beside it in the set's own row that the row's total
   does not give it back (taking part now + left = joined; gains of each kind = gains in all;
   a set's sessions = its attendance). Nothing about the other sets in a view plays a part, so
   a set's figures are the same in every view that holds it: every year, its own year, the
   page and both downloads.
2. The whole programme's figures are worked out from the sets' figures that are shown, and
   from nothing else: a total adds up the sets' figures shown, a rate or mean pools the sets
   whose own figure is shown ("Whole programme (figures shown)"). A total with nothing shown
   to add up while something is hidden is not shown.

Everything any set of views shows is therefore worked out from the sets' shown figures, which
are the same everywhere and which rule 1 keeps safe row by row: no difference of totals across
years, or of a total less the figures beside it, brings back a hidden one. The totals are lower
than the programme's true ones by the hidden figures, and say so.
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
    """More of a line's cells hidden beside those hidden, so that the line's total, shown
    beside it, gives none of them back (`figures.hide_beside`, by the people each comes from):
    a set's sessions beside its attendance, its gains of each kind beside its gains in all."""
    return hide_beside([cell.people for cell in cells], hidden)


def total_of(cells: Sequence[Cell]) -> Cell:
    """Cells added up. People are summed over sets: someone in two sets counts twice."""
    return Cell(sum(cell.value for cell in cells), sum(cell.people for cell in cells))


def total_shown(figures: Sequence[Figure]) -> Figure:
    """The whole programme's figure for a column (rule 2): the sets' figures shown, added up,
    so it tells nothing they do not; not shown when some are hidden and those shown add up to
    nothing."""
    shown = [figure for figure in figures if not figure.suppressed]
    value = sum(int(figure.value or 0) for figure in shown)
    if not value and len(shown) < len(figures):
        return SUPPRESSED
    return Figure(value, sum(int(figure.responses or 0) for figure in shown))


def set_figures(cells: Sequence[Cell]) -> tuple[list[Figure], Figure]:
    """Each set's figure for a measure, hidden by its own count alone (rule 1), and the
    programme's total of those shown (rule 2)."""
    figures = [cell.figure(cell.too_few) for cell in cells]
    return figures, total_shown(figures)


def line_figures(cells: Sequence[Cell]) -> list[Figure]:
    """The figures of one set's line whose total is shown (its sessions beside its
    attendance): small ones hidden, and enough beside them that the total gives none back."""
    hidden = protect_column(cells, {i for i, cell in enumerate(cells) if cell.too_few})
    return [cell.figure(i in hidden) for i, cell in enumerate(cells)]


def people_table(
    rows: Sequence[Sequence[int]], partitions: Sequence[tuple[int, ...]] = (), width: int = 0
) -> tuple[list[list[Figure]], list[Figure]]:
    """A table of counts of people (a row per set, a column per measure) with a total row:
    counts of 1 or 2 hidden, and in a row the columns of a partition (which add up to a column
    shown beside them) all hidden whenever one is (rule 1); each total adds up the figures
    shown in its column (rule 2). `width` columns when there are no rows (totals of 0)."""
    width = len(rows[0]) if rows else width
    figures = []
    for row in rows:
        hidden = {c for c, value in enumerate(row) if 0 < value < MIN_RESPONSES}
        hidden |= {c for partition in partitions if hidden & set(partition) for c in partition}
        figures.append([Cell(value, value).figure(c in hidden) for c, value in enumerate(row)])
    return figures, [total_shown([row[c] for row in figures]) for c in range(width)]


def grid_figures(
    rows: Sequence[Sequence[Cell]], row_totals: Sequence[Cell], width: int = 0
) -> tuple[list[list[Figure]], list[Figure], list[Figure], Figure]:
    """A table whose rows add up to totals shown beside them (gains of each kind and in all,
    for each set): each cell and each row's total from 1 or 2 people hidden, and enough beside
    a hidden cell that its row's total, when shown, does not give it back (rule 1); each
    column's total and the grand total add up the figures shown above them (rule 2). `width`
    columns when there are no rows (totals of 0)."""
    width = len(rows[0]) if rows else width
    cells, totals = [], []
    for row, row_total in zip(rows, row_totals, strict=True):
        hidden = {c for c, cell in enumerate(row) if cell.too_few}
        if not row_total.too_few:
            hidden = protect_column(row, hidden)
        cells.append([cell.figure(c in hidden) for c, cell in enumerate(row)])
        totals.append(row_total.figure(row_total.too_few))
    columns = [total_shown([row[c] for row in cells]) for c in range(width)]
    return cells, totals, columns, total_shown(totals)
