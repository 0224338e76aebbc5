"""Every session, topic and calendar route against every role (see tests/matrix.py).

Drafts are invisible to participants (404); a published session is visible to its cohort's
participants, who may not change it (403); other cohorts get 404 throughout.
"""

from types import SimpleNamespace

from learnset.meetings import calendar
from tests import factories
from tests.matrix import EVERYONE, ROLES, Route

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


def _cohort_route(endpoint, path, allowed, method="GET", **kwargs):
    return Route(endpoint, lambda s: f"/cohorts/{s.cohort.id}{path}", allowed, method, **kwargs)


def _draft_route(endpoint, path, method="GET", **kwargs):
    """A route on a draft session: tutors and admins only; participants cannot even see it."""
    return Route(
        endpoint,
        lambda s: f"/sessions/{s.draft.id}{path}".format(s=s),
        MANAGERS,
        method,
        setup=kwargs.pop("setup", _sessions),
        **kwargs,
    )


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
    _cohort_route("meetings.cohort_meetings", "/sessions", MEMBERS, setup=_sessions),
    Route("meetings.meeting", lambda s: f"/sessions/{s.published.id}", MEMBERS, setup=_sessions),
    _draft_route("meetings.meeting", ""),
    _draft_route("meetings.meeting_ics", "/calendar.ics"),
    Route(
        "meetings.meeting_ics",
        lambda s: f"/sessions/{s.published.id}/calendar.ics",
        MEMBERS,
        setup=_sessions,
    ),
    # The schedule and new sessions.
    _cohort_route("meetings.schedule", "/schedule", MANAGERS, forbidden=PARTICIPANTS),
    _cohort_route(
        "meetings.schedule",
        "/schedule",
        MANAGERS,
        method="POST",
        forbidden=PARTICIPANTS,
        data=SCHEDULE,
    ),
    _cohort_route("meetings.new_meeting", "/sessions/new", MANAGERS, forbidden=PARTICIPANTS),
    _cohort_route(
        "meetings.new_meeting",
        "/sessions/new",
        MANAGERS,
        method="POST",
        forbidden=PARTICIPANTS,
        data=SESSION,
    ),
    # Drafting.
    _draft_route("meetings.edit_meeting", "/edit"),
    _draft_route("meetings.edit_meeting", "/edit", method="POST", data=SESSION),
    Route(
        "meetings.edit_meeting",
        lambda s: f"/sessions/{s.published.id}/edit",
        MANAGERS,
        forbidden=PARTICIPANTS,
        setup=_sessions,
    ),
    _draft_route("meetings.delete_meeting", "/delete"),
    _draft_route("meetings.delete_meeting", "/delete", method="POST"),
    _draft_route("meetings.plan", "/plan"),
    Route(
        "meetings.plan",
        lambda s: f"/sessions/{s.published.id}/plan",
        MANAGERS,
        forbidden=PARTICIPANTS,
        setup=_sessions,
    ),
    _draft_route("meetings.library", "/library"),
    Route(
        "meetings.add_item",
        lambda s: f"/sessions/{s.draft.id}/items",
        MANAGERS,
        "POST",
        setup=_sessions,
    ),
    Route(
        "meetings.move_item",
        lambda s: f"/sessions/{s.draft.id}/items/{s.meeting_item.id}/move",
        MANAGERS,
        "POST",
        setup=_sessions,
        data={"direction": "down"},
    ),
    Route(
        "meetings.remove_item",
        lambda s: f"/sessions/{s.draft.id}/items/{s.meeting_item.id}/remove",
        MANAGERS,
        "POST",
        setup=_sessions,
    ),
    Route(
        "meetings.add_slot",
        lambda s: f"/sessions/{s.draft.id}/slots",
        MANAGERS,
        "POST",
        setup=_sessions,
        data={"challenge": ""},
    ),
    Route(
        "meetings.move_slot",
        lambda s: f"/sessions/{s.draft.id}/slots/{s.slot.id}/move",
        MANAGERS,
        "POST",
        setup=_sessions,
        data={"direction": "down"},
    ),
    Route(
        "meetings.move_slot",
        lambda s: f"/sessions/{s.published.id}/slots/{s.published_slot.id}/move",
        MANAGERS,
        "POST",
        forbidden=PARTICIPANTS,
        setup=_sessions,
        data={"direction": "up"},
    ),
    Route(
        "meetings.remove_slot",
        lambda s: f"/sessions/{s.draft.id}/slots/{s.slot.id}/remove",
        MANAGERS,
        "POST",
        setup=_sessions,
    ),
    # Publishing.
    _draft_route("meetings.publish", "/publish"),
    _draft_route("meetings.publish", "/publish", method="POST"),
    Route(
        "meetings.unpublish",
        lambda s: f"/sessions/{s.published.id}/unpublish",
        MANAGERS,
        forbidden=PARTICIPANTS,
        setup=_sessions,
    ),
    Route(
        "meetings.unpublish",
        lambda s: f"/sessions/{s.published.id}/unpublish",
        MANAGERS,
        "POST",
        forbidden=PARTICIPANTS,
        setup=_sessions,
    ),
    # Attendance.
    Route(
        "meetings.attendance",
        lambda s: f"/sessions/{s.past.id}/attendance",
        MANAGERS,
        forbidden=PARTICIPANTS,
        setup=_sessions,
    ),
    Route(
        "meetings.attendance",
        lambda s: f"/sessions/{s.past.id}/attendance",
        MANAGERS,
        "POST",
        forbidden=PARTICIPANTS,
        setup=_sessions,
    ),
    # Emergent topics.
    _cohort_route("topics.cohort_topics", "/topics", MEMBERS, setup=_topics),
    _cohort_route(
        "topics.cohort_topics",
        "/topics",
        {"participant", "fellow", "tutor"},
        method="POST",
        forbidden={"admin"},
        data={"title": "Matrix topic"},
    ),
    Route(
        "topics.vote",
        lambda s: f"/topics/{s.topic.id}/vote",
        PARTICIPANTS,
        "POST",
        forbidden=MANAGERS,
        setup=_topics,
    ),
    Route(
        "topics.withdraw_vote",
        lambda s: f"/topics/{s.topic.id}/unvote",
        PARTICIPANTS,
        "POST",
        forbidden=MANAGERS,
        setup=_topics,
    ),
    Route(
        "topics.take_up",
        lambda s: f"/topics/{s.topic.id}/take",
        MANAGERS,
        "POST",
        forbidden=PARTICIPANTS,
        setup=_topics,
    ),
    Route(
        "topics.release",
        lambda s: f"/topics/{s.taken.id}/release",
        MANAGERS,
        "POST",
        forbidden=PARTICIPANTS,
        setup=_topics,
    ),
    Route(
        "topics.close",
        lambda s: f"/topics/{s.topic.id}/close",
        MANAGERS,
        forbidden=PARTICIPANTS,
        setup=_topics,
    ),
    Route(
        "topics.close",
        lambda s: f"/topics/{s.topic.id}/close",
        MANAGERS,
        "POST",
        forbidden=PARTICIPANTS,
        setup=_topics,
        data={"reason": "Covered already"},
    ),
    Route(
        "topics.reopen",
        lambda s: f"/topics/{s.closed.id}/reopen",
        MANAGERS,
        "POST",
        forbidden=PARTICIPANTS,
        setup=_topics,
    ),
    Route(
        "topics.edit",
        lambda s: f"/topics/{s.topic.id}/edit",
        PROPOSER,
        forbidden=NOT_PROPOSER,
        setup=_topics,
    ),
    Route(
        "topics.edit",
        lambda s: f"/topics/{s.topic.id}/edit",
        PROPOSER,
        "POST",
        forbidden=NOT_PROPOSER,
        setup=_topics,
        data={"title": "Reworded in the matrix"},
    ),
    Route(
        "topics.withdraw",
        lambda s: f"/topics/{s.topic.id}/withdraw",
        PROPOSER,
        forbidden=NOT_PROPOSER,
        setup=_topics,
    ),
    Route(
        "topics.withdraw",
        lambda s: f"/topics/{s.topic.id}/withdraw",
        PROPOSER,
        "POST",
        forbidden=NOT_PROPOSER,
        setup=_topics,
    ),
    # The calendar.
    Route("calendar.calendar_page", lambda s: "/calendar", EVERYONE),
    Route("calendar.make_feed", lambda s: "/calendar/address", EVERYONE, "POST"),
    Route("calendar.revoke_feed", lambda s: "/calendar/address/turn-off", EVERYONE),
    Route("calendar.revoke_feed", lambda s: "/calendar/address/turn-off", EVERYONE, "POST"),
    Route(
        "calendar.feed",
        lambda s: f"/calendar/{s.token}.ics",
        set(ROLES),
        public=True,
        setup=_feed,
    ),
]
