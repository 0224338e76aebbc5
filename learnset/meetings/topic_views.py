"""Emergent topics: the cohort's list, proposing, voting, and the tutor's decisions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from learnset import authz, once
from learnset.cohorts.models import Cohort
from learnset.dates import uk_date
from learnset.db import get_db, utcnow
from learnset.errors import flashed, shown_on
from learnset.forms import (
    choices,
    committed,
    confirm_page,
    confirmed,
    done,
    render_form,
    require_button,
)
from learnset.ids import number_in
from learnset.meetings import queries, topics
from learnset.meetings.forms import CloseTopicForm, TakeUpForm, TopicForm
from learnset.meetings.models import EmergentTopic, Meeting, TopicStatus
from learnset.pagination import page_number, paginate

bp = Blueprint("topics", __name__)

OPEN = (TopicStatus.OPEN.value,)
DECIDED = (TopicStatus.TAKEN_UP.value, TopicStatus.CLOSED.value)


def _topic(topic_id: int, action: str | None = None) -> EmergentTopic:
    return authz.get_or_404(get_db(), EmergentTopic, topic_id, current_user, "topic:view", action)


def _pressed(topic_id: int, action: str) -> EmergentTopic:
    """A button on a topic: the topic (else 404), the permission (else 403) and the CSRF check."""
    topic = _topic(topic_id, action)
    require_button()
    return topic


def _list_url(topic: EmergentTopic, show: str | None = None) -> str:
    return url_for("topics.cohort_topics", cohort_id=topic.cohort_id, show=show)


def _back(topic: EmergentTopic) -> Response:
    """Back to the page the button was on: the topics list, the home page or a session plan."""
    target = request.form.get("return_to", "")
    if target.startswith("plan-"):
        meeting_id = number_in(target.removeprefix("plan-"))
        if meeting_id is not None:
            return redirect(url_for("meetings.plan", meeting_id=meeting_id, _anchor="topics"))
    if target == "home":
        return redirect(url_for("main.home"))
    return redirect(_list_url(topic))


def _button(
    topic_id: int,
    action: str,
    change: Callable[[Session, EmergentTopic], object],
    said: str,
) -> Response:
    """A button that changes a topic: the change committed and `said` (with the topic's title
    put in), or the reason it was refused; either way back to the page the button was on."""
    topic = _pressed(topic_id, action)
    with flashed():
        change(get_db(), topic)
        committed(said.format(title=topic.title))
    return _back(topic)


@bp.route("/cohorts/<id:cohort_id>/topics", methods=["GET", "POST"])
def cohort_topics(cohort_id: int) -> Response | tuple[str, int]:
    db = get_db()
    cohort = authz.get_or_404(db, Cohort, cohort_id, current_user, "cohort:view")
    form = TopicForm()
    if request.method == "POST":
        authz.require(current_user, "topic:propose", cohort)
        if form.validate_on_submit():
            if (again := once.earlier(form)) is not None:
                return again
            with shown_on(form, "title"):
                topic = topics.propose(
                    db, cohort, current_user, form.title.data, form.details.data or "", utcnow()
                )
                return once.done(
                    form,
                    f"Your topic “{topic.title}” has been added for the set to vote on.",
                    url_for("topics.cohort_topics", cohort_id=cohort.id),
                )
    show = "decided" if request.args.get("show") == "decided" else "open"
    statuses = DECIDED if show == "decided" else OPEN
    page = paginate(
        db,
        queries.topic_rows(),
        page_number(request.args.get("page")),
        rows=True,
        values=queries.topic_values(current_user, cohort.id, statuses),
    )
    result = replace(
        page,
        items=[
            queries.TopicRow(topic, int(votes), bool(voted)) for topic, votes, voted in page.items
        ],
    )
    return render_form(
        "meetings/topics.html",
        form,
        cohort=cohort,
        show=show,
        result=result,
        upcoming=queries.upcoming_meetings(db, cohort.id, utcnow())
        if authz.can(current_user, "cohort:schedule", cohort)
        else [],
    )


@bp.route("/topics/<id:topic_id>/edit", methods=["GET", "POST"])
def edit(topic_id: int) -> Response | tuple[str, int]:
    db = get_db()
    topic = _topic(topic_id, "topic:edit")
    form = TopicForm(obj=topic if request.method == "GET" else None)
    if request.method == "GET" and (refused := _unless_open(topic, "edit it")):
        return refused
    if form.validate_on_submit():
        with shown_on(form):
            topics.edit(db, topic, form.title.data, form.details.data or "", utcnow())
            return done(f"Your topic “{topic.title}” has been saved.", _list_url(topic))
    return render_form("meetings/edit_topic.html", form, topic=topic)


@bp.route("/topics/<id:topic_id>/withdraw", methods=["GET", "POST"])
def withdraw(topic_id: int) -> Response | str:
    db = get_db()
    topic = _topic(topic_id, "topic:withdraw")
    if confirmed():
        title = topic.title
        with flashed():
            topics.withdraw(db, topic)
            committed(f"Your topic “{title}” has been withdrawn.")
        return redirect(_list_url(topic))
    if refused := _unless_open(topic, "withdraw it"):
        return refused
    return confirm_page("meetings/withdraw_topic.html", topic=topic, votes=len(topic.votes))


def _unless_open(topic: EmergentTopic, doing: str) -> Response | None:
    """Back to the list with the reason when the tutor has decided on the topic since the
    proposer's page was drawn; None while it is still open."""
    with flashed():
        topics.check_open(topic, doing)
        return None
    return redirect(_list_url(topic, show="decided"))


@bp.route("/topics/<id:topic_id>/vote", methods=["POST"])
def vote(topic_id: int) -> Response:
    db = get_db()
    topic = _pressed(topic_id, "topic:vote")
    with flashed():
        added = topics.vote(db, topic, current_user, utcnow())
        committed(
            f"You voted for “{topic.title}”."
            if added
            else f"You had already voted for “{topic.title}”.",
        )
    return _back(topic)


@bp.route("/topics/<id:topic_id>/unvote", methods=["POST"])
def withdraw_vote(topic_id: int) -> Response:
    return _button(
        topic_id,
        "topic:vote",
        lambda db, topic: topics.withdraw_vote(db, topic, current_user),
        "Your vote for “{title}” has been withdrawn.",
    )


@bp.route("/topics/<id:topic_id>/take", methods=["POST"])
def take_up(topic_id: int) -> Response:
    db = get_db()
    topic = _topic(topic_id, "topic:decide")
    form = TakeUpForm()
    upcoming = queries.upcoming_meetings(db, topic.cohort_id, utcnow())
    form.meeting.choices = choices([(meeting.id, meeting.display_title) for meeting in upcoming])
    if not form.validate_on_submit():
        flash("Choose a session of this learning set that has not happened yet")
        return _back(topic)
    meeting = db.get(Meeting, form.meeting.data)
    if meeting is None or meeting.cohort_id != topic.cohort_id:
        abort(404)
    with flashed():
        topics.take_up(db, topic, meeting, current_user, utcnow())
        committed(
            f"“{topic.title}” has been taken into {meeting.display_title} "
            f"({uk_date(meeting.starts_at)}).",
        )
    return _back(topic)


@bp.route("/topics/<id:topic_id>/release", methods=["POST"])
def release(topic_id: int) -> Response:
    return _button(
        topic_id, "topic:decide", topics.release, "“{title}” is back on the list of open topics."
    )


@bp.route("/topics/<id:topic_id>/close", methods=["GET", "POST"])
def close(topic_id: int) -> Response | tuple[str, int]:
    db = get_db()
    topic = _topic(topic_id, "topic:decide")
    form = CloseTopicForm()
    if form.validate_on_submit():
        with shown_on(form, "reason"):
            topics.close(db, topic, current_user, form.reason.data, utcnow())
            return done(f"“{topic.title}” has been closed.", _list_url(topic))
    return render_form("meetings/close_topic.html", form, topic=topic)


@bp.route("/topics/<id:topic_id>/reopen", methods=["POST"])
def reopen(topic_id: int) -> Response:
    return _button(topic_id, "topic:decide", topics.reopen, "“{title}” is open again.")
