"""Files on a reflection: the author's page for adding and removing them, and the downloads
and thumbnails its readers get. A blueprint of its own, so that a request over the size limit
is answered on this page with the form and a message, not the general error page."""

from __future__ import annotations

from contextlib import closing
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from learnset import authz, files
from learnset.db import database, get_db, utcnow
from learnset.errors import shown_on
from learnset.extensions import limiter
from learnset.files import responses
from learnset.forms import AttachForm, EmptyForm
from learnset.reflections import attachments
from learnset.reflections.attachments import Limits
from learnset.reflections.models import Reflection, ReflectionAttachment

bp = Blueprint("reflection_files", __name__)

UPLOAD = "reflection_files.attach"
responses.upload_endpoint(UPLOAD)


def _limits() -> Limits:
    return Limits.from_config(current_app.config)


def _upload_limit() -> str:
    limit: str = current_app.config["FILE_UPLOAD_LIMIT"]
    return limit


def _per_person() -> str:
    return f"files:{current_user.get_id()}"


def _reflection(reflection_id: int) -> Reflection:
    return authz.get_or_404(
        get_db(), Reflection, reflection_id, current_user, "reflection:view", "reflection:edit"
    )


def _page(reflection: Reflection, form: AttachForm, status: int = 200) -> tuple[str, int]:
    db = get_db()
    return render_template(
        "reflections/files.html",
        reflection=reflection,
        form=form,
        attachments=attachments.attachments_of(db, reflection),
        limits=_limits(),
        used=files.size_in_words(attachments.used(db, current_user)),
        accepted=files.ACCEPTED,
    ), status


@bp.route("/reflections/<id:reflection_id>/files", methods=["GET", "POST"])
@limiter.limit(_upload_limit, key_func=_per_person, methods=["POST"])
def attach(reflection_id: int) -> Any:
    reflection = _reflection(reflection_id)
    form = AttachForm()
    if form.validate_on_submit():
        db = get_db()
        # Closed here whatever happens: a large upload is a temporary file on disk.
        with closing(form.file.data) as upload, shown_on(form, "file"):
            added = attachments.attach(
                db, current_user, reflection, upload.stream, upload.filename, _limits(), utcnow()
            )
            db.commit()
            cleaned = " Its camera and location details were removed." if added.is_image else ""
            flash(f"{added.name} has been added.{cleaned}", "success")
            return redirect(url_for(UPLOAD, reflection_id=reflection.id))
        # Whatever was written for the refused file goes: no chunk is left behind.
        db.rollback()
    return _page(reflection, form, 422 if form.is_submitted() else 200)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Any:
    """A file over the limit: the form again, with the message beside the field."""
    reflection_id = (request.view_args or {}).get("reflection_id")
    if request.endpoint != UPLOAD or reflection_id is None:
        raise error
    form = AttachForm(formdata=None)
    form.file.errors = [f"The file must be smaller than {_limits().file_size}"]
    return _page(_reflection(reflection_id), form, 413)


def _attachment(attachment_id: int) -> ReflectionAttachment:
    return authz.get_or_404(
        get_db(), ReflectionAttachment, attachment_id, current_user, "attachment:view"
    )


@bp.route("/reflections/files/<id:attachment_id>")
def download(attachment_id: int) -> Response:
    return responses.attached_file(database().sessions, _attachment(attachment_id))


@bp.route("/reflections/files/<id:attachment_id>/thumbnail")
def thumbnail(attachment_id: int) -> Response:
    return responses.attached_thumbnail(get_db(), _attachment(attachment_id))


@bp.route("/reflections/files/<id:attachment_id>/remove", methods=["GET", "POST"])
def remove(attachment_id: int) -> Any:
    db = get_db()
    attachment = authz.get_or_404(
        db,
        ReflectionAttachment,
        attachment_id,
        current_user,
        "attachment:view",
        "attachment:remove",
    )
    reflection_id = attachment.reflection_id
    form = EmptyForm()
    if form.validate_on_submit():
        name = attachment.name
        attachments.remove(db, attachment, utcnow())
        db.commit()
        flash(f"{name} has been removed.", "success")
        return redirect(url_for(UPLOAD, reflection_id=reflection_id))
    return render_template("reflections/remove_file.html", attachment=attachment, form=form)
