"""Attendance: the tutor records it, participants see their own, the cohort page shows rates
computed in SQL."""

import re

import pytest
from sqlalchemy import select

from learnset.db import utcnow
from learnset.meetings import queries, services
from learnset.meetings.models import Attendance
from tests import factories
from tests.helpers import submit, text_of


def _records(db, meeting):
    rows = db.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    return {row.user_id: row.present for row in rows}


def test_tutor_records_who_attended(login, db, people):
    meeting = factories.make_past_meeting(db, people.cohort, status="published")
    db.commit()
    browser = login(people.tutor)
    page = text_of(browser.get(f"/sessions/{meeting.id}/attendance"))
    boxes = {
        int(value) for value in re.findall(r'name="present" type="checkbox" value="(\d+)"', page)
    }
    assert boxes == {people.participant.id, people.fellow.id}
    response = submit(
        browser, f"/sessions/{meeting.id}/attendance", {"present": [people.participant.id]}
    )
    assert response.status_code == 302
    assert _records(db, meeting) == {people.participant.id: True, people.fellow.id: False}
    # Recording again updates the same rows.
    submit(
        browser,
        f"/sessions/{meeting.id}/attendance",
        {"present": [people.participant.id, people.fellow.id]},
    )
    assert _records(db, meeting) == {people.participant.id: True, people.fellow.id: True}
    ticked = browser.get(f"/sessions/{meeting.id}/attendance").get_data(as_text=True)
    assert ticked.count("checked") >= 2


def test_attendance_waits_for_the_session_to_start(login, db, people):
    meeting = factories.make_meeting(db, people.cohort, status="published")
    db.commit()
    browser = login(people.tutor)
    assert "once the session has started" in browser.get(
        f"/sessions/{meeting.id}/attendance"
    ).get_data(as_text=True)
    response = submit(browser, f"/sessions/{meeting.id}/attendance", {"present": []})
    assert response.status_code == 422
    assert _records(db, meeting) == {}


def test_someone_outside_the_set_cannot_be_marked_present(login, db, people):
    meeting = factories.make_past_meeting(db, people.cohort, status="published")
    db.commit()
    response = submit(
        login(people.tutor), f"/sessions/{meeting.id}/attendance", {"present": [people.outsider.id]}
    )
    assert response.status_code == 422
    assert _records(db, meeting) == {}
    with pytest.raises(services.MeetingError):
        services.record_attendance(db, meeting, {people.outsider.id}, people.tutor, utcnow())


def test_participants_see_their_own_record_only(login, db, people):
    meeting = factories.make_past_meeting(db, people.cohort, title="March", status="published")
    factories.make_attendance(db, meeting, people.participant, present=True)
    factories.make_attendance(db, meeting, people.fellow, present=False)
    db.commit()
    mine = text_of(login(people.participant).get(f"/cohorts/{people.cohort.id}"))
    assert "Your attendance" in mine and "Attended" in mine
    assert "Overall attendance" not in mine
    theirs = text_of(login(people.fellow).get(f"/cohorts/{people.cohort.id}"))
    assert "Did not attend" in theirs
    session = text_of(login(people.participant).get(f"/sessions/{meeting.id}"))
    assert "You attended" in session
    assert "1 of 2" not in session


def test_rates_per_session_and_overall(login, db, people):
    extra = factories.make_member(db, people.cohort, "participant", name="Ezra Extra")
    first = factories.make_past_meeting(db, people.cohort, days_ago=60, title="First")
    second = factories.make_past_meeting(db, people.cohort, days_ago=30, title="Second")
    for user, present in ((people.participant, True), (people.fellow, True), (extra, False)):
        factories.make_attendance(db, first, user, present)
    for user, present in ((people.participant, True), (people.fellow, False), (extra, False)):
        factories.make_attendance(db, second, user, present)
    # Another cohort's attendance must not leak into these figures.
    theirs = factories.make_past_meeting(db, people.other_cohort)
    factories.make_attendance(db, theirs, people.outsider, True)
    db.commit()

    by_meeting = queries.attendance_by_meeting(db, people.cohort.id)
    assert by_meeting == {first.id: queries.Rate(2, 3), second.id: queries.Rate(1, 3)}
    assert queries.overall_attendance(db, people.cohort.id) == queries.Rate(3, 6)
    assert queries.overall_attendance(db, people.cohort.id).percent == 50
    assert queries.attendance_by_participant(db, people.cohort.id)[extra.id] == queries.Rate(0, 2)

    page = text_of(login(people.tutor).get(f"/cohorts/{people.cohort.id}"))
    assert "Overall attendance: <strong>50%</strong> (3 of 6 places recorded)" in page
    assert "2 of 3" in page and "67%" in page and "33%" in page
    session = text_of(login(people.tutor).get(f"/sessions/{first.id}"))
    assert "Attendance: 2 of 3 participants (67%)" in session


def test_no_attendance_yet_says_what_to_do(login, db, people):
    page = text_of(login(people.tutor).get(f"/cohorts/{people.cohort.id}"))
    assert "No attendance has been recorded yet" in page
