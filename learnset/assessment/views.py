"""The capability framework, self-assessment, a participant's growth, and what tutors see of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from learnset import authz
from learnset.assessment import (
    charts,
    framework_page,
    progress,
    recommendations,
    services,
    standing,
)
from learnset.assessment.forms import (
    FocusForm,
    ScopeForm,
    SharingForm,
    SubmitForm,
    choose_form,
    rating_form,
)
from learnset.assessment.models import SelfAssessment
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.dates import UK
from learnset.db import get_db, utcnow
from learnset.errors import flashed, shown_on
from learnset.forms import (
    EmptyForm,
    committed,
    confirm_page,
    confirmed,
    done,
    render_form,
    require_button,
    require_valid,
)
from learnset.framework.queries import DomainCapabilities, current_framework, framework_names
from learnset.return_address import safe_next

bp = Blueprint("assessment", __name__)


def _short_date(value: datetime) -> str:
    """A chart's axis label: 5 Mar 2026 (the table beside it gives dates in full)."""
    local = value.astimezone(UK)
    return f"{local.day} {local:%b %Y}"


@bp.route("/framework")
def framework() -> str:
    authz.require(current_user, "framework:view")
    overview = framework_page.framework_overview(get_db())
    return render_template(
        "assessment/framework.html",
        domains=overview,
        dimensions=framework_page.capabilities_by_dimension(overview),
    )


# --- A participant's own pages ------------------------------------------------------------------


def _own_cohort(cohort_id: int) -> Cohort:
    return authz.get_or_404(
        get_db(), Cohort, cohort_id, current_user, "cohort:view", "capabilities:own"
    )


@bp.route("/capabilities")
def mine() -> Response | str:
    cohorts = authz.cohorts_as(get_db(), current_user, Role.PARTICIPANT)
    if not cohorts:
        abort(403)
    if len(cohorts) == 1:
        return redirect(url_for("assessment.overview", cohort_id=cohorts[0].id))
    return render_template("assessment/choose_cohort.html", cohorts=cohorts)


@bp.route("/cohorts/<id:cohort_id>/capabilities")
def overview(cohort_id: int) -> str:
    db = get_db()
    cohort = _own_cohort(cohort_id)
    growth = standing.standing(db, current_user.id, cohort.id, framework_names(db))
    top_gaps = growth.top_gaps()
    first_label = "Baseline"
    draft, focus = progress.draft_and_focus(db, current_user.id, cohort.id)
    return render_template(
        "assessment/overview.html",
        cohort=cohort,
        growth=growth,
        draft=draft,
        recommendations=recommendations.recommendations(
            db, current_user.id, cohort.id, top_gaps, utcnow()
        ),
        focus=focus,
        radars={
            entry.domain.id: charts.domain_radar(f"radar-{entry.domain.slug}", entry, first_label)
            for entry in growth.domains
        },
        first_label=first_label,
    )


@bp.route("/cohorts/<id:cohort_id>/capabilities/<slug>")
def capability(cohort_id: int, slug: str) -> str:
    db = get_db()
    cohort = _own_cohort(cohort_id)
    framework = current_framework(db)
    found = next((c for d in framework for c in d.capabilities if c.slug == slug), None)
    if found is None:
        abort(404)
    entry = progress.capability_history(db, current_user.id, cohort.id, found)
    return render_template(
        "assessment/capability.html",
        cohort=cohort,
        entry=entry,
        chart=charts.capability_line(f"history-{slug}", entry, _short_date)
        if entry.history
        else None,
        recommendations=recommendations.recommendations(
            db, current_user.id, cohort.id, [entry], utcnow(), per_gap=5
        ),
        focus=services.current_focus(db, current_user.id, cohort.id),
    )


@bp.route("/cohorts/<id:cohort_id>/self-assessments/new", methods=["GET", "POST"])
def start(cohort_id: int) -> Response | str | tuple[str, int]:
    db = get_db()
    cohort = _own_cohort(cohort_id)
    draft = services.current_draft(db, current_user.id, cohort.id)
    if draft is not None:
        return redirect(url_for("assessment.check", assessment_id=draft.id))
    framework = current_framework(db)
    if not framework:
        return render_template("assessment/no_framework.html", cohort=cohort)
    step = _start_step(db, cohort)
    form: Any = EmptyForm() if step == "baseline" else ScopeForm()
    if step == "choose":
        form = choose_form(framework)
    if form.validate_on_submit():
        if step == "check-in" and form.scope.data == "chosen":
            return redirect(url_for("assessment.start", cohort_id=cohort.id, choose="some"))
        chosen = form.chosen() if step == "choose" else None
        with shown_on(form):
            draft = services.start(db, current_user, cohort, utcnow(), chosen)
            db.commit()
            return redirect(_next_step(draft, framework))
    return render_form("assessment/start.html", form, cohort=cohort, framework=framework, step=step)


def _start_step(db: Session, cohort: Cohort) -> str:
    """The baseline's introduction, a check-in's first question, or choosing capabilities."""
    if not services.has_baseline(db, current_user.id, cohort.id):
        return "baseline"
    return "choose" if request.args.get("choose") == "some" else "check-in"


def _draft(assessment_id: int) -> SelfAssessment:
    assessment = authz.get_or_404(
        get_db(), SelfAssessment, assessment_id, current_user, "assessment:view"
    )
    if assessment.participant_id == current_user.id and not assessment.is_draft:
        # Back to a page of a form already submitted: show what was submitted instead.
        flash(f"You have already submitted this {assessment.label.lower()}.")
        abort(redirect(url_for("assessment.view", assessment_id=assessment.id)))
    authz.require(current_user, "assessment:edit", assessment)
    return assessment


def _next_step(
    assessment: SelfAssessment, framework: list[DomainCapabilities], after: str = ""
) -> str:
    """The first domain still to answer after the one just saved, else the check page."""
    parts = services.in_scope(assessment, framework)
    answered = {rating.capability_id for rating in assessment.ratings}
    slugs = [part.domain.slug for part in parts]
    start_at = slugs.index(after) + 1 if after in slugs else 0
    for part in parts[start_at:]:
        if any(c.id not in answered for c in part.capabilities):
            return url_for("assessment.domain", assessment_id=assessment.id, slug=part.domain.slug)
    return url_for("assessment.check", assessment_id=assessment.id)


@bp.route("/self-assessments/<id:assessment_id>/domains/<slug>", methods=["GET", "POST"])
def domain(assessment_id: int, slug: str) -> Response | str | tuple[str, int]:
    db = get_db()
    assessment = _draft(assessment_id)
    framework = current_framework(db)
    parts = services.in_scope(assessment, framework)
    part = next((p for p in parts if p.domain.slug == slug), None)
    if part is None:
        abort(404)
    previous = services.previous_ratings(db, assessment)
    saved = services.draft_ratings(db, assessment)
    evidence = services.evidence_options(db, assessment, part.capabilities)
    form = rating_form(part.capabilities, saved, previous, evidence)
    if form.validate_on_submit():
        with shown_on(form):
            services.save_answers(db, assessment, form.answers(), utcnow())
            db.commit()
            if request.args.get("from") == "check":
                return redirect(url_for("assessment.check", assessment_id=assessment.id))
            return redirect(_next_step(assessment, framework, after=slug))
    return render_form(
        "assessment/domain.html",
        form,
        assessment=assessment,
        part=part,
        parts=parts,
        previous=previous,
    )


@bp.route("/self-assessments/<id:assessment_id>/check", methods=["GET", "POST"])
def check(assessment_id: int) -> Response | str | tuple[str, int]:
    db = get_db()
    assessment = _draft(assessment_id)
    framework = current_framework(db)
    form = SubmitForm(data={"share": "yes" if assessment.shared_with_tutors else "no"})
    if form.validate_on_submit():
        with shown_on(form):
            services.submit(db, assessment, form.share.data == "yes", framework, utcnow())
            return done(
                f"{assessment.label} saved. Thank you for taking the time.",
                url_for("assessment.overview", cohort_id=assessment.cohort_id),
            )
    previous = services.previous_ratings(db, assessment)
    return render_form(
        "assessment/check.html",
        form,
        assessment=assessment,
        parts=services.in_scope(assessment, framework),
        ratings={rating.capability_id: rating for rating in assessment.ratings},
        previous=previous,
        missing=services.unanswered(assessment, framework),
        linked=services.linked_reflections(db, assessment, current_user),
        carried_forward=[
            capability
            for entry in framework
            for capability in entry.capabilities
            if not assessment.covers(capability.id) and capability.id in previous
        ],
        tutors=authz.people_in(db, assessment.cohort_id, Role.TUTOR),
    )


@bp.route("/self-assessments/<id:assessment_id>/discard", methods=["GET", "POST"])
def discard(assessment_id: int) -> Response | str:
    assessment = _draft(assessment_id)
    if confirmed():
        cohort_id = assessment.cohort_id
        services.discard(get_db(), assessment)
        return done(
            "Your answers have been deleted.", url_for("assessment.overview", cohort_id=cohort_id)
        )
    return confirm_page("assessment/discard.html", assessment=assessment)


@bp.route("/self-assessments/<id:assessment_id>")
def view(assessment_id: int) -> Response | str:
    db = get_db()
    assessment = authz.get_or_404(
        db, SelfAssessment, assessment_id, current_user, "assessment:view"
    )
    if assessment.is_draft:
        return redirect(url_for("assessment.check", assessment_id=assessment.id))
    is_own = assessment.participant_id == current_user.id
    return render_template(
        "assessment/view.html",
        assessment=assessment,
        framework=current_framework(db),
        ratings={rating.capability_id: rating for rating in assessment.ratings},
        previous=services.previous_ratings(db, assessment, as_tutors_see_it=not is_own),
        linked=services.linked_reflections(db, assessment, current_user),
        is_own=is_own,
    )


@bp.route("/self-assessments/<id:assessment_id>/sharing", methods=["POST"])
def sharing(assessment_id: int) -> Response:
    db = get_db()
    assessment = authz.get_or_404(
        db, SelfAssessment, assessment_id, current_user, "assessment:view", "assessment:share"
    )
    form = require_valid(SharingForm())
    services.set_sharing(db, assessment, form.share.data == "yes")
    return done(
        f"Your tutors can now see this {assessment.label.lower()}."
        if assessment.shared_with_tutors
        else f"This {assessment.label.lower()} is now yours alone.",
        url_for("assessment.view", assessment_id=assessment.id),
    )


@bp.route("/cohorts/<id:cohort_id>/focus", methods=["POST"])
def pin_focus(cohort_id: int) -> Response:
    db = get_db()
    cohort = _own_cohort(cohort_id)
    form = require_valid(FocusForm())
    with flashed():
        focus = services.pin_focus(
            db, current_user, cohort, form.item.data, form.capability.data or None, utcnow()
        )
        committed(f"{focus.content_item.title} is your focus for this month.")
    return redirect(_back_to(cohort))


@bp.route("/cohorts/<id:cohort_id>/focus/clear", methods=["POST"])
def clear_focus(cohort_id: int) -> Response:
    db = get_db()
    cohort = _own_cohort(cohort_id)
    require_button()
    services.clear_focus(db, current_user, cohort)
    return done("Your focus has been cleared.", _back_to(cohort))


def _back_to(cohort: Cohort) -> str:
    return safe_next(request.args.get("next"), url_for("assessment.overview", cohort_id=cohort.id))


# --- What tutors see ----------------------------------------------------------------------------


@bp.route("/cohorts/<id:cohort_id>/self-assessments")
def cohort_participants(cohort_id: int) -> str:
    db = get_db()
    cohort = authz.get_or_404(
        db, Cohort, cohort_id, current_user, "cohort:view", "cohort:self-assessments"
    )
    return render_template(
        "assessment/participants.html",
        cohort=cohort,
        participants=progress.sharing_by_participant(db, cohort),
    )


@bp.route("/cohorts/<id:cohort_id>/participants/<id:user_id>/capabilities")
def participant(cohort_id: int, user_id: int) -> str:
    db = get_db()
    membership = db.scalar(
        select(Membership).where(Membership.cohort_id == cohort_id, Membership.user_id == user_id)
    )
    membership = authz.checked_or_404(membership, current_user, "capabilities:review")
    framework = current_framework(db)
    growth = progress.progress(db, membership.user_id, cohort_id, framework, as_tutors_see_it=True)
    first_label = "Baseline" if growth.first and growth.first.is_baseline else "First shared"
    return render_template(
        "assessment/participant.html",
        cohort=membership.cohort,
        participant=membership.user,
        growth=growth,
        is_own=membership.user_id == current_user.id,
        radars={
            entry.domain.id: charts.domain_radar(f"radar-{entry.domain.slug}", entry, first_label)
            for entry in growth.domains
        },
        first_label=first_label,
    )
