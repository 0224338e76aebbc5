"""Revalidation and appraisal outputs: choosing reflections, then a page to copy from and the
same as a PDF. Everything is read with GET and written nowhere."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset.db import get_db
from learnset.downloads import attachment
from learnset.forms import render_form
from learnset.pdf import html_to_pdf
from learnset.reflections import exports, revalidation
from learnset.reflections.forms import RevalidationForm
from learnset.reflections.revalidation import OutputKind
from learnset.reflections.views import bp, uk_today


def _choosing(form: RevalidationForm) -> tuple[str, int]:
    """The page to choose from: the person's reflections in the period (the appraisal year
    unless they chose dates)."""
    default_from, default_to = exports.appraisal_year(uk_today())
    date_from = form.date_from.data or default_from
    date_to = form.date_to.data or default_to
    if date_from > date_to:
        form.date_to.errors = [*form.date_to.errors, "The end date must be after the start date"]
        date_from, date_to = default_from, default_to
    form.date_from.data, form.date_to.data = date_from, date_to
    reflections = revalidation.offered(get_db(), current_user, date_from, date_to)
    pairs = [(str(r.id), f"{r.title} ({r.experienced_on:%d/%m/%Y})") for r in reflections]
    form.reflection.choices = pairs
    form.significant.choices = pairs
    return render_form(
        "reflections/revalidation.html",
        form,
        offered=reflections,
        most=revalidation.MOST_OFFERED,
        kind_hints=OutputKind.hints(),
        has_feedback=revalidation.feedback_report(get_db(), current_user) is not None,
    )


@bp.route("/reflections/revalidation")
def revalidation_choose() -> tuple[str, int]:
    form = RevalidationForm(request.args if request.args else None)
    if request.args:
        form.validate()
        # Choosing comes on the next step: nothing is missing yet.
        form.reflection.errors = []
        form.kind.errors = []
    return _choosing(form)


def _output() -> dict[str, Any] | tuple[str, int]:
    """What both the page and the PDF show, or the choosing page again with what is missing.
    A reflection that is not the person's own (or not a reflection at all) is a 404."""
    form = RevalidationForm(request.args)
    form.reflection.choices = form.significant.choices = []
    form.validate()
    db = get_db()
    reflections = revalidation.chosen(db, current_user, request.args.getlist("reflection"))
    if reflections is None:
        abort(404)
    significant = revalidation.chosen(db, current_user, request.args.getlist("significant"))
    if significant is None:
        abort(404)
    if not reflections:
        form.reflection.errors = ["Choose at least one reflection"]
    if form.kind.errors or form.reflection.errors:
        return _choosing(form)
    kind = OutputKind(form.kind.data)
    feedback = revalidation.feedback_report(db, current_user) if form.colleagues.data else None
    chosen_ids = {reflection.id for reflection in reflections}
    return {
        "kind": kind,
        "accounts": [revalidation.account(reflection) for reflection in reflections],
        "summary": revalidation.medical_summary(
            reflections, {r.id for r in significant} & chosen_ids
        ),
        "feedback": feedback,
        "themes": revalidation.CODE_THEMES,
        "query": request.query_string.decode(),
    }


@bp.route("/reflections/revalidation/output")
def revalidation_output() -> str | tuple[str, int]:
    found = _output()
    if isinstance(found, tuple):
        return found
    return render_template("reflections/revalidation_output.html", **found)


@bp.route("/reflections/revalidation/output.pdf")
def revalidation_pdf() -> Response | tuple[str, int]:
    found = _output()
    if isinstance(found, tuple):
        return found
    html = render_template("reflections/revalidation_pdf.html", **found)
    name = f"learnset-{found['kind'].value}-{uk_today().isoformat()}.pdf"
    return attachment(html_to_pdf(html), "application/pdf", name)
