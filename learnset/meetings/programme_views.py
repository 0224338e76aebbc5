"""Making a learning set's sessions from a programme: choose, check the dates, then create."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from learnset import authz, once
from learnset.cohorts.models import Cohort
from learnset.curriculum import queries as programmes
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.forms import choices, render_form
from learnset.meetings import from_programme
from learnset.meetings.forms import FromProgrammeForm
from learnset.meetings.views import bp


def _form(db: Session) -> FromProgrammeForm:
    form = FromProgrammeForm()
    form.programme.choices = choices(
        [("", "Choose a programme"), *programmes.programme_choices(db)]
    )
    if request.method == "GET":
        form.programme.data = request.args.get("programme", "")
    return form


def _start(db: Session, form: FromProgrammeForm) -> from_programme.ProgrammeStart:
    """What the tutor chose; the programme with its months, steps and items in three queries."""
    return from_programme.ProgrammeStart(
        programme=programmes.programme_by_slug(db, form.programme.data or ""),
        first_day=form.first_day.data,
        starts=form.starts.data,
        place=form.place.data or "",
    )


@bp.route(
    "/cohorts/<id:cohort_id>/sessions/from-programme",
    methods=["GET", "POST"],
    endpoint="from_programme",
)
def from_programme_page(cohort_id: int) -> Response | tuple[str, int]:
    """Fill in the form, check the dates and titles, then confirm: nothing changes before."""
    db = get_db()
    cohort = authz.get_or_404(db, Cohort, cohort_id, current_user, "cohort:view", "cohort:schedule")
    form = _form(db)
    action = request.form.get("action", "check")
    if form.validate_on_submit() and action != "change":
        start = _start(db, form)
        with shown_on(form, "programme"):
            if action == "create":
                if (again := once.earlier(form)) is not None:
                    return again
                made = from_programme.create_from_programme(
                    db, current_user, cohort, start, utcnow()
                )
                return once.done(
                    form,
                    f"{len(made)} draft sessions were made from the programme. Adapt each one, "
                    "then publish it.",
                    url_for("meetings.cohort_meetings", cohort_id=cohort.id),
                )
            planned = from_programme.plan_from_programme(db, cohort, start)
            return render_template(
                "meetings/from_programme_check.html",
                cohort=cohort,
                form=form,
                start=start,
                planned=planned,
            ), 200
    return render_form("meetings/from_programme.html", form, cohort=cohort)
