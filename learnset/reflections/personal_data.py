"""The reflective log's part of "download your data" (its reads, in the one statement of
`accounts.personal_data`, and the document made from their rows), its files in the download,
and what deleting an account removes or anonymises."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from learnset import authz
from learnset.accounts import personal_data as downloads
from learnset.accounts.models import User
from learnset.accounts.personal_data import Read
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort
from learnset.files.models import FileBlob
from learnset.framework.models import Capability
from learnset.library.models import ContentItem
from learnset.meetings.models import Meeting
from learnset.reflections.exports import activity_named, slug, with_links
from learnset.reflections.models import (
    Note,
    Reflection,
    ReflectionAttachment,
    ReflectionComment,
    ReflectionDraft,
    ReflectionPart,
    ReflectionRescue,
    ReflectionVersion,
    reflection_capabilities,
)


def _when(value: datetime | date | None) -> str | None:
    # To the microsecond, unlike the other sections' `when`: the log's times have always been
    # written so, and a person's download keeps its shape. The reads' times come so from the
    # database (`written(..., exactly=True)`); this writes the dates and the files' times.
    return value.isoformat() if value is not None else None


def file_path(reflection: Reflection, attachment: ReflectionAttachment) -> str:
    """Where a file sits in the download of a person's data: a folder per reflection."""
    return _file_path(
        reflection.experienced_on, reflection.id, reflection.title, attachment.id, attachment.name
    )


def _file_path(on: date, reflection_id: int, title: str, attachment_id: int, name: str) -> str:
    return f"files/{on.isoformat()}-{reflection_id}-{slug(title)}/{attachment_id}-{name}"


def note_photo_path(note: Note) -> str:
    """Where a quick note's photo sits in the download of a person's data."""
    return _photo_path(note.id, note.photo_name)


def _photo_path(note_id: int, name: str | None) -> str:
    return f"note-photos/{note_id}-{name or 'photo'}"


def note_photos(db: Session, user: User) -> Iterator[tuple[str, FileBlob]]:
    """The photos of the user's quick notes, with their place in the download of their data."""
    for note in db.scalars(
        select(Note)
        .options(joinedload(Note.photo))
        .where(Note.author_id == user.id, Note.photo_blob_id.is_not(None))
        .order_by(Note.id)
    ):
        if note.photo is not None:
            yield note_photo_path(note), note.photo


def files(db: Session, user: User) -> Iterator[tuple[str, FileBlob]]:
    """The user's own attached files, with their place in the download of their data."""
    for reflection in db.scalars(
        select(Reflection)
        .options(selectinload(Reflection.attachments))
        .where(Reflection.author_id == user.id)
        .order_by(Reflection.experienced_on, Reflection.id)
    ):
        for attachment in reflection.attachments:
            yield file_path(reflection, attachment), attachment.blob


def reads(person: ColumnElement[int]) -> dict[str, Read]:
    """Everything the reflective log holds about the person, for their download."""
    own = Reflection.author_id == person
    return {
        "reflections": with_links(
            select(
                Reflection.id,
                Reflection.title,
                Reflection.experienced_on,
                Reflection.structure,
                Cohort.name.label("learning_set"),
                Meeting.id.label("meeting_id"),
                Meeting.number.label("meeting_number"),
                Meeting.title.label("meeting_title"),
                ContentItem.kind.label("item_kind"),
                ContentItem.title.label("item_title"),
                Challenge.title.label("challenge_title"),
                Reflection.cpd_minutes,
                Reflection.visibility,
                downloads.written(Reflection.created_at, exactly=True),
                downloads.written(Reflection.updated_at, exactly=True),
                downloads.written(Reflection.deleted_at, exactly=True),
            )
        )
        .where(own)
        .order_by(Reflection.experienced_on, Reflection.id),
        "parts": select(ReflectionPart.reflection_id, ReflectionPart.key, ReflectionPart.body)
        .join(Reflection, Reflection.id == ReflectionPart.reflection_id)
        .where(own)
        .order_by(ReflectionPart.reflection_id, ReflectionPart.position),
        "capabilities": select(reflection_capabilities.c.reflection_id, Capability.slug)
        .join(Capability, Capability.id == reflection_capabilities.c.capability_id)
        .join(Reflection, Reflection.id == reflection_capabilities.c.reflection_id)
        .where(own)
        .order_by(reflection_capabilities.c.reflection_id, Capability.position),
        "files": downloads.stored_files(ReflectionAttachment, ReflectionAttachment.reflection_id)
        .join(Reflection, Reflection.id == ReflectionAttachment.reflection_id)
        .where(own),
        "versions": select(
            ReflectionVersion.reflection_id,
            ReflectionVersion.number,
            downloads.written(ReflectionVersion.created_at, exactly=True),
            ReflectionVersion.title,
            ReflectionVersion.experienced_on,
            ReflectionVersion.parts,
            ReflectionVersion.cpd_minutes,
            ReflectionVersion.restored_from,
        )
        .join(Reflection, Reflection.id == ReflectionVersion.reflection_id)
        .where(own)
        .order_by(ReflectionVersion.number),
        # The comments on the person's reflections and the person's on other people's; another
        # person's title shows only while the person may still read it.
        "comments": downloads.written_around(
            person,
            select(
                User.name.label("by"),
                downloads.written(ReflectionComment.created_at, exactly=True),
                ReflectionComment.body,
                ReflectionComment.audience,
            ).outerjoin(User, User.id == ReflectionComment.author_id),
            ReflectionComment,
            Reflection,
            ReflectionComment.reflection_id,
            Reflection.author_id,
            authz.visible_reflections(person),
        ),
        "drafts": select(
            ReflectionDraft.reflection_id,
            downloads.written(ReflectionDraft.updated_at, exactly=True),
            ReflectionDraft.data,
        )
        .where(ReflectionDraft.author_id == person)
        .order_by(ReflectionDraft.updated_at),
        "notes": select(
            Note.id,
            downloads.written(Note.created_at, exactly=True),
            Note.body,
            Cohort.name.label("learning_set"),
            Meeting.title.label("session"),
            Note.photo_blob_id,
            Note.photo_name,
        )
        .outerjoin(Cohort, Cohort.id == Note.cohort_id)
        .outerjoin(Meeting, Meeting.id == Note.meeting_id)
        .where(Note.author_id == person)
        .order_by(Note.created_at, Note.id),
        "rescues": select(
            downloads.written(ReflectionRescue.created_at, exactly=True), ReflectionRescue.data
        )
        .where(ReflectionRescue.user_id == person)
        .order_by(ReflectionRescue.id),
    }


def build(user: User, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    parts = downloads.grouped(rows["parts"], "reflection_id")
    capabilities = downloads.grouped(rows["capabilities"], "reflection_id")
    attached = downloads.grouped(rows["files"], "reflection_id")
    versions = downloads.grouped(rows["versions"], "reflection_id")
    comments, written = downloads.split_written(rows["comments"])
    return {
        "reflections": [
            {
                "id": reflection["id"],
                "title": reflection["title"],
                "date": _when(reflection["experienced_on"]),
                "structure": reflection["structure"],
                "parts": {part["key"]: part["body"] for part in parts.get(reflection["id"], [])},
                "learning_set": reflection["learning_set"],
                "session": activity_named(
                    reflection["title"],
                    reflection["learning_set"],
                    (reflection["meeting_number"], reflection["meeting_title"]),
                    (reflection["item_kind"], reflection["item_title"])
                    if reflection["item_title"] is not None
                    else None,
                )
                if reflection["meeting_id"] is not None
                else None,
                "library_item": reflection["item_title"],
                "live_challenge": reflection["challenge_title"],
                "capabilities": [row["slug"] for row in capabilities.get(reflection["id"], [])],
                "files": [
                    downloads.stored_file(
                        attachment,
                        _file_path(
                            reflection["experienced_on"],
                            reflection["id"],
                            reflection["title"],
                            attachment["id"],
                            attachment["name"],
                        ),
                        _when,
                    )
                    for attachment in attached.get(reflection["id"], [])
                ],
                "cpd_minutes": reflection["cpd_minutes"],
                "shared_with": reflection["visibility"],
                "written_at": reflection["created_at"],
                "changed_at": reflection["updated_at"],
                "in_bin_since": reflection["deleted_at"],
                "versions": [
                    {
                        "number": version["number"],
                        "saved_at": version["created_at"],
                        "title": version["title"],
                        "date": _when(version["experienced_on"]),
                        "parts": version["parts"],
                        "cpd_minutes": version["cpd_minutes"],
                        "restored_from": version["restored_from"],
                    }
                    for version in versions.get(reflection["id"], [])
                ],
                "comments": [
                    {
                        "by": comment["by"] or downloads.FORMER_MEMBER,
                        "written_at": comment["created_at"],
                        "body": comment["body"],
                        "written_for": comment["audience"],
                    }
                    for comment in comments.get(reflection["id"], [])
                ],
            }
            for reflection in rows["reflections"]
        ],
        "drafts": [
            {
                "reflection_id": draft["reflection_id"],
                "saved_at": draft["updated_at"],
                "fields": draft["data"],
            }
            for draft in rows["drafts"]
        ],
        "notes": [
            {
                "written_at": note["created_at"],
                "body": note["body"],
                "learning_set": note["learning_set"],
                "session": note["session"],
                "photo": _photo_path(note["id"], note["photo_name"])
                if note["photo_blob_id"]
                else None,
            }
            for note in rows["notes"]
        ],
        "kept_after_sign_in_expired": [
            {"kept_at": rescue["created_at"], "fields": rescue["data"]}
            for rescue in rows["rescues"]
        ],
        # On other people's reflections: their titles only while they are still shared with you.
        "comments_on_others_reflections": [
            {
                "written_at": comment["created_at"],
                "body": comment["body"],
                "on_reflection": title,
            }
            for comment, title in written
        ],
    }


def erase(db: Session, user: User) -> None:
    """Delete the user's reflections and drafts; their comments on others' become anonymous."""
    # Versions, parts, drafts, rescues and others' comments go with each reflection (cascade).
    db.execute(delete(Reflection).where(Reflection.author_id == user.id))
    db.execute(delete(ReflectionDraft).where(ReflectionDraft.author_id == user.id))
    db.execute(delete(ReflectionRescue).where(ReflectionRescue.user_id == user.id))
    db.execute(
        update(ReflectionComment)
        .where(ReflectionComment.author_id == user.id)
        .values(author_id=None)
    )
    db.flush()
