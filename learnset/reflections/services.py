"""Writing, sharing, versions and the bin: the rules of the reflective log (comments and
drafts have modules of their own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Role
from learnset.db import rowcount
from learnset.errors import DomainError
from learnset.framework.models import Capability
from learnset.ids import is_id
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting
from learnset.notifications.models import NotificationKind
from learnset.notifications.services import notify
from learnset.pagination import Page, paginate
from learnset.reflections import note_photos
from learnset.reflections.linkable import participant_cohorts
from learnset.reflections.models import (
    Note,
    Reflection,
    ReflectionAttachment,
    ReflectionComment,
    ReflectionDraft,
    ReflectionPart,
    ReflectionVersion,
    Visibility,
)
from learnset.reflections.structures import STRUCTURES


class ReflectionError(DomainError):
    """A rule of the reflective log was broken."""


@dataclass
class ReflectionInput:
    title: str
    structure: str
    parts: dict[str, str]
    experienced_on: date
    cpd_minutes: int = 0
    cohort_id: int | None = None
    meeting_id: int | None = None
    content_item_id: int | None = None
    challenge_id: int | None = None
    capability_ids: list[int] = field(default_factory=list)
    visibility: str = Visibility.PRIVATE.value


def _check(db: Session, author: User, data: ReflectionInput, current: Reflection | None) -> None:
    """Links must point at things the author may use; what was already linked may stay."""
    if data.structure not in STRUCTURES:
        raise ReflectionError("Choose a structure for the reflection")
    unchanged_cohort = current is not None and current.cohort_id == data.cohort_id
    own_cohorts = {cohort.id for cohort in participant_cohorts(db, author)}
    if data.cohort_id is None and own_cohorts:
        raise ReflectionError("Choose the learning set this reflection belongs to", "cohort")
    if data.cohort_id is not None and data.cohort_id not in own_cohorts and not unchanged_cohort:
        raise ReflectionError("Choose one of your learning sets", "cohort")
    moved = not unchanged_cohort and data.cohort_id is not None
    if current is not None and moved and _others_commented(db, current):
        # Their words were written for this set's eyes (or its tutors'), not another's.
        raise ReflectionError(
            "This reflection has comments from people in its learning set, so it cannot move "
            "to another one",
            "cohort",
        )
    if data.visibility not in set(Visibility):
        raise ReflectionError("Choose who can read this reflection", "visibility")
    if data.visibility != Visibility.PRIVATE and data.cohort_id not in own_cohorts:
        raise ReflectionError(
            "You can only share a reflection with a learning set you are taking part in",
            "visibility",
        )
    if data.meeting_id is not None and not (current and current.meeting_id == data.meeting_id):
        meeting = db.get(Meeting, data.meeting_id)
        if meeting is None or not meeting.is_published or meeting.cohort_id not in own_cohorts:
            raise ReflectionError("Choose one of your learning set's sessions", "meeting")
    if data.meeting_id is not None:
        meeting = db.get(Meeting, data.meeting_id)
        if meeting is not None and meeting.cohort_id != data.cohort_id:
            raise ReflectionError(
                "Choose a session of the learning set this reflection belongs to", "meeting"
            )
    if data.content_item_id is not None and not (
        current and current.content_item_id == data.content_item_id
    ):
        item = db.get(ContentItem, data.content_item_id)
        if item is None or item.archived_at is not None:
            raise ReflectionError("Choose an item from the library", "content_item")
    _check_challenge(db, author, data)


def _others_commented(db: Session, reflection: Reflection) -> bool:
    """Whether anyone but the author (an account since removed too) has commented on it."""
    return bool(
        db.scalar(
            select(
                exists().where(
                    ReflectionComment.reflection_id == reflection.id,
                    or_(
                        ReflectionComment.author_id.is_(None),
                        ReflectionComment.author_id != reflection.author_id,
                    ),
                )
            )
        )
    )


def _check_challenge(db: Session, author: User, data: ReflectionInput) -> None:
    """Only the author's own challenge, in the learning set the reflection belongs to."""
    if data.challenge_id is None:
        return
    challenge = db.get(Challenge, data.challenge_id) if is_id(data.challenge_id) else None
    if challenge is None or challenge.owner_id != author.id:
        raise ReflectionError("Choose one of your own live challenges", "challenge")
    if challenge.cohort_id != data.cohort_id:
        raise ReflectionError(
            "Choose a challenge from the learning set this reflection belongs to", "challenge"
        )


def _capabilities(db: Session, ids: list[int], current: Reflection | None) -> list[Capability]:
    already = {capability.id for capability in current.capabilities} if current else set()
    wanted = sorted(set(ids))
    found = list(db.scalars(select(Capability).where(Capability.id.in_(wanted)))) if wanted else []
    if len(found) != len(wanted) or any(
        capability.archived_at is not None and capability.id not in already for capability in found
    ):
        raise ReflectionError("Choose capabilities from the framework", "capabilities")
    return sorted(found, key=lambda capability: (capability.domain_id, capability.position))


# --- Writing ---------------------------------------------------------------------------------


def _apply(reflection: Reflection, data: ReflectionInput, now: datetime) -> None:
    reflection.title = data.title
    reflection.structure = data.structure
    reflection.experienced_on = data.experienced_on
    reflection.cpd_minutes = data.cpd_minutes
    reflection.cohort_id = data.cohort_id
    reflection.meeting_id = data.meeting_id
    reflection.content_item_id = data.content_item_id
    reflection.challenge_id = data.challenge_id
    _set_visibility(reflection, data.visibility, now)
    _set_parts(reflection, data.structure, data.parts)
    reflection.updated_at = now


def _set_parts(reflection: Reflection, structure: str, parts: dict[str, str]) -> None:
    existing = {part.key: part for part in reflection.parts}
    kept = []
    for position, key in enumerate(STRUCTURES[structure].keys):
        part = existing.get(key) or ReflectionPart(key=key)
        part.position, part.body = position, parts.get(key, "")
        kept.append(part)
    reflection.parts = kept


def tell_tutors_if_shared(db: Session, reflection: Reflection, before: str, now: datetime) -> None:
    """A reflection newly shared (it was private) is news to the set's tutors; the words they
    are told are about who shared it, never what it says."""
    if before != Visibility.PRIVATE or reflection.visibility == Visibility.PRIVATE:
        return
    if reflection.cohort_id is None:
        return
    whom = "the set" if reflection.visibility == Visibility.SET else "the tutors"
    notify(
        db,
        [
            tutor
            for tutor in authz.people_in(db, reflection.cohort_id, Role.TUTOR)
            if authz.can(tutor, "reflection:view", reflection)
        ],
        NotificationKind.SHARED,
        actor=reflection.author,
        link=f"/reflections/{reflection.id}",
        description=f"{reflection.author.name} shared a reflection with {whom}",
        now=now,
    )


def _set_visibility(reflection: Reflection, visibility: str, now: datetime) -> None:
    if visibility != reflection.visibility and visibility != Visibility.PRIVATE:
        reflection.shared_at = now
    reflection.visibility = visibility


def _kept(reflection: Reflection) -> dict[str, Any]:
    """What a version keeps of the reflection, as its columns: a change to any of it is a new
    version."""
    return {
        "title": reflection.title,
        "structure": reflection.structure,
        "parts": reflection.text_by_part,
        "experienced_on": reflection.experienced_on,
        "cpd_minutes": reflection.cpd_minutes,
    }


def _record_version(
    db: Session, reflection: Reflection, now: datetime, restored_from: int | None = None
) -> ReflectionVersion:
    last = db.scalar(
        select(func.max(ReflectionVersion.number)).where(
            ReflectionVersion.reflection_id == reflection.id
        )
    )
    version = ReflectionVersion(
        reflection_id=reflection.id,
        number=(last or 0) + 1,
        **_kept(reflection),
        restored_from=restored_from,
        files=attachment_names(db, reflection),
        created_at=now,
    )
    db.add(version)
    return version


def record_version(db: Session, reflection: Reflection, now: datetime) -> ReflectionVersion:
    """A new version as the reflection stands, for a change history should show (a file)."""
    return _record_version(db, reflection, now)


def attachment_names(db: Session, reflection: Reflection) -> list[str]:
    """The names of the files attached to a reflection, oldest first."""
    if reflection.id is None:
        return []
    return list(
        db.scalars(
            select(ReflectionAttachment.name)
            .where(ReflectionAttachment.reflection_id == reflection.id)
            .order_by(ReflectionAttachment.created_at, ReflectionAttachment.id)
        )
    )


def create_reflection(
    db: Session, author: User, data: ReflectionInput, now: datetime, draft_key: str | None = None
) -> Reflection:
    """A new reflection with its first version; its draft, and any note it was started from,
    have done their job."""
    _check(db, author, data, None)
    reflection = Reflection(author=author, draft_key=draft_key, created_at=now)
    reflection.capabilities = _capabilities(db, data.capability_ids, None)
    _apply(reflection, data, now)
    db.add(reflection)
    db.flush()
    if draft_key is not None:
        note_photos.carry_into(db, author, reflection, draft_key, now)
    _record_version(db, reflection, now)
    tell_tutors_if_shared(db, reflection, Visibility.PRIVATE, now)
    if draft_key is not None:
        db.execute(
            delete(ReflectionDraft).where(
                ReflectionDraft.author_id == author.id, ReflectionDraft.key == draft_key
            )
        )
        # A quick note carried into this draft has become this reflection (notes.py).
        db.execute(delete(Note).where(Note.author_id == author.id, Note.draft_key == draft_key))
    db.flush()
    return reflection


def update_reflection(
    db: Session, reflection: Reflection, data: ReflectionInput, now: datetime
) -> bool:
    """Save an edit; a change to the words, date or minutes adds a version. True if it did."""
    _check(db, reflection.author, data, reflection)
    before = _kept(reflection)
    shared_before = reflection.visibility
    reflection.capabilities = _capabilities(db, data.capability_ids, reflection)
    _apply(reflection, data, now)
    changed = _kept(reflection) != before
    if changed:
        _record_version(db, reflection, now)
    tell_tutors_if_shared(db, reflection, shared_before, now)
    db.execute(delete(ReflectionDraft).where(ReflectionDraft.reflection_id == reflection.id))
    db.flush()
    return changed


def change_visibility(db: Session, reflection: Reflection, visibility: str, now: datetime) -> None:
    """Share or withdraw; sharing needs a cohort the author still takes part in."""
    if visibility not in set(Visibility):
        raise ReflectionError("Choose who can read this reflection", "visibility")
    if visibility != Visibility.PRIVATE and not (
        reflection.cohort_id is not None
        and authz.is_participant(reflection.author, reflection.cohort_id)
    ):
        raise ReflectionError(
            "You can only share a reflection with a learning set you are taking part in",
            "visibility",
        )
    before = reflection.visibility
    _set_visibility(reflection, visibility, now)
    db.flush()
    tell_tutors_if_shared(db, reflection, before, now)


# --- Versions --------------------------------------------------------------------------------


def versions_of(db: Session, reflection: Reflection) -> list[ReflectionVersion]:
    """A reflection's saved versions, newest first."""
    return list(
        db.scalars(
            select(ReflectionVersion)
            .where(ReflectionVersion.reflection_id == reflection.id)
            .order_by(ReflectionVersion.number.desc())
        )
    )


def versions_page(db: Session, reflection: Reflection, number: int) -> Page[ReflectionVersion]:
    """One page of a reflection's saved versions, newest first: two queries however many."""
    query = (
        select(ReflectionVersion)
        .where(ReflectionVersion.reflection_id == reflection.id)
        .order_by(ReflectionVersion.number.desc())
    )
    return paginate(db, query, number)


def version_of(db: Session, reflection: Reflection, version_id: int) -> ReflectionVersion | None:
    return db.scalar(
        select(ReflectionVersion).where(
            ReflectionVersion.id == version_id, ReflectionVersion.reflection_id == reflection.id
        )
    )


def restore_version(
    db: Session, reflection: Reflection, version: ReflectionVersion, now: datetime
) -> ReflectionVersion:
    """Put an earlier version's words, date and minutes back, as a new version.

    Sharing, links and capabilities stay as they are: restoring old words must never widen
    who can read them.
    """
    reflection.title = version.title
    reflection.structure = version.structure
    reflection.experienced_on = version.experienced_on
    reflection.cpd_minutes = version.cpd_minutes
    _set_parts(reflection, version.structure, version.parts)
    reflection.updated_at = now
    db.flush()
    restored = _record_version(db, reflection, now, restored_from=version.number)
    db.execute(delete(ReflectionDraft).where(ReflectionDraft.reflection_id == reflection.id))
    db.flush()
    return restored


def clear_history(db: Session, reflection: Reflection) -> int:
    """Delete every version but the newest, for words that should not have been written."""
    newest = db.scalar(
        select(func.max(ReflectionVersion.number)).where(
            ReflectionVersion.reflection_id == reflection.id
        )
    )
    result = db.execute(
        delete(ReflectionVersion).where(
            ReflectionVersion.reflection_id == reflection.id, ReflectionVersion.number != newest
        )
    )
    db.flush()
    return rowcount(result)
