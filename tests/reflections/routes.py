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
from tests.matrix import EVERYONE, Route

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
                lambda s, path=path: path.format(id=s.reflection.id, version=s.version.id),
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


AUTHOR_ONLY = [
    ("reflections.edit", "/reflections/{id}/edit", "GET", None),
    ("reflections.edit", "/reflections/{id}/edit", "POST", {"action": "draft", "title": "New"}),
    ("reflections.autosave", "/reflections/{id}/draft", "POST", {"title": "Typing"}),
    ("reflections.discard_changes", "/reflections/{id}/discard", "GET", None),
    ("reflections.discard_changes", "/reflections/{id}/discard", "POST", None),
    ("reflections.sharing", "/reflections/{id}/sharing", "GET", None),
    ("reflections.sharing", "/reflections/{id}/sharing", "POST", {"visibility": "private"}),
    ("reflections.history", "/reflections/{id}/history", "GET", None),
    (
        "reflections.restore_version",
        "/reflections/{id}/history/{version}/restore",
        "POST",
        None,
    ),
    ("reflections.clear_history", "/reflections/{id}/history/clear", "GET", None),
    ("reflections.clear_history", "/reflections/{id}/history/clear", "POST", None),
    ("reflections.delete", "/reflections/{id}/delete", "GET", None),
    ("reflections.delete", "/reflections/{id}/delete", "POST", None),
]

ROUTES = [
    Route("reflections.log", lambda s: "/reflections", EVERYONE),
    Route("reflections.shared", lambda s: "/reflections/shared", EVERYONE),
    Route("reflections.bin", lambda s: "/reflections/bin", EVERYONE),
    Route("reflections.new", lambda s: "/reflections/new", EVERYONE),
    Route("reflections.export_markdown", lambda s: "/reflections/export.zip", EVERYONE),
    Route("reflections.portfolio", lambda s: "/reflections/portfolio", EVERYONE),
    # A new-reflection key belongs to whoever uses it: everyone gets their own empty editor.
    Route("reflections.write", lambda s: f"/reflections/new/{KEY}", EVERYONE),
    Route(
        "reflections.write",
        lambda s: f"/reflections/new/{KEY}",
        EVERYONE,
        method="POST",
        data={"action": "draft", "title": "Mine"},
    ),
    Route(
        "reflections.autosave_new",
        lambda s: f"/reflections/new/{KEY}/draft",
        EVERYONE,
        method="POST",
        data={"title": "Typing"},
    ),
    # An unfinished draft is its author's alone.
    Route(
        "reflections.discard_new",
        lambda s: f"/reflections/new/{KEY}/discard",
        {AUTHOR},
        setup=_draft,
    ),
    Route(
        "reflections.discard_new",
        lambda s: f"/reflections/new/{KEY}/discard",
        {AUTHOR},
        method="POST",
        setup=_draft,
    ),
    *_for_each_visibility("reflections.show", "/reflections/{id}", readers_may=True),
    *[
        route
        for endpoint, path, method, data in AUTHOR_ONLY
        for route in _for_each_visibility(endpoint, path, method, data)
    ],
    # Kept text answers only in the browser that kept it: every role's browser here is another
    # one, so even its owner gets 404 (tests/reflections/test_rescue.py covers that browser).
    *[
        Route(
            endpoint,
            lambda s, path=path: path.format(id=s.kept.id),
            set(),
            method=method,
            setup=_kept_text,
        )
        for endpoint, path, method in [
            ("reflections.use_kept", "/reflections/kept/{id}/use", "POST"),
            ("reflections.discard_kept", "/reflections/kept/{id}/discard", "GET"),
            ("reflections.discard_kept", "/reflections/kept/{id}/discard", "POST"),
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
        lambda s: f"/reflections/{s.reflection.id}/comments",
        set(),
        method="POST",
        forbidden={AUTHOR},
        setup=_reflection("private"),
        data={"body": "A comment"},
    ),
    *[
        Route(
            "reflections.comment",
            lambda s: f"/reflections/{s.reflection.id}/comments",
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
            lambda s, path=path: path.format(id=s.reflection.id),
            {AUTHOR},
            method=method,
            setup=_reflection("set", deleted_at=utcnow()),
        )
        for endpoint, path, method in [
            ("reflections.show", "/reflections/{id}", "GET"),
            ("reflections.restore", "/reflections/{id}/restore", "POST"),
            ("reflections.destroy", "/reflections/{id}/delete-for-good", "GET"),
            ("reflections.destroy", "/reflections/{id}/delete-for-good", "POST"),
        ]
    ],
    # Out of the bin there is nothing to restore or destroy: readers and author get 403.
    *[
        Route(
            endpoint,
            lambda s, path=path: path.format(id=s.reflection.id),
            set(),
            method=method,
            forbidden=READERS["set"],
            setup=_reflection("set"),
        )
        for endpoint, path, method in [
            ("reflections.restore", "/reflections/{id}/restore", "POST"),
            ("reflections.destroy", "/reflections/{id}/delete-for-good", "GET"),
        ]
    ],
]
