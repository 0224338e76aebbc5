"""A participant's three questions about a session, and what its tutors see of the answers."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset import authz
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.forms import done, render_form
from learnset.meetings.models import Meeting
from learnset.session_feedback import release, services
from learnset.session_feedback.forms import SessionFeedbackForm

bp = Blueprint("session_feedback", __name__)


def window_days() -> int:
    days: int = current_app.config["SESSION_FEEDBACK_DAYS"]
    return days


def _meeting_or_404(meeting_id: int, action: str) -> Meeting:
    return authz.get_or_404(get_db(), Meeting, meeting_id, current_user, "meeting:view", action)


@bp.route("/sessions/<id:meeting_id>/feedback", methods=["GET", "POST"])
def give(meeting_id: int) -> Response | tuple[str, int]:
    db = get_db()
    meeting = _meeting_or_404(meeting_id, "session-feedback:give")
    own = services.own_answers(db, meeting, current_user)
    form = SessionFeedbackForm(obj=own if request.method == "GET" else None)
    if own is not None and request.method == "GET":
        form.usefulness.data = str(own.usefulness)
    if form.validate_on_submit():
        with shown_on(form):
            services.answer(db, current_user, meeting, form.to_answers(), utcnow(), window_days())
            return done(
                "Thank you. Your answers have been saved.",
                url_for("meetings.meeting", meeting_id=meeting.id),
            )
    return render_form(
        "session_feedback/give.html",
        form,
        meeting=meeting,
        own=own,
        window=services.window_of(db, meeting, window_days()),
        now=utcnow(),
    )


@bp.route("/sessions/<id:meeting_id>/feedback/answers")
def answers(meeting_id: int) -> str:
    meeting = _meeting_or_404(meeting_id, "session-feedback:read")
    return render_template(
        "session_feedback/answers.html",
        meeting=meeting,
        shown=release.session_figures(get_db(), meeting, utcnow(), window_days()),
    )
