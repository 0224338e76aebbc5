"""The demo's session feedback: the first learning set's recent sessions have answers, one with
enough to be shown to its tutor, one with too few, and the latest (while its window is open)
with a couple, so its first participant is still asked on their home page."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.cohorts.models import Cohort, Membership, Role
from learnset.meetings.models import Meeting
from learnset.meetings.queries import published_sessions
from learnset.session_feedback.models import SessionFeedback
from learnset.session_feedback.services import WINDOW_DAYS, window
from learnset.session_feedback.summary import forget_reach

COHORT = "Riverside learning set 2026"
# The demo's own participant is left to answer the session that is still open.
ASKED = "participant1@example.org"

# Answers for the set's latest closed sessions, newest first: (usefulness, what they will do
# differently, one thing to change).
CLOSED: list[list[tuple[int, str, str]]] = [
    [
        (5, "Open the next locality meeting by asking what matters, before any figures.", ""),
        (
            4,
            "Invite the practice nurses to the frailty review, not only the partners.",
            "Ten more minutes for the action learning round.",
        ),
        (4, "", "A short break between the theory and the case discussion."),
        (3, "Share the draft outcomes with the patient group before the board sees them.", ""),
        (
            5,
            "Try a small test of change with one care home first.",
            "Send the reading a week earlier.",
        ),
    ],
    [
        (4, "Ask the provider what they would stop doing if they could.", ""),
        (2, "", "More about contracts, less about conversations."),
    ],
    [
        (4, "Map who gains and who loses before the day centre review starts.", ""),
        (5, "Bring the data as a question, not an answer.", "Fewer slides."),
        (3, "", ""),
        (4, "Spend an afternoon with the discharge team.", "Start on time."),
    ],
]
STILL_OPEN = [
    (4, "Write to the PCN directors about the frailty pathway this week.", ""),
    (5, "", "Keep the World Café format for the next case."),
]


def load(db: Session, now: datetime, days: int = WINDOW_DAYS) -> None:
    """Answers from the set's participants (but not the demo's own one) for its recent past
    sessions; running it twice changes nothing more."""
    cohort = db.scalar(select(Cohort).where(Cohort.name == COHORT))
    if cohort is None:
        return
    people = list(
        db.scalars(
            select(Membership.user_id)
            .where(Membership.cohort_id == cohort.id, Membership.role == Role.PARTICIPANT)
            .order_by(Membership.user_id)
        )
    )
    asked = next((m.user for m in cohort.memberships if m.user.email == ASKED), None)
    answering = [user_id for user_id in people if asked is None or user_id != asked.id]
    past = list(
        db.scalars(
            published_sessions(cohort.id)
            .where(Meeting.starts_at <= now)
            .order_by(Meeting.starts_at.desc())
        )
    )
    closed = [meeting for meeting in past if window(meeting, days).has_closed(now)]
    still_open = [meeting for meeting in past if window(meeting, days).is_open(now)]
    given = list(zip(closed, CLOSED, strict=False)) + [(m, STILL_OPEN) for m in still_open[:1]]
    added = [_answer(db, meeting, answering, answers, days) for meeting, answers in given]
    db.flush()
    if any(added):
        # Answers given "in the past", as no one can: they may close before the daily tally's
        # last reach, so the programme report looks at every session again until the next run.
        forget_reach(db)


def _answer(
    db: Session,
    meeting: Meeting,
    user_ids: list[int],
    answers: list[tuple[int, str, str]],
    days: int,
) -> bool:
    if db.scalar(select(SessionFeedback.id).where(SessionFeedback.meeting_id == meeting.id)):
        return False
    given_at = meeting.ends_at + timedelta(days=1)
    for user_id, (usefulness, differently, change) in zip(user_ids, answers, strict=False):
        db.add(
            SessionFeedback(
                meeting_id=meeting.id,
                user_id=user_id,
                usefulness=usefulness,
                do_differently=differently,
                change_one_thing=change,
                closes_at=window(meeting, days).closes_at,
                created_at=given_at,
                updated_at=given_at,
            )
        )
    return True
