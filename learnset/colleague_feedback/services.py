"""Rounds of feedback from colleagues: opening one, the raters' links and answers, closing.

A rater has no account: their link's secret is the only key, made when its email is written and
kept as a hash. Their address goes as soon as they answer or decline, or the round closes. When
the round closes its report is worked out once (report.py) and the answers deleted, so nothing
a rater does later can change what the participant sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from learnset import audit, authz
from learnset.accounts.models import User, normalise_email
from learnset.accounts.personal_data import Read
from learnset.cohorts.models import Cohort
from learnset.colleague_feedback import report
from learnset.colleague_feedback.models import (
    FeedbackRater,
    FeedbackResponse,
    FeedbackRound,
    RaterRelationship,
)
from learnset.db import rowcount
from learnset.errors import DomainError
from learnset.framework.queries import current_framework
from learnset.tokens import hash_token, new_token

MIN_RATERS = 3
MAX_RATERS = 15
MAX_NOTE = 1000
MAX_ANSWER = 2000
SHORTEST_ROUND = timedelta(days=3)
LONGEST_ROUND = timedelta(days=60)
# A reminder goes this long before the closing date, once, to raters who have not answered.
REMIND_BEFORE = timedelta(days=3)
# At most this many colleagues asked by one participant in a day (abuse and mistakes).
INVITATIONS_PER_DAY = 30
TEXT_QUESTIONS = ("keep_doing", "start_doing", "change")


class ColleagueFeedbackError(DomainError):
    """A rule about feedback from colleagues was broken; the message says which."""


@dataclass(frozen=True)
class RaterInput:
    email: str
    relation: str


def new_link(db: Session, rater: FeedbackRater) -> str:
    """A fresh secret for the rater's link, made when their email is written: only the latest
    link works, and the database holds only its hash."""
    token, rater.token_hash = new_token()
    db.flush()
    return token


def find_rater(db: Session, token: str) -> FeedbackRater | None:
    """The rater whose link this is, while it still works (one query)."""
    if not token or len(token) > 100:
        return None
    return db.scalar(select(FeedbackRater).where(FeedbackRater.token_hash == hash_token(token)))


# --- Opening a round, and the participant's changes to it ------------------------------------


def _own_addresses(participant: User) -> set[str]:
    return {normalise_email(participant.email)}


def _invited_today(db: Session, participant: User, now: datetime) -> int:
    return (
        db.scalar(
            select(func.count(FeedbackRater.id))
            .join(FeedbackRound, FeedbackRound.id == FeedbackRater.round_id)
            .where(
                FeedbackRound.participant_id == participant.id,
                FeedbackRater.invited_at > now - timedelta(days=1),
            )
        )
        or 0
    )


def _check_raters(
    db: Session,
    participant: User,
    raters: list[RaterInput],
    now: datetime,
) -> list[RaterInput]:
    """The raters with their addresses tidied, or the rule they break."""
    tidied: list[RaterInput] = []
    seen: set[str] = set()
    for rater in raters:
        email = normalise_email(rater.email)
        if email in _own_addresses(participant):
            raise ColleagueFeedbackError(
                "You cannot ask yourself for feedback. Enter a colleague's email address",
                "raters",
            )
        if email in seen:
            raise ColleagueFeedbackError(f"{email} is in the list twice", "raters")
        if rater.relation not in RaterRelationship._value2member_map_:
            raise ColleagueFeedbackError("Choose how each colleague knows you", "raters")
        seen.add(email)
        tidied.append(RaterInput(email, rater.relation))
    if _invited_today(db, participant, now) + len(tidied) > INVITATIONS_PER_DAY:
        raise ColleagueFeedbackError(
            f"You can ask up to {INVITATIONS_PER_DAY} colleagues a day. Try again tomorrow",
            "raters",
            status=429,
        )
    return tidied


def _asked(feedback_round: FeedbackRound, email: str) -> str:
    """The digest a round keeps of an address it asked, until it closes."""
    return hash_token(f"{feedback_round.id} {email}")


def _chosen_capabilities(db: Session, capability_ids: list[int]) -> list[int]:
    """The ids asked about, in framework order, if each is a capability people rate today."""
    current = [c.id for d in current_framework(db) for c in d.capabilities]
    wanted = set(capability_ids)
    if not wanted or not wanted <= set(current):
        raise ColleagueFeedbackError("Choose at least one capability to ask about", "capabilities")
    return [cid for cid in current if cid in wanted]


def open_round(
    db: Session,
    participant: User,
    cohort: Cohort,
    *,
    capability_ids: list[int],
    note: str,
    raters: list[RaterInput],
    closes_at: datetime,
    now: datetime,
) -> FeedbackRound:
    """Start a round: the participant of a learning set asks 3 to 15 colleagues (never
    themselves) about chosen capabilities, until a closing date 3 to 60 days away."""
    if not authz.can(participant, "capabilities:own", cohort):
        raise ColleagueFeedbackError("Only participants of a learning set can ask for feedback")
    chosen = _chosen_capabilities(db, capability_ids)
    if not MIN_RATERS <= len(raters) <= MAX_RATERS:
        raise ColleagueFeedbackError(
            f"Enter between {MIN_RATERS} and {MAX_RATERS} colleagues", "raters"
        )
    # A closing date is the end of a day, so "60 days from today" ends up to a day later.
    if not now + SHORTEST_ROUND <= closes_at <= now + LONGEST_ROUND + timedelta(days=1):
        raise ColleagueFeedbackError(
            "The closing date must be between 3 and 60 days from today", "closes_on"
        )
    tidied = _check_raters(db, participant, raters, now)
    feedback_round = FeedbackRound(
        participant=participant,
        cohort=cohort,
        note=note.strip()[:MAX_NOTE],
        capability_ids=chosen,
        created_at=now,
        closes_at=closes_at,
    )
    db.add(feedback_round)
    db.flush()
    for rater in tidied:
        feedback_round.raters.append(_rater(feedback_round, rater, now))
    db.flush()
    _record_asked(db, feedback_round, len(tidied), now)
    return feedback_round


def _rater(feedback_round: FeedbackRound, rater: RaterInput, now: datetime) -> FeedbackRater:
    return FeedbackRater(
        email=rater.email,
        email_digest=_asked(feedback_round, rater.email),
        relation=rater.relation,
        invited_at=now,
    )


def _record_asked(db: Session, feedback_round: FeedbackRound, count: int, now: datetime) -> None:
    """The audit log notes how many were asked, never who."""
    audit.record(
        db,
        audit.AuditKind.COLLEAGUES_ASKED,
        actor_id=feedback_round.participant_id,
        detail=f"Feedback round {feedback_round.id}: {count} colleagues asked",
        now=now,
    )


def add_raters(
    db: Session, feedback_round: FeedbackRound, raters: list[RaterInput], now: datetime
) -> list[FeedbackRater]:
    """Ask more colleagues while the round is open, up to 15 in all."""
    if not feedback_round.is_open(now):
        raise ColleagueFeedbackError("This round has closed", "raters")
    if not raters:
        raise ColleagueFeedbackError("Enter at least one colleague", "raters")
    if len(feedback_round.raters) + len(raters) > MAX_RATERS:
        raise ColleagueFeedbackError(
            f"A round can ask up to {MAX_RATERS} colleagues in all", "raters"
        )
    # Whether they have answered or not: the same answer for both says nothing of who has.
    asked = {rater.email_digest for rater in feedback_round.raters}
    added = []
    for rater in _check_raters(db, feedback_round.participant, raters, now):
        if _asked(feedback_round, rater.email) in asked:
            raise ColleagueFeedbackError(
                f"{rater.email} has already been asked in this round", "raters"
            )
        added.append(_rater(feedback_round, rater, now))
        feedback_round.raters.append(added[-1])
    db.flush()
    _record_asked(db, feedback_round, len(added), now)
    return added


def close_early(db: Session, feedback_round: FeedbackRound, now: datetime) -> None:
    """The participant stops the round before its closing date: its report is worked out now."""
    if not feedback_round.is_open(now):
        raise ColleagueFeedbackError("This round has already closed")
    feedback_round.closed_early_at = now
    release(db, feedback_round, now)


def set_sharing(db: Session, feedback_round: FeedbackRound, shared: bool, now: datetime) -> None:
    """Share the report with the learning set's tutors, or stop sharing it."""
    if shared and not feedback_round.shared_with_tutors:
        audit.record(
            db,
            audit.AuditKind.FEEDBACK_REPORT_SHARED,
            actor_id=feedback_round.participant_id,
            detail=f"Feedback round {feedback_round.id}, {feedback_round.cohort.name}",
            now=now,
        )
    feedback_round.shared_with_tutors = shared
    db.flush()


def set_in_appraisal(db: Session, feedback_round: FeedbackRound, included: bool) -> None:
    """Include the report in the appraisal portfolio, or leave it out."""
    feedback_round.in_appraisal = included
    db.flush()


def delete_round(db: Session, feedback_round: FeedbackRound) -> None:
    """The participant deletes a round and everything in it."""
    db.delete(feedback_round)
    db.flush()


# --- The rater's side -------------------------------------------------------------------------


def link_works(rater: FeedbackRater | None, now: datetime) -> bool:
    """A link works until its rater answers or declines, or its round closes."""
    return (
        rater is not None
        and rater.token_hash is not None
        and not rater.has_answered
        and rater.round.is_open(now)
    )


def _require_working(rater: FeedbackRater, now: datetime) -> None:
    if not link_works(rater, now):
        raise ColleagueFeedbackError("This link no longer works", status=410)


def _clean(answers: dict[str, Any], capability_ids: list[int]) -> dict[str, Any]:
    """Only what the round asks: a level 1 to 5 or 0 ("can't say") per capability, and text."""
    ratings: dict[str, int] = {}
    for cid in capability_ids:
        level = answers.get("ratings", {}).get(str(cid))
        if isinstance(level, int) and 0 <= level <= 5:
            ratings[str(cid)] = level
    cleaned: dict[str, Any] = {"ratings": ratings}
    for question in TEXT_QUESTIONS:
        cleaned[question] = str(answers.get(question) or "").strip()[:MAX_ANSWER]
    return cleaned


def save_draft(db: Session, rater: FeedbackRater, answers: dict[str, Any], now: datetime) -> None:
    """Keep what the rater has answered so far, to carry on later with the same link."""
    _require_working(rater, now)
    rater.draft = _clean(answers, rater.round.capability_ids)
    db.flush()


def _use_link(db: Session, rater: FeedbackRater, **done: datetime) -> None:
    """Mark the rater as having answered or declined, claimed in the database, so that two
    copies of the form sent at once (a double click) count once; and forget their address.
    The link's hash stays (it names nobody), so a used link says it no longer works. A round
    that closed meanwhile took every address first (`release`), so the claim finds none."""
    claimed = db.execute(
        update(FeedbackRater)
        .where(
            FeedbackRater.id == rater.id,
            FeedbackRater.responded_at.is_(None),
            FeedbackRater.declined_at.is_(None),
            FeedbackRater.email.is_not(None),
        )
        .values(email=None, draft=None, **done)
        .execution_options(synchronize_session=False)
    )
    if rowcount(claimed) != 1:
        raise ColleagueFeedbackError("This link no longer works", status=410)
    db.expire(rater, ["email", "draft", *done])


def submit(db: Session, rater: FeedbackRater, answers: dict[str, Any], now: datetime) -> None:
    """Send the rater's answers: kept without their name; their address goes and their link
    stops working."""
    _require_working(rater, now)
    cleaned = _clean(answers, rater.round.capability_ids)
    if not cleaned["ratings"] or len(cleaned["ratings"]) < len(rater.round.capability_ids):
        raise ColleagueFeedbackError(
            "Answer every question, choosing \u201cI can\u2019t say\u201d where you do not know",
            "ratings",
        )
    _use_link(db, rater, responded_at=now)
    db.add(
        FeedbackResponse(
            round_id=rater.round_id,
            relation=rater.relation,
            ratings={cid: level for cid, level in cleaned["ratings"].items() if level},
            **{question: cleaned[question] for question in TEXT_QUESTIONS},
        )
    )
    db.flush()


def decline(db: Session, rater: FeedbackRater, now: datetime) -> None:
    """The rater would rather not answer: their address goes, their link stops working, and
    nobody is told who."""
    _require_working(rater, now)
    _use_link(db, rater, declined_at=now)
    db.flush()


# --- Closing and the report -------------------------------------------------------------------


def release(db: Session, feedback_round: FeedbackRound, now: datetime) -> None:
    """Work out the report from the answers in now, keep it, and delete the answers and every
    rater's address: from here on nothing changes what the participant sees."""
    if feedback_round.released_at is not None:
        return
    # Every address first. On PostgreSQL this waits for an answer being sent meanwhile (its
    # claim holds its rater's row), so the report below counts it; an answer sent after finds
    # no address to claim and is refused. Either way no answer is left behind.
    db.execute(
        update(FeedbackRater)
        .where(FeedbackRater.round_id == feedback_round.id)
        .values(email=None, email_digest=None, draft=None)
    )
    feedback_round.report = report.work_out(db, feedback_round)
    feedback_round.released_at = now
    db.execute(delete(FeedbackResponse).where(FeedbackResponse.round_id == feedback_round.id))
    db.flush()
    db.expire(feedback_round, ["raters"])


def release_due(db: Session, now: datetime) -> int:
    """Close every round whose closing date has passed (`flask purge` and the reminders
    command run this), so no address outlives its round by more than a day."""
    due = db.scalars(
        select(FeedbackRound).where(
            FeedbackRound.released_at.is_(None), FeedbackRound.closes_at <= now
        )
    ).all()
    for feedback_round in due:
        release(db, feedback_round, now)
    return len(due)


def purge_addresses(db: Session, now: datetime) -> int:
    """For `flask purge`: close the rounds whose closing date has passed, deleting the
    addresses of colleagues who never answered (and any answers not yet folded in). Returns
    how many addresses went."""
    waiting = (
        db.scalar(
            select(func.count(FeedbackRater.id))
            .join(FeedbackRound, FeedbackRound.id == FeedbackRater.round_id)
            .where(
                FeedbackRound.released_at.is_(None),
                FeedbackRound.closes_at <= now,
                FeedbackRater.email.is_not(None),
            )
        )
        or 0
    )
    release_due(db, now)
    return waiting


def due_reminders(db: Session, now: datetime) -> list[FeedbackRater]:
    """Raters yet to answer in open rounds closing within three days and not reminded yet."""
    return list(
        db.scalars(
            select(FeedbackRater)
            .join(FeedbackRound, FeedbackRound.id == FeedbackRater.round_id)
            .where(
                FeedbackRound.released_at.is_(None),
                FeedbackRound.closed_early_at.is_(None),
                FeedbackRound.reminded_at.is_(None),
                FeedbackRound.closes_at > now,
                FeedbackRound.closes_at <= now + REMIND_BEFORE,
                FeedbackRater.email.is_not(None),
                FeedbackRater.responded_at.is_(None),
                FeedbackRater.declined_at.is_(None),
            )
            .order_by(FeedbackRater.id)
        )
    )


def mark_reminded(db: Session, raters: list[FeedbackRater], now: datetime) -> None:
    for round_id in {rater.round_id for rater in raters}:
        db.execute(
            update(FeedbackRound).where(FeedbackRound.id == round_id).values(reminded_at=now)
        )
    db.flush()


# --- Download your data ---------------------------------------------------------------------


def personal_data_reads(person: ColumnElement[int]) -> dict[str, Read]:
    """The participant's rounds and their released reports (never a rater's address)."""
    raters = (
        select(func.count(FeedbackRater.id))
        .where(FeedbackRater.round_id == FeedbackRound.id)
        .scalar_subquery()
    )
    return {
        "rounds": select(
            Cohort.name,
            FeedbackRound.created_at,
            FeedbackRound.closes_at,
            FeedbackRound.note,
            raters.label("raters"),
            FeedbackRound.report,
        )
        .join(Cohort, Cohort.id == FeedbackRound.cohort_id)
        .where(FeedbackRound.participant_id == person)
        .order_by(FeedbackRound.created_at)
    }


def build_personal_data(user: User, rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        {
            "learning_set": row["name"],
            "opened_at": row["created_at"].isoformat(timespec="seconds"),
            "closes_at": row["closes_at"].isoformat(timespec="seconds"),
            "note": row["note"],
            "colleagues_asked": row["raters"],
            "report": row["report"],
        }
        for row in rows["rounds"]
    ]


def erase_personal_data(db: Session, user: User) -> None:
    """Their rounds, raters and answers go with their account."""
    rounds = select(FeedbackRound.id).where(FeedbackRound.participant_id == user.id)
    db.execute(delete(FeedbackResponse).where(FeedbackResponse.round_id.in_(rounds)))
    db.execute(delete(FeedbackRater).where(FeedbackRater.round_id.in_(rounds)))
    db.execute(delete(FeedbackRound).where(FeedbackRound.participant_id == user.id))
