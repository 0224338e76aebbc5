"""Quick notes: the "Jot a note" page (and its shell for offline use), the inbox, and turning a
note into a reflection or deleting it. The page's script (static/app/notes.js) keeps a note
written offline in the browser and posts it here when the connection returns, asking for JSON.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from learnset import authz, files
from learnset.accounts.security import public
from learnset.db import get_db, utcnow
from learnset.errors import error_page, shown_on
from learnset.files import pages, responses
from learnset.forms import confirm_page, confirmed, done, render_form
from learnset.pagination import page_number
from learnset.reflections import notes
from learnset.reflections.linkable import LinkableMeeting, linkable_meetings, participant_cohorts
from learnset.reflections.models import MAX_NOTE, Note
from learnset.reflections.note_forms import PHOTO_HINT, NoteForm
from learnset.reflections.views import bp


def note_or_404(note_id: int) -> Note:
    return authz.get_or_404(get_db(), Note, note_id, current_user, "note:view")


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _meeting_label(meeting: LinkableMeeting) -> str:
    return f"{meeting.cohort_name}: session {meeting.number}, {meeting.title}"


def _with_choices(form: NoteForm) -> NoteForm:
    db = get_db()
    form.cohort.choices = [("", "Not chosen")] + [
        (str(c.id), c.name) for c in participant_cohorts(db, current_user)
    ]
    form.meeting.choices = [("", "Not chosen")] + [
        (str(m.id), _meeting_label(m)) for m in linkable_meetings(db, current_user)
    ]
    return form


JOT = "reflections.jot"
responses.upload_endpoint(JOT)


@bp.route("/notes/new", methods=["GET", "POST"])
@pages.optional_upload_limited
def jot() -> Any:
    form = _with_choices(NoteForm())
    if request.method == "GET":
        form.note_id.data = str(uuid.uuid4())
    if form.validate_on_submit():
        db = get_db()
        upload: Any = form.photo.data
        photo = None
        if upload is not None and getattr(upload, "filename", None):
            # A large photo is a temporary file on disk until the request ends.
            photo = notes.Photo(upload.stream, upload.filename, _photo_limits())
        with shown_on(form, "body"):
            note, new = notes.add_note(
                db,
                current_user,
                form.note_id.data,
                form.body.data,
                utcnow(),
                form.cohort.data,
                form.meeting.data,
                photo,
            )
            db.commit()
            if _wants_json():
                return jsonify(id=note.id, new=new), 201 if new else 200
            kept = (
                " Its photo was saved without its camera and location details."
                if (note.photo_blob_id)
                else ""
            )
            flash(
                f"Your note is in your inbox, at the top of your reflective log.{kept}", "success"
            )
            return redirect(url_for("reflections.jot"))
        db.rollback()
    if _wants_json():
        errors = {name: field.errors[0] for name, field in form._fields.items() if field.errors}
        return jsonify(errors=errors), 422
    return render_form("reflections/jot.html", form, max_note=MAX_NOTE, user_id=current_user.id)


def _photo_limits() -> files.Limits:
    config = current_app.config
    return files.Limits(config["FILE_MAX_BYTES"], 1, config["FILES_QUOTA_BYTES"])


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Any:
    """A photo over the limit: the note form again, with the message beside the field."""
    if request.endpoint != JOT:
        return error_page(error)
    message = f"The photo must be smaller than {_photo_limits().file_size}"
    if _wants_json():
        return jsonify(errors={"photo": message}), 413
    form = _with_choices(NoteForm(formdata=None))
    form.note_id.data = str(uuid.uuid4())
    form.photo.errors = [message]
    page, _status = render_form(
        "reflections/jot.html", form, max_note=MAX_NOTE, user_id=current_user.id
    )
    return page, 413


@bp.route("/notes/<id:note_id>/photo")
def note_photo(note_id: int) -> Response:
    """A note's photo, for its writer only, as a small server-made thumbnail."""
    note = note_or_404(note_id)
    photo = notes.photo_of(note)
    if photo is None:
        raise NotFound()
    blob, kind, name = photo
    return responses.thumbnail_download(get_db(), blob, kind, name)


@bp.route("/notes/offline")
@public
def jot_offline() -> Response:
    """The note page's shell, for the service worker to keep: nothing about anyone in it."""
    response = Response(
        render_template("reflections/jot_offline.html", max_note=MAX_NOTE, photo_hint=PHOTO_HINT)
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/notes/status")
def note_status() -> Response:
    """Who is signed in, and a form token, for the script sending notes kept offline: it sends
    only the notes this person wrote."""
    return jsonify(user=current_user.id, csrf_token=generate_csrf())


@bp.route("/notes")
def inbox() -> str:
    page = notes.inbox_page(get_db(), current_user, page_number(request.args.get("page")))
    return render_template("reflections/notes.html", page=page)


@bp.route("/notes/<id:note_id>/reflect", methods=["POST"])
def reflect_on_note(note_id: int) -> Any:
    note = note_or_404(note_id)
    if not confirmed():
        return redirect(url_for("reflections.log"))
    db = get_db()
    key = notes.start_reflection(db, current_user, note, utcnow())
    db.commit()
    return redirect(url_for("reflections.write", key=key))


@bp.route("/notes/<id:note_id>/delete", methods=["GET", "POST"])
def delete_note(note_id: int) -> Any:
    note = note_or_404(note_id)
    if confirmed():
        notes.delete_note(get_db(), note)
        return done("The note has been deleted.", url_for("reflections.log"))
    return confirm_page("reflections/delete_note.html", note=note)
