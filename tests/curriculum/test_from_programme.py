"""Making a learning set's sessions from a programme: dates, drafts with running orders and
items, the refusals (beside their fields), and nothing half-written."""

import re
from datetime import date, time

import pytest
from sqlalchemy import select

from learnset.curriculum.models import ProgrammeUse
from learnset.dates import UK
from learnset.meetings import from_programme
from learnset.meetings.models import Meeting, MeetingItem
from learnset.meetings.services import MeetingError
from tests import factories
from tests.curriculum.programmes import make_programme
from tests.helpers import count_rows, html_of, missing_from, submit, text_of

NOW = factories.utcnow()
PATH = "/cohorts/{}/sessions/from-programme"


def _start(programme, first_day=date(2032, 3, 9), starts=time(10, 0), place="Room 2"):
    return from_programme.ProgrammeStart(programme, first_day, starts, place)


def test_same_weekday_each_month_and_a_fifth_becomes_the_last():
    # 9 March 2032 is the second Tuesday.
    assert from_programme.monthly_days(date(2032, 3, 9), 3) == [
        date(2032, 3, 9),
        date(2032, 4, 13),
        date(2032, 5, 11),
    ]
    # 30 March 2032 is the fifth Tuesday; April has none, so the last Tuesday it is.
    assert from_programme.monthly_days(date(2032, 3, 30), 2) == [
        date(2032, 3, 30),
        date(2032, 4, 27),
    ]


def test_every_session_is_a_draft_with_its_running_order_and_items(db, people):
    programme = make_programme(db)
    made = from_programme.create_from_programme(
        db, people.tutor, people.cohort, _start(programme), NOW
    )
    assert [m.title for m in made] == ["Month 1 theme", "Month 2 theme", "Month 3 theme"]
    assert all(not meeting.is_published for meeting in made)
    first = made[0]
    assert first.starts_at.astimezone(UK).replace(tzinfo=None).isoformat() == "2032-03-09T10:00:00"
    assert (first.ends_at - first.starts_at).total_seconds() == 180 * 60
    assert first.place == "Room 2"
    assert "- **10am to 10:15am**: Check-in (15 minutes)" in first.agenda
    assert "- **10:15am to 10:40am**: Theory (25 minutes)" in first.agenda
    assert "Bring something to month 1." in first.agenda
    assert "Tutors only" not in first.agenda  # facilitator notes stay on the programme
    assert [item.content_item.title for item in first.items] == [
        "Theory for month 1",
        "Exercise for month 1",
    ]
    assert [m.number for m in made] == [1, 2, 3]
    use = db.scalar(select(ProgrammeUse))
    assert (use.cohort_id, use.programme_id, use.applied_by_id) == (
        people.cohort.id,
        programme.id,
        people.tutor.id,
    )


def test_a_programme_used_once_is_refused_beside_the_programme(db, people):
    programme = make_programme(db)
    from_programme.create_from_programme(db, people.tutor, people.cohort, _start(programme), NOW)
    with pytest.raises(MeetingError) as refused:
        from_programme.plan_from_programme(
            db, people.cohort, _start(programme, first_day=date(2033, 3, 8))
        )
    assert refused.value.field == "programme"
    assert "already made from “The year”" in str(refused.value)


def test_a_day_the_set_already_meets_is_refused_and_nothing_is_written(db, people):
    programme = make_programme(db)
    taken = factories.make_meeting(
        db,
        people.cohort,
        starts_at=from_programme.uk_to_utc(date(2032, 4, 13), time(14, 0)),
    )
    db.flush()
    before = (count_rows(db, Meeting), count_rows(db, MeetingItem), count_rows(db, ProgrammeUse))
    with pytest.raises(MeetingError) as refused:
        from_programme.create_from_programme(
            db, people.tutor, people.cohort, _start(programme), NOW
        )
    assert refused.value.field == "first_day"
    assert "already has a session on 13 April 2032" in str(refused.value)
    assert (
        count_rows(db, Meeting),
        count_rows(db, MeetingItem),
        count_rows(db, ProgrammeUse),
    ) == before
    assert taken.title == ""  # untouched


def test_another_sets_sessions_on_those_days_do_notcount_rows(db, people):
    programme = make_programme(db)
    factories.make_meeting(
        db,
        people.other_cohort,
        starts_at=from_programme.uk_to_utc(date(2032, 4, 13), time(10, 0)),
    )
    made = from_programme.create_from_programme(
        db, people.tutor, people.cohort, _start(programme), NOW
    )
    assert len(made) == 3


def test_an_archived_or_missing_programme_is_refused(db, people):
    programme = make_programme(db, archived_at=NOW)
    for chosen in (programme, None):
        with pytest.raises(MeetingError) as refused:
            from_programme.plan_from_programme(db, people.cohort, _start(chosen))
        assert refused.value.field == "programme"


def test_a_session_that_would_run_past_midnight_is_refused_beside_the_start(db, people):
    programme = make_programme(db)
    with pytest.raises(MeetingError) as refused:
        from_programme.plan_from_programme(db, people.cohort, _start(programme, starts=time(22)))
    assert refused.value.field == "starts"


# --- The pages ------------------------------------------------------------------------------

FORM = {
    "programme": "the-year",
    "first_day-day": "9",
    "first_day-month": "3",
    "first_day-year": "2032",
    "starts": "10:00",
    "place": "Room 2",
}


def test_the_tutor_checks_the_dates_then_creates_the_drafts(login, db, people):
    make_programme(db)
    db.commit()
    client = login(people.tutor)
    path = PATH.format(people.cohort.id)
    page = text_of(client.get(f"{path}?programme=the-year"))
    assert 'value="the-year" selected' in page
    check = text_of(submit(client, path, {**FORM, "action": "check"}))
    assert not missing_from(
        check, "Check the sessions", "Month 2 theme", "13 April 2032, 10am to 1pm", "Create 3 draft"
    )
    assert count_rows(db, Meeting) == 0  # checking writes nothing
    done = submit(client, path, {**FORM, "action": "create"})
    assert done.status_code == 302
    assert count_rows(db, Meeting) == 3
    listing = text_of(client.get(f"/cohorts/{people.cohort.id}/sessions"))
    assert "3 draft sessions were made from the programme" in listing


def test_the_check_page_sends_back_every_answer_as_it_was_given(login, db, people):
    make_programme(db)
    db.commit()
    client = login(people.tutor)
    page = html_of(submit(client, PATH.format(people.cohort.id), {**FORM, "action": "check"}))
    kept = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    kept.pop("csrf_token", None)
    assert kept == FORM


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"programme": ""}, "programme", "Choose a programme"),
        ({"programme": "no-such-programme"}, "programme", "Choose a programme"),
        ({"first_day-day": "31", "first_day-month": "2"}, "first_day", "must be a real date"),
        ({"starts": "25:00"}, "starts", "Enter a start time, like 10:00"),
        ({"starts": "23:00"}, "starts", "must start earlier"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_writes_nothing(
    login, db, people, change, field, message
):
    make_programme(db)
    db.commit()
    client = login(people.tutor)
    response = submit(client, PATH.format(people.cohort.id), {**FORM, **change, "action": "create"})
    page = text_of(response, 422)
    assert f'id="{field}-error"' in page
    assert message in page
    assert count_rows(db, Meeting) == 0


def test_a_clash_is_shown_beside_the_first_date(login, db, people):
    make_programme(db)
    factories.make_meeting(
        db, people.cohort, starts_at=from_programme.uk_to_utc(date(2032, 5, 11), time(9, 0))
    )
    db.commit()
    client = login(people.tutor)
    page = html_of(submit(client, PATH.format(people.cohort.id), {**FORM, "action": "check"}), 422)
    assert "already has a session on 11 May 2032" in page
    assert count_rows(db, Meeting) == 1


def test_the_sessions_list_offers_it_only_to_those_who_may(login, db, people):
    path = f"/cohorts/{people.cohort.id}/sessions"
    assert "Create sessions from a programme" in html_of(login(people.tutor).get(path))
    assert "Create sessions from a programme" not in html_of(login(people.participant).get(path))


def test_checking_and_creating_cost_the_same_for_a_long_programme(login, db, people, count_queries):
    make_programme(db, sessions=2, slug="short")
    make_programme(db, sessions=12, slug="long")
    db.commit()
    client = login(people.tutor)
    path = PATH.format(people.cohort.id)

    def statements(slug, action, first_year):
        form = {**FORM, "programme": slug, "first_day-year": str(first_year), "action": action}
        submit(client, path, {**form, "action": "check"})  # warm up
        with count_queries() as sent:
            response = submit(client, path, form)
        assert response.status_code in (200, 302)
        return len([s for s in sent if s.lstrip().upper().startswith("SELECT")])

    assert statements("short", "check", 2032) == statements("long", "check", 2034)
    assert statements("short", "create", 2032) == statements("long", "create", 2034)
