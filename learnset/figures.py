"""Figures that know whether they may be shown (DESIGN §3), for the dashboards and session
feedback alike: a mean, or a count of people, with how many participants it comes from,
suppressed when fewer than 3 do, and counts of 1 or 2 hidden with enough beside them that the
total cannot give them back; a spread of levels beside its mean is shown whole or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# Fewer contributors than this and a figure is not shown (DESIGN §3).
MIN_RESPONSES = 3
ONE_PLACE = Decimal("0.1")

# --- Figures that know whether they may be shown ---------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One aggregate: its value and how many participants it comes from, or suppressed (both
    None) when fewer than 3 do."""

    value: Decimal | int | None
    responses: int | None

    @property
    def suppressed(self) -> bool:
        return self.responses is None


SUPPRESSED = Figure(None, None)


def mean_of(total: Any, count: Any, participants: Any) -> Figure:
    """total / count to one decimal place, unless fewer than 3 participants contribute."""
    participants = int(participants or 0)
    if participants < MIN_RESPONSES or not count:
        return SUPPRESSED
    value = (Decimal(total) / Decimal(count)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    return Figure(value, participants)


def hide_small_cells(counts: Sequence[int]) -> tuple[int | None, ...]:
    """The cells of a table of people whose total is known, with every count of 1 or 2 hidden
    (None), and, when any is, more hidden, smallest first, until at least two are and the hidden
    ones add up to 3 or more: so neither the total nor the other cells give a small one back.
    Zero is shown: it names nobody."""
    small = {index for index, count in enumerate(counts) if 0 < count < MIN_RESPONSES}
    hidden = hide_beside(counts, small)
    return tuple(None if index in hidden else count for index, count in enumerate(counts))


def hide_beside(people: Sequence[int], hidden: set[int]) -> set[int]:
    """The cells of a line whose total is known (each cell's number of people given) hidden
    beside those already hidden, fewest people first, until the hidden ones are at least two
    and come from 3 or more people between them (or all are hidden): so the total, less the
    cells shown, gives back no one's figure. Cells of nobody are hidden last."""
    hidden = set(hidden)
    while hidden and len(hidden) < len(people):
        if len(hidden) >= 2 and sum(people[index] for index in hidden) >= MIN_RESPONSES:
            break
        shown = [index for index in range(len(people)) if index not in hidden]
        hidden.add(min(shown, key=lambda index: (people[index] == 0, people[index], index)))
    return hidden


def count_of(value: Any, participants: Any) -> Figure:
    """How many of the participants asked (with a gap, say), unless fewer than 3 were asked or
    the count, or the rest, is 1 or 2: "1 of 6" and "5 of 6" both point at one person."""
    participants = int(participants or 0)
    if participants < MIN_RESPONSES:
        return SUPPRESSED
    value = int(value or 0)
    if None in hide_small_cells((value, participants - value)):
        return SUPPRESSED
    return Figure(value, participants)


@dataclass(frozen=True)
class Distribution:
    """How many participants put themselves at each level 1 to 5 now: None when fewer than 3
    responded, and a level's count None when it is hidden (see `hide_small_cells`)."""

    counts: tuple[int | None, ...] | None
    responses: int | None

    @property
    def suppressed(self) -> bool:
        return self.counts is None

    def at(self, level: int) -> int | None:
        return self.counts[level - 1] if self.counts is not None else None


def distribution_of(counts: Sequence[Any], participants: Any) -> Distribution:
    """How many are at each level, shown beside the mean of the same ratings: suppressed when
    fewer than 3 responded, and otherwise every level or none (see `whole_or_hidden`)."""
    participants = int(participants or 0)
    if participants < MIN_RESPONSES:
        return Distribution(None, None)
    cells = hide_small_cells([int(count or 0) for count in counts])
    return Distribution(whole_or_hidden(cells), participants)


def whole_or_hidden(cells: Sequence[int | None]) -> tuple[int | None, ...]:
    """A spread of levels every one of whose counts is shown, or with none shown. Beside the
    mean of the same ratings, the number who answered and the mean give two sums over the
    levels: with 4, 4, 4 and 1 the mean 3.3 and the levels shown leave one way to fill levels 1
    and 4. Two equations pin two hidden counts, and secondary suppression hides two, so a spread
    with any level hidden would give a small count back."""
    return tuple(cells) if None not in cells else (None,) * len(cells)
