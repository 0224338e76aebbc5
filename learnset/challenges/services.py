"""The rules of live challenges: recording them, the set's questions and insights, the owner's
actions, experiments and gains, closing and reopening, and publishing a story."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges import update_files
from learnset.challenges.models import (
    TRAPPED_ORDER,
    Challenge,
    ChallengeStatus,
    ChallengeUpdate,
    GainFor,
    GainKind,
    Spend,
    Story,
    TrappedKind,
    TrappedNote,
    UpdateKind,
)
from learnset.cohorts.models import Cohort
from learnset.errors import DomainError


class ChallengeError(DomainError):
    """A rule about live challenges was broken."""


CLOSED_MESSAGE = "This challenge is closed. Reopen it to add to it"


@dataclass
class ChallengeInput:
    title: str
    context: str = ""
    outcomes: str = ""
    stakeholders: str = ""
    # The kinds of thing the owner sees trapped, each with a note (which may be empty).
    trapped: dict[str, str] = field(default_factory=dict)


@dataclass
class PlanInput:
    """An action, or a low- or no-spend experiment, to try before the next session."""

    kind: str
    body: str
    expected_learning: str = ""
    spend: str | None = None


@dataclass
class GainInput:
    body: str
    gain_for: str
    gain_kind: str
    evidence: str = ""


def _require(user: User, action: str, obj: object, message: str) -> None:
    if not authz.can(user, action, obj):
        raise ChallengeError(message)


# --- The challenge itself --------------------------------------------------------------------


def _set_trapped(challenge: Challenge, trapped: dict[str, str]) -> None:
    unknown = set(trapped) - set(TrappedKind)
    if unknown:
        raise ChallengeError("Choose from the kinds of thing that get trapped", "trapped")
    existing = {note.kind: note for note in challenge.trapped}
    kept = []
    for position, kind in enumerate(TRAPPED_ORDER):
        if kind not in trapped:
            continue
        note = existing.get(kind) or TrappedNote(kind=kind.value)
        note.position, note.note = position, trapped[kind].strip()
        kept.append(note)
    challenge.trapped = kept


def _apply(challenge: Challenge, data: ChallengeInput, now: datetime) -> None:
    if not data.title.strip():
        raise ChallengeError("Enter a title for your challenge", "title")
    challenge.title = data.title.strip()
    challenge.context = data.context.strip()
    challenge.outcomes = data.outcomes.strip()
    challenge.stakeholders = data.stakeholders.strip()
    _set_trapped(challenge, data.trapped)
    challenge.updated_at = now


def create_challenge(
    db: Session, owner: User, cohort: Cohort, data: ChallengeInput, now: datetime
) -> Challenge:
    """A participant records a live challenge in one of their learning sets; it starts open."""
    _require(owner, "challenge:create", cohort, "Only participants of a set can record challenges")
    challenge = Challenge(
        owner=owner, cohort=cohort, status=ChallengeStatus.OPEN.value, created_at=now
    )
    _apply(challenge, data, now)
    db.add(challenge)
    db.flush()
    return challenge


def update_challenge(
    db: Session, challenge: Challenge, actor: User, data: ChallengeInput, now: datetime
) -> None:
    """Only the owner changes the challenge's title, context, outcomes and what is trapped."""
    _require(actor, "challenge:edit", challenge, "Only the owner can change this challenge")
    _apply(challenge, data, now)
    db.flush()


def change_status(
    db: Session, challenge: Challenge, actor: User, status: str, now: datetime
) -> bool:
    """Open, pause or close; reopening a closed challenge takes its story down. True if it did."""
    _require(actor, "challenge:edit", challenge, "Only the owner can change this challenge")
    if status not in set(ChallengeStatus):
        raise ChallengeError("Choose open, paused or closed", "status")
    unpublished = False
    if status != ChallengeStatus.CLOSED:
        challenge.closed_at = None
        story = challenge.story
        if story is not None and story.is_published:
            _take_down(story, now)
            unpublished = True
    elif not challenge.is_closed:
        challenge.closed_at = now
    challenge.status = status
    challenge.updated_at = now
    db.flush()
    return unpublished


def delete_challenge(db: Session, challenge: Challenge, actor: User) -> None:
    """The owner deletes a challenge with everything said about it, and its story."""
    _require(actor, "challenge:delete", challenge, "Only the owner can delete this challenge")
    update_files.delete_files_of(
        db, select(ChallengeUpdate.id).where(ChallengeUpdate.challenge_id == challenge.id)
    )
    db.delete(challenge)
    db.flush()


# --- The set's questions and insights --------------------------------------------------------


def _add_update(
    db: Session, challenge: Challenge, author: User, kind: str, now: datetime
) -> ChallengeUpdate:
    """A new entry on the challenge's timeline (its words still to set): work on the challenge."""
    update = ChallengeUpdate(
        challenge=challenge, author=author, kind=kind, body="", created_at=now, updated_at=now
    )
    db.add(update)
    challenge.updated_at = now
    return update


def _said_by_the_set(
    db: Session, challenge: Challenge, author: User, kind: UpdateKind, body: str, now: datetime
) -> ChallengeUpdate:
    """A question or an insight: the set speaks only while the challenge is open or paused."""
    if challenge.is_closed:
        raise ChallengeError(CLOSED_MESSAGE, "body")
    if not body.strip():
        raise ChallengeError("Write something first", "body")
    update = _add_update(db, challenge, author, kind.value, now)
    update.body = body.strip()
    db.flush()
    return update


def ask_question(
    db: Session, challenge: Challenge, author: User, body: str, now: datetime
) -> ChallengeUpdate:
    """A member of the set asks the owner an open question about an open or paused challenge."""
    _require(author, "challenge:question", challenge, "Questions come from the rest of the set")
    return _said_by_the_set(db, challenge, author, UpdateKind.QUESTION, body, now)


def add_insight(
    db: Session, challenge: Challenge, author: User, body: str, now: datetime
) -> ChallengeUpdate:
    """Anyone in the set, the owner too, notes an insight on an open or paused challenge."""
    _require(author, "challenge:insight", challenge, "Only members of the set can add insights")
    return _said_by_the_set(db, challenge, author, UpdateKind.INSIGHT, body, now)


def mark_helped(
    db: Session, question: ChallengeUpdate, actor: User, helped: bool, now: datetime
) -> None:
    """The owner says which of the set's questions helped them (or takes that back)."""
    _require(actor, "challenge:edit", question.challenge, "Only the owner can say what helped")
    if question.kind != UpdateKind.QUESTION:
        raise ChallengeError("Only questions can be marked as helpful")
    question.helped_at = now if helped else None
    db.flush()


# --- The owner's actions, experiments and gains ----------------------------------------------


def _check_plan(data: PlanInput) -> None:
    if data.kind not in (UpdateKind.ACTION, UpdateKind.EXPERIMENT):
        raise ChallengeError("Choose an action or an experiment", "kind")
    if not data.body.strip():
        raise ChallengeError("Say what you will try before the next session", "body")
    if data.kind == UpdateKind.EXPERIMENT:
        if not data.expected_learning.strip():
            raise ChallengeError(
                "Say what you expect to learn from the experiment", "expected_learning"
            )
        if data.spend not in set(Spend):
            raise ChallengeError("Choose whether the experiment costs nothing or little", "spend")


def _apply_plan(update: ChallengeUpdate, data: PlanInput) -> None:
    update.kind = data.kind
    update.body = data.body.strip()
    experiment = data.kind == UpdateKind.EXPERIMENT
    update.expected_learning = data.expected_learning.strip() if experiment else ""
    update.spend = data.spend if experiment else None


def plan(
    db: Session, challenge: Challenge, actor: User, data: PlanInput, now: datetime
) -> ChallengeUpdate:
    """The owner records what they will try before the next session: an action, or a low- or
    no-spend experiment with what they expect to learn."""
    _require(actor, "challenge:edit", challenge, "Only the owner can record what they will try")
    if challenge.is_closed:
        raise ChallengeError(CLOSED_MESSAGE, "body")
    _check_plan(data)
    update = _add_update(db, challenge, actor, data.kind, now)
    _apply_plan(update, data)
    db.flush()
    return update


def record_outcome(
    db: Session, update: ChallengeUpdate, actor: User, outcome: str, now: datetime
) -> None:
    """Later, the owner says what happened when they tried it."""
    _require(actor, "challenge:edit", update.challenge, "Only the owner can say what happened")
    if not update.is_plan:
        raise ChallengeError("Only actions and experiments have an outcome")
    if not outcome.strip():
        raise ChallengeError("Say what happened", "outcome")
    update.outcome = outcome.strip()
    update.outcome_at = update.outcome_at or now
    update.updated_at = now
    update.challenge.updated_at = now
    db.flush()


def _check_gain(data: GainInput) -> None:
    if not data.body.strip():
        raise ChallengeError("Describe the gain", "body")
    if data.gain_for not in set(GainFor):
        raise ChallengeError("Choose who gains", "gain_for")
    if data.gain_kind not in set(GainKind):
        raise ChallengeError("Choose what kind of gain it is", "gain_kind")


def _apply_gain(update: ChallengeUpdate, data: GainInput) -> None:
    update.body = data.body.strip()
    update.gain_for = data.gain_for
    update.gain_kind = data.gain_kind
    update.evidence = data.evidence.strip()


def record_gain(
    db: Session, challenge: Challenge, actor: User, data: GainInput, now: datetime
) -> ChallengeUpdate:
    """The owner records a gain as it appears; gains may still come after a challenge closes."""
    _require(actor, "challenge:edit", challenge, "Only the owner can record gains")
    _check_gain(data)
    update = _add_update(db, challenge, actor, UpdateKind.GAIN.value, now)
    _apply_gain(update, data)
    db.flush()
    return update


# --- Changing and deleting what was written --------------------------------------------------


def edit_update(
    db: Session,
    update: ChallengeUpdate,
    actor: User,
    data: PlanInput | GainInput | str,
    now: datetime,
) -> None:
    """The writer changes an update with what its own kind of form gives: the words of a
    question or insight, an action or experiment, or a gain; nobody edits someone else's."""
    _require(actor, "challenge_update:edit", update, "You can only change what you wrote")
    if isinstance(data, PlanInput) and update.is_plan:
        _check_plan(data)
        _apply_plan(update, data)
    elif isinstance(data, GainInput) and update.kind == UpdateKind.GAIN:
        _check_gain(data)
        _apply_gain(update, data)
    elif isinstance(data, str) and update.kind in (UpdateKind.QUESTION, UpdateKind.INSIGHT):
        if not data.strip():
            raise ChallengeError("Write something first", "body")
        update.body = data.strip()
    else:
        raise ChallengeError("Use the form for this kind of update")
    update.updated_at = now
    db.flush()


def delete_update(db: Session, update: ChallengeUpdate, actor: User) -> None:
    """The writer deletes what they wrote."""
    _require(actor, "challenge_update:edit", update, "You can only delete what you wrote")
    update_files.delete_files_of(
        db, select(ChallengeUpdate.id).where(ChallengeUpdate.id == update.id)
    )
    db.delete(update)
    db.flush()


# --- Stories ---------------------------------------------------------------------------------


def _take_down(story: Story, now: datetime) -> None:
    story.published_at = None
    story.consented_at = None
    story.updated_at = now


def publish_story(
    db: Session, challenge: Challenge, actor: User, summary: str, consent: bool, now: datetime
) -> Story:
    """With the owner's explicit consent, a closed challenge becomes a story every signed-in
    user of the programme can read (never the set's questions or insights)."""
    _require(actor, "challenge:edit", challenge, "Only the owner can publish a story")
    if not challenge.is_closed:
        raise ChallengeError("Close the challenge before you publish it as a story")
    if not summary.strip():
        raise ChallengeError("Write your story", "summary")
    if not consent:
        raise ChallengeError("Tick the box to agree to publish your story", "consent")
    story = challenge.story
    if story is None:
        story = Story(challenge=challenge, summary="", created_at=now)
        db.add(story)
    story.summary = summary.strip()
    story.published_at = story.published_at or now
    story.consented_at = now
    story.updated_at = now
    db.flush()
    return story


def unpublish_story(db: Session, challenge: Challenge, actor: User, now: datetime) -> None:
    """The owner takes their story down, at any time; what they wrote is kept for later."""
    _require(actor, "challenge:delete", challenge, "Only the owner can unpublish this story")
    story = challenge.story
    if story is None or not story.is_published:
        raise ChallengeError("This challenge's story is not published")
    _take_down(story, now)
    db.flush()
