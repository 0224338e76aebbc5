"""Monthly schedules: the rule, UK time across the clock changes, months without such a day,
and regenerating without losing work."""

import re
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from learnset.dates import UK
from learnset.db import utcnow
from learnset.meetings import services
from learnset.meetings.models import Meeting
from learnset.meetings.schedule import ScheduleError, ScheduleRule, occurrences, uk_to_utc
from tests import factories
from tests.helpers import html_of, missing_from, submit


def _rule(**overrides):
    values = {
        "first_month": date(2026, 3, 1),
        "weekday": 1,  # Tuesday
        "occurrence": 2,
        "starts": time(13, 30),
        "ends": time(16, 30),
        "months": 10,
    }
    values.update(overrides)
    return ScheduleRule(**values)


def _utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_second_tuesday_for_ten_months():
    planned = occurrences(_rule())
    days = [session.uk_day for session in planned.sessions]
    assert days == [
        date(2026, 3, 10),
        date(2026, 4, 14),
        date(2026, 5, 12),
        date(2026, 6, 9),
        date(2026, 7, 14),
        date(2026, 8, 11),
        date(2026, 9, 8),
        date(2026, 10, 13),
        date(2026, 11, 10),
        date(2026, 12, 8),
    ]
    assert planned.skipped_months == []


def test_half_past_one_stays_half_past_one_across_the_march_clock_change():
    """Clocks go forward on 29 March 2026: 1:30pm UK is 13:30 UTC before, 12:30 UTC after."""
    march, april = occurrences(_rule(months=2)).sessions
    assert march.starts_at == _utc(2026, 3, 10, 13, 30)
    assert march.ends_at == _utc(2026, 3, 10, 16, 30)
    assert april.starts_at == _utc(2026, 4, 14, 12, 30)
    assert april.ends_at == _utc(2026, 4, 14, 15, 30)
    for session in (march, april):
        assert session.starts_at.astimezone(UK).time() == time(13, 30)
        assert session.ends_at.astimezone(UK).time() == time(16, 30)


def test_half_past_one_stays_half_past_one_across_the_october_clock_change():
    """Clocks go back on 25 October 2026: 12:30 UTC in October, 13:30 UTC in November."""
    october, november = occurrences(_rule(first_month=date(2026, 10, 1), months=2)).sessions
    assert october.starts_at == _utc(2026, 10, 13, 12, 30)
    assert november.starts_at == _utc(2026, 11, 10, 13, 30)
    assert {s.starts_at.astimezone(UK).strftime("%H:%M") for s in (october, november)} == {"13:30"}


def test_sessions_on_the_weekend_of_the_clock_change():
    """The last Sunday of March and of October are the change days themselves."""
    march = occurrences(_rule(weekday=6, occurrence=-1, starts=time(10), ends=time(12), months=1))
    assert march.sessions[0].starts_at == _utc(2026, 3, 29, 9, 0)
    october = occurrences(
        _rule(
            first_month=date(2026, 10, 1),
            weekday=6,
            occurrence=-1,
            starts=time(10),
            ends=time(12),
            months=1,
        )
    )
    assert october.sessions[0].starts_at == _utc(2026, 10, 25, 10, 0)


def test_a_time_the_clocks_skip_is_refused_and_a_repeated_one_is_summer_time():
    with pytest.raises(ScheduleError, match="clocks go forward"):
        uk_to_utc(date(2026, 3, 29), time(1, 30))
    # 1:30am on 25 October 2026 happens twice; the first (BST) is used.
    assert uk_to_utc(date(2026, 10, 25), time(1, 30)) == _utc(2026, 10, 25, 0, 30)


def test_a_fifth_tuesday_skips_months_without_one_and_says_which():
    planned = occurrences(_rule(occurrence=5, months=6))
    assert [s.uk_day for s in planned.sessions] == [date(2026, 3, 31), date(2026, 6, 30)]
    assert planned.skipped_months == [
        date(2026, 4, 1),
        date(2026, 5, 1),
        date(2026, 7, 1),
        date(2026, 8, 1),
    ]


def test_the_last_tuesday_exists_in_every_month():
    planned = occurrences(_rule(occurrence=-1, months=12))
    assert len(planned.sessions) == 12
    assert planned.skipped_months == []
    assert planned.sessions[1].uk_day == date(2026, 4, 28)


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"ends": time(13, 0)}, "End time must be after the start time"),
        ({"months": 0}, "between 1 and 24"),
        ({"months": 25}, "between 1 and 24"),
        ({"occurrence": 6}, "week of the month"),
    ],
)
def test_impossible_rules_are_refused(overrides, message):
    with pytest.raises(ScheduleError, match=message):
        occurrences(_rule(**overrides))


def test_describe_reads_as_plain_english():
    assert _rule().describe() == "the second Tuesday of each month, 1:30pm to 4:30pm"
    assert _rule(occurrence=-1, weekday=3, starts=time(10), ends=time(12)).describe() == (
        "the last Thursday of each month, 10am to midday"
    )


# --- Applying a schedule to a cohort -----------------------------------------------------


def _meetings(db, cohort):
    return list(
        db.scalars(
            select(Meeting).where(Meeting.cohort_id == cohort.id).order_by(Meeting.starts_at)
        )
    )


def test_apply_creates_numbered_drafts_with_the_place(db, people):
    services.apply_schedule(
        db, people.cohort, _rule(months=3, place="Room 2, Riverside House"), utcnow()
    )
    meetings = _meetings(db, people.cohort)
    assert [m.number for m in meetings] == [1, 2, 3]
    assert {m.status for m in meetings} == {"draft"}
    assert {m.place for m in meetings} == {"Room 2, Riverside House"}
    assert meetings[0].display_title == "Session 1"


def test_regenerating_keeps_published_sessions_and_sessions_with_content(db, people):
    services.apply_schedule(db, people.cohort, _rule(months=4), utcnow())
    march, april, may, june = _meetings(db, people.cohort)
    services.publish(db, march, utcnow())
    factories.add_item_to(db, april, factories.make_content_item(db))
    db.commit()

    proposal = services.propose_schedule(db, people.cohort, _rule(weekday=2, months=4))
    assert proposal.kept == [march, april]
    assert proposal.replaced == [may, june]
    assert proposal.covered_months == [date(2026, 3, 1), date(2026, 4, 1)]
    assert [s.uk_day for s in proposal.new] == [date(2026, 5, 13), date(2026, 6, 10)]

    services.apply_schedule(db, people.cohort, _rule(weekday=2, months=4), utcnow())
    db.commit()
    after = _meetings(db, people.cohort)
    assert after[:2] == [march, april]
    assert [m.starts_at.astimezone(UK).date() for m in after[2:]] == [
        date(2026, 5, 13),
        date(2026, 6, 10),
    ]
    assert [m.number for m in after] == [1, 2, 3, 4]
    assert march.is_published and len(april.items) == 1


def test_a_title_agenda_topic_slot_or_attendance_counts_as_content(db, people):
    services.apply_schedule(db, people.cohort, _rule(months=5), utcnow())
    titled, agenda, topic, slot, attended = _meetings(db, people.cohort)
    titled.title = "The unlocking lens"
    agenda.agenda = "- Check-in"
    factories.make_topic(db, people.cohort, people.participant, status="taken_up", meeting=topic)
    factories.make_slot(db, slot, people.participant)
    factories.make_attendance(db, attended, people.participant)
    db.commit()
    proposal = services.propose_schedule(db, people.cohort, _rule(months=5))
    assert len(proposal.kept) == 5
    assert proposal.replaced == [] and proposal.new == []
    assert not proposal.changes_anything


# --- The pages ---------------------------------------------------------------------------

FORM = {
    "first_month-month": "3",
    "first_month-year": "2026",
    "occurrence": "2",
    "weekday": "1",
    "starts": "13:30",
    "ends": "16:30",
    "months": "10",
    "place": "Room 2, Riverside House",
    "online_link": "",
}


def _schedule(browser, people, **changes):
    """Fill in the schedule form of cohort A (FORM with the changes) and press its button."""
    return submit(browser, f"/cohorts/{people.cohort.id}/schedule", {**FORM, **changes})


def _count(db, cohort):
    return db.scalar(select(func.count()).where(Meeting.cohort_id == cohort.id))


def test_checking_shows_the_dates_and_changes_nothing(login, db, people):
    html = html_of(_schedule(login(people.tutor), people))
    assert not missing_from(html, "10 new sessions", "Generate 10 sessions")
    assert not missing_from(
        html,
        "10 March 2026, 1:30pm to 4:30pm",
        "13 October 2026, 1:30pm to 4:30pm",
        "10 November 2026, 1:30pm to 4:30pm",
    )
    assert _count(db, people.cohort) == 0


def test_the_check_page_sends_back_every_answer_as_it_was_given(login, people):
    page = html_of(_schedule(login(people.tutor), people))
    kept = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    kept.pop("csrf_token", None)
    assert kept == FORM


def test_generating_creates_the_sessions(login, db, people):
    browser = login(people.tutor)
    response = _schedule(browser, people, action="generate")
    assert response.status_code == 302
    assert response.location == f"/cohorts/{people.cohort.id}/sessions"
    assert _count(db, people.cohort) == 10
    page = browser.get(response.location).get_data(as_text=True)
    assert "10 sessions added to the schedule." in page
    assert "13 October 2026, 1:30pm to 4:30pm" in page


def test_the_check_page_says_what_regenerating_will_do(login, db, people):
    kept = factories.make_meeting(
        db, people.cohort, starts_at=factories.uk(2026, 3, 10, 13, 30), status="published"
    )
    factories.make_meeting(db, people.cohort, starts_at=factories.uk(2026, 4, 14, 13, 30))
    db.commit()
    html = html_of(_schedule(login(people.tutor), people))
    assert not missing_from(html, "1 empty draft session will be replaced", "14 April 2026")
    assert not missing_from(html, "Sessions kept as they are", kept.display_title, "9 new sessions")
    assert _count(db, people.cohort) == 2


def test_fifth_weekday_months_are_named_on_the_check_page(login, people):
    html = html_of(_schedule(login(people.tutor), people, occurrence="5", months="3"))
    assert not missing_from(
        html, "1 new session", "No session in April 2026, May 2026", "no fifth Tuesday"
    )


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"first_month-month": "13"}, "First month must be a real month, like 3 2026"),
        ({"first_month-month": "", "first_month-year": ""}, "Enter the month of the first session"),
        ({"starts": "half one"}, "Enter a start time, like 13:30"),
        ({"ends": "12:00"}, "End time must be after the start time"),
        ({"months": "many"}, "Number of months must be a whole number, like 10"),
        ({"months": "30"}, "Number of months must be between 1 and 24"),
        ({"online_link": "javascript:alert(1)"}, "Enter a link that starts with https://"),
    ],
)
def test_bad_rules_get_messages_beside_the_field(login, db, people, changes, message):
    html = html_of(_schedule(login(people.tutor), people, **changes, action="generate"), 422)
    assert message in html
    assert "There is a problem" in html
    assert _count(db, people.cohort) == 0


def test_change_the_rule_brings_the_form_back_filled_in(login, people):
    html = html_of(_schedule(login(people.tutor), people, months="7", action="change"))
    assert "Check the dates" in html
    assert 'value="7"' in html
    assert 'value="Room 2, Riverside House"' in html


def test_the_form_starts_at_the_cohort_start_month(login, people):
    html = login(people.tutor).get(f"/cohorts/{people.cohort.id}/schedule").get_data(as_text=True)
    html = re.sub(r"\s+", " ", html)
    assert re.search(r'name="first_month-month"[^>]*value="3"', html)
    assert re.search(r'name="first_month-year"[^>]*value="2026"', html)
