"""Dashboards: a cohort's for its tutors, the set's own growth for its members, and the
programme across cohorts for admins. Figures come from the released figures and the live
engagement queries; nothing here computes."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from learnset import audit, authz
from learnset.cohorts.models import Cohort
from learnset.colleague_feedback import queries as colleague_feedback
from learnset.dashboards import (
    charts,
    exports,
    pages,
    programme_report,
    releases,
    report_exports,
    report_feedback,
    services,
    tutor_view,
)
from learnset.dashboards.engagement import (
    Engagement,
    engagement_in_month,
    engagement_months,
    engagement_of,
)
from learnset.dashboards.forms import AddSuggestionForm
from learnset.dashboards.release_html import release_tables
from learnset.db import get_db, utcnow
from learnset.downloads import json_document
from learnset.errors import flashed
from learnset.forms import EmptyForm, committed
from learnset.framework.queries import current_framework, framework_names
from learnset.ids import number_in
from learnset.pagination import page_number

bp = Blueprint("dashboards", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dashboard_cohort(cohort_id: int) -> Cohort:
    return authz.get_or_404(
        get_db(), Cohort, cohort_id, current_user, "cohort:view", "cohort:dashboard"
    )


def _tutor_dashboard(cohort: Cohort, with_plan: bool = True) -> pages.TutorDashboard:
    db = get_db()
    return pages.tutor_dashboard(
        db,
        cohort,
        framework_names(db),
        utcnow(),
        with_individuals=authz.can(current_user, "cohort:self-assessments", cohort),
        with_plan=with_plan,
    )


@bp.route("/cohorts/<id:cohort_id>/dashboard")
def dashboard(cohort_id: int) -> str:
    cohort = _dashboard_cohort(cohort_id)
    figures = _tutor_dashboard(cohort)
    return render_template(
        "dashboards/dashboard.html",
        cohort=cohort,
        figures=figures,
        tables=release_tables(
            figures.released,
            "Across each domain of the framework",
            "cohort-growth",
            cohort.name,
            spread=True,
        ),
        form=AddSuggestionForm(),
        release_form=EmptyForm(),
    )


@bp.route("/cohorts/<id:cohort_id>/dashboard/release", methods=["POST"])
def release(cohort_id: int) -> Response:
    db = get_db()
    cohort = authz.get_or_404(
        db, Cohort, cohort_id, current_user, "cohort:view", "cohort:release-figures"
    )
    made = releases.release(
        db,
        cohort,
        current_framework(db),
        utcnow(),
        releases.ReleaseReason.TUTOR,
    )
    if made is None:
        flash(
            "Fewer than 3 participants have shared a check-in since the figures were last "
            "released, so the figures stay as they are."
        )
    else:
        committed("The figures have been released. Everyone in the set now sees them.")
    return redirect(url_for("dashboards.dashboard", cohort_id=cohort.id))


@bp.route("/cohorts/<id:cohort_id>/dashboard/engagement")
def engagement(cohort_id: int) -> str:
    cohort = _dashboard_cohort(cohort_id)
    months = engagement_months(cohort, utcnow())
    asked = request.args.get("month")  # once: each look at `request` goes through its proxy
    chosen = next((m for m in months if m.key == asked), months[-1])
    return render_template(
        "dashboards/engagement.html",
        cohort=cohort,
        engagement=engagement_in_month(get_db(), cohort.id, months, chosen),
        month=chosen,
    )


@bp.route("/cohorts/<id:cohort_id>/dashboard/plan", methods=["POST"])
def add_suggestion(cohort_id: int) -> Response:
    db = get_db()
    cohort = _dashboard_cohort(cohort_id)
    form = AddSuggestionForm()
    # The token is checked before the view; what is left to fail is a tampered hidden field.
    if not form.validate_on_submit():
        flash("Choose a library item to add from the suggestions")
        return redirect(url_for("dashboards.dashboard", cohort_id=cohort.id, _anchor="plan"))
    with flashed():
        meeting, item = services.add_to_next_session(
            db, cohort, form.meeting.data, form.item.data, utcnow()
        )
        committed(f"“{item.title}” has been added to {meeting.display_title}.")
    return redirect(url_for("dashboards.dashboard", cohort_id=cohort.id, _anchor="plan"))


def _absent(figures: pages.TutorDashboard) -> set[int]:
    return {person.id for person in figures.not_seen_lately}


def _filename(cohort: Cohort, extension: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", cohort.name.lower()).strip("-") or "learning-set"
    return f"{name}-dashboard-{utcnow().date().isoformat()}.{extension}"


def _download(body: str | bytes, mimetype: str, filename: str, what: str) -> Response:
    """A dashboard's figures as a file to keep; the audit log notes who took `what`, and in
    which format."""
    audit.record_apart(
        audit.AuditKind.DASHBOARD_DOWNLOADED,
        actor_id=current_user.id,
        detail=f"{what}: {filename.rsplit('.', 1)[-1].upper()}",
    )
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _figures_to_keep(cohort: Cohort, now: datetime) -> tuple[pages.TutorDashboard, Engagement]:
    """The tutor's dashboard and its engagement table, for a download (which holds no plan:
    neither its gaps to plan nor the next draft session)."""
    figures = _tutor_dashboard(cohort, with_plan=False)
    months = engagement_months(cohort, now)
    engagement = engagement_of(get_db(), cohort.id, months, figures.participants, _absent(figures))
    return figures, engagement


@bp.route("/cohorts/<id:cohort_id>/dashboard.csv")
def dashboard_csv(cohort_id: int) -> Response:
    cohort = _dashboard_cohort(cohort_id)
    body = exports.dashboard_csv(*_figures_to_keep(cohort, utcnow()))
    return _download(body, "text/csv", _filename(cohort, "csv"), cohort.name)


@bp.route("/cohorts/<id:cohort_id>/dashboard.json")
def dashboard_json(cohort_id: int) -> Response:
    cohort = _dashboard_cohort(cohort_id)
    now = utcnow()
    document = exports.dashboard_json(cohort.name, *_figures_to_keep(cohort, now), now)
    return _download(
        json_document(document),
        "application/json",
        _filename(cohort, "json"),
        cohort.name,
    )


@bp.route("/cohorts/<id:cohort_id>/growth")
def set_growth(cohort_id: int) -> str:
    db = get_db()
    cohort = authz.get_or_404(db, Cohort, cohort_id, current_user, "cohort:view", "cohort:growth")
    figures = pages.set_growth(db, cohort, current_framework(db, names_only=True))
    return render_template(
        "dashboards/growth.html",
        cohort=cohort,
        figures=figures,
        tables=release_tables(
            figures,
            "The set's mean level in each domain of the framework",
            "set-growth",
            cohort.name,
            spread=False,
        ),
    )


@bp.route("/cohorts/<id:cohort_id>/what-your-tutors-see")
def what_tutors_see(cohort_id: int) -> str:
    db = get_db()
    cohort = authz.get_or_404(
        db, Cohort, cohort_id, current_user, "cohort:view", "cohort:what-tutors-see"
    )
    view = tutor_view.tutor_view(db, cohort, current_user, current_framework(db), utcnow())
    return render_template(
        "dashboards/what_tutors_see.html",
        cohort=cohort,
        view=view,
        feedback_reports=colleague_feedback.shared_by(db, current_user, cohort.id),
    )


@bp.route("/programme")
def programme() -> str:
    authz.require(current_user, "programme:view")
    db = get_db()
    framework = current_framework(db, names_only=True)
    return render_template(
        "dashboards/programme.html",
        domains=[entry.domain for entry in framework],
        cohorts=pages.programme(db, framework, page_number(request.args.get("page"))),
        dashboard_url=_dashboard_url,
    )


def _dashboard_url(cohort_id: int) -> str:
    return url_for("dashboards.dashboard", cohort_id=cohort_id)


# --- The programme report for the board (admins) ------------------------------------------------


def _report_year() -> int | None:
    year = number_in(request.args.get("year", ""))
    return year if year is not None and 1900 < year < 3000 else None


def _programme_report() -> programme_report.ProgrammeReport:
    authz.require(current_user, "programme:report")
    db = get_db()
    year = _report_year()
    report = programme_report.programme_report(db, current_framework(db, names_only=True), year)
    days = current_app.config["SESSION_FEEDBACK_DAYS"]
    feedback = report_feedback.feedback_themes(db, report.cohort_ids, utcnow(), days)
    programme_report.attach_feedback(report, feedback)
    return report


def _report_filename(report: programme_report.ProgrammeReport, extension: str) -> str:
    which = str(report.year) if report.year else "all-years"
    return f"programme-report-{which}-{utcnow().date().isoformat()}.{extension}"


def _report_page(figures: programme_report.ProgrammeReport) -> Markup:
    sets = programme_report.page_of_sets(figures, page_number(request.args.get("page")))
    return Markup(  # noqa: S704 - a template rendered with autoescaping
        render_template(
            "dashboards/_programme_report.html",
            report=figures,
            sets=sets,
            chart=charts.programme_radar("programme-growth", figures.growth),
            **programme_report.report_labels(figures),
        )
    )


@bp.route("/programme/report")
def report() -> str:
    figures = _programme_report()
    # The page's links keep its query string (the year, the page of sets).
    asked = tuple(request.args.items(multi=True))
    what = ("page", asked, programme_report.SETS_PER_PAGE)
    body = programme_report.kept(figures, what, lambda: _report_page(figures))
    return render_template("dashboards/programme_report.html", body=body)


@bp.route("/programme/report.csv")
def report_csv() -> Response:
    figures = _programme_report()
    body = programme_report.kept(figures, "csv", lambda: report_exports.report_csv(figures))
    return _download(body, "text/csv", _report_filename(figures, "csv"), "Programme report")


@bp.route("/programme/report.xlsx")
def report_xlsx() -> Response:
    figures = _programme_report()
    which = f"starting in {figures.year}" if figures.year else "every year"
    title = f"Programme report: learning sets {which}"
    body = programme_report.kept(
        figures, "xlsx", lambda: report_exports.report_xlsx(figures, title)
    )
    return _download(body, XLSX, _report_filename(figures, "xlsx"), "Programme report")
