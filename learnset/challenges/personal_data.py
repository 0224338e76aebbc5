"""Live challenges in "download your data" and "delete your account"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, contains_eager, joinedload

from learnset import authz
from learnset.accounts.models import User
from learnset.accounts.personal_data import written_around
from learnset.challenges import update_files
from learnset.challenges.models import Challenge, ChallengeUpdate, ChallengeUpdateAttachment
from learnset.files.models import FileBlob

FORMER_MEMBER = "A former member"


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def file_path(update: ChallengeUpdate, attachment: ChallengeUpdateAttachment) -> str:
    """Where a file sits in the download of a person's data: a folder per challenge."""
    return f"challenge-files/challenge-{update.challenge_id}/{attachment.id}-{attachment.name}"


def _files(update: ChallengeUpdate, attached: list[ChallengeUpdateAttachment]) -> dict[str, Any]:
    return {
        "files": [
            {
                "name": attachment.name,
                "kind": attachment.kind.label,
                "bytes": attachment.blob.size,
                "added_at": _when(attachment.created_at),
                "in_download": file_path(update, attachment),
            }
            for attachment in attached
        ]
    }


def _update(update: ChallengeUpdate) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": update.kind,
        "by": update.author.name if update.author else FORMER_MEMBER,
        "written_at": _when(update.created_at),
        "text": update.body,
    }
    if update.kind == "question":
        entry["helped"] = update.helped_at is not None
    if update.is_plan:
        entry.update(
            expected_learning=update.expected_learning or None,
            spend=update.spend,
            what_happened=update.outcome or None,
        )
    if update.kind == "gain":
        entry.update(gain_for=update.gain_for, gain_kind=update.gain_kind, evidence=update.evidence)
    return entry


def export_challenges(db: Session, user: User) -> dict[str, Any]:
    """The user's challenges with everything recorded on them, and what they wrote on others'.

    Another person's challenge is named only while the user may still read it.
    """
    challenges = list(
        db.scalars(
            select(Challenge)
            .where(Challenge.owner_id == user.id)
            # What is trapped in each (a few notes at most) in the same statement.
            .options(
                joinedload(Challenge.cohort),
                joinedload(Challenge.trapped),
                joinedload(Challenge.story),
            )
            .order_by(Challenge.created_at, Challenge.id)
        ).unique()
    )
    # The updates on the user's challenges and the user's on other people's, in one statement;
    # another person's challenge is named only while the user may still read it.
    updates, written = written_around(
        db,
        user,
        ChallengeUpdate,
        Challenge,
        ChallengeUpdate.challenge_id,
        Challenge.owner_id,
        authz.visible_challenges(user),
    )
    attached = update_files.files_by_update(
        db, [entry.id for entries in updates.values() for entry in entries]
    )
    return {
        "challenges": [
            {
                "title": challenge.title,
                "learning_set": challenge.cohort.name,
                "status": challenge.status,
                "context": challenge.context,
                "outcomes": challenge.outcomes,
                "stakeholders": challenge.stakeholders,
                "trapped": {note.kind: note.note for note in challenge.trapped},
                "recorded_at": _when(challenge.created_at),
                "closed_at": _when(challenge.closed_at),
                "story": {
                    "summary": challenge.story.summary,
                    "published_at": _when(challenge.story.published_at),
                }
                if challenge.story
                else None,
                "updates": [
                    _update(entry) | _files(entry, attached.get(entry.id, []))
                    for entry in updates.get(challenge.id, [])
                ],
            }
            for challenge in challenges
        ],
        "on_others_challenges": [
            {
                "kind": entry.kind,
                "written_at": _when(entry.created_at),
                "text": entry.body,
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
        yield file_path(attachment.update, attachment), attachment.blob
