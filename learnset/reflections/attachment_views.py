"""Files on a reflection: the author's page for adding and removing them, and the downloads
and thumbnails its readers get. A blueprint of its own, so that a request over the size limit
is answered on this page with the form and a message, not the general error page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from learnset import authz
from learnset.db import get_db, utcnow
from learnset.files import pages, responses
from learnset.forms import AttachForm
from learnset.reflections import attachments
from learnset.reflections.attachments import Limits
from learnset.reflections.models import Reflection, ReflectionAttachment

bp = Blueprint("reflection_files", __name__)

UPLOAD = "reflection_files.attach"
responses.upload_endpoint(UPLOAD)


def _limits() -> Limits:
    return attachments.limits_from(current_app.config)


def _reflection(reflection_id: int) -> Reflection:
    return authz.get_or_404(
        get_db(), Reflection, reflection_id, current_user, "reflection:view", "reflection:edit"
    )


def _page(reflection: Reflection, form: AttachForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "reflections/files.html",
        reflection=reflection,
        form=form,
        attachments=attachments.attachments_of(get_db(), reflection),
        **pages.limits_shown(_limits(), current_user.id),
    ), status


@bp.route("/reflections/<id:reflection_id>/files", methods=["GET", "POST"])
@pages.upload_limited
def attach(reflection_id: int) -> Any:
    reflection = _reflection(reflection_id)
    form = AttachForm()
    taken = pages.take(
        form,
        lambda stream, name: attachments.attach(
            get_db(), current_user, reflection, stream, name, _limits(), utcnow()
        ),
        url_for(UPLOAD, reflection_id=reflection.id),
    )
    return taken or _page(reflection, form, pages.status_of(form))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Any:
    """A file over the limit: the form again, with the message beside the field."""
    reflection_id = (request.view_args or {}).get("reflection_id")
    if request.endpoint != UPLOAD or reflection_id is None:
        raise error
    return _page(_reflection(reflection_id), pages.too_large(_limits()), 413)


def _attachment(attachment_id: int, action: str | None = None) -> ReflectionAttachment:
    return authz.get_or_404(
        get_db(), ReflectionAttachment, attachment_id, current_user, "attachment:view", action
    )


pages.add_file_routes(bp, "/reflections/files", _attachment)


@bp.route("/reflections/files/<id:attachment_id>/remove", methods=["GET", "POST"])
def remove(attachment_id: int) -> Any:
    attachment = _attachment(attachment_id, "attachment:remove")
    return pages.remove_page(
        attachment,
        lambda: attachments.remove(get_db(), attachment, utcnow()),
        url_for(UPLOAD, reflection_id=attachment.reflection_id),
        "reflections/remove_file.html",
    )
