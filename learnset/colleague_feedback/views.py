"""The participant's pages: their rounds, opening one, adding colleagues, closing early."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from learnset import authz, once
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.colleague_feedback import emails, queries, services
from learnset.colleague_feedback.forms import add_raters_form, round_form
from learnset.colleague_feedback.models import FeedbackRound
from learnset.dates import UK
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.forms import confirm_page, confirmed, done, render_form
from learnset.framework.queries import current_framework
from learnset.pagination import page_number, paginate

bp = Blueprint("colleague_feedback", __name__)


def round_or_404(round_id: int) -> FeedbackRound:
    return authz.get_or_404(get_db(), FeedbackRound, round_id, current_user, "feedback-round:view")


def _end_of(day: date) -> datetime:
    """The end of a UK day, in UTC: a round closing on the 12th takes answers all that day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UK).astimezone(UTC)


@bp.route("/colleague-feedback")
def rounds() -> str:
    db = get_db()
    page = paginate(db, queries.own_rounds(current_user), page_number(request.args.get("page")))
    return render_template(
        "colleague_feedback/rounds.html",
        page=page,
        shared=queries.shared_with(db, current_user),
        can_ask=bool(_participant_cohorts()),
        now=utcnow(),
    )


def _participant_cohorts() -> list[Cohort]:
    return list(
        get_db().scalars(
            select(Cohort)
            .join(Membership, Membership.cohort_id == Cohort.id)
            .where(Membership.user_id == current_user.id, Membership.role == Role.PARTICIPANT)
            .order_by(Cohort.name)
        )
    )


@bp.route("/colleague-feedback/new", methods=["GET", "POST"])
def new() -> Response | tuple[str, int]:
    db = get_db()
    cohorts = _participant_cohorts()
    if not cohorts:
        return render_template("colleague_feedback/not_participant.html"), 404
    framework = current_framework(db)
    form = round_form()
    form.cohort.choices = [(str(c.id), c.name) for c in cohorts]
    form.domains.choices = [(str(d.domain.id), d.domain.name) for d in framework]
    form.capabilities.choices = [(str(c.id), c.name) for d in framework for c in d.capabilities]
    if request.method == "GET":
        form.cohort.data = str(cohorts[0].id)
    # Both checks run, so every problem on the page is shown at once.
    if all([form.validate_on_submit(), request.method != "POST" or form.check_rows()]):
        chosen = {int(v) for v in form.capabilities.data or []}
        for domain in framework:
            if str(domain.domain.id) in (form.domains.data or []):
                chosen.update(c.id for c in domain.capabilities)
        if (again := once.earlier(form)) is not None:
            return again
        cohort = next(c for c in cohorts if str(c.id) == form.cohort.data)
        with shown_on(form, "note"):
            feedback_round = services.open_round(
                db,
                current_user,
                cohort,
                capability_ids=sorted(chosen),
                note=form.note.data or "",
                raters=form.raters(),
                closes_at=_end_of(form.closes_on.data),
                now=utcnow(),
            )
            for rater in feedback_round.raters:
                emails.queue_request(db, rater)
            return once.done(
                form,
                f"Your request has been sent to {len(feedback_round.raters)} colleagues.",
                url_for("colleague_feedback.show", round_id=feedback_round.id),
            )
    return render_form("colleague_feedback/new.html", form, framework=framework)


@bp.route("/colleague-feedback/<id:round_id>")
def show(round_id: int) -> str:
    feedback_round = round_or_404(round_id)
    return render_template(
        "colleague_feedback/show.html", feedback_round=feedback_round, now=utcnow()
    )


@bp.route("/colleague-feedback/<id:round_id>/colleagues", methods=["GET", "POST"])
def add_raters(round_id: int) -> Response | tuple[str, int]:
    db = get_db()
    feedback_round = round_or_404(round_id)
    room = services.MAX_RATERS - len(feedback_round.raters)
    if not feedback_round.is_open(utcnow()) or room <= 0:
        flash("You cannot ask more colleagues in this round.")
        return redirect(url_for("colleague_feedback.show", round_id=round_id))
    form = add_raters_form(min(room, 5))
    if all([form.validate_on_submit(), request.method != "POST" or form.check_rows()]):
        if (again := once.earlier(form)) is not None:
            return again
        with shown_on(form, "email_1"):
            added = services.add_raters(db, feedback_round, form.raters(), utcnow())
            for rater in added:
                emails.queue_request(db, rater)
            return once.done(
                form,
                f"Your request has been sent to {len(added)} more colleagues.",
                url_for("colleague_feedback.show", round_id=round_id),
            )
    return render_form("colleague_feedback/add_raters.html", form, feedback_round=feedback_round)


@bp.route("/colleague-feedback/<id:round_id>/close", methods=["GET", "POST"])
def close(round_id: int) -> Response | str:
    db = get_db()
    feedback_round = round_or_404(round_id)
    if not feedback_round.is_open(utcnow()):
        return redirect(url_for("colleague_feedback.show", round_id=round_id))
    if confirmed():
        services.close_early(db, feedback_round, utcnow())
        return done(
            "The round is closed. Its report is ready.",
            url_for("colleague_feedback.report", round_id=round_id),
        )
    return confirm_page("colleague_feedback/close.html", feedback_round=feedback_round)


@bp.route("/colleague-feedback/<id:round_id>/delete", methods=["GET", "POST"])
def delete(round_id: int) -> Response | str:
    feedback_round = round_or_404(round_id)
    if confirmed():
        services.delete_round(get_db(), feedback_round)
        return done(
            "The round and its report have been deleted.", url_for("colleague_feedback.rounds")
        )
    return confirm_page("colleague_feedback/delete.html", feedback_round=feedback_round)


def _flag(form_value: Any) -> bool:
    return bool(form_value == "yes")


@bp.route("/colleague-feedback/<id:round_id>/sharing", methods=["POST"])
def sharing(round_id: int) -> Response:
    db = get_db()
    feedback_round = round_or_404(round_id)
    if confirmed():
        if "share" in request.form:
            services.set_sharing(db, feedback_round, _flag(request.form["share"]), utcnow())
            flash(
                "Your tutors can now see this report."
                if feedback_round.shared_with_tutors
                else "This report is now yours alone.",
                "success",
            )
        if "appraisal" in request.form:
            services.set_in_appraisal(db, feedback_round, _flag(request.form["appraisal"]))
            flash(
                "This report will be in your appraisal portfolio."
                if feedback_round.in_appraisal
                else "This report will be left out of your appraisal portfolio.",
                "success",
            )
        db.commit()
    return redirect(url_for("colleague_feedback.report", round_id=round_id))
