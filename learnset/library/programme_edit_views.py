"""Editing a programme's sessions in the browser: the session's whole file in one box, with a
preview of its facilitator notes; its history of versions, comparing two and restoring one.

The same people as the library's editor (`content:edit`); anyone who may not read the
facilitator notes is answered 404, since the text holds them.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from learnset import authz
from learnset.curriculum.models import Programme, ProgrammeSession
from learnset.db import get_db, utcnow
from learnset.library import editing
from learnset.library.edit_views import (
    Editable,
    compare_page,
    edit_page,
    history_page,
    opened,
    previewing,
    restore_page,
)
from learnset.library.forms import SessionEditForm
from learnset.library.views import bp


def _session(slug: str, month: int) -> Editable[ProgrammeSession]:
    session = get_db().scalar(
        select(ProgrammeSession)
        .join(Programme)
        .where(
            Programme.slug == slug,
            Programme.archived_at.is_(None),
            ProgrammeSession.number == month,
        )
    )
    if session is None or not authz.can(
        current_user, "curriculum:facilitator-notes", session.programme
    ):
        abort(404)
    authz.require(current_user, "content:edit", session)
    return Editable(session)


def _session_words(session: ProgrammeSession) -> dict[str, str]:
    return {"text": editing.source_of(session)}


@bp.route("/programmes/<slug>/<id:month>/edit", methods=["GET", "POST"])
def session_edit(slug: str, month: int) -> Response | tuple[str, int]:
    subject = _session(slug, month)
    form = SessionEditForm(
        data=opened(subject, lambda session: {"text": editing.source_of(session)})
    )
    # The preview shows the facilitator notes as they would read.
    notes = editing.notes_of(form.text.data or "") if previewing() else None

    def save() -> object | None:
        text = form.text.data or ""
        return editing.save_session(
            get_db(), current_user, subject.record, text, form.based_on_number, utcnow()
        )

    return edit_page(subject, form, save, "library/edit_session.html", "text", notes=notes)


@bp.route("/programmes/<slug>/<id:month>/history")
def session_history(slug: str, month: int) -> str:
    return history_page(_session(slug, month))


@bp.route("/programmes/<slug>/<id:month>/compare")
def session_compare(slug: str, month: int) -> str | tuple[str, int]:
    return compare_page(_session(slug, month))


@bp.route("/programmes/<slug>/<id:month>/versions/<id:number>/restore", methods=["GET", "POST"])
def session_restore(slug: str, month: int, number: int) -> Response | tuple[str, int]:
    return restore_page(_session(slug, month), number)
