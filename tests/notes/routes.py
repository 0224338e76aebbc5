"""Quick notes and the installable app, against every role.

A note is its writer's alone: for a note of `participant`, every other signed-in role (the
set's tutor and fellow included, and admins) gets 404, never 403.
"""

import io
from types import SimpleNamespace

from learnset import files
from learnset.db import utcnow
from learnset.reflections import notes
from learnset.reflections.models import Note
from tests.files import samples
from tests.matrix import EVERYONE, ROLES, Route, page_and_form

NOTE_ID = "5b0f0c7e-9b43-4a8e-8d0e-3f6f2a1c9d10"


def _note(db, people):
    note = Note(author_id=people.participant.id, client_id=NOTE_ID, body="After the meeting")
    db.add(note)
    db.flush()
    return SimpleNamespace(note=note)


def _note_with_photo(db, people):
    photo = notes.Photo(
        io.BytesIO(samples.png_with_location()), "board.png", files.Limits(10**7, 1, 10**8)
    )
    note, _ = notes.add_note(
        db, people.participant, NOTE_ID, "After the meeting", utcnow(), photo=photo
    )
    return SimpleNamespace(note=note)


ROUTES = [
    Route("main.service_worker", "/sw.js", set(ROLES), public=True),
    Route("main.web_manifest", "/manifest.webmanifest", set(ROLES), public=True),
    Route("reflections.jot_offline", "/notes/offline", set(ROLES), public=True),
    *page_and_form(
        "reflections.jot",
        "/notes/new",
        EVERYONE,
        data={"note_id": "0d4c8e4e-52cb-4c43-9e0e-6a3f8f7f5a21", "body": "A thought"},
    ),
    Route("reflections.note_status", "/notes/status", EVERYONE),
    Route("reflections.inbox", "/notes", EVERYONE),
    Route(
        "reflections.note_photo", "/notes/{note.id}/photo", {"participant"}, setup=_note_with_photo
    ),
    Route(
        "reflections.reflect_on_note",
        "/notes/{note.id}/reflect",
        {"participant"},
        method="POST",
        setup=_note,
    ),
    *page_and_form(
        "reflections.delete_note", "/notes/{note.id}/delete", {"participant"}, setup=_note
    ),
]
