"""Emergent topics: members propose, participants vote, the tutor takes one up or closes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort
from learnset.db import rowcount
from learnset.errors import DomainError
from learnset.meetings.models import EmergentTopic, Meeting, TopicStatus, TopicVote
from learnset.meetings.notices import tell_topic_taken_up


class TopicError(DomainError):
    """A rule about emergent topics was broken."""


def propose(
    db: Session, cohort: Cohort, user: User, title: str, details: str, now: datetime
) -> EmergentTopic:
    """A member puts a topic forward for an upcoming session; it starts open."""
    if not title.strip():
        raise TopicError("Enter the topic you would like the set to explore", "title")
    topic = EmergentTopic(
        cohort=cohort,
        proposed_by=user,
        title=title.strip(),
        details=details.strip(),
        status=TopicStatus.OPEN.value,
        created_at=now,
    )
    db.add(topic)
    db.flush()
    return topic


def check_open(topic: EmergentTopic, doing: str) -> None:
    """Once the tutor has taken a topic up or closed it, its proposer can no longer change it."""
    if topic.status == TopicStatus.TAKEN_UP:
        raise TopicError(f"This topic has been taken into a session, so you can no longer {doing}")
    if topic.status == TopicStatus.CLOSED:
        raise TopicError(f"This topic has been closed, so you can no longer {doing}")


def edit(db: Session, topic: EmergentTopic, title: str, details: str, now: datetime) -> None:
    """The proposer rewords their topic while it is still open; its votes stay with it, and
    the topic says it was edited so nobody thinks they voted for the new words."""
    check_open(topic, "edit it")
    if not title.strip():
        raise TopicError("Enter the topic you would like the set to explore", "title")
    title, details = title.strip(), details.strip()
    if (title, details) != (topic.title, topic.details):
        topic.title, topic.details = title, details
        topic.edited_at = now
    db.flush()


def withdraw(db: Session, topic: EmergentTopic) -> None:
    """The proposer takes back a topic nobody has decided on yet; it goes with its votes."""
    check_open(topic, "withdraw it")
    db.delete(topic)
    db.flush()


def has_voted(db: Session, topic: EmergentTopic, user: User) -> bool:
    return (
        db.scalar(
            select(TopicVote.id).where(TopicVote.topic_id == topic.id, TopicVote.user_id == user.id)
        )
        is not None
    )


def vote(db: Session, topic: EmergentTopic, user: User, now: datetime) -> bool:
    """One vote per member per topic, held by a unique constraint: a second vote (a double
    click, two tabs) changes nothing and is not an error. True when a vote was added."""
    if not topic.is_open:
        raise TopicError("Voting has closed on this topic")
    if has_voted(db, topic, user):
        return False
    try:
        with db.begin_nested():
            db.add(TopicVote(topic_id=topic.id, user_id=user.id, created_at=now))
    except IntegrityError:
        # Another request got there between the check and the insert.
        return False
    return True


def withdraw_vote(db: Session, topic: EmergentTopic, user: User) -> bool:
    """Take back one's vote while the topic is open. True when there was a vote to remove."""
    if not topic.is_open:
        raise TopicError("Voting has closed on this topic")
    result = db.execute(
        delete(TopicVote).where(TopicVote.topic_id == topic.id, TopicVote.user_id == user.id)
    )
    db.flush()
    return bool(rowcount(result))


def take_up(
    db: Session, topic: EmergentTopic, meeting: Meeting, actor: User, now: datetime
) -> None:
    """The tutor takes an open topic into one of the cohort's sessions that is still to come."""
    if meeting.cohort_id != topic.cohort_id:
        raise TopicError("Choose a session of this learning set")
    if topic.status == TopicStatus.CLOSED:
        raise TopicError("This topic has been closed")
    if meeting.ends_at <= now:
        raise TopicError("Choose a session that has not happened yet")
    topic.status = TopicStatus.TAKEN_UP.value
    topic.meeting = meeting
    topic.decided_at = now
    topic.decided_by_id = actor.id
    meeting.updated_at = now
    db.flush()
    tell_topic_taken_up(db, meeting, actor, now)


def release_topic(topic: EmergentTopic) -> None:
    """Put a taken-up topic back on the open list, where votes can continue."""
    topic.status = TopicStatus.OPEN.value
    topic.meeting = None
    topic.decided_at = None
    topic.decided_by_id = None


def release(db: Session, topic: EmergentTopic) -> None:
    """The tutor takes a topic back out of its session."""
    if topic.status != TopicStatus.TAKEN_UP:
        raise TopicError("This topic is not in a session")
    release_topic(topic)
    db.flush()


def close(db: Session, topic: EmergentTopic, actor: User, reason: str, now: datetime) -> None:
    """The tutor closes a topic with a short reason the set can read."""
    if topic.status == TopicStatus.CLOSED:
        raise TopicError("This topic is already closed")
    if topic.status == TopicStatus.TAKEN_UP:
        raise TopicError("Take the topic out of its session before closing it")
    topic.status = TopicStatus.CLOSED.value
    topic.closed_reason = reason.strip()
    topic.decided_at = now
    topic.decided_by_id = actor.id
    db.flush()


def reopen(db: Session, topic: EmergentTopic) -> None:
    """The tutor puts a closed topic back on the open list."""
    if topic.status != TopicStatus.CLOSED:
        raise TopicError("Only a closed topic can be reopened")
    topic.status = TopicStatus.OPEN.value
    topic.closed_reason = ""
    topic.decided_at = None
    topic.decided_by_id = None
    db.flush()
