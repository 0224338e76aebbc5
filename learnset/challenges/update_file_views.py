"""Files beside a challenge's updates: the owner's page for adding and removing them, and the
downloads and thumbnails the set gets. A blueprint of its own, so that a request over the size
limit is answered on this page with the form and a message, not the general error page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from learnset import authz, files
from learnset.challenges import update_files
from learnset.challenges.models import ChallengeUpdate, ChallengeUpdateAttachment
from learnset.challenges.views import challenge_or_404, update_or_404
from learnset.db import get_db, utcnow
from learnset.files import pages, responses
from learnset.forms import AttachForm

bp = Blueprint("challenge_files", __name__)

UPLOAD = "challenge_files.attach"
responses.upload_endpoint(UPLOAD)


def _limits() -> files.Limits:
    return update_files.limits_from(current_app.config)


def _update(challenge_id: int, update_id: int) -> ChallengeUpdate:
    challenge = challenge_or_404(challenge_id)
    return update_or_404(challenge, update_id, "challenge_update:attach")


def _page(update: ChallengeUpdate, form: AttachForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "challenges/files.html",
        update=update,
        challenge=update.challenge,
        form=form,
        attachments=update_files.files_of(get_db(), update),
        **pages.limits_shown(_limits(), current_user.id),
    ), status


@bp.route("/challenges/<id:challenge_id>/updates/<id:update_id>/files", methods=["GET", "POST"])
@pages.upload_limited
def attach(challenge_id: int, update_id: int) -> Any:
    update = _update(challenge_id, update_id)
    form = AttachForm()
    taken = pages.take(
        form,
        lambda stream, name: update_files.attach(
            get_db(), current_user, update, stream, name, _limits(), utcnow()
        ),
        url_for(UPLOAD, challenge_id=challenge_id, update_id=update_id),
    )
    return taken or _page(update, form, pages.status_of(form))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Any:
    """A file over the limit: the form again, with the message beside the field."""
    args = request.view_args or {}
    if request.endpoint != UPLOAD or "update_id" not in args:
        raise error
    return _page(_update(args["challenge_id"], args["update_id"]), pages.too_large(_limits()), 413)


def _attachment(attachment_id: int, action: str | None = None) -> ChallengeUpdateAttachment:
    return authz.get_or_404(
        get_db(),
        ChallengeUpdateAttachment,
        attachment_id,
        current_user,
        "challenge_file:view",
        action,
    )


pages.add_file_routes(bp, "/challenges/files", _attachment)


@bp.route("/challenges/files/<id:attachment_id>/remove", methods=["GET", "POST"])
def remove(attachment_id: int) -> Any:
    attachment = _attachment(attachment_id, "challenge_file:remove")
    update = attachment.update
    return pages.remove_page(
        attachment,
        lambda: update_files.remove(get_db(), current_user, attachment),
        url_for(UPLOAD, challenge_id=update.challenge_id, update_id=update.id),
        "challenges/remove_file.html",
    )
