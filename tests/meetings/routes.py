"""Every session, topic and calendar route against every role (see tests/matrix.py).

Drafts are invisible to participants (404); a published session is visible to its cohort's
participants, who may not change it (403); other cohorts get 404 throughout.
"""

from types import SimpleNamespace

from learnset.meetings import calendar
from tests import factories
from tests.matrix import EVERYONE, ROLES, Route, page_and_form

MEMBERS = {"participant", "fellow", "tutor", "admin"}
PARTICIPANTS = {"participant", "fellow"}
MANAGERS = {"tutor", "admin"}
# The open topic of _topics is the participant's: only its proposer edits or withdraws it.
PROPOSER = {"participant"}
NOT_PROPOSER = MEMBERS - PROPOSER
TEST_SECRET = "test-secret-key-not-for-production"


def _sessions(db, people):
    draft = factories.make_meeting(db, people.cohort, title="Draft session")
    published = factories.make_meeting(db, people.cohort, title="Published", status="published")
    past = factories.make_past_meeting(db, people.cohort, title="Past", status="published")
    item = factories.make_content_item(db)
    extra = factories.make_content_item(db)
    first = factories.add_item_to(db, draft, item, position=1)
    factories.add_item_to(db, draft, extra, position=2)
    slot = factories.make_slot(db, draft, people.participant)
    slot.position = 1
    factories.make_slot(db, draft, people.fellow).position = 2
    spare = factories.make_content_item(db)
    factories.make_slot(db, published, people.participant).position = 1
    published_slot = factories.make_slot(db, published, people.fellow)
    published_slot.position = 2
    return SimpleNamespace(
        draft=draft,
        published=published,
        past=past,
        meeting_item=first,
        slot=slot,
        published_slot=published_slot,
        spare=spare,
    )


def _topics(db, people):
    sessions = _sessions(db, people)
    open_topic = factories.make_topic(db, people.cohort, people.participant)
    taken = factories.make_topic(
        db, people.cohort, people.fellow, status="taken_up", meeting=sessions.draft
    )
    closed = factories.make_topic(
        db, people.cohort, people.fellow, status="closed", closed_reason="Done"
    )
    return SimpleNamespace(**vars(sessions), topic=open_topic, taken=taken, closed=closed)


def _feed(db, people):
    from learnset.db import utcnow

    feed = calendar.make_feed(db, people.participant, utcnow())
    return SimpleNamespace(token=calendar.feed_token(feed, TEST_SECRET))


def _on_sessions(endpoint, path, allowed=MANAGERS, method="GET", **options):
    """A route on one of _sessions' sessions. On the draft only tutors and admins get
    anywhere, as participants cannot even see it; a published one they see but may not
    change, so they get 403 (say so with forbidden=PARTICIPANTS)."""
    return Route(endpoint, path, allowed, method, setup=options.pop("setup", _sessions), **options)


def _managing(endpoint, path, method="GET", **options):
    """A change only tutors and admins make to something the set's participants can see."""
    return _on_sessions(endpoint, path, MANAGERS, method, forbidden=PARTICIPANTS, **options)


def _on_topics(endpoint, path, method="POST", **options):
    """A change to one of _topics' topics by its managers."""
    return _managing(endpoint, path, method, setup=_topics, **options)


SCHEDULE = {
    "first_month-month": "3",
    "first_month-year": "2030",
    "occurrence": "2",
    "weekday": "1",
    "starts": "13:30",
    "ends": "16:30",
    "months": "3",
    "action": "generate",
}
SESSION = {
    "day-day": "10",
    "day-month": "3",
    "day-year": "2030",
    "starts": "13:30",
    "ends": "16:30",
}

ROUTES = [
    # Lists and pages.
    _on_sessions("meetings.cohort_meetings", "/cohorts/{cohort.id}/sessions", MEMBERS),
    _on_sessions("meetings.meeting", "/sessions/{published.id}", MEMBERS),
    _on_sessions("meetings.meeting", "/sessions/{draft.id}"),
    _on_sessions("meetings.meeting_ics", "/sessions/{draft.id}/calendar.ics"),
    _on_sessions("meetings.meeting_ics", "/sessions/{published.id}/calendar.ics", MEMBERS),
    # The schedule and new sessions.
    *page_and_form(
        "meetings.schedule",
        "/cohorts/{cohort.id}/schedule",
        MANAGERS,
        SCHEDULE,
        forbidden=PARTICIPANTS,
    ),
    *page_and_form(
        "meetings.new_meeting",
        "/cohorts/{cohort.id}/sessions/new",
        MANAGERS,
        SESSION,
        forbidden=PARTICIPANTS,
    ),
    # Drafting.
    *page_and_form(
        "meetings.edit_meeting", "/sessions/{draft.id}/edit", MANAGERS, SESSION, setup=_sessions
    ),
    _managing("meetings.edit_meeting", "/sessions/{published.id}/edit"),
    *page_and_form(
        "meetings.delete_meeting", "/sessions/{draft.id}/delete", MANAGERS, setup=_sessions
    ),
    _on_sessions("meetings.plan", "/sessions/{draft.id}/plan"),
    _managing("meetings.plan", "/sessions/{published.id}/plan"),
    _on_sessions("meetings.library", "/sessions/{draft.id}/library"),
    _on_sessions("meetings.add_item", "/sessions/{draft.id}/items", method="POST"),
    _on_sessions(
        "meetings.move_item",
        "/sessions/{draft.id}/items/{meeting_item.id}/move",
        method="POST",
        data={"direction": "down"},
    ),
    _on_sessions(
        "meetings.remove_item", "/sessions/{draft.id}/items/{meeting_item.id}/remove", method="POST"
    ),
    _on_sessions(
        "meetings.add_slot", "/sessions/{draft.id}/slots", method="POST", data={"challenge": ""}
    ),
    _on_sessions(
        "meetings.move_slot",
        "/sessions/{draft.id}/slots/{slot.id}/move",
        method="POST",
        data={"direction": "down"},
    ),
    _managing(
        "meetings.move_slot",
        "/sessions/{published.id}/slots/{published_slot.id}/move",
        "POST",
        data={"direction": "up"},
    ),
    _on_sessions(
        "meetings.remove_slot", "/sessions/{draft.id}/slots/{slot.id}/remove", method="POST"
    ),
    # Publishing.
    *page_and_form("meetings.publish", "/sessions/{draft.id}/publish", MANAGERS, setup=_sessions),
    *page_and_form(
        "meetings.unpublish",
        "/sessions/{published.id}/unpublish",
        MANAGERS,
        forbidden=PARTICIPANTS,
        setup=_sessions,
    ),
    # Attendance.
    *page_and_form(
        "meetings.attendance",
        "/sessions/{past.id}/attendance",
        MANAGERS,
        forbidden=PARTICIPANTS,
        setup=_sessions,
    ),
    # Emergent topics.
    Route("topics.cohort_topics", "/cohorts/{cohort.id}/topics", MEMBERS, setup=_topics),
    Route(
        "topics.cohort_topics",
        "/cohorts/{cohort.id}/topics",
        {"participant", "fellow", "tutor"},
        "POST",
        forbidden={"admin"},
        data={"title": "Matrix topic"},
    ),
    Route(
        "topics.vote",
        "/topics/{topic.id}/vote",
        PARTICIPANTS,
        "POST",
        forbidden=MANAGERS,
        setup=_topics,
    ),
    Route(
        "topics.withdraw_vote",
        "/topics/{topic.id}/unvote",
        PARTICIPANTS,
        "POST",
        forbidden=MANAGERS,
        setup=_topics,
    ),
    _on_topics("topics.take_up", "/topics/{topic.id}/take"),
    _on_topics("topics.release", "/topics/{taken.id}/release"),
    *page_and_form(
        "topics.close",
        "/topics/{topic.id}/close",
        MANAGERS,
        {"reason": "Covered already"},
        forbidden=PARTICIPANTS,
        setup=_topics,
    ),
    _on_topics("topics.reopen", "/topics/{closed.id}/reopen"),
    *page_and_form(
        "topics.edit",
        "/topics/{topic.id}/edit",
        PROPOSER,
        {"title": "Reworded in the matrix"},
        forbidden=NOT_PROPOSER,
        setup=_topics,
    ),
    *page_and_form(
        "topics.withdraw",
        "/topics/{topic.id}/withdraw",
        PROPOSER,
        forbidden=NOT_PROPOSER,
        setup=_topics,
    ),
    # The calendar.
    Route("calendar.calendar_page", "/calendar", EVERYONE),
    Route("calendar.make_feed", "/calendar/address", EVERYONE, "POST"),
    *page_and_form("calendar.revoke_feed", "/calendar/address/turn-off", EVERYONE),
    Route("calendar.feed", "/calendar/{token}.ics", set(ROLES), public=True, setup=_feed),
]
