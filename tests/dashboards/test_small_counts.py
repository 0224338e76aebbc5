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


def _spreads(people):
    """Every way `people` can be spread over levels 1 to 5."""
    return [c for c in itertools.product(range(people + 1), repeat=5) if sum(c) == people]


def _shown(counts):
    """What a page shows of a spread of levels and, beside it, their mean."""
    people = sum(counts)
    total = sum(level * count for level, count in zip(range(1, 6), counts, strict=True))
    return figures.distribution_of(counts, people), figures.mean_of(total, people, people)


def test_a_spread_beside_its_mean_tells_nothing_the_mean_alone_does_not():
    """An attacker who reads the mean and the levels shown lists every spread that would look
    the same. Where any level holds 1 or 2 people, that list is every spread with the same mean
    and a level of 1 or 2 in it: the spread adds only that some count is hidden, and pins none
    down (4, 4, 4 and 1 used to: 3.3 beside "0" at levels 2, 3 and 5 left only one person at 1
    and three at 4)."""
    for people in range(3, 10):
        spreads = _spreads(people)
        shown = {counts: _shown(counts) for counts in spreads}
        for counts in spreads:
            spread, mean = shown[counts]
            if spread.counts is not None and None not in spread.counts:
                assert all(count == 0 or count >= 3 for count in counts), counts
                continue
            looks_the_same = {other for other in spreads if shown[other] == (spread, mean)}
            same_mean = {
                other
                for other in spreads
                if shown[other][1] == mean and any(0 < count < 3 for count in other)
            }
            assert looks_the_same == same_mean, counts


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
    # Levels 1: one person, 2: two, 3: three, 4: one. With 1, 2 and 4 hidden, 3 at level 3, 0
    # at 5 and the mean 2.6, only 1, 2, 1 fits the hidden levels: so no level's count is shown.
    assert listening[4:9] == [HIDDEN] * 5
    rows = _counts_in_csv(browser.get(f"/cohorts/{cohort.id}/dashboard.csv").get_data(as_text=True))
    assert rows
    for row in rows:
        assert row["value"] == "" or int(row["value"]) == 0 or int(row["value"]) >= 3, row
        assert (row["value"] == "") == (row["suppressed"] == "yes"), row
    document = browser.get(f"/cohorts/{cohort.id}/dashboard.json").get_json()
    spread = document["capabilities"][0]["current_levels"]["counts"]
    assert spread == dict.fromkeys("12345")
    # 4 of 7 have a gap, 3 do not: both sides 3 or more, so it is shown.
    assert document["capabilities"][0]["participants_with_a_gap"]["value"] == 4


def test_a_spread_with_no_count_of_one_or_two_is_shown_whole(db, login, people, framework):
    cohort = people.cohort
    for current in (2, 2, 2, 4, 4, 4):
        person = factories.make_member(db, cohort, "participant")
        factories.make_assessment(db, person, cohort, framework.ratings(listening=(current, 5)))
    release_now(db, cohort)
    db.commit()
    browser = login(people.tutor)
    html = browser.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    listening = next(
        row for row in tables(html)["Unlocking conversations"] if row[0].startswith("Listening")
    )
    assert listening[2] == "3.0" and listening[4:9] == ["0", "3", "0", "3", "0"]
    document = browser.get(f"/cohorts/{cohort.id}/dashboard.json").get_json()
    spread = document["capabilities"][0]["current_levels"]["counts"]
    assert spread == {"1": 0, "2": 3, "3": 0, "4": 3, "5": 0}
