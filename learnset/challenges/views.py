"""Live challenges: the set's list, a challenge and its timeline, the gains board and the
owner's side of stories; what the pages share. The updates' forms are in update_views, on the
same blueprint. Thin views over services and queries."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.interfaces import ORMOption
from werkzeug.wrappers import Response

from learnset import authz, once
from learnset.accounts.models import User
from learnset.challenges import (
    queries,
    services,
    timeline,
    update_files,
)
from learnset.challenges.forms import (
    ChallengeFilterForm,
    ChallengeForm,
    GainFilterForm,
    InsightForm,
    QuestionForm,
    StatusForm,
    StoryForm,
)
from learnset.challenges.models import Challenge, ChallengeStatus, ChallengeUpdate
from learnset.cohorts.models import Cohort
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.forms import committed, confirm_page, confirmed, done, render_form
from learnset.pagination import page_number, paginate

bp = Blueprint("challenges", __name__)


def _cohort(cohort_id: int, action: str) -> Cohort:
    return authz.get_or_404(get_db(), Cohort, cohort_id, current_user, "cohort:view", action)


def challenge_or_404(
    challenge_id: int,
    action: str | None = None,
    options: Sequence[ORMOption] = (),
    statement: Select[Challenge] | None = None,
) -> Challenge:
    return authz.get_or_404(
        get_db(),
        Challenge,
        challenge_id,
        current_user,
        "challenge:view",
        action,
        options=options,
        statement=statement,
    )


# What a challenge's page and its rules read beside the challenge, in the same statement: its
# set, story and trapped notes, and its owner with their memberships (whether the owner still
# takes part). A few rows each, so joining them all costs less than a statement apiece.
_WITH_SET_AND_OWNER = (
    joinedload(Challenge.cohort),
    joinedload(Challenge.story),
    joinedload(Challenge.trapped),
    joinedload(Challenge.owner).joinedload(User.memberships),
)


@cache
def _with_set_and_owner() -> Select[Challenge]:
    """Built once (building it cost more than running it): a challenge by `object_id`, with
    _WITH_SET_AND_OWNER."""
    return (
        select(Challenge)
        .where(Challenge.id == bindparam("object_id", type_=Integer))
        .options(*_WITH_SET_AND_OWNER)
    )


def update_or_404(
    challenge: Challenge, update_id: int, action: str | None = None
) -> ChallengeUpdate:
    """An update of this challenge (else 404), then the right to act on it (else 403)."""
    update = get_db().get(ChallengeUpdate, update_id)
    if update is None or update.challenge_id != challenge.id:
        abort(404)
    if action is not None:
        authz.require(current_user, action, update)
    return update


def challenge_url(challenge: Challenge, anchor: str | None = None) -> str:
    return url_for("challenges.challenge", challenge_id=challenge.id, _anchor=anchor)


def update_url(challenge: Challenge, update: ChallengeUpdate) -> str:
    """An update in the timeline, on the page it is on."""
    page = timeline.timeline_page_of(get_db(), update)
    return url_for(
        "challenges.challenge",
        challenge_id=challenge.id,
        page=page if page > 1 else None,
        _anchor=f"update-{update.id}",
    )


# --- The set's challenges --------------------------------------------------------------------


@bp.route("/cohorts/<id:cohort_id>/challenges")
def cohort_challenges(cohort_id: int) -> str:
    db = get_db()
    cohort = _cohort(cohort_id, "cohort:challenges")
    form = ChallengeFilterForm(request.args)
    # A filter nobody could have chosen (an edited address) shows the default list.
    if not form.validate():
        form.status.data = "current"
    status = form.status.data
    result = paginate(
        db,
        queries.cohort_challenges(current_user, cohort.id, status),
        page_number(request.args.get("page")),
        rows=True,
    )
    return render_template(
        "challenges/list.html",
        form=form,
        cohort=cohort,
        result=result,
        rows=queries.challenge_rows(result.items),
        status=status,
        counts=queries.status_counts(db, current_user, cohort.id),
    )


@bp.route("/cohorts/<id:cohort_id>/challenges/new", methods=["GET", "POST"])
def new_challenge(cohort_id: int) -> Response | tuple[str, int]:
    db = get_db()
    cohort = _cohort(cohort_id, "challenge:create")
    form = ChallengeForm()
    if form.validate_on_submit():
        if (again := once.earlier(form)) is not None:
            return again
        with shown_on(form, "title"):
            challenge = services.create_challenge(
                db, current_user, cohort, form.to_input(), utcnow()
            )
            return once.done(
                form,
                "Your challenge has been recorded. Only the members of your learning set can "
                "see it.",
                challenge_url(challenge),
            )
    return render_form("challenges/edit.html", form, cohort=cohort, challenge=None)


# --- A challenge and its timeline ------------------------------------------------------------


def show_challenge(
    challenge: Challenge,
    question_form: QuestionForm | None = None,
    insight_form: InsightForm | None = None,
) -> tuple[str, int]:
    db = get_db()
    open_to_set = not challenge.is_closed
    if (
        question_form is None
        and open_to_set
        and authz.can(current_user, "challenge:question", challenge)
    ):
        question_form = QuestionForm()
    if (
        insight_form is None
        and open_to_set
        and authz.can(current_user, "challenge:insight", challenge)
    ):
        insight_form = InsightForm(prefix="insight")
    has_errors = any(form is not None and form.errors for form in (question_form, insight_form))
    page = timeline.challenge_page(
        db, current_user, challenge, page_number(request.args.get("page"))
    )
    return render_template(
        "challenges/challenge.html",
        challenge=challenge,
        page=page,
        update_files=update_files.files_by_update(db, [u.id for u in page.timeline.items]),
        question_form=question_form,
        insight_form=insight_form,
        is_owner=challenge.owner_id == current_user.id,
        own_updates=authz.own_updates(current_user, challenge),
    ), (422 if has_errors else 200)


@bp.route("/challenges/<id:challenge_id>")
def challenge(challenge_id: int) -> tuple[str, int]:
    return show_challenge(challenge_or_404(challenge_id, statement=_with_set_and_owner()))


@bp.route("/challenges/<id:challenge_id>/edit", methods=["GET", "POST"])
def edit(challenge_id: int) -> Response | tuple[str, int]:
    db = get_db()
    challenge = challenge_or_404(challenge_id, "challenge:edit")
    form = ChallengeForm(obj=challenge if request.method == "GET" else None)
    if request.method == "GET":
        form.trapped.data = [note.kind for note in challenge.trapped]
        for note in challenge.trapped:
            form[f"note_{note.kind}"].data = note.note
    if form.validate_on_submit():
        with shown_on(form, "title"):
            services.update_challenge(db, challenge, current_user, form.to_input(), utcnow())
            return done("Your challenge has been saved.", challenge_url(challenge))
    return render_form("challenges/edit.html", form, cohort=challenge.cohort, challenge=challenge)


@bp.route("/challenges/<id:challenge_id>/status", methods=["GET", "POST"])
def status(challenge_id: int) -> Response | tuple[str, int]:
    db = get_db()
    challenge = challenge_or_404(challenge_id, "challenge:edit")
    form = StatusForm(data={"status": challenge.status} if request.method == "GET" else None)
    if form.validate_on_submit():
        with shown_on(form, "status"):
            unpublished = services.change_status(
                db, challenge, current_user, form.status.data, utcnow()
            )
            return done(_status_message(challenge, unpublished), challenge_url(challenge))
    return render_form("challenges/status.html", form, challenge=challenge)


def _status_message(challenge: Challenge, unpublished: bool) -> str:
    if challenge.is_closed:
        return "Your challenge is closed. You can publish it as a story for the whole programme."
    message = f"Your challenge is {ChallengeStatus(challenge.status).label.lower()}."
    if unpublished:
        message += " Its story is no longer published."
    return message


@bp.route("/challenges/<id:challenge_id>/delete", methods=["GET", "POST"])
def delete(challenge_id: int) -> Response | str:
    db = get_db()
    challenge = challenge_or_404(challenge_id, "challenge:delete")
    if confirmed():
        cohort_id, title = challenge.cohort_id, challenge.title
        services.delete_challenge(db, challenge, current_user)
        committed(f"“{title}” has been deleted.")
        if authz.can(current_user, "cohort:challenges", db.get(Cohort, cohort_id)):
            return redirect(url_for("challenges.cohort_challenges", cohort_id=cohort_id))
        return redirect(url_for("main.home"))
    return confirm_page("challenges/delete.html", challenge=challenge)


# --- The gains board -------------------------------------------------------------------------


@bp.route("/cohorts/<id:cohort_id>/gains")
def gains(cohort_id: int) -> str:
    db = get_db()
    cohort = _cohort(cohort_id, "cohort:challenges")
    form = GainFilterForm(request.args)
    if not form.validate():
        form.kind.data = ""
    kind = form.kind.data or None
    result = paginate(
        db,
        queries.gains_of_cohort(current_user, cohort.id, kind),
        page_number(request.args.get("page")),
    )
    return render_template(
        "challenges/gains.html",
        form=form,
        cohort=cohort,
        result=result,
        kind=kind,
        counts=queries.gain_counts(db, current_user, cohort.id),
    )


# --- Stories (the owner's side) --------------------------------------------------------------


@bp.route("/challenges/<id:challenge_id>/story", methods=["GET", "POST"])
def story(challenge_id: int) -> Response | tuple[str, int]:
    db = get_db()
    challenge = challenge_or_404(challenge_id, "challenge:edit")
    existing = challenge.story
    form = StoryForm(
        data={"summary": existing.summary if existing else ""} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        with shown_on(form):
            services.publish_story(
                db, challenge, current_user, form.summary.data, form.consent.data, utcnow()
            )
            assert challenge.story is not None
            return done(
                "Your story is published. Everyone who uses Learnset can now read it.",
                url_for("stories.story", story_id=challenge.story.id),
            )
    return render_form(
        "challenges/story_form.html",
        form,
        challenge=challenge,
        story=existing,
        gains=queries.gains_of(db, challenge.id),
    )


@bp.route("/challenges/<id:challenge_id>/story/unpublish", methods=["GET", "POST"])
def unpublish(challenge_id: int) -> Response | str:
    db = get_db()
    challenge = challenge_or_404(challenge_id, "challenge:delete")
    story = challenge.story
    if story is None or not story.is_published:
        flash("This challenge's story is not published.")
        return redirect(challenge_url(challenge))
    if confirmed():
        services.unpublish_story(db, challenge, current_user, utcnow())
        return done(
            "Your story is no longer published. Only your learning set can see the challenge.",
            challenge_url(challenge),
        )
    return confirm_page("challenges/unpublish.html", challenge=challenge)
