"""Counts that name people: every count of 1 or 2 is hidden, and enough beside it that the total
cannot give it back, on every page and export, whoever reads it (admins see nothing finer than
tutors do)."""

from __future__ import annotations

import csv
import io
import itertools

import pytest

from learnset.dashboards import figures
from tests import factories
from tests.dashboards.conftest import release_now
from tests.dashboards.helpers import HIDDEN
from tests.helpers import tables


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ((0, 0, 0, 0, 0), (0, 0, 0, 0, 0)),
        ((0, 3, 4, 0, 0), (0, 3, 4, 0, 0)),
        # One small cell: the next smallest goes with it, so the total cannot give it back.
        ((0, 1, 4, 3, 0), (0, None, 4, None, 0)),
        # Two small cells adding up to 3 or more hide each other.
        ((0, 1, 2, 5, 0), (0, None, None, 5, 0)),
        # Two that add up to 2 are not enough: a third is hidden.
        ((1, 1, 6, 4, 0), (None, None, 6, None, 0)),
        # Beside zeros only, a small cell can be covered by nothing less than the whole table.
        ((2, 0, 0, 0, 0), (None, None, None, None, None)),
        ((1, 0, 0, 0, 3), (None, 0, 0, 0, None)),
        ((0, 2, 2, 1, 0), (0, None, None, None, 0)),
    ],
)
def test_small_cells_are_hidden_with_enough_beside_them(counts, shown):
    assert figures.hide_small_cells(counts) == shown


def test_no_hidden_count_can_be_worked_out_from_the_rest():
    for counts in itertools.product(range(5), repeat=4):
        shown = figures.hide_small_cells(counts)
        hidden = [count for count, seen in zip(counts, shown, strict=True) if seen is None]
        assert all(seen is None or seen == 0 or seen >= 3 for seen in shown), counts
        if hidden:
            # At least two hidden cells whose total is itself 3 or more (or all of them).
            assert len(hidden) >= 2 or len(hidden) == len(counts), counts
            assert sum(hidden) >= 3 or len(hidden) == len(counts), counts


@pytest.mark.parametrize(
    ("with_gap", "asked", "shown"),
    [(4, 7, True), (3, 3, True), (6, 6, True), (0, 5, True), (3, 6, True), (1, 6, False),
     (5, 6, False), (4, 6, False), (2, 7, False), (4, 5, False), (3, 4, False)],
)  # fmt: skip
def test_x_of_n_with_a_gap_is_hidden_when_either_side_is_1_or_2(with_gap, asked, shown):
    figure = figures.count_of(with_gap, asked)
    assert figure.suppressed is not shown
    if shown:
        assert figure == figures.Figure(with_gap, asked)


def _counts_in_csv(text):
    rows = csv.DictReader(io.StringIO(text))
    return [
        row
        for row in rows
        if row["measure"].startswith("at_level_") or row["measure"] == "participants_with_a_gap"
    ]


@pytest.mark.parametrize("role", ["tutor", "admin"])
def test_no_page_or_export_shows_a_count_of_one_or_two(db, login, people, framework, role):
    cohort = people.cohort
    levels = [(1, 2), (2, 4), (2, 4), (3, 3), (3, 3), (3, 3), (4, 5)]
    for current, target in levels:
        person = factories.make_member(db, cohort, "participant")
        factories.make_assessment(
            db, person, cohort, framework.ratings(listening=(current, target))
        )
    release_now(db, cohort)
    db.commit()
    browser = login(getattr(people, role))
    html = browser.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    listening = next(
        row for row in tables(html)["Unlocking conversations"] if row[0].startswith("Listening")
    )
    # Levels 1: one person, 2: two, 3: three, 4: one. Only the three at level 3 are shown.
    assert listening[4:9] == [HIDDEN, HIDDEN, "3", HIDDEN, "0"]
    rows = _counts_in_csv(browser.get(f"/cohorts/{cohort.id}/dashboard.csv").get_data(as_text=True))
    assert rows
    for row in rows:
        assert row["value"] == "" or int(row["value"]) == 0 or int(row["value"]) >= 3, row
        assert (row["value"] == "") == (row["suppressed"] == "yes"), row
    document = browser.get(f"/cohorts/{cohort.id}/dashboard.json").get_json()
    spread = document["capabilities"][0]["current_levels"]["counts"]
    assert spread == {"1": None, "2": None, "3": 3, "4": None, "5": 0}
    # 4 of 7 have a gap, 3 do not: both sides 3 or more, so it is shown.
    assert document["capabilities"][0]["participants_with_a_gap"]["value"] == 4
