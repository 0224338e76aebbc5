"""The feedback page (anyone, signed in or not) and the admins' list of what was sent."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset import authz, once
from learnset.accounts.security import public
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.extensions import limiter
from learnset.feedback import services
from learnset.feedback.forms import FeedbackForm
from learnset.forms import render_form
from learnset.pagination import page_number, paginate

bp = Blueprint("feedback", __name__)


def _feedback_limit() -> str:
    limit: str = current_app.config["FEEDBACK_LIMIT_PER_IP"]
    return limit


def _known_page(endpoint: str | None) -> str:
    """The kind of page feedback came from, if it names one of ours; else nothing."""
    endpoint = (endpoint or "").strip()
    return endpoint if endpoint in current_app.view_functions else ""


@bp.route("/feedback", methods=["GET", "POST"])
@public
@limiter.limit(_feedback_limit, methods=["POST"])
def give() -> Response | tuple[str, int]:
    form = FeedbackForm()
    # The form posts back to its own address, so the page it came from stays in the query.
    if form.validate_on_submit():
        if (again := once.earlier(form)) is not None:
            return again
        with shown_on(form):
            services.leave(
                get_db(),
                message=form.message.data,
                page=_known_page(request.args.get("from")),
                user=current_user if current_user.is_authenticated else None,
                reply_to=form.reply_to.data or "",
                now=utcnow(),
            )
            return once.done(
                form,
                "Thank you. Your feedback has been sent to the programme team.",
                url_for("feedback.give"),
            )
    return render_form("feedback/give.html", form)


@bp.route("/feedback/messages")
def messages() -> str:
    authz.require(current_user, "feedback:read")
    result = paginate(
        get_db(), services.messages(), page_number(request.args.get("page")), rows=True
    )
    return render_template("feedback/messages.html", result=result)
