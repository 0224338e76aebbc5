"""The programmes' pages and making a set's sessions from a programme, against every role.

Everyone signed in reads programmes (participants without the facilitator notes); only the
set's tutors and admins make its sessions from one: its participants get 403, other sets 404.
"""

from types import SimpleNamespace

from learnset.curriculum.texts import session_text
from learnset.db import utcnow
from learnset.library import editing
from tests import factories
from tests.curriculum.programmes import CREATE_SESSIONS, make_programme
from tests.matrix import EVERYONE, Route, page_and_form

MANAGERS = {"tutor", "admin"}
PARTICIPANTS = {"participant", "fellow"}


def _programme(db, people):
    return SimpleNamespace(programme=make_programme(db))


def _edited_session(db, people):
    """A programme whose first session an admin has edited: versions 1 and 2."""
    programme = make_programme(db)
    session = programme.sessions[0]
    capability = factories.make_capability(db, slug="programme-matrix-capability")
    session.aims = [{"text": "An aim", "aim": "supported", "capabilities": [capability.slug]}]
    text = session_text(session).replace("how to run month 1", "how to run month one")
    editing.save_session(db, people.admin, session, text, 0, utcnow())
    return SimpleNamespace(programme=programme)


# Editing a session is the admins' (tutors' too when TUTORS_EDIT_CONTENT is on: tests/curriculum/
# test_session_edit_pages.py). Tutors read the facilitator notes, so are refused with 403; those
# who never see the notes (participants, outsiders) are answered 404.
EDITORS = {"admin"}
NOTE_READERS = {"tutor", "other_tutor"}
SESSION = "/library/programmes/{programme.slug}/1"

ROUTES = [
    Route("curriculum.index", "/programmes", EVERYONE, setup=_programme),
    Route("curriculum.programme", "/programmes/{programme.slug}", EVERYONE, setup=_programme),
    *page_and_form(
        "meetings.from_programme",
        "/cohorts/{cohort.id}/sessions/from-programme",
        MANAGERS,
        CREATE_SESSIONS,
        forbidden=PARTICIPANTS,
        setup=_programme,
    ),
    *page_and_form(
        "library.session_edit",
        SESSION + "/edit",
        EDITORS,
        data={"text": "---\nnumber: 1\n---\nNotes.", "based_on": "2"},
        forbidden=NOTE_READERS,
        setup=_edited_session,
    ),
    Route(
        "library.session_history",
        SESSION + "/history",
        EDITORS,
        forbidden=NOTE_READERS,
        setup=_edited_session,
    ),
    Route(
        "library.session_compare",
        SESSION + "/compare?older=1&newer=2",
        EDITORS,
        forbidden=NOTE_READERS,
        setup=_edited_session,
    ),
    *page_and_form(
        "library.session_restore",
        SESSION + "/versions/1/restore",
        EDITORS,
        data={"based_on": "2"},
        forbidden=NOTE_READERS,
        setup=_edited_session,
    ),
]
