"""The pages that take one file beside something (a reflection, a challenge's update): what
each does the same way. The upload's rate limit a person, taking the posted file in one
transaction, asking before one is removed, and the answer to a file over the size
limit (the form again, with the message beside the field)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from typing import Any, BinaryIO

from flask import Blueprint, current_app, request
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset.db import database, get_db
from learnset.errors import shown_on
from learnset.extensions import limiter
from learnset.files import responses
from learnset.files.kinds import ACCEPTED
from learnset.files.models import AttachedFile
from learnset.files.names import size_in_words
from learnset.files.store import used_bytes
from learnset.files.uploads import Limits
from learnset.forms import AttachForm, confirm_page, confirmed, done


def _upload_limit() -> str:
    limit: str = current_app.config["FILE_UPLOAD_LIMIT"]
    return limit


def _per_person() -> str:
    return f"files:{current_user.get_id()}"


def _no_file() -> bool:
    return not any(upload.filename for upload in request.files.values())


# On an upload view: how many files one person may send a minute (FILE_UPLOAD_LIMIT).
upload_limited = limiter.limit(_upload_limit, key_func=_per_person, methods=["POST"])
# The same, on a view where the file is optional (a quick note's photo): posts without one
# do not count.
optional_upload_limited = limiter.limit(
    _upload_limit, key_func=_per_person, methods=["POST"], exempt_when=_no_file
)


def take(
    form: AttachForm, add: Callable[[BinaryIO, str | None], AttachedFile], back: str
) -> Response | None:
    """Keep the posted file with `add`, commit, say so and go `back`; None when the form was not
    sent or the file was refused (the form then shows why), with whatever was written for it
    rolled back, so no chunk is left behind."""
    if not form.validate_on_submit():
        return None
    db = get_db()
    # Closed here whatever happens: a large upload is a temporary file on disk.
    with closing(form.file.data) as upload, shown_on(form, "file"):
        added = add(upload.stream, upload.filename)
        cleaned = " Its camera and location details were removed." if added.is_image else ""
        return done(f"{added.name} has been added.{cleaned}", back)
    db.rollback()
    return None


def remove_page(
    attachment: AttachedFile, remove: Callable[[], object], back: str, template: str
) -> Response | str:
    """Ask before a file goes (the `template`, with the attachment and a button); once the
    button is pressed, `remove` it, commit, say so and go `back`."""
    if confirmed():
        name = attachment.name
        remove()
        return done(f"{name} has been removed.", back)
    return confirm_page(template, attachment=attachment)


def too_large(limits: Limits) -> AttachForm:
    """The upload form for a request over the size limit, with the message beside the field."""
    form = AttachForm(formdata=None)
    form.file.errors = [f"The file must be smaller than {limits.file_size}"]
    return form


def status_of(form: AttachForm) -> int:
    """The page's status: 422 after a refused file, 200 otherwise."""
    return 422 if form.is_submitted() else 200


def limits_shown(limits: Limits, owner_id: int) -> dict[str, Any]:
    """What the upload page says about the limits: their sizes and what the owner uses."""
    db = get_db()
    return {
        "limits": limits,
        "used": size_in_words(used_bytes(db, owner_id)),
        "accepted": ACCEPTED,
    }


def add_file_routes(bp: Blueprint, url: str, attached: Callable[[int], AttachedFile]) -> None:
    """A feature's files as downloads and thumbnails, on its blueprint at `url`/<id> and
    `url`/<id>/thumbnail (endpoints `download` and `thumbnail`); `attached` loads a file the
    reader may have, or answers 404."""

    def download(attachment_id: int) -> Response:
        return responses.attached_file(database().sessions, attached(attachment_id))

    def thumbnail(attachment_id: int) -> Response:
        return responses.attached_thumbnail(get_db(), attached(attachment_id))

    bp.add_url_rule(f"{url}/<id:attachment_id>", "download", download)
    bp.add_url_rule(f"{url}/<id:attachment_id>/thumbnail", "thumbnail", thumbnail)
