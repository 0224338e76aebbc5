"""Every reflections route against every role, for private, tutor-shared and set-shared ones.

The author is `participant`. A tutor-shared reflection reaches `tutor`; a set-shared one
reaches `tutor` and `fellow`. Nobody else (tutor of another cohort, outsider, admin) ever sees
one: they get 404 everywhere. Those who can read a reflection but not change it get 403.
"""

from types import SimpleNamespace

from sqlalchemy import select

from learnset.db import utcnow
from learnset.reflections.models import ReflectionDraft, ReflectionRescue, ReflectionVersion
from tests import factories
from tests.matrix import EVERYONE, Route, page_and_form

AUTHOR = "participant"
READERS = {
    "private": {AUTHOR},
    "tutors": {AUTHOR, "tutor"},
    "set": {AUTHOR, "tutor", "fellow"},
}
KEY = "matrix-draft-key-0123456789"


def _reflection(visibility, **overrides):
    def setup(db, people):
        reflection = factories.make_reflection(
            db, people.participant, visibility=visibility, **overrides
        )
        # A comment the author has not read: opening the page must still write nothing.
        factories.make_comment(db, reflection, people.tutor)
        version = db.scalar(
            select(ReflectionVersion).where(ReflectionVersion.reflection_id == reflection.id)
        )
        return SimpleNamespace(reflection=reflection, version=version)

    return setup


def _draft(db, people):
    draft = ReflectionDraft(
        author_id=people.participant.id,
        key=KEY,
        data={"title": ["Half written"]},
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.add(draft)
    db.flush()
    return SimpleNamespace(draft=draft)


def _for_each_visibility(endpoint, path, method="GET", data=None, readers_may=False):
    """Routes for one endpoint on a private, a tutor-shared and a set-shared reflection."""
    routes = []
    for visibility, readers in READERS.items():
        routes.append(
            Route(
                endpoint,
                path,
                readers if readers_may else {AUTHOR},
                method=method,
                forbidden=set() if readers_may else readers - {AUTHOR},
                setup=_reflection(visibility),
                data=data or {},
            )
        )
    return routes


def _kept_text(db, people):
    kept = ReflectionRescue(
        key_hash="b" * 64,
        user_id=people.participant.id,
        draft_key=KEY,
        data={"title": ["Typed before the sign-in expired"]},
        created_at=utcnow(),
    )
    db.add(kept)
    db.flush()
    return SimpleNamespace(kept=kept)


REFLECTION = "/reflections/{reflection.id}"
AUTHOR_ONLY = [
    ("reflections.edit", "/edit", "GET", None),
    ("reflections.edit", "/edit", "POST", {"action": "draft", "title": "New"}),
    ("reflections.autosave", "/draft", "POST", {"title": "Typing"}),
    ("reflections.discard_changes", "/discard", "GET", None),
    ("reflections.discard_changes", "/discard", "POST", None),
    ("reflections.sharing", "/sharing", "GET", None),
    ("reflections.sharing", "/sharing", "POST", {"visibility": "private"}),
    ("reflections.history", "/history", "GET", None),
    ("reflections.restore_version", "/history/{version.id}/restore", "POST", None),
    ("reflections.clear_history", "/history/clear", "GET", None),
    ("reflections.clear_history", "/history/clear", "POST", None),
    ("reflections.delete", "/delete", "GET", None),
    ("reflections.delete", "/delete", "POST", None),
]
NEW = f"/reflections/new/{KEY}"

ROUTES = [
    Route("reflections.log", "/reflections", EVERYONE),
    Route("reflections.shared", "/reflections/shared", EVERYONE),
    Route("reflections.bin", "/reflections/bin", EVERYONE),
    Route("reflections.new", "/reflections/new", EVERYONE),
    Route("reflections.export_markdown", "/reflections/export.zip", EVERYONE),
    Route("reflections.portfolio", "/reflections/portfolio", EVERYONE),
    # Revalidation outputs take only one's own reflections: the author's, for them alone.
    Route("reflections.revalidation_choose", "/reflections/revalidation", EVERYONE),
    Route(
        "reflections.revalidation_output",
        "/reflections/revalidation/output?kind=nmc&reflection={reflection.id}",
        {AUTHOR},
        setup=_reflection("set"),
    ),
    Route(
        "reflections.revalidation_pdf",
        "/reflections/revalidation/output.pdf?kind=medical&reflection={reflection.id}",
        {AUTHOR},
        setup=_reflection("tutors"),
    ),
    # A new-reflection key belongs to whoever uses it: everyone gets their own empty editor.
    *page_and_form("reflections.write", NEW, EVERYONE, {"action": "draft", "title": "Mine"}),
    Route("reflections.autosave_new", NEW + "/draft", EVERYONE, "POST", data={"title": "Typing"}),
    # An unfinished draft is its author's alone.
    *page_and_form("reflections.discard_new", NEW + "/discard", {AUTHOR}, setup=_draft),
    *_for_each_visibility("reflections.show", REFLECTION, readers_may=True),
    *[
        route
        for endpoint, path, method, data in AUTHOR_ONLY
        for route in _for_each_visibility(endpoint, REFLECTION + path, method, data)
    ],
    # Kept text answers only in the browser that kept it: every role's browser here is another
    # one, so even its owner gets 404 (tests/reflections/test_rescue.py covers that browser).
    *[
        Route(endpoint, path, set(), method, setup=_kept_text)
        for endpoint, path, method in [
            ("reflections.use_kept", "/reflections/kept/{kept.id}/use", "POST"),
            ("reflections.discard_kept", "/reflections/kept/{kept.id}/discard", "GET"),
            ("reflections.discard_kept", "/reflections/kept/{kept.id}/discard", "POST"),
        ]
    ],
    # Marking comments as read is the author's alone: for anyone else it does not exist (404),
    # nor for the author once the reflection is in the bin.
    *[
        Route(
            "reflections.comments_seen",
            lambda s: f"/reflections/{s.reflection.id}/comments/seen",
            {AUTHOR},
            method="POST",
            setup=_reflection(visibility),
            data={"upto": "2026-01-01T09:00:00+00:00"},
        )
        for visibility in READERS
    ],
    Route(
        "reflections.comments_seen",
        lambda s: f"/reflections/{s.reflection.id}/comments/seen",
        set(),
        method="POST",
        setup=_reflection("set", deleted_at=utcnow()),
        data={"upto": "2026-01-01T09:00:00+00:00"},
    ),
    # Commenting needs a share: on a private reflection even its author is refused.
    Route(
        "reflections.comment",
        REFLECTION + "/comments",
        set(),
        method="POST",
        forbidden={AUTHOR},
        setup=_reflection("private"),
        data={"body": "A comment"},
    ),
    *[
        Route(
            "reflections.comment",
            REFLECTION + "/comments",
            READERS[visibility],
            method="POST",
            setup=_reflection(visibility),
            data={"body": "A comment"},
        )
        for visibility in ("tutors", "set")
    ],
    # In the bin, even a set-shared reflection is its author's alone.
    *[
        Route(
            endpoint,
            REFLECTION + path,
            {AUTHOR},
            method,
            setup=_reflection("set", deleted_at=utcnow()),
        )
        for endpoint, path, method in [
            ("reflections.show", "", "GET"),
            ("reflections.restore", "/restore", "POST"),
            ("reflections.destroy", "/delete-for-good", "GET"),
            ("reflections.destroy", "/delete-for-good", "POST"),
        ]
    ],
    # Out of the bin there is nothing to restore or destroy: readers and author get 403.
    *[
        Route(
            endpoint,
            REFLECTION + path,
            set(),
            method,
            forbidden=READERS["set"],
            setup=_reflection("set"),
        )
        for endpoint, path, method in [
            ("reflections.restore", "/restore", "POST"),
            ("reflections.destroy", "/delete-for-good", "GET"),
        ]
    ],
]
