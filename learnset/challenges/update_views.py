"""What is said and done about a challenge: the set's questions and insights, the owner's
actions, experiments, outcomes and gains, and changing or deleting them. On the challenges'
blueprint (views.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import abort, redirect, request
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from learnset import once
from learnset.accounts.models import User
from learnset.challenges import (
    services,
)
from learnset.challenges.forms import (
    GainForm,
    InsightForm,
    OutcomeForm,
    PlanForm,
    QuestionForm,
)
from learnset.challenges.models import Challenge, ChallengeUpdate, UpdateKind
from learnset.challenges.views import (
    bp,
    challenge_or_404,
    challenge_url,
    show_challenge,
    update_or_404,
    update_url,
)
from learnset.db import get_db, utcnow
from learnset.errors import flashed, shown_on
from learnset.forms import confirm_page, confirmed, done, render_form, require_button

# --- The set's questions and insights --------------------------------------------------------


def _from_the_set(
    challenge_id: int,
    action: str,
    form: QuestionForm | InsightForm,
    say: Callable[[Session, Challenge, User, str, datetime], ChallengeUpdate],
    what: str,
) -> Response | tuple[str, int]:
    """A question or an insight from the set: added to the timeline, or the challenge's page
    again with the form saying why not."""
    db = get_db()
    challenge = challenge_or_404(challenge_id, action)
    if form.validate_on_submit():
        if (again := once.earlier(form)) is not None:
            return again
        with shown_on(form, "body"):
            say(db, challenge, current_user, form.body.data, utcnow())
            to = challenge_url(challenge, "timeline")
            return once.done(form, f"Your {what} has been added.", to)
    return show_challenge(challenge, **{f"{what}_form": form})


@bp.route("/challenges/<id:challenge_id>/questions", methods=["POST"])
def ask(challenge_id: int) -> Response | tuple[str, int]:
    return _from_the_set(
        challenge_id, "challenge:question", QuestionForm(), services.ask_question, "question"
    )


@bp.route("/challenges/<id:challenge_id>/insights", methods=["POST"])
def add_insight(challenge_id: int) -> Response | tuple[str, int]:
    return _from_the_set(
        challenge_id,
        "challenge:insight",
        InsightForm(prefix="insight"),
        services.add_insight,
        "insight",
    )


@bp.route("/challenges/<id:challenge_id>/updates/<id:update_id>/helped", methods=["POST"])
def helped(challenge_id: int, update_id: int) -> Response:
    db = get_db()
    challenge = challenge_or_404(challenge_id, "challenge:edit")
    question = update_or_404(challenge, update_id)
    require_button()
    with flashed():
        services.mark_helped(
            db, question, current_user, request.form.get("helped") == "yes", utcnow()
        )
        db.commit()
    return redirect(update_url(challenge, question))


# --- The owner's actions, experiments and gains ----------------------------------------------


@bp.route("/challenges/<id:challenge_id>/plans/new", methods=["GET", "POST"])
def new_plan(challenge_id: int) -> Response | tuple[str, int]:
    db = get_db()
    challenge = challenge_or_404(challenge_id, "challenge:edit")
    form = PlanForm()
    if request.method == "GET" and request.args.get("kind") == UpdateKind.EXPERIMENT:
        form.kind.data = UpdateKind.EXPERIMENT.value
    if form.validate_on_submit():
        if (again := once.earlier(form)) is not None:
            return again
        with shown_on(form, "body"):
            update = services.plan(db, challenge, current_user, form.to_input(), utcnow())
            noun = "experiment" if update.kind == UpdateKind.EXPERIMENT else "action"
            return once.done(
                form,
                f"Your {noun} has been recorded. Come back to say what happened.",
                update_url(challenge, update),
            )
    return render_form("challenges/plan.html", form, challenge=challenge, update=None)


@bp.route("/challenges/<id:challenge_id>/gains/new", methods=["GET", "POST"])
def new_gain(challenge_id: int) -> Response | tuple[str, int]:
    db = get_db()
    challenge = challenge_or_404(challenge_id, "challenge:edit")
    form = GainForm()
    if form.validate_on_submit():
        if (again := once.earlier(form)) is not None:
            return again
        with shown_on(form, "body"):
            update = services.record_gain(db, challenge, current_user, form.to_input(), utcnow())
            return once.done(form, "Your gain has been recorded.", update_url(challenge, update))
    return render_form("challenges/gain.html", form, challenge=challenge, update=None)


@bp.route("/challenges/<id:challenge_id>/updates/<id:update_id>/outcome", methods=["GET", "POST"])
def outcome(challenge_id: int, update_id: int) -> Response | tuple[str, int]:
    db = get_db()
    challenge = challenge_or_404(challenge_id, "challenge:edit")
    update = update_or_404(challenge, update_id)
    if not update.is_plan:
        abort(404)
    form = OutcomeForm(data={"outcome": update.outcome} if request.method == "GET" else None)
    if form.validate_on_submit():
        with shown_on(form, "outcome"):
            services.record_outcome(db, update, current_user, form.outcome.data, utcnow())
            return done("What happened has been recorded.", update_url(challenge, update))
    return render_form("challenges/outcome.html", form, challenge=challenge, update=update)


# --- Changing and deleting what was written --------------------------------------------------


# Each kind of update is changed with the form, and on the page, it was written with.
EDIT_PAGES: dict[str, tuple[type[Any], str]] = {
    UpdateKind.QUESTION.value: (QuestionForm, "challenges/edit_text.html"),
    UpdateKind.INSIGHT.value: (InsightForm, "challenges/edit_text.html"),
    UpdateKind.ACTION.value: (PlanForm, "challenges/plan.html"),
    UpdateKind.EXPERIMENT.value: (PlanForm, "challenges/plan.html"),
    UpdateKind.GAIN.value: (GainForm, "challenges/gain.html"),
}


@bp.route("/challenges/<id:challenge_id>/updates/<id:update_id>/edit", methods=["GET", "POST"])
def edit_update(challenge_id: int, update_id: int) -> Response | tuple[str, int]:
    db = get_db()
    challenge = challenge_or_404(challenge_id)
    update = update_or_404(challenge, update_id, "challenge_update:edit")
    form_class, template = EDIT_PAGES[update.kind]
    form = form_class(obj=update if request.method == "GET" else None)
    if form.validate_on_submit():
        with shown_on(form, "body"):
            services.edit_update(db, update, current_user, form.to_input(), utcnow())
            return done("Your changes have been saved.", update_url(challenge, update))
    return render_form(template, form, challenge=challenge, update=update)


@bp.route("/challenges/<id:challenge_id>/updates/<id:update_id>/delete", methods=["GET", "POST"])
def delete_update(challenge_id: int, update_id: int) -> Response | str:
    db = get_db()
    challenge = challenge_or_404(challenge_id)
    update = update_or_404(challenge, update_id, "challenge_update:edit")
    if confirmed():
        services.delete_update(db, update, current_user)
        return done("It has been deleted.", challenge_url(challenge, "timeline"))
    return confirm_page("challenges/delete_update.html", challenge=challenge, update=update)
