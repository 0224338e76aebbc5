"""iCalendar: the personal feed behind a secret address, and single-session downloads, parsed
back with the icalendar package as a calendar client would."""

import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from learnset.db import utcnow
from learnset.meetings import calendar, services
from learnset.meetings.models import CalendarFeed
from tests import factories
from tests.helpers import csrf_from, submit

SECRET = "test-secret-key-not-for-production"


def _events(body: bytes) -> dict[str, object]:
    """The VEVENTs of a calendar file by SUMMARY."""
    parsed = Calendar.from_ical(body)
    assert str(parsed["VERSION"]) == "2.0"
    assert "Learnset" in str(parsed["PRODID"])
    return {str(event["SUMMARY"]): event for event in parsed.walk("VEVENT")}


def _feed_path(browser) -> str:
    html = browser.get("/calendar").get_data(as_text=True)
    match = re.search(r"http://localhost(/calendar/[^<\s\"]+\.ics)", html)
    assert match, html
    return match.group(1)


def _make_address(browser) -> str:
    token = csrf_from(browser, "/calendar")
    browser.post("/calendar/address", data={"csrf_token": token})
    return _feed_path(browser)


def _programme(db, people):
    published = factories.make_meeting(
        db,
        people.cohort,
        title="The unlocking lens",
        starts_at=datetime(2026, 4, 14, 12, 30, tzinfo=UTC),
        place="Room 2, Riverside House",
        status="published",
    )
    draft = factories.make_meeting(db, people.cohort, title="Still a draft")
    other = factories.make_meeting(
        db, people.other_cohort, title="Eastvale session", status="published"
    )
    db.commit()
    return published, draft, other


def test_participant_feed_lists_only_published_sessions_of_their_sets(client, login, db, people):
    published, _draft, _other = _programme(db, people)
    path = _make_address(login(people.participant))
    # The calendar app is not signed in: the address itself is the key.
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    events = _events(response.data)
    assert list(events) == [f"The unlocking lens: {people.cohort.name}"]
    event = events[f"The unlocking lens: {people.cohort.name}"]
    assert event["UID"] == f"session-{published.id}@localhost"
    assert event.decoded("DTSTART") == datetime(2026, 4, 14, 12, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 4, 14, 15, 30, tzinfo=UTC)
    assert event["DTSTART"].to_ical() == b"20260414T123000Z"
    assert str(event["LOCATION"]) == "Room 2, Riverside House"
    assert str(event["URL"]) == f"http://localhost/sessions/{published.id}"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_uid_stays_and_sequence_rises_when_a_session_moves(client, login, db, people):
    published, _draft, _other = _programme(db, people)
    path = _make_address(login(people.participant))
    before = next(iter(_events(client.get(path).data).values()))
    details = services.details_of(published)
    services.update_meeting(
        db,
        published,
        services.MeetingDetails(**{**vars(details), "place": "Room 5, Eastgate House"}),
        utcnow(),
    )
    db.commit()
    after = next(iter(_events(client.get(path).data).values()))
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["LOCATION"]) == "Room 5, Eastgate House"


def test_tutor_feed_shows_drafts_as_tentative(client, login, db, people):
    _programme(db, people)
    events = _events(client.get(_make_address(login(people.tutor))).data)
    assert set(events) == {
        f"The unlocking lens: {people.cohort.name}",
        f"Draft: Still a draft: {people.cohort.name}",
    }
    assert str(events[f"Draft: Still a draft: {people.cohort.name}"]["STATUS"]) == "TENTATIVE"


def test_admin_feed_lists_only_sets_they_belong_to(client, login, db, people):
    _programme(db, people)
    assert _events(client.get(_make_address(login(people.admin))).data) == {}


def test_online_session_gives_its_link(client, login, db, people):
    factories.make_meeting(
        db,
        people.cohort,
        title="Online",
        place="",
        online_link="https://meet.example.org/riverside",
        status="published",
    )
    db.commit()
    events = _events(client.get(_make_address(login(people.fellow))).data)
    event = events[f"Online: {people.cohort.name}"]
    assert str(event["LOCATION"]) == "https://meet.example.org/riverside"
    assert "Join online: https://meet.example.org/riverside" in str(event["DESCRIPTION"])


def test_new_address_turns_the_old_one_off(client, login, db, people):
    browser = login(people.participant)
    old = _make_address(browser)
    new = _make_address(browser)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_turning_the_address_off_asks_then_stops_the_feed(client, login, db, people):
    browser = login(people.participant)
    path = _make_address(browser)
    confirm = browser.get("/calendar/address/turn-off")
    assert "Turn off your calendar address?" in confirm.get_data(as_text=True)
    response = submit(browser, "/calendar/address/turn-off", {})
    assert response.status_code == 302
    assert client.get(path).status_code == 404
    assert db.scalar(select(CalendarFeed)) is None
    assert "Make my calendar address" in browser.get("/calendar").get_data(as_text=True)


def test_tampered_or_guessed_addresses_open_nothing(client, login, db, people):
    path = _make_address(login(people.participant))
    key, signature = path.removeprefix("/calendar/").removesuffix(".ics").split(".")
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    for bad in [f"{key}.{flipped}", key, f"{key}.", f".{signature}", "nonsense"]:
        assert client.get(f"/calendar/{bad}.ics").status_code == 404, bad


def test_the_database_alone_does_not_give_a_working_address(db, people):
    feed = calendar.make_feed(db, people.participant, utcnow())
    assert feed.key not in calendar.feed_token(feed, SECRET).split(".")[1]
    assert calendar.find_feed(db, calendar.feed_token(feed, "another secret"), SECRET) is None
    assert calendar.find_feed(db, calendar.feed_token(feed, SECRET), SECRET) == feed


def test_a_turned_off_account_has_no_feed(client, login, db, people):
    path = _make_address(login(people.participant))
    people.participant.is_active = False
    db.commit()
    assert client.get(path).status_code == 404


def test_a_removed_member_stops_seeing_the_sets_sessions(client, login, db, people):
    _programme(db, people)
    path = _make_address(login(people.fellow))
    assert len(_events(client.get(path).data)) == 1
    membership = next(m for m in people.fellow.memberships if m.cohort_id == people.cohort.id)
    db.delete(membership)
    db.commit()
    assert _events(client.get(path).data) == {}


def test_last_use_is_noted_at_most_hourly(client, login, db, people):
    path = _make_address(login(people.participant))
    client.get(path)
    feed = db.scalar(select(CalendarFeed))
    first = feed.last_used_at
    assert first is not None
    client.get(path)
    db.refresh(feed)
    assert feed.last_used_at == first
    found = calendar.find_feed(db, path.removeprefix("/calendar/").removesuffix(".ics"), SECRET)
    assert not calendar.use_due(found, first + timedelta(minutes=59))
    assert calendar.use_due(found, first + timedelta(hours=2))
    calendar.record_use(db, found.id, first + timedelta(hours=2))
    # A poll that started earlier and writes later cannot move the last use back.
    calendar.record_use(db, found.id, first + timedelta(hours=1, minutes=30))
    db.refresh(found)
    assert found.last_used_at == first + timedelta(hours=2)


def test_single_session_download(login, db, people):
    published, draft, _other = _programme(db, people)
    response = login(people.participant).get(f"/sessions/{published.id}/calendar.ics")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    events = _events(response.data)
    assert events[f"The unlocking lens: {people.cohort.name}"]["UID"] == (
        f"session-{published.id}@localhost"
    )
    assert login(people.participant).get(f"/sessions/{draft.id}/calendar.ics").status_code == 404
    assert login(people.outsider).get(f"/sessions/{published.id}/calendar.ics").status_code == 404
    tutor = _events(login(people.tutor).get(f"/sessions/{draft.id}/calendar.ics").data)
    assert list(tutor) == [f"Draft: Still a draft: {people.cohort.name}"]


def test_a_line_break_in_a_title_or_set_name_still_gives_a_calendar_file(login, db, people):
    # Typed into a one-line box by a crafted request: the file names the calendar on one line.
    meeting = factories.make_meeting(
        db, people.cohort, title="Frailty\r\nX-INJECTED:1", status="published"
    )
    people.cohort.name = "Riverside\nset"
    db.commit()
    response = login(people.participant).get(f"/sessions/{meeting.id}/calendar.ics")
    assert response.status_code == 200
    parsed = Calendar.from_ical(response.data)
    assert str(parsed["X-WR-CALNAME"]) == "Frailty X-INJECTED:1: Riverside set"
    assert "X-INJECTED" not in parsed


def test_calendar_page_explains_and_offers_an_address(login, people):
    html = login(people.participant).get("/calendar").get_data(as_text=True)
    assert "Add your sessions to your calendar" in html
    assert "Make my calendar address" in html
