"""Quick notes: jotted on a phone (often offline), kept in their writer's inbox at the top of the
log, and turned into a reflection or deleted. A note is its writer's alone, always.

The note becomes a reflection in two steps: `start_reflection` carries its words into a draft
of a new reflection (under the draft's key), and `services.create_reflection` deletes the note
when that reflection is saved, in the same transaction, so a note is never lost half-way.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import BinaryIO

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from learnset import files
from learnset.accounts.models import User
from learnset.db import PERSON
from learnset.files import counted
from learnset.files.kinds import Kind
from learnset.files.models import FileBlob
from learnset.ids import is_id
from learnset.pagination import Page, paginate
from learnset.reflections import drafts
from learnset.reflections.forms import MAX_TITLE
from learnset.reflections.linkable import linkable_meetings, participant_cohorts
from learnset.reflections.models import MAX_NOTE, Note
from learnset.reflections.services import ReflectionError
from learnset.reflections.structures import DEFAULT_STRUCTURE, STRUCTURES

# A note's photo is a photo: nothing else is offered beside a note.
PHOTO_KINDS = frozenset({"png", "jpeg"})
# How many notes the log shows above the reflections; the rest are a page of their own.
SHOWN_ON_LOG = 5
# A title made from a note's first words.
TITLE_WORDS = 60


class NoteError(ReflectionError):
    """A rule about quick notes was broken."""


def valid_client_id(value: str | None) -> str | None:
    """The note id a browser made (a UUID), in its canonical form; None when it is not one."""
    try:
        return str(uuid.UUID(value or ""))
    except ValueError:
        return None


def own_notes(author: User) -> Select[Note]:
    return select(Note).where(Note.author_id == author.id)


def add_note(
    db: Session,
    author: User,
    client_id: str,
    body: str,
    now: datetime,
    cohort_id: str | int | None = None,
    meeting_id: str | int | None = None,
    photo: Photo | None = None,
) -> tuple[Note, bool]:
    """Keep a note in the author's inbox, with its photo if one came (a PNG or JPEG, kept
    without its metadata); a note sent again with the same id is stored once. Returns the note
    and whether it is new."""
    canonical = valid_client_id(client_id)
    if canonical is None:
        raise NoteError("This note could not be sent: go back to the note page and try again")
    existing = db.scalar(own_notes(author).where(Note.client_id == canonical))
    if existing is not None:
        return existing, False
    text = body.replace("\r\n", "\n").strip()
    if not text:
        raise NoteError("Write your note", field="body")
    if len(text) > MAX_NOTE:
        raise NoteError(f"Your note must be {MAX_NOTE:,} characters or fewer", field="body")
    cohort, meeting = _links(db, author, cohort_id, meeting_id)
    note = Note(
        author_id=author.id,
        client_id=canonical,
        body=text,
        cohort_id=cohort,
        meeting_id=meeting,
        created_at=now,
    )
    if photo is not None:
        note.photo_blob_id, note.photo_name = _keep_photo(db, author, photo, now)
    try:
        # The same note sent twice at once (a retry racing the first try): one row wins.
        with db.begin_nested():
            db.add(note)
    except IntegrityError:
        again = db.scalar(own_notes(author).where(Note.client_id == canonical))
        assert again is not None
        if note.photo_blob_id is not None:
            files.delete_blobs(db, [note.photo_blob_id])
        return again, False
    return note, True


@dataclass(frozen=True)
class Photo:
    stream: BinaryIO
    name: str | None
    limits: files.Limits


def _keep_photo(db: Session, author: User, photo: Photo, now: datetime) -> tuple[int, str]:
    with counted.refused_as(_photo_error):
        blob, _kind, name = files.keep(
            db,
            author.id,
            photo.stream,
            photo.name,
            photo.limits.file_bytes,
            photo.limits.quota_bytes,
            now,
            only=PHOTO_KINDS,
            refusal="The photo must be a PNG or JPEG image",
        )
    return blob.id, name


def _photo_error(message: str, status: int | None) -> NoteError:
    return NoteError(message, field="photo", status=status)


def photo_of(note: Note) -> tuple[FileBlob, Kind, str] | None:
    """The note's photo, its kind and name, if it has one."""
    if note.photo is None or note.photo_name is None:
        return None
    return note.photo, files.KINDS[note.photo.kind], note.photo_name


def _id(value: str | int | None) -> int | None:
    """An id from a form, or None when the field was left empty; -1 when it is not an id."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        return -1
    return number if is_id(number) else -1


def _links(
    db: Session, author: User, cohort_id: str | int | None, meeting_id: str | int | None
) -> tuple[int | None, int | None]:
    """The learning set and session a note names: only the author's own sets and their
    published sessions. A session alone also names its set."""
    cohort, meeting = _id(cohort_id), _id(meeting_id)
    if cohort is not None and cohort not in {c.id for c in participant_cohorts(db, author)}:
        raise NoteError("Choose one of your learning sets", field="cohort")
    if meeting is None:
        return cohort, None
    found = next((m for m in linkable_meetings(db, author) if m.id == meeting), None)
    if found is None:
        raise NoteError("Choose one of your learning sets' sessions", field="meeting")
    if cohort is not None and found.cohort_id != cohort:
        raise NoteError("Choose a session of the learning set you chose", field="meeting")
    return found.cohort_id, found.id


@cache
def _note_count() -> Select[int]:
    """Built once, as the next: the log asks them on every visit."""
    notes = select(Note.id).where(Note.author_id == PERSON)
    return select(func.count()).select_from(notes.subquery())


@cache
def _newest_notes(limit: int) -> Select[Note]:
    notes = select(Note).where(Note.author_id == PERSON)
    return _newest_first(notes).limit(limit)


def inbox(db: Session, author: User, limit: int = SHOWN_ON_LOG) -> tuple[list[Note], int]:
    """The newest notes for the top of the log, and how many there are in all."""
    values = {"person_id": author.id}
    total = db.scalar(_note_count(), values) or 0
    if not total:
        return [], 0
    notes = db.scalars(_newest_notes(limit), values).all()
    return list(notes), total


def inbox_page(db: Session, author: User, number: int) -> Page[Note]:
    return paginate(db, _newest_first(own_notes(author)), number)


def _newest_first(query: Select[Note]) -> Select[Note]:
    return query.options(joinedload(Note.cohort), joinedload(Note.meeting)).order_by(
        Note.created_at.desc(), Note.id.desc()
    )


def title_from(body: str) -> str:
    """A title to start from: the note's first line, cut at a word near TITLE_WORDS."""
    line = body.strip().splitlines()[0].strip() if body.strip() else ""
    if len(line) <= TITLE_WORDS:
        return line[:MAX_TITLE]
    cut = line[:TITLE_WORDS].rsplit(" ", 1)[0] or line[:TITLE_WORDS]
    return f"{cut}…"


def start_reflection(db: Session, author: User, note: Note, now: datetime) -> str:
    """A draft of a new reflection holding the note's words and links; returns its key. Asked
    again (a second tab, the back button), it gives the same draft while that is unsaved."""
    if note.author_id != author.id:
        raise NoteError("You can only reflect on your own notes")
    if note.draft_key is not None and drafts.draft_for_key(db, author, note.draft_key):
        return note.draft_key
    structure = STRUCTURES[DEFAULT_STRUCTURE]
    key = secrets.token_urlsafe(18)
    data = {
        "structure": [structure.name],
        "title": [title_from(note.body)],
        "cohort": [str(note.cohort_id or "")],
        "meeting": [str(note.meeting_id or "")],
        f"part_{structure.keys[0]}": [note.body],
    }
    drafts.save_draft(db, author, data, now, key=key)
    note.draft_key = key
    db.flush()
    return key


def delete_note(db: Session, note: Note) -> None:
    """Delete a note for good, with its photo; a draft started from it stays, as the writer's
    own words."""
    if note.photo_blob_id is not None:
        files.delete_blobs(db, [note.photo_blob_id])
        db.expire(note)
    db.delete(note)
    db.flush()


def note_for_draft(db: Session, author: User, key: str) -> Note | None:
    """The note a new reflection's draft was started from, if any."""
    return db.scalar(own_notes(author).where(Note.draft_key == key))
