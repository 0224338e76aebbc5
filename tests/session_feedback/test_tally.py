"""Each session's answers tallied once they can never change (issue 14): the programme report's
part reads the tallies instead of every answer, and shows exactly what counting the answers
would show, whatever happens to the session, its answers or their people afterwards."""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from learnset import migrate
from learnset.accounts.models import User
from learnset.accounts.personal_data import delete_account
from learnset.cohorts.models import Cohort
from learnset.dashboards.report_feedback import feedback_themes
from learnset.db import database, utcnow
from learnset.figures import MIN_RESPONSES
from learnset.meetings import services as meetings
from learnset.meetings.models import Meeting
from learnset.session_feedback import demo as session_feedback_demo
from learnset.session_feedback import release, services
from learnset.session_feedback.models import (
    SessionFeedback,
    SessionFeedbackSetTally,
    SessionFeedbackTally,
    SessionFeedbackTallyRun,
)
from learnset.session_feedback.summary import SETTLED, summaries_for_cohorts, tally_closed
from tests import factories, prepared
from tests.apps import fresh_app
from tests.helpers import count_rows, create_database
from tests.session_feedback.helpers import answer_as, closed_session, open_session, participants


def _shown(db, people, now=None, days=services.WINDOW_DAYS):
    ids = [people.cohort.id, people.other_cohort.id]
    now = now or utcnow()
    return (
        summaries_for_cohorts(db, ids, now, days),
        summaries_for_cohorts(db, ids, now, days, with_closed=False),
        feedback_themes(db, ids, now, days),
    )


def _tallied(db) -> set[int]:
    return set(db.scalars(select(SessionFeedbackTally.meeting_id)))


def _answered(db, meeting, crowd, *levels):
    for person, level in zip(crowd, levels, strict=False):
        answer_as(db, person, meeting, level, f"Differently {level}" if level > 3 else "", "Change")


def test_a_session_is_tallied_once_its_window_has_closed_and_shows_the_same(db, people):
    crowd = participants(db, people.cohort, 5)
    closed = closed_session(db, people.cohort)
    _answered(db, closed, crowd, 5, 4, 3, 2)
    too_few = closed_session(db, people.cohort)
    _answered(db, too_few, crowd, 1, 5)
    still_open = open_session(db, people.cohort)
    _answered(db, still_open, crowd, 4, 4, 4)
    counted = _shown(db, people)

    assert tally_closed(db, utcnow()) == 2
    assert _tallied(db) == {closed.id, too_few.id}
    assert _shown(db, people) == counted
    ours = counted[0][people.cohort.id]
    assert (ours.sessions_closed, ours.sessions_released, ours.counts) == (2, 1, (0, 1, 1, 1, 1))
    assert (ours.did_differently, ours.suggested_change) == (2, 4)
    # Once is enough: a second run (or two at once) tallies nothing again.
    assert tally_closed(db, utcnow()) == 0

    # The open session is tallied once its window has closed, and SETTLED after.
    closes_at = services.window_of(db, still_open).closes_at
    assert tally_closed(db, closes_at + SETTLED - timedelta(seconds=1)) == 0
    later = closes_at + SETTLED
    counted = _shown(db, people, later)
    assert counted[0][people.cohort.id].sessions_released == 2
    assert tally_closed(db, later) == 1
    assert _shown(db, people, later) == counted


def test_an_answer_after_the_close_is_refused_so_the_tally_stands(db, people):
    crowd = participants(db, people.cohort, 4)
    meeting = closed_session(db, people.cohort)
    _answered(db, meeting, crowd[:3], 4, 4, 4)
    tally_closed(db, utcnow())
    counted = _shown(db, people)
    with pytest.raises(services.SessionFeedbackError, match="closed on"):
        services.answer(db, crowd[3], meeting, services.Answers(1, "Late"), utcnow())
    with pytest.raises(services.SessionFeedbackError, match="closed on"):
        services.answer(db, crowd[0], meeting, services.Answers(1, "Changed"), utcnow())
    assert _shown(db, people) == counted


def test_a_session_moved_after_tallying_shows_the_same(db, people):
    crowd = participants(db, people.cohort, 3)
    meeting = closed_session(db, people.cohort)
    _answered(db, meeting, crowd, 5, 4, 4)
    tally_closed(db, utcnow())
    counted = _shown(db, people)
    # Moved to last week: by its new dates its window would be open.
    meeting.starts_at = utcnow().replace(microsecond=0) - timedelta(days=7)
    meeting.ends_at = meeting.starts_at + timedelta(hours=3)
    db.flush()
    assert _shown(db, people) == counted
    # A longer window in the app's settings does not reopen it either.
    assert _shown(db, people, days=60)[2] == counted[2]


def test_a_session_closed_by_its_new_dates_before_its_first_answers_close_is_not_tallied(
    db, people
):
    crowd = participants(db, people.cohort, 3)
    meeting = open_session(db, people.cohort)
    _answered(db, meeting, crowd, 3, 4, 5)
    # Moved a month earlier: closed by its new dates, but its answers' close is still to come,
    # and moving it back or a longer window in the settings would open it again, so nothing
    # is shown yet either.
    meeting.starts_at -= timedelta(days=30)
    meeting.ends_at -= timedelta(days=30)
    db.flush()
    assert (
        summaries_for_cohorts(db, [people.cohort.id], utcnow())[people.cohort.id].sessions_released
        == 0
    )
    assert tally_closed(db, utcnow()) == 0
    longer = summaries_for_cohorts(db, [people.cohort.id], utcnow(), days=40)
    assert longer[people.cohort.id].sessions_released == 0


def test_answers_stay_counted_when_their_account_goes(db, people):
    crowd = participants(db, people.cohort, 3)
    meeting = closed_session(db, people.cohort)
    _answered(db, meeting, crowd, 5, 5, 4)
    counted = _shown(db, people)
    tally_closed(db, utcnow())
    delete_account(db, db.get(User, crowd[0].id))
    services.erase_personal_data(db, crowd[1])
    db.flush()
    assert _shown(db, people) == counted
    assert release.session_figures(db, meeting, utcnow()).figures.responses == 3


def test_an_unpublished_or_deleted_session_leaves_the_report(db, people):
    crowd = participants(db, people.cohort, 3)
    kept = closed_session(db, people.cohort)
    _answered(db, kept, crowd, 4, 4, 4)
    meeting = closed_session(db, people.cohort)
    _answered(db, meeting, crowd, 1, 1, 1)
    tally_closed(db, utcnow())
    both = _shown(db, people)
    meetings.unpublish(db, meeting, utcnow())
    hidden = _shown(db, people)
    assert hidden[0][people.cohort.id].sessions_released == 1
    meetings.publish(db, meeting, utcnow())
    assert _shown(db, people) == both
    meetings.unpublish(db, meeting, utcnow())
    meetings.delete_meeting(db, meeting)
    db.flush()
    assert _tallied(db) == {kept.id}
    assert _shown(db, people) == hidden


def _added_up(db) -> dict[int, int]:
    """The sets whose tallies the last run added up, with how many sessions it released."""
    rows = db.execute(select(SessionFeedbackSetTally.cohort_id, SessionFeedbackSetTally.sessions))
    return dict(rows.all())


def test_a_run_adds_up_each_sets_tallies_and_a_session_published_or_not_since_is_counted(
    db, people
):
    # The report reads each set's tallies as the run added them up, and adds up itself those of
    # a set with a session published, unpublished or deleted since: the same figures either way.
    ours, theirs = people.cohort.id, people.other_cohort.id
    crowd = participants(db, people.cohort, 3)
    kept = closed_session(db, people.cohort)
    _answered(db, kept, crowd, 4, 4, 4)
    meeting = closed_session(db, people.cohort)
    _answered(db, meeting, crowd, 1, 2, 5)
    other = closed_session(db, people.other_cohort)
    _answered(db, other, participants(db, people.other_cohort, 3), 3, 4, 5)
    both = _shown(db, people)
    tally_closed(db, utcnow())
    assert _added_up(db)[ours] == 2
    assert _added_up(db)[theirs] == 1
    assert _shown(db, people) == both

    meetings.unpublish(db, meeting, utcnow())
    db.flush()
    assert ours not in _added_up(db)
    assert _added_up(db)[theirs] == 1
    hidden = _shown(db, people)
    assert hidden[0][ours].sessions_released == 1
    tally_closed(db, utcnow())
    assert _added_up(db)[ours] == 1
    assert _shown(db, people) == hidden

    meetings.publish(db, meeting, utcnow())
    db.flush()
    assert ours not in _added_up(db)
    assert _shown(db, people) == both
    tally_closed(db, utcnow())
    # A session moved or renamed adds up the same, and so does one published that has no tally
    # (a new one): its set's sums stay.
    meeting.starts_at -= timedelta(days=1)
    meeting.title = "Moved"
    meetings.publish(db, factories.make_meeting(db, people.cohort), utcnow())
    db.flush()
    assert _added_up(db)[ours] == 2
    assert _shown(db, people) == both

    meetings.unpublish(db, meeting, utcnow())
    tally_closed(db, utcnow())
    meetings.delete_meeting(db, meeting)
    db.flush()
    assert ours not in _added_up(db)
    assert _shown(db, people) == hidden
    db.delete(people.other_cohort)
    db.flush()
    assert theirs not in _added_up(db)


def test_fewer_than_the_minimum_show_nothing_tallied_or_not(db, people):
    crowd = participants(db, people.cohort, MIN_RESPONSES)
    for _ in range(3):
        _answered(db, closed_session(db, people.cohort), crowd[: MIN_RESPONSES - 1], 5, 5)
    counted = _shown(db, people)
    assert tally_closed(db, utcnow()) == 3
    assert _shown(db, people) == counted
    assert counted[0][people.cohort.id].sessions_released == 0
    assert counted[2] == []
    assert count_rows(db, SessionFeedbackTally) == 3


def test_half_tallied_sets_count_each_session_once(db, people):
    crowd = participants(db, people.cohort, 3)
    first = closed_session(db, people.cohort)
    _answered(db, first, crowd, 5, 4, 3)
    second = open_session(db, people.cohort)
    _answered(db, second, crowd, 2, 3, 4)
    tally_closed(db, utcnow())
    assert _tallied(db) == {first.id}
    # Once the second has closed too, and before the next run.
    later = services.window_of(db, second).closes_at
    ours = summaries_for_cohorts(db, [people.cohort.id], later)[people.cohort.id]
    assert (ours.sessions_closed, ours.sessions_released, ours.counts) == (2, 2, (0, 1, 2, 2, 1))


def test_sessions_closed_since_the_last_run_are_counted_from_their_answers(db, people):
    # The job last ran before either session closed (it has not run for days, say): the report
    # shows what it showed before any run, and the same once the next run has tallied them.
    crowd = participants(db, people.cohort, 4)
    sessions = [
        factories.make_past_meeting(db, people.cohort, days_ago=days, status="published")
        for days in (40, 30, 20)
    ]
    _answered(db, sessions[0], crowd, 5, 4, 4, 2)
    _answered(db, sessions[1], crowd, 1, 2)
    _answered(db, sessions[2], crowd, 3, 3, 3)
    never_run = _shown(db, people)
    assert never_run[0][people.cohort.id].sessions_released == 2
    before = min(services.window_of(db, meeting).closes_at for meeting in sessions)
    assert tally_closed(db, before) == 0
    assert _shown(db, people) == never_run
    # A run that reaches the first two sessions but not the last.
    assert tally_closed(db, services.window_of(db, sessions[1]).closes_at + SETTLED) == 2
    assert _shown(db, people) == never_run
    assert tally_closed(db, utcnow()) == 1
    assert _shown(db, people) == never_run


def test_a_run_with_an_earlier_time_does_not_take_the_reach_back(db, people):
    crowd = participants(db, people.cohort, 3)
    meeting = closed_session(db, people.cohort)
    _answered(db, meeting, crowd, 4, 5, 4)
    counted = _shown(db, people)
    tally_closed(db, utcnow())
    tally_closed(db, utcnow() - timedelta(days=60))
    tally_closed(db, utcnow())
    assert count_rows(db, SessionFeedbackTallyRun) <= 2
    assert _shown(db, people) == counted


def test_an_untallied_session_unpublished_or_republished_shows_as_counted(db, people):
    crowd = participants(db, people.cohort, 3)
    tallied = closed_session(db, people.cohort)
    _answered(db, tallied, crowd, 4, 4, 4)
    tally_closed(db, utcnow())
    meeting = open_session(db, people.cohort)
    _answered(db, meeting, crowd, 2, 2, 5)
    later = services.window_of(db, meeting).closes_at
    both = _shown(db, people, later)
    assert both[0][people.cohort.id].sessions_released == 2
    meetings.unpublish(db, meeting, utcnow())
    hidden = _shown(db, people, later)
    assert hidden[0][people.cohort.id].sessions_released == 1
    meetings.publish(db, meeting, utcnow())
    assert _shown(db, people, later) == both
    # Fewer than the minimum on an untallied session show nothing of it (one at the same time,
    # so that its window has closed by `later` too, whatever the seconds on the clock).
    too_few = factories.make_meeting(
        db, people.cohort, starts_at=meeting.starts_at, status="published"
    )
    _answered(db, too_few, crowd, 1, 1)
    shown = _shown(db, people, later)
    assert shown[0][people.cohort.id].sessions_closed == 3
    assert shown[1:] == both[1:]


def test_the_daily_figures_job_tallies_the_demo_once_and_the_report_stays_the_same(tmp_path):
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["init"])
    runner.invoke(args=["demo"])
    with database(app).sessions() as db:
        ids = list(db.scalars(select(Cohort.id)))
        before = feedback_themes(db, ids, utcnow(), services.WINDOW_DAYS)
    first = runner.invoke(args=["figures", "release"])
    again = runner.invoke(args=["figures", "release"])
    assert first.exit_code == again.exit_code == 0, first.output
    with database(app).sessions() as db:
        tallied = count_rows(db, SessionFeedbackTally)
        assert tallied >= 3
        assert feedback_themes(db, ids, utcnow(), services.WINDOW_DAYS) == before != []
    assert f"Tallied the feedback of {tallied} sessions." in first.output
    assert "Tallied the feedback of 0 sessions." in again.output


def test_the_demo_loaded_again_after_a_run_is_counted_whole(tmp_path):
    # The demo answers sessions "in the past": loaded again a month on, after the daily job has
    # run, its new answers close before that run's reach, and still count until they are tallied.
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["init"])
    runner.invoke(args=["demo"])
    later = utcnow() + timedelta(days=45)
    with database(app).sessions() as db:
        ids = list(db.scalars(select(Cohort.id)))
        tally_closed(db, later)
        answers = count_rows(db, SessionFeedback)
        session_feedback_demo.load(db, later)
        assert count_rows(db, SessionFeedback) > answers
        shown = feedback_themes(db, ids, later, services.WINDOW_DAYS)
        assert tally_closed(db, later) >= 1
        assert feedback_themes(db, ids, later, services.WINDOW_DAYS) == shown


def test_init_tallies_what_has_closed_so_an_upgrade_reads_tallies_at_once(tmp_path):
    # An upgrade runs `init`, not the daily job: the sessions closed before it are tallied there.
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["init"])
    runner.invoke(args=["demo"])
    with database(app).sessions() as db:
        assert count_rows(db, SessionFeedbackTally) == 0
    upgraded = runner.invoke(args=["init"])
    assert upgraded.exit_code == 0, upgraded.output
    with database(app).sessions() as db:
        tallied = count_rows(db, SessionFeedbackTally)
    assert tallied >= 3
    assert f"Tallied the feedback of {tallied} sessions." in upgraded.output
    again = runner.invoke(args=["init"])
    assert "Tallied" not in again.output
    assert (
        "Tallied the feedback of 0 sessions." in runner.invoke(args=["figures", "release"]).output
    )


@pytest.mark.postgresql_only
def test_a_session_unpublished_during_a_run_waits_for_it_and_is_not_added_up(tmp_path):
    # PostgreSQL lets two transactions write at once (SQLite one at a time): the run locks the
    # tallied sessions, so an unpublish waits for it, then drops the set's sums the run wrote.
    name = f"tally_{uuid.uuid4().hex[:12]}"
    url = create_database(os.environ["LEARNSET_TEST_POSTGRES_URL"], name)
    migrate.upgrade(url)
    app = fresh_app(tmp_path, DATABASE_URL=url)
    try:
        with database(app).writer_sessions() as db:
            cohort = factories.make_cohort(db)
            crowd = participants(db, cohort, 3)
            meeting = closed_session(db, cohort)
            _answered(db, meeting, crowd, 4, 4, 4)
            db.commit()
            ids = ([cohort.id], meeting.id)
        with database(app).writer_sessions() as run, database(app).writer_sessions() as db:
            tally_closed(run, utcnow())
            db.execute(text("SET LOCAL lock_timeout = '200ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                meetings.unpublish(db, db.get(Meeting, ids[1]), utcnow())
                db.flush()
            db.rollback()
            _waits_for(run, _unpublish, app, ids[1])
        with database(app).sessions() as db:
            shown = summaries_for_cohorts(db, ids[0], utcnow())[ids[0][0]]
            assert (shown.sessions_closed, shown.sessions_released) == (0, 0)
            assert count_rows(db, SessionFeedbackSetTally) == 0
        # Two runs at once: the second waits for the first, then writes the same sums over it.
        with database(app).writer_sessions() as run:
            tally_closed(run, utcnow())
            _waits_for(run, _run, app)
        with database(app).sessions() as db:
            assert count_rows(db, SessionFeedbackSetTally) == 1
            assert summaries_for_cohorts(db, ids[0], utcnow())[ids[0][0]] == shown
    finally:
        database(app).engine.dispose()
        prepared.drop(url)


def _waits_for(run, work, *args):
    # `work` in a thread of its own while `run` is open, until `run` commits.
    failed = []
    waiting = threading.Thread(target=lambda: _caught(failed, work, *args))
    waiting.start()
    time.sleep(0.3)
    run.commit()
    waiting.join(10)
    assert not waiting.is_alive()
    assert failed == []


def _caught(failed, work, *args):
    try:
        work(*args)
    except Exception as error:
        failed.append(error)


def _run(app):
    with database(app).writer_sessions() as db:
        tally_closed(db, utcnow())
        db.commit()


def _unpublish(app, meeting_id):
    with database(app).writer_sessions() as db:
        meetings.unpublish(db, db.get(Meeting, meeting_id), utcnow())
        db.commit()
