"""Sessions in "download your data" and "delete your account": the topics a person proposed,
their votes, their attendance record, their presenter slots and their calendar address."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.accounts.personal_data import Read, entries, written
from learnset.cohorts.models import Cohort
from learnset.meetings.models import (
    Attendance,
    CalendarFeed,
    EmergentTopic,
    Meeting,
    PresenterSlot,
    TopicStatus,
    TopicVote,
    display_title,
)


def _session(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "learning_set": row["learning_set"],
        "session": display_title(row["title"], row["number"]),
        "starts_at": row["starts_at"],
    }


def in_sessions(person: ColumnElement[int], model: Any, *columns: Any) -> Read:
    """A read of the person's rows of a model keyed by `user_id` and `meeting_id`: `columns`,
    after the session each belongs to (`title`, `number`, `starts_at` as the download writes
    times) and its learning set (`learning_set`). The caller orders them."""
    return (
        select(
            Cohort.name.label("learning_set"),
            Meeting.title,
            Meeting.number,
            written(Meeting.starts_at),
            *columns,
        )
        .select_from(model)
        .join(Meeting, Meeting.id == model.meeting_id)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .where(model.user_id == person)
    )


def session_reads(person: ColumnElement[int]) -> dict[str, Read]:
    return {
        "topics": select(
            Cohort.name.label("learning_set"),
            EmergentTopic.title,
            EmergentTopic.details,
            EmergentTopic.status,
            written(EmergentTopic.created_at, "proposed_at"),
            written(EmergentTopic.edited_at, "reworded_at"),
        )
        .join(Cohort, Cohort.id == EmergentTopic.cohort_id)
        .where(EmergentTopic.proposed_by_id == person)
        .order_by(EmergentTopic.created_at, EmergentTopic.id),
        "votes": select(
            Cohort.name.label("learning_set"),
            EmergentTopic.title.label("topic"),
            written(TopicVote.created_at, "voted_at"),
        )
        .join(EmergentTopic, EmergentTopic.id == TopicVote.topic_id)
        .join(Cohort, Cohort.id == EmergentTopic.cohort_id)
        .where(TopicVote.user_id == person)
        .order_by(TopicVote.created_at, TopicVote.id),
        "attendance": in_sessions(person, Attendance, Attendance.present).order_by(
            Attendance.recorded_at, Attendance.id
        ),
        "presenting": in_sessions(
            person, PresenterSlot, PresenterSlot.topic.label("topic")
        ).order_by(PresenterSlot.created_at, PresenterSlot.id),
        "calendar": select(
            written(CalendarFeed.created_at), written(CalendarFeed.last_used_at)
        ).where(CalendarFeed.user_id == person),
    }


def build_sessions(user: User, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    calendar = entries(rows["calendar"])
    return {
        "topics_proposed": entries(rows["topics"]),
        "topic_votes": entries(rows["votes"]),
        "attendance": [
            {**_session(entry), "present": entry["present"]} for entry in rows["attendance"]
        ],
        "presenting": [{**_session(slot), "topic": slot["topic"]} for slot in rows["presenting"]],
        "calendar_address": calendar[0] if calendar else None,
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
