"""Invitations from a CSV file: upload, preview, send, and the summary afterwards (bulk.py)."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from learnset import authz
from learnset.cohorts import bulk, emails
from learnset.cohorts.bulk_csv import MAX_BYTES, MAX_ROWS, template_csv
from learnset.cohorts.forms import ImportForm
from learnset.cohorts.models import InvitationImport
from learnset.cohorts.views import bp
from learnset.db import get_db, utcnow
from learnset.downloads import attachment
from learnset.errors import flashed, shown_on
from learnset.forms import confirm_page, confirmed, render_form
from learnset.pagination import page_number, paginate


def _own_import(import_id: int) -> InvitationImport:
    return authz.get_or_404(
        get_db(), InvitationImport, import_id, current_user, "invitation_import:view"
    )


@bp.route("/invitations/import", methods=["GET", "POST"])
def import_invitations() -> BaseResponse | tuple[str, int]:
    authz.require(current_user, "invitation:import")
    db = get_db()
    form = ImportForm()
    if form.validate_on_submit():
        with shown_on(form, "file"):
            upload = form.file.data
            kept = bulk.upload(
                db, current_user, upload.filename or "", upload.read(MAX_BYTES + 1), utcnow()
            )
            db.commit()
            return redirect(url_for("cohorts.invitation_import", import_id=kept.id))
    return render_form(
        "cohorts/import_upload.html",
        form,
        imports=paginate(db, bulk.imports_by(current_user), page_number(request.args.get("page"))),
        max_rows=MAX_ROWS,
        max_kb=MAX_BYTES // 1024,
        now=utcnow(),
    )


@bp.route("/invitations/import/template.csv")
def import_template() -> Response:
    authz.require(current_user, "invitation:import")
    body = template_csv(bulk.example_set(get_db(), current_user))
    return attachment(body, "text/csv", "learnset-invitations.csv")


@bp.route("/invitations/imports/<id:import_id>")
def invitation_import(import_id: int) -> str:
    db = get_db()
    kept = _own_import(import_id)
    now = utcnow()
    if kept.sent_at is not None:
        return render_template(
            "cohorts/import_summary.html",
            kept=kept,
            invitations=bulk.sent_invitations(db, kept),
            now=now,
        )
    verdicts = bulk.preview(db, current_user, bulk.rows_of(kept), now)
    return confirm_page(
        "cohorts/import_preview.html",
        kept=kept,
        verdicts=verdicts,
        counts=bulk.counts(verdicts),
        sendable=sum(1 for verdict in verdicts if verdict.sendable),
        expired=kept.expires_at <= now,
        RowKind=bulk.RowKind,
    )


@bp.route("/invitations/imports/<id:import_id>/send", methods=["POST"])
def send_invitation_import(import_id: int) -> BaseResponse:
    db = get_db()
    kept = _own_import(import_id)
    if confirmed():
        with flashed():
            made = bulk.send(
                db, kept, current_user, utcnow(), current_app.config["INVITATION_DAYS"]
            )
            for invitation in made:
                emails.queue_invitation(db, invitation)
            db.commit()
            sent = bulk.counted(len(made), "invitation")
            flash(f"{sent} {'has' if len(made) == 1 else 'have'} been sent.", "success")
    return redirect(url_for("cohorts.invitation_import", import_id=kept.id))
