"""Sessions in "download your data" and "delete your account": the topics a person proposed,
their votes, their attendance record, their presenter slots and their calendar address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from learnset.accounts.models import User
from learnset.meetings.models import (
    Attendance,
    CalendarFeed,
    EmergentTopic,
    Meeting,
    PresenterSlot,
    TopicStatus,
    TopicVote,
)


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _session(meeting: Meeting) -> dict[str, Any]:
    return {
        "learning_set": meeting.cohort.name,
        "session": meeting.display_title,
        "starts_at": _when(meeting.starts_at),
    }


def _own(db: Session, user: User, model: Any, parent: Any, cohort: Any, when: Any) -> list[Any]:
    """The user's rows of a model keyed by `user_id`, oldest first, with the topic or session
    they belong to and its learning set."""
    return list(
        db.scalars(
            select(model)
            .where(model.user_id == user.id)
            .options(joinedload(parent).joinedload(cohort))
            .order_by(when, model.id)
        )
    )


def export_sessions(db: Session, user: User) -> dict[str, Any]:
    topics = db.scalars(
        select(EmergentTopic)
        .where(EmergentTopic.proposed_by_id == user.id)
        .options(joinedload(EmergentTopic.cohort))
        .order_by(EmergentTopic.created_at, EmergentTopic.id)
    ).all()
    votes = _own(db, user, TopicVote, TopicVote.topic, EmergentTopic.cohort, TopicVote.created_at)
    attendance = _own(
        db, user, Attendance, Attendance.meeting, Meeting.cohort, Attendance.recorded_at
    )
    slots = _own(
        db, user, PresenterSlot, PresenterSlot.meeting, Meeting.cohort, PresenterSlot.created_at
    )
    feed = db.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return {
        "topics_proposed": [
            {
                "learning_set": topic.cohort.name,
                "title": topic.title,
                "details": topic.details,
                "status": topic.status,
                "proposed_at": _when(topic.created_at),
                "reworded_at": _when(topic.edited_at),
            }
            for topic in topics
        ],
        "topic_votes": [
            {
                "learning_set": vote.topic.cohort.name,
                "topic": vote.topic.title,
                "voted_at": _when(vote.created_at),
            }
            for vote in votes
        ],
        "attendance": [
            {**_session(entry.meeting), "present": entry.present} for entry in attendance
        ],
        "presenting": [{**_session(slot.meeting), "topic": slot.topic} for slot in slots],
        "calendar_address": (
            {"created_at": _when(feed.created_at), "last_used_at": _when(feed.last_used_at)}
            if feed
            else None
        ),
    }


def erase_sessions(db: Session, user: User) -> None:
    """Open topics they proposed go with their votes, as if withdrawn; topics a tutor has
    already decided on stay for the set, without their name. Votes, attendance, presenter
    slots and the calendar address go with the account."""
    db.execute(
        delete(EmergentTopic).where(
            EmergentTopic.proposed_by_id == user.id, EmergentTopic.status == TopicStatus.OPEN
        )
    )
    db.flush()
