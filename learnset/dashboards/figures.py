"""The small-number rules now live in the core (learnset/figures.py), so features below the
dashboards (session feedback) use the same ones; this name stays for the dashboards' imports."""

from learnset.figures import (
    MIN_RESPONSES,
    ONE_PLACE,
    SUPPRESSED,
    Distribution,
    Figure,
    count_of,
    distribution_of,
    hide_small_cells,
    mean_of,
    whole_or_hidden,
)

__all__ = [
    "MIN_RESPONSES",
    "ONE_PLACE",
    "SUPPRESSED",
    "Distribution",
    "Figure",
    "count_of",
    "distribution_of",
    "hide_small_cells",
    "mean_of",
    "whole_or_hidden",
]
