"""Emails the queue gave up on after its last attempt: admins see why, and queue them again
once the mail server is mended (`flask mail send` then tries them afresh)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from learnset import audit, authz
from learnset.db import get_db, utcnow
from learnset.forms import confirm_page, confirmed, done
from learnset.governance import queries
from learnset.governance.views import bp
from learnset.mail import queue
from learnset.mail.models import OutgoingMail
from learnset.pagination import page_number, paginate


@bp.route("/mail/failed")
def failed_mail() -> str:
    authz.require(current_user, "mail:manage")
    result = paginate(get_db(), queries.failed_mail(), page_number(request.args.get("page")))
    return render_template("governance/failed_mail.html", result=result)


@bp.route("/mail/<id:mail_id>/retry", methods=["GET", "POST"])
def retry_mail(mail_id: int) -> Response | str:
    authz.require(current_user, "mail:manage")
    db = get_db()
    mail = db.get(OutgoingMail, mail_id)
    if mail is None:
        raise NotFound()
    if mail.failed_at is None:
        flash("That email is no longer waiting for a retry.")
        return redirect(url_for("governance.failed_mail"))
    if confirmed():
        queue.requeue(db, mail, utcnow())
        audit.record(
            db, audit.AuditKind.MAIL_RETRIED, actor_id=current_user.id, detail=f"Email {mail.id}"
        )
        return done(
            "The email has been queued again. It goes with the next run of the sender.",
            url_for("governance.failed_mail"),
        )
    return confirm_page("governance/retry_mail.html", mail=mail)
