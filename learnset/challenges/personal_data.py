"""Live challenges in "download your data" and "delete your account"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session, contains_eager

from learnset import authz
from learnset.accounts.models import User
from learnset.accounts.personal_data import (
    FORMER_MEMBER,
    Read,
    grouped,
    split_written,
    stored_file,
    stored_files,
    written,
    written_around,
)
from learnset.challenges import update_files
from learnset.challenges.models import (
    PLAN_KINDS,
    Challenge,
    ChallengeUpdate,
    ChallengeUpdateAttachment,
    Story,
    TrappedNote,
)
from learnset.cohorts.models import Cohort
from learnset.files.models import FileBlob


def file_path(challenge_id: int, attachment_id: int, name: str) -> str:
    """Where a file sits in the download of a person's data: a folder per challenge."""
    return f"challenge-files/challenge-{challenge_id}/{attachment_id}-{name}"


def _files(update: dict[str, Any], attached: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "files": [
            stored_file(
                attachment, file_path(update["record_id"], attachment["id"], attachment["name"])
            )
            for attachment in attached
        ]
    }


def _update(update: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": update["kind"],
        "by": update["by"] or FORMER_MEMBER,
        "written_at": update["created_at"],
        "text": update["body"],
    }
    if update["kind"] == "question":
        entry["helped"] = update["helped_at"] is not None
    if update["kind"] in PLAN_KINDS:
        entry.update(
            expected_learning=update["expected_learning"] or None,
            spend=update["spend"],
            what_happened=update["outcome"] or None,
        )
    if update["kind"] == "gain":
        entry.update(
            gain_for=update["gain_for"], gain_kind=update["gain_kind"], evidence=update["evidence"]
        )
    return entry


def challenge_reads(person: ColumnElement[int]) -> dict[str, Read]:
    """The person's challenges with everything recorded on them, and what they wrote on others'."""
    own = Challenge.owner_id == person
    return {
        "challenges": select(
            Challenge.id,
            Challenge.title,
            Cohort.name.label("learning_set"),
            Challenge.status,
            Challenge.context,
            Challenge.outcomes,
            Challenge.stakeholders,
            written(Challenge.created_at),
            written(Challenge.closed_at),
            Story.summary,
            written(Story.published_at),
            Story.id.label("story_id"),
        )
        .join(Cohort, Cohort.id == Challenge.cohort_id)
        .outerjoin(Story, Story.challenge_id == Challenge.id)
        .where(own)
        .order_by(Challenge.created_at, Challenge.id),
        # What is trapped in each: a few notes at most.
        "trapped": select(TrappedNote.challenge_id, TrappedNote.kind, TrappedNote.note)
        .join(Challenge, Challenge.id == TrappedNote.challenge_id)
        .where(own)
        .order_by(TrappedNote.challenge_id, TrappedNote.position),
        # The updates on the person's challenges and the person's on other people's; another
        # person's challenge is named only while the person may still read it.
        "updates": written_around(
            person,
            select(
                ChallengeUpdate.id,
                ChallengeUpdate.kind,
                User.name.label("by"),
                written(ChallengeUpdate.created_at),
                ChallengeUpdate.body,
                ChallengeUpdate.helped_at,
                ChallengeUpdate.expected_learning,
                ChallengeUpdate.spend,
                ChallengeUpdate.outcome,
                ChallengeUpdate.gain_for,
                ChallengeUpdate.gain_kind,
                ChallengeUpdate.evidence,
            ).outerjoin(User, User.id == ChallengeUpdate.author_id),
            ChallengeUpdate,
            Challenge,
            ChallengeUpdate.challenge_id,
            Challenge.owner_id,
            authz.visible_challenges(person),
        ),
        "files": stored_files(ChallengeUpdateAttachment, ChallengeUpdateAttachment.update_id)
        .join(ChallengeUpdate, ChallengeUpdate.id == ChallengeUpdateAttachment.update_id)
        .join(Challenge, Challenge.id == ChallengeUpdate.challenge_id)
        .where(own),
    }


def build_challenges(user: User, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    trapped: dict[int, dict[str, str]] = {}
    for note in rows["trapped"]:
        trapped.setdefault(note["challenge_id"], {})[note["kind"]] = note["note"]
    updates, written = split_written(rows["updates"])
    attached = grouped(rows["files"], "update_id")
    return {
        "challenges": [
            {
                "title": challenge["title"],
                "learning_set": challenge["learning_set"],
                "status": challenge["status"],
                "context": challenge["context"],
                "outcomes": challenge["outcomes"],
                "stakeholders": challenge["stakeholders"],
                "trapped": trapped.get(challenge["id"], {}),
                "recorded_at": challenge["created_at"],
                "closed_at": challenge["closed_at"],
                "story": {
                    "summary": challenge["summary"],
                    "published_at": challenge["published_at"],
                }
                if challenge["story_id"] is not None
                else None,
                "updates": [
                    _update(entry) | _files(entry, attached.get(entry["id"], []))
                    for entry in updates.get(challenge["id"], [])
                ],
            }
            for challenge in rows["challenges"]
        ],
        "on_others_challenges": [
            {
                "kind": entry["kind"],
                "written_at": entry["created_at"],
                "text": entry["body"],
                "on_challenge": title,
            }
            for entry, title in written
        ],
    }


def erase_challenges(db: Session, user: User) -> None:
    """Delete the user's challenges with their updates and stories; their questions and
    insights on others' challenges stay for the set, as "A former member"."""
    update_files.delete_files_of(
        db,
        select(ChallengeUpdate.id)
        .join(Challenge, Challenge.id == ChallengeUpdate.challenge_id)
        .where(Challenge.owner_id == user.id),
    )
    db.execute(delete(Challenge).where(Challenge.owner_id == user.id))
    db.execute(
        update(ChallengeUpdate).where(ChallengeUpdate.author_id == user.id).values(author_id=None)
    )
    db.flush()


def export_files(db: Session, user: User) -> Iterator[tuple[str, FileBlob]]:
    """The files beside the user's own challenges, with their place in the download."""
    for attachment in db.scalars(
        select(ChallengeUpdateAttachment)
        .join(ChallengeUpdateAttachment.update)
        .join(Challenge, Challenge.id == ChallengeUpdate.challenge_id)
        .where(Challenge.owner_id == user.id)
        .options(contains_eager(ChallengeUpdateAttachment.update))
        .order_by(ChallengeUpdateAttachment.id)
    ).unique():
        yield (
            file_path(attachment.update.challenge_id, attachment.id, attachment.name),
            attachment.blob,
        )
