"""Planning the next session from the gaps: one button adds a suggested item to the next draft."""

from datetime import timedelta

import pytest

from learnset.db import utcnow
from learnset.meetings.models import MeetingItem
from tests import factories
from tests.helpers import csrf_from


@pytest.fixture
def plan(db, people, history, framework):
    item = factories.make_content_item(db, [framework.listening], title="Listening well")
    meeting = factories.make_meeting(db, people.cohort, title="Winter session")
    db.commit()
    return item, meeting


def _add(login, user, cohort, meeting, item, fields=None):
    browser = login(user)
    path = f"/cohorts/{cohort.id}/dashboard"
    data = {"meeting": meeting.id, "item": item.id, "csrf_token": csrf_from(browser, path)}
    data.update(fields or {})
    return browser, browser.post(f"{path}/plan", data=data, follow_redirects=True)


def _items(db, meeting):
    db.expire_all()
    return [row.content_item_id for row in db.query(MeetingItem).filter_by(meeting_id=meeting.id)]


@pytest.mark.parametrize("role", ["tutor", "admin"])
def test_a_suggested_item_goes_into_the_next_draft(db, login, people, plan, role):
    item, meeting = plan
    html = (
        login(getattr(people, role))
        .get(f"/cohorts/{people.cohort.id}/dashboard")
        .get_data(as_text=True)
    )
    assert "Add <span" in html and "Listening well" in html
    browser, response = _add(login, getattr(people, role), people.cohort, meeting, item)
    assert response.status_code == 200
    assert "“Listening well” has been added to Winter session." in response.get_data(as_text=True)
    assert _items(db, meeting) == [item.id]
    # Now used in this set, so no longer suggested.
    after = browser.get(f"/cohorts/{people.cohort.id}/dashboard").get_data(as_text=True)
    assert "Listening well" not in after.split('id="plan"')[1]


def test_the_earliest_draft_is_the_next_one(db, login, people, plan):
    _item, meeting = plan
    later = factories.make_meeting(
        db, people.cohort, starts_at=meeting.starts_at + timedelta(days=30)
    )
    db.commit()
    html = login(people.tutor).get(f"/cohorts/{people.cohort.id}/dashboard").get_data(as_text=True)
    assert f'name="meeting" value="{meeting.id}"' in html
    assert f'name="meeting" value="{later.id}"' not in html


def test_without_a_draft_the_page_says_so_and_adds_nothing(db, login, people, plan):
    item, meeting = plan
    html = login(people.tutor).get(f"/cohorts/{people.cohort.id}/dashboard").get_data(as_text=True)
    assert 'name="item"' in html
    meeting.status = "published"
    db.commit()
    html = login(people.tutor).get(f"/cohorts/{people.cohort.id}/dashboard").get_data(as_text=True)
    assert "There is no draft session coming up to add items to." in html
    assert f'href="/cohorts/{people.cohort.id}/sessions"' in html
    assert 'name="item"' not in html
    _, response = _add(login, people.tutor, people.cohort, meeting, item)
    assert "There is no draft session coming up, so the item was not added" in response.get_data(
        as_text=True
    )
    assert _items(db, meeting) == []


def test_a_refused_item_goes_back_to_the_plan_with_the_reason(db, login, people, plan):
    item, meeting = plan
    meeting.status = "published"
    db.commit()
    browser = login(people.tutor)
    path = f"/cohorts/{people.cohort.id}/dashboard"
    data = {"meeting": meeting.id, "item": item.id, "csrf_token": csrf_from(browser, path)}
    response = browser.post(f"{path}/plan", data=data)
    assert response.status_code == 302 and response.location == f"{path}#plan"
    page = browser.get(path)
    assert page.status_code == 200
    assert "There is no draft session coming up, so the item was not added" in page.get_data(
        as_text=True
    )


def test_a_session_that_has_started_is_not_the_next_draft(db, login, people, plan):
    item, meeting = plan
    meeting.starts_at = utcnow() - timedelta(hours=1)
    meeting.ends_at = utcnow() + timedelta(hours=2)
    db.commit()
    _, response = _add(login, people.tutor, people.cohort, meeting, item)
    assert "There is no draft session coming up" in response.get_data(as_text=True)
    assert _items(db, meeting) == []


def test_a_page_opened_before_the_schedule_changed(db, login, people, plan):
    item, meeting = plan
    sooner = factories.make_meeting(
        db, people.cohort, starts_at=meeting.starts_at - timedelta(days=7)
    )
    db.commit()
    _, response = _add(login, people.tutor, people.cohort, meeting, item)
    assert "The next draft session has changed since the page was opened" in response.get_data(
        as_text=True
    )
    assert _items(db, meeting) == [] and _items(db, sooner) == []


def test_the_sessions_rules_still_apply(db, login, people, plan, framework):
    item, meeting = plan
    archived = factories.make_content_item(db, [framework.listening], archived_at=utcnow())
    db.commit()
    _, response = _add(login, people.tutor, people.cohort, meeting, archived)
    assert "has been archived from the library, so it cannot be added" in response.get_data(
        as_text=True
    )
    factories.add_item_to(db, meeting, item)
    db.commit()
    _, response = _add(login, people.tutor, people.cohort, meeting, item)
    assert "is already in this session" in response.get_data(as_text=True)
    assert _items(db, meeting) == [item.id]


@pytest.mark.parametrize(
    "meeting_value,item_value",
    [("", ""), ("abc", "1"), ("1", "xyz"), ("1", str(2**40)), ("-5", "-5"), ("1", "0")],
)
def test_tampered_fields_get_a_message_never_a_500(db, login, people, plan, meeting_value,
                                                  item_value):  # fmt: skip
    item, meeting = plan
    tampered = {"meeting": meeting_value, "item": item_value}
    _, response = _add(login, people.tutor, people.cohort, meeting, item, tampered)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert ("Choose a library item to add from the suggestions" in body
            or "has changed since the page was opened" in body
            or "could not be found" in body)  # fmt: skip
    assert _items(db, meeting) == []


def test_an_unknown_item_for_the_right_session(db, login, people, plan):
    item, meeting = plan
    _, response = _add(login, people.tutor, people.cohort, meeting, item, {"item": str(2**31 - 1)})
    assert "That library item could not be found" in response.get_data(as_text=True)


def test_the_button_needs_its_token(db, login, people, plan):
    item, meeting = plan
    response = login(people.tutor).post(
        f"/cohorts/{people.cohort.id}/dashboard/plan", data={"meeting": meeting.id, "item": item.id}
    )
    assert response.status_code == 400
    assert _items(db, meeting) == []


def test_participants_are_refused_and_see_no_button(db, login, people, plan, no_csrf):
    item, meeting = plan
    response = login(people.participant).post(
        f"/cohorts/{people.cohort.id}/dashboard/plan", data={"meeting": meeting.id, "item": item.id}
    )
    assert response.status_code == 403
    growth = login(people.participant).get(f"/cohorts/{people.cohort.id}/growth")
    assert "/dashboard/plan" not in growth.get_data(as_text=True)
    assert _items(db, meeting) == []
