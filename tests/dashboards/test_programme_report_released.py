"""The programme report shows each set's counts as its latest release kept them (issue 14):
released, not live, like every cohort figure (DESIGN §3).

Riverside (the `history` set, see conftest.py) released its figures when its history was
built; Eastvale has released none.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete

from learnset.assessment.models import FigureRelease
from learnset.dashboards.figures import SUPPRESSED, Figure
from learnset.dashboards.programme_report import programme_report
from learnset.dashboards.releases import count_latest_releases, latest_release
from learnset.dashboards.report_queries import ALL_GAINS, Measure, chosen_sets
from learnset.dashboards.report_release import count_for_release, live_counts, read_counts
from learnset.framework.queries import current_framework
from tests import factories
from tests.dashboards.conftest import count_for_report, on, release_now

REPORT = "/programme/report"


def _report(db):
    return programme_report(db, current_framework(db))


def _set(report, cohort):
    return next(entry for entry in report.sets if entry.cohort_id == cohort.id)


def _reflections(report, cohort):
    return _set(report, cohort).engagement[Measure.REFLECTIONS]


def _check_in(db, history, person, level):
    """A shared check-in in Riverside, the set of the history."""
    riverside = history.sessions[0].cohort
    factories.make_assessment(db, person, riverside, {history.framework.listening: (level, 5)})


def test_counts_kept_at_a_release_are_what_the_report_counted_live(db, people, history):
    """Each set's counts, kept with its release and read back, are what the report's queries
    give for every set at once (the report as it was counted on every request before)."""
    factories.make_invitation(db, people.cohort, token="waiting")
    factories.make_members(db, people.other_cohort, "participant", 3)
    bens = factories.make_challenge(db, history.ben, people.cohort)
    factories.make_update(db, bens, history.ben, "gain", gain_kind="economic")
    db.flush()
    everyone = live_counts(db, chosen_sets(None))
    assert set(everyone) == {people.cohort.id, people.other_cohort.id}
    for cohort in (people.cohort, people.other_cohort):
        assert read_counts(count_for_release(db, cohort.id)) == everyone[cohort.id]
    riverside = everyone[people.cohort.id]
    assert riverside.current == 5 and riverside.invitations == (1, 0)
    assert [session[3:] for session in riverside.sessions] == [(4, 5), (2, 5), (3, 5)]
    assert riverside.gains["economic"].value == 1


def test_a_set_with_no_release_shows_no_counts(db, people, history):
    factories.make_members(db, people.other_cohort, "participant", 3)
    factories.make_reflection(db, people.outsider, cohort=people.other_cohort)
    db.commit()
    report = _report(db)
    eastvale = _set(report, people.other_cohort)
    assert eastvale.released_at is None
    assert set(eastvale.enrolment.values()) == {SUPPRESSED}
    assert set(eastvale.engagement.values()) == {SUPPRESSED}
    assert eastvale.gains[ALL_GAINS] == SUPPRESSED
    assert eastvale.attendance == SUPPRESSED and eastvale.sessions == []
    # The programme's totals are Riverside's alone: its 5 participants, and none of Eastvale's.
    assert report.enrolment["current"] == Figure(5, 5)
    assert _set(report, people.cohort).enrolment["current"] == Figure(5, 5)


def test_the_report_changes_only_when_a_release_happens(db, people, history):
    before = _report(db)
    # Pat, Fay and Ann write and check in again: live, nothing the report shows moves.
    for person in (history.pat, history.fay, history.ann):
        factories.make_reflection(db, person, created_at=on(3, 2))
        _check_in(db, history, person, 4)
    factories.make_member(db, people.cohort, "participant", name="Newt Newcomer")
    db.commit()
    assert _report(db) == before
    # Their check-ins are new contributions from 3 people: a release, and the report moves.
    assert release_now(db, people.cohort) is not None
    db.commit()
    after = _report(db)
    riverside, earlier = _set(after, people.cohort), _set(before, people.cohort)
    assert riverside.released_at > earlier.released_at
    assert riverside.enrolment["current"].value == earlier.enrolment["current"].value + 1
    # Pat's and Fay's 4 reflections came from 2 people, so were hidden; now 3 have written.
    assert earlier.engagement[Measure.REFLECTIONS] == SUPPRESSED
    assert riverside.engagement[Measure.REFLECTIONS] == Figure(7, 3)
    assert riverside.engagement[Measure.CHECK_INS].value == (
        earlier.engagement[Measure.CHECK_INS].value + 3
    )


def test_a_withdrawn_release_gives_back_the_one_before(db, people, history):
    before = _report(db)
    for person in (history.pat, history.fay, history.ann):
        _check_in(db, history, person, 5)
    newer = release_now(db, people.cohort)
    db.commit()
    assert _report(db) != before
    db.execute(delete(FigureRelease).where(FigureRelease.id == newer.id))
    db.commit()
    assert _report(db) == before


def test_releases_made_before_counts_were_kept_are_counted_once(db, people, history):
    release = latest_release(db, people.cohort.id)
    release.report_cells = None
    db.commit()
    assert _set(_report(db), people.cohort).enrolment["current"] == SUPPRESSED
    assert count_latest_releases(db) == 1
    assert count_latest_releases(db) == 0
    db.commit()
    assert _set(_report(db), people.cohort).enrolment["current"] == Figure(5, 5)


def test_the_command_counts_for_the_report(app, db, people, history):
    latest_release(db, people.cohort.id).report_cells = None
    db.commit()
    result = app.test_cli_runner().invoke(args=["figures", "count-for-report"])
    assert result.exit_code == 0, result.output
    assert "for 1 releases" in result.output


def test_init_counts_them_after_an_upgrade(app, db, people, history):
    latest_release(db, people.cohort.id).report_cells = None
    db.commit()
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "for 1 releases" in result.output
    db.expire_all()
    assert latest_release(db, people.cohort.id).report_cells is not None
    assert "figures" not in app.test_cli_runner().invoke(args=["init"]).output


def test_page_says_a_set_without_a_release_shows_none(db, login, people, history):
    count_for_report(db, people.cohort)
    db.commit()
    page = login(people.admin).get(REPORT).get_data(as_text=True)
    assert "Eastvale set" in page
    assert "no figures released yet" in page


@pytest.mark.parametrize("path", [REPORT, REPORT + ".csv", REPORT + ".xlsx"])
def test_a_person_in_no_set_cannot_open_the_report(db, login, people, path):
    nobody = factories.make_user(db, name="Nora Nobody")
    db.commit()
    assert login(nobody).get(path).status_code in (403, 404)


def _taking_part(client, cohort):
    rows = csv.reader(io.StringIO(client.get(REPORT + ".csv").get_data(as_text=True)))
    return next(row[3] for row in rows if row[:3] == ["Enrolment", cohort.name, "Taking part now"])


def _newcomer_and_three_check_ins(db, people, history):
    """Riverside gains a participant, and three of its people check in: enough to release."""
    factories.make_member(db, people.cohort, "participant", name="Newt Newcomer")
    for person in (history.pat, history.fay, history.ann):
        _check_in(db, history, person, 3)


def test_the_page_and_downloads_change_with_a_release_and_a_new_name(db, login, people, history):
    client = login(people.admin)
    assert _taking_part(client, people.cohort) == "5"
    _newcomer_and_three_check_ins(db, people, history)
    db.commit()
    # Made once for the report as it stood: the same until the next release.
    assert _taking_part(client, people.cohort) == "5"
    release_now(db, people.cohort)
    db.commit()
    assert _taking_part(client, people.cohort) == "6"
    people.cohort.name = "Riverside learning set"
    db.commit()
    assert _taking_part(client, people.cohort) == "6"
    assert "Riverside learning set" in client.get(REPORT).get_data(as_text=True)


def test_what_a_worker_keeps_follows_a_withdrawn_release_and_the_next(db, login, people, history):
    # The report a worker keeps is keyed by each set's latest release as read on every request:
    # the next release after a withdrawn one (which SQLite may number as the withdrawn one was)
    # is shown, not what was kept of the withdrawn one.
    client = login(people.admin)
    assert _taking_part(client, people.cohort) == "5"
    _newcomer_and_three_check_ins(db, people, history)
    withdrawn = release_now(db, people.cohort)
    db.commit()
    assert _taking_part(client, people.cohort) == "6"
    db.execute(delete(FigureRelease).where(FigureRelease.id == withdrawn.id))
    db.commit()
    assert _taking_part(client, people.cohort) == "5"
    factories.make_member(db, people.cohort, "participant", name="Nell Newer")
    assert release_now(db, people.cohort) is not None
    db.commit()
    assert _taking_part(client, people.cohort) == "7"
