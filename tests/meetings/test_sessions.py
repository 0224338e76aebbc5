"""Drafting, publishing and the visibility of sessions."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from learnset.db import utcnow
from learnset.meetings import services
from learnset.meetings.models import Meeting, MeetingItem, PresenterSlot
from tests import factories
from tests.helpers import csrf_from, press, submit, text_of

SESSION = {
    "title": "The unlocking lens",
    "day-day": "14",
    "day-month": "4",
    "day-year": "2026",
    "starts": "13:30",
    "ends": "16:30",
    "place": "Room 2, Riverside House",
    "online_link": "",
    "agenda": "## Check-in\n\n- Round the room",
}


# --- Creating and editing ----------------------------------------------------------------


def test_tutor_adds_a_session_in_uk_time(login, db, people):
    browser = login(people.tutor)
    response = submit(browser, f"/cohorts/{people.cohort.id}/sessions/new", SESSION)
    assert response.status_code == 302
    meeting = db.scalar(select(Meeting).where(Meeting.cohort_id == people.cohort.id))
    assert meeting.status == "draft"
    assert meeting.starts_at == datetime(2026, 4, 14, 12, 30, tzinfo=UTC)  # BST
    assert meeting.ends_at == datetime(2026, 4, 14, 15, 30, tzinfo=UTC)
    page = text_of(browser.get(response.location))
    assert "14 April 2026, 1:30pm to 4:30pm (UK time)" in page
    assert "<h2>Check-in</h2>" in page
    assert "Only tutors can see this session" in page


def test_editing_shows_uk_time_and_saves_changes(login, db, people):
    meeting = factories.make_meeting(
        db, people.cohort, starts_at=datetime(2026, 11, 10, 13, 30, tzinfo=UTC)
    )
    db.commit()
    browser = login(people.tutor)
    form = text_of(browser.get(f"/sessions/{meeting.id}/edit"))
    assert re.search(r'name="starts"[^>]*value="13:30"', form)
    assert re.search(r'name="day-day"[^>]*value="10"', form)
    sequence = meeting.sequence
    response = submit(
        browser,
        f"/sessions/{meeting.id}/edit",
        {**SESSION, "day-day": "8", "day-month": "12", "starts": "10:00", "ends": "13:00"},
    )
    assert response.status_code == 302
    db.refresh(meeting)
    assert meeting.starts_at == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # GMT
    assert meeting.title == "The unlocking lens"
    assert meeting.sequence > sequence


def test_preview_renders_the_agenda_safely_and_saves_nothing(login, db, people):
    meeting = factories.make_meeting(db, people.cohort, agenda="Old agenda")
    db.commit()
    browser = login(people.tutor)
    agenda = "## Plan\n\n- **Theory**\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2))"
    response = submit(
        browser, f"/sessions/{meeting.id}/edit", {**SESSION, "agenda": agenda, "action": "preview"}
    )
    html = text_of(response)
    assert response.status_code == 200
    assert "Preview of the agenda" in html
    assert "<h2>Plan</h2>" in html and "<strong>Theory</strong>" in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript' not in html
    # The typed agenda comes back in the box, unsaved.
    assert "## Plan" in html
    db.refresh(meeting)
    assert meeting.agenda == "Old agenda"


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"day-day": "", "day-month": "", "day-year": ""}, "Enter the date of the session"),
        ({"day-day": "31", "day-month": "2"}, "Date must be a real date, like 10 3 2026"),
        ({"day-year": ""}, "Date must include a year"),
        ({"starts": "25:00"}, "Enter a start time, like 13:30"),
        ({"ends": "09:00"}, "End time must be after the start time"),
        ({"online_link": "javascript:alert(1)"}, "Enter a link that starts with https://"),
        ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
        ({"day-day": "29", "day-month": "3", "starts": "01:30"}, "the clocks go forward"),
    ],
)
def test_bad_details_get_messages_and_write_nothing(login, db, people, changes, message):
    browser = login(people.tutor)
    response = submit(browser, f"/cohorts/{people.cohort.id}/sessions/new", {**SESSION, **changes})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Error: " in html
    assert db.scalar(select(func.count()).select_from(Meeting)) == 0


# --- Who sees drafts ---------------------------------------------------------------------


def test_draft_is_invisible_to_participants_and_other_tutors(login, db, people):
    draft = factories.make_meeting(db, people.cohort, title="Secret plans")
    db.commit()
    for person in (people.participant, people.fellow, people.other_tutor, people.outsider):
        browser = login(person)
        assert browser.get(f"/sessions/{draft.id}").status_code == 404
        assert browser.get(f"/sessions/{draft.id}/edit").status_code == 404
        assert "Secret plans" not in browser.get("/").get_data(as_text=True)
    listing = login(people.participant).get(f"/cohorts/{people.cohort.id}/sessions")
    assert "Secret plans" not in listing.get_data(as_text=True)
    assert login(people.tutor).get(f"/sessions/{draft.id}").status_code == 200
    assert login(people.admin).get(f"/sessions/{draft.id}").status_code == 200


def test_published_session_is_visible_to_its_cohort_only(login, db, people):
    meeting = factories.make_meeting(db, people.cohort, title="Open to the set", status="published")
    db.commit()
    assert login(people.participant).get(f"/sessions/{meeting.id}").status_code == 200
    assert login(people.outsider).get(f"/sessions/{meeting.id}").status_code == 404
    assert login(people.other_tutor).get(f"/sessions/{meeting.id}").status_code == 404
    listing = login(people.outsider).get(f"/cohorts/{people.cohort.id}/sessions")
    assert listing.status_code == 404


def test_participants_do_not_see_tutor_actions(login, db, people):
    meeting = factories.make_meeting(db, people.cohort, status="published")
    db.commit()
    html = login(people.participant).get(f"/sessions/{meeting.id}").get_data(as_text=True)
    for action in ("/edit", "/plan", "/unpublish", "/delete", "/attendance"):
        assert f"/sessions/{meeting.id}{action}" not in html
    tutor_html = login(people.tutor).get(f"/sessions/{meeting.id}").get_data(as_text=True)
    assert f"/sessions/{meeting.id}/unpublish" in tutor_html


# --- Publishing --------------------------------------------------------------------------


def test_publish_with_email_to_members(login, db, outbox, people):
    meeting = factories.make_meeting(
        db,
        people.cohort,
        title="Threat and connection",
        starts_at=datetime(2026, 6, 9, 12, 30, tzinfo=UTC),
    )
    db.commit()
    browser = login(people.tutor)
    confirm = browser.get(f"/sessions/{meeting.id}/publish").get_data(as_text=True)
    assert "Publish Threat and connection?" in confirm
    response = submit(browser, f"/sessions/{meeting.id}/publish", {"notify": "y"})
    assert response.status_code == 302
    db.refresh(meeting)
    assert meeting.is_published and meeting.published_at is not None
    recipients = sorted(message["To"] for message in outbox())
    assert recipients == sorted([people.participant.email, people.fellow.email])
    body = outbox()[0].get_payload(decode=True).decode()
    assert "9 June 2026, 1:30pm to 4:30pm (UK time)" in body
    assert f"http://localhost/sessions/{meeting.id}" in body
    assert "2 members will be emailed" in browser.get(response.location).get_data(as_text=True)
    assert login(people.participant).get(f"/sessions/{meeting.id}").status_code == 200


def test_publish_without_email(login, db, outbox, people):
    meeting = factories.make_meeting(db, people.cohort)
    db.commit()
    response = submit(login(people.tutor), f"/sessions/{meeting.id}/publish", {})
    assert response.status_code == 302
    db.refresh(meeting)
    assert meeting.is_published
    assert outbox() == []


def test_unpublish_asks_then_hides_the_session_again(login, db, people):
    meeting = factories.make_meeting(db, people.cohort, status="published")
    factories.add_item_to(db, meeting, factories.make_content_item(db))
    db.commit()
    browser = login(people.tutor)
    assert "Unpublish" in browser.get(f"/sessions/{meeting.id}/unpublish").get_data(as_text=True)
    db.refresh(meeting)
    assert meeting.is_published
    assert submit(browser, f"/sessions/{meeting.id}/unpublish", {}).status_code == 302
    db.refresh(meeting)
    assert not meeting.is_published
    assert len(meeting.items) == 1
    assert login(people.participant).get(f"/sessions/{meeting.id}").status_code == 404


def test_publishing_twice_is_refused_gently(db, people):
    meeting = factories.make_meeting(db, people.cohort, status="published")
    with pytest.raises(services.MeetingError, match="already published"):
        services.publish(db, meeting, utcnow())
    with pytest.raises(services.MeetingError, match="not published"):
        services.unpublish(db, factories.make_meeting(db, people.cohort), utcnow())


def test_delete_a_draft_releases_its_topics(login, db, people):
    meeting = factories.make_meeting(db, people.cohort)
    topic = factories.make_topic(
        db, people.cohort, people.fellow, status="taken_up", meeting=meeting
    )
    db.commit()
    browser = login(people.tutor)
    assert "This cannot be undone" in browser.get(f"/sessions/{meeting.id}/delete").get_data(
        as_text=True
    )
    meeting_id = meeting.id
    assert submit(browser, f"/sessions/{meeting_id}/delete", {}).status_code == 302
    assert db.scalar(select(Meeting.id).where(Meeting.id == meeting_id)) is None
    db.refresh(topic)
    assert topic.status == "open" and topic.meeting_id is None


def test_a_published_session_cannot_be_deleted(login, db, people):
    meeting = factories.make_meeting(db, people.cohort, status="published")
    db.commit()
    browser = login(people.tutor)
    response = press(browser, f"/sessions/{meeting.id}/delete")
    assert response.status_code == 302
    assert db.get(Meeting, meeting.id) is not None


# --- Materials from the library ----------------------------------------------------------


def _library(db):
    from learnset.framework.models import Capability, CapabilityDomain

    domain = CapabilityDomain(slug="whole-system-working", name="Whole-system working")
    holding = Capability(slug="holding-complexity", name="Holding complexity", domain=domain)
    data = Capability(slug="data-for-discussion", name="Data for discussion", domain=domain)
    db.add_all([domain, holding, data])
    db.flush()
    return {
        "lens": factories.make_content_item(
            db, slug="lens", title="The unlocking lens", kind="theory", capabilities=[holding]
        ),
        "map": factories.make_content_item(
            db, slug="map", title="Mapping what is trapped", kind="exercise", capabilities=[data]
        ),
        "space": factories.make_content_item(
            db, slug="space", title="Open Space", kind="method", capabilities=[holding]
        ),
        "old": factories.make_content_item(
            db, slug="old", title="An archived module", archived_at=utcnow()
        ),
    }


def test_library_picker_filters_by_kind_and_capability(login, db, people):
    items = _library(db)
    meeting = factories.make_meeting(db, people.cohort)
    db.commit()
    browser = login(people.tutor)
    everything = text_of(browser.get(f"/sessions/{meeting.id}/library"))
    assert "The unlocking lens" in everything and "Open Space" in everything
    assert "An archived module" not in everything
    theory = text_of(browser.get(f"/sessions/{meeting.id}/library?kind=theory"))
    assert "The unlocking lens" in theory and "Mapping what is trapped" not in theory
    holding = text_of(browser.get(f"/sessions/{meeting.id}/library?capability=holding-complexity"))
    assert "The unlocking lens" in holding and "Open Space" in holding
    assert "Mapping what is trapped" not in holding
    both = text_of(
        browser.get(f"/sessions/{meeting.id}/library?kind=method&capability=holding-complexity")
    )
    assert "Open Space" in both and "The unlocking lens" not in both
    odd = browser.get(f"/sessions/{meeting.id}/library?kind=nonsense&capability=nonsense&page=x")
    assert odd.status_code == 200
    factories.add_item_to(db, meeting, items["lens"])
    db.commit()
    after = text_of(browser.get(f"/sessions/{meeting.id}/library?kind=theory"))
    assert "No library items match these filters" in after


def test_adding_ordering_and_removing_materials(login, db, people):
    items = _library(db)
    meeting = factories.make_meeting(db, people.cohort)
    db.commit()
    browser = login(people.tutor)
    for slug in ("lens", "map", "space"):
        response = press(
            browser,
            f"/sessions/{meeting.id}/items",
            {"content_item_id": items[slug].id, "kind": "theory"},
        )
        assert response.status_code == 302
        assert response.location == f"/sessions/{meeting.id}/library?kind=theory"

    def order():
        rows = db.scalars(
            select(MeetingItem)
            .where(MeetingItem.meeting_id == meeting.id)
            .order_by(MeetingItem.position)
        )
        return [row.content_item.slug for row in rows]

    assert order() == ["lens", "map", "space"]
    space = db.scalar(select(MeetingItem).where(MeetingItem.content_item_id == items["space"].id))
    press(browser, f"/sessions/{meeting.id}/items/{space.id}/move", {"direction": "up"})
    assert order() == ["lens", "space", "map"]
    lens = db.scalar(select(MeetingItem).where(MeetingItem.content_item_id == items["lens"].id))
    press(browser, f"/sessions/{meeting.id}/items/{lens.id}/move", {"direction": "up"})
    assert order() == ["lens", "space", "map"]
    press(browser, f"/sessions/{meeting.id}/items/{lens.id}/remove")
    assert order() == ["space", "map"]
    plan = text_of(browser.get(f"/sessions/{meeting.id}/plan"))
    assert "Total: 40 minutes" in plan


def test_archived_and_duplicate_items_cannot_be_added(login, db, people):
    items = _library(db)
    meeting = factories.make_meeting(db, people.cohort)
    factories.add_item_to(db, meeting, items["lens"])
    db.commit()
    browser = login(people.tutor)
    archived = press(browser, f"/sessions/{meeting.id}/items", {"content_item_id": items["old"].id})
    assert "has been archived" in browser.get(archived.location).get_data(as_text=True)
    twice = press(browser, f"/sessions/{meeting.id}/items", {"content_item_id": items["lens"].id})
    assert "already in this session" in browser.get(twice.location).get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(MeetingItem)) == 1
    missing = press(browser, f"/sessions/{meeting.id}/items", {"content_item_id": 999999})
    assert missing.status_code == 404


def test_items_of_another_session_cannot_be_touched(login, db, people):
    mine = factories.make_meeting(db, people.cohort)
    theirs = factories.make_meeting(db, people.other_cohort)
    their_item = factories.add_item_to(db, theirs, factories.make_content_item(db))
    their_slot = factories.make_slot(db, theirs, people.outsider)
    db.commit()
    browser = login(people.tutor)
    assert press(browser, f"/sessions/{mine.id}/items/{their_item.id}/remove").status_code == 404
    assert (
        press(
            browser, f"/sessions/{mine.id}/items/{their_item.id}/move", {"direction": "up"}
        ).status_code
        == 404
    )
    assert press(browser, f"/sessions/{mine.id}/slots/{their_slot.id}/remove").status_code == 404
    assert db.get(MeetingItem, their_item.id) is not None


def test_session_page_lists_materials_without_a_library_link_until_the_library_exists(
    app, login, db, people
):
    items = _library(db)
    meeting = factories.make_meeting(db, people.cohort, status="published")
    factories.add_item_to(db, meeting, items["lens"])
    db.commit()
    html = text_of(login(people.participant).get(f"/sessions/{meeting.id}"))
    assert "The unlocking lens" in html
    assert items["lens"].summary in html
    if "library.item" not in app.view_functions:
        assert 'href="/library' not in html


# --- Presenter slots ---------------------------------------------------------------------


def test_presenter_slots_name_one_of_the_sets_open_challenges(login, db, people):
    meeting = factories.make_meeting(db, people.cohort)
    frailty = factories.make_challenge(db, people.fellow, title="Frailty at home")
    paused = factories.make_challenge(db, people.participant, title="Paused one", status="paused")
    theirs = factories.make_challenge(db, people.outsider, title="Eastvale's own")
    db.commit()
    browser = login(people.tutor)
    path = f"/sessions/{meeting.id}/plan"
    plan = text_of(browser.get(path))
    assert "Fay Fellow: Frailty at home" in plan
    assert "Paused one" not in plan and "Eastvale's own" not in plan
    token = csrf_from(browser, path)
    ok = browser.post(
        f"/sessions/{meeting.id}/slots", data={"csrf_token": token, "challenge": frailty.id}
    )
    assert ok.status_code == 302
    for refused in (paused.id, theirs.id, frailty.id, 99999999999, "", "x"):
        response = browser.post(
            f"/sessions/{meeting.id}/slots", data={"csrf_token": token, "challenge": refused}
        )
        assert response.status_code == 422, refused
    twice = browser.post(
        f"/sessions/{meeting.id}/slots", data={"csrf_token": token, "challenge": frailty.id}
    )
    assert "already has a slot in this session" in text_of(twice, 422)
    slots = db.scalars(select(PresenterSlot)).all()
    assert [(slot.user_id, slot.challenge_id) for slot in slots] == [(people.fellow.id, frailty.id)]
    with pytest.raises(services.MeetingError):
        services.add_presenter_slot(db, meeting, theirs, people.tutor, utcnow())
