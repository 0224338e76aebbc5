"""Editing a programme's sessions in the browser: the session's whole file in one box, with a
preview of its facilitator notes; its history of versions, comparing two and restoring one.

The same people as the library's editor (`content:edit`); anyone who may not read the
facilitator notes is answered 404, since the text holds them.
"""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from learnset import authz
from learnset.curriculum.models import Programme, ProgrammeSession
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.forms import render_form
from learnset.library import editing, versions
from learnset.library.edit_views import (
    Editable,
    after_failed_save,
    compare_page,
    history_page,
    preview_of,
    restore_page,
    saved,
)
from learnset.library.forms import SessionEditForm
from learnset.library.views import bp


def _session(slug: str, month: int) -> Editable:
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


@bp.route("/programmes/<slug>/<id:month>/edit", methods=["GET", "POST"])
def session_edit(slug: str, month: int) -> Response | tuple[str, int]:
    db = get_db()
    subject = _session(slug, month)
    session = subject.record
    assert isinstance(session, ProgrammeSession)
    opened = None
    if request.method == "GET":
        opened = {
            "text": editing.source_of(session),
            "based_on": str(versions.latest_number(db, session)),
        }
    form = SessionEditForm(data=opened)
    preview = preview_of(form)
    notes = None
    if preview is not None:
        notes = editing.notes_of(form.text.data or "")
    if preview is None and form.validate_on_submit():
        with shown_on(form, "text"):
            version = editing.save_session(
                db, current_user, session, form.text.data or "", form.based_on_number, utcnow()
            )
            return saved(subject, version)
        after_failed_save(subject, form)
    return render_form(
        "library/edit_session.html", form, subject=subject, preview=preview, notes=notes
    )


@bp.route("/programmes/<slug>/<id:month>/history")
def session_history(slug: str, month: int) -> str:
    return history_page(_session(slug, month))


@bp.route("/programmes/<slug>/<id:month>/compare")
def session_compare(slug: str, month: int) -> str | tuple[str, int]:
    return compare_page(_session(slug, month))


@bp.route("/programmes/<slug>/<id:month>/versions/<id:number>/restore", methods=["GET", "POST"])
def session_restore(slug: str, month: int, number: int) -> Response | tuple[str, int]:
    return restore_page(_session(slug, month), number)
