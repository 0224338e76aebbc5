from types import SimpleNamespace

from tests import factories
from tests.matrix import Route, page_and_form


def _meeting(db, people):
    meeting = factories.make_past_meeting(db, people.cohort, days_ago=2, status="published")
    return SimpleNamespace(meeting=meeting)


ROUTES = [
    # Participants of the set answer; its tutors and admins may see the session, not answer.
    *page_and_form(
        "session_feedback.give",
        "/sessions/{meeting.id}/feedback",
        {"participant", "fellow"},
        {"usefulness": "4", "do_differently": "Ask about outcomes first."},
        forbidden={"tutor", "admin"},
        setup=_meeting,
    ),
    # Its tutors and admins read the answers; participants may see the session, not them.
    Route(
        "session_feedback.answers",
        "/sessions/{meeting.id}/feedback/answers",
        {"tutor", "admin"},
        forbidden={"participant", "fellow"},
        setup=_meeting,
    ),
]
