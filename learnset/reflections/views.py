"""The reflective log's blueprint, what its pages share, the log and shared lists, and the
exports. The other pages are in editor_views, kept_views, reading_views and bin_views, on
the same blueprint (init_app imports them all)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from flask import (
    Blueprint,
    Response,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.interfaces import ORMOption

from learnset import audit, authz
from learnset.dates import UK
from learnset.db import database, get_db, utcnow
from learnset.downloads import streamed_zip
from learnset.forms import render_form
from learnset.pagination import page_number
from learnset.reflections import drafts, exports, log_zip, queries
from learnset.reflections import notes as quick_notes
from learnset.reflections.filters import log_filters, small_id
from learnset.reflections.forms import (
    PortfolioForm,
)
from learnset.reflections.models import Reflection
from learnset.reflections.rescue import Target

bp = Blueprint("reflections", __name__)


EDITORS = {"reflections.write", "reflections.edit"}


AUTOSAVES = {"reflections.autosave_new", "reflections.autosave"}


def uk_today() -> date:
    return utcnow().astimezone(UK).date()


# What the reflection's own pages show, loaded with it in one statement: its words. (Not the
# capabilities it claims: SQLite's plan for that join, through the association table, reads
# every reflection's capabilities, about 150 ms at 20 sets; they come by their own statement,
# by index: queries.load_capabilities.)
WITH_WORDS = (joinedload(Reflection.parts),)


@lru_cache(maxsize=16)
def _reflection_with(options: tuple[ORMOption, ...]) -> Select[Reflection]:
    """Built once for each set of options: the views pass the module's own tuples."""
    return (
        select(Reflection)
        .where(Reflection.id == bindparam("object_id", type_=Integer))
        .options(*options)
    )


def reflection_or_404(
    reflection_id: int, action: str | None = None, *, options: Sequence[ORMOption] = ()
) -> Reflection:
    """authz.get_or_404 for a reflection, loaded by a statement built once (Session.get builds
    its own on every request: about 0.1 ms of the reflection's page and its editor)."""
    return authz.get_or_404(
        get_db(),
        Reflection,
        reflection_id,
        current_user,
        "reflection:view",
        action,
        statement=_reflection_with(tuple(options)),
    )


def editor_url(target: Target) -> str:
    if target.reflection_id is not None:
        return url_for("reflections.edit", reflection_id=target.reflection_id)
    return url_for("reflections.write", key=target.draft_key)


def request_target() -> Target | None:
    """The editor a POST came from, for the endpoints whose text must survive a sign-out."""
    if request.endpoint not in EDITORS | AUTOSAVES or not request.view_args:
        return None
    if "reflection_id" in request.view_args:
        return Target(reflection_id=request.view_args["reflection_id"])
    return Target(draft_key=request.view_args["key"])


# --- The log ---------------------------------------------------------------------------------


@bp.route("/reflections")
def log() -> tuple[str, int]:
    db = get_db()
    form, filters = log_filters(db, current_user, request.args)
    page = queries.log_page(db, current_user, filters, page_number(request.args.get("page")))
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    notes, notes_total = quick_notes.inbox(db, current_user)
    return render_form(
        "reflections/log.html",
        form,
        page=page,
        filters=filters,
        args=args,
        drafts=drafts.unfinished_drafts(db, current_user),
        notes=notes,
        notes_total=notes_total,
    )


@bp.route("/reflections/shared")
def shared() -> str:
    db = get_db()
    cohort_id = small_id(request.args.get("cohort"))
    page = queries.shared_page(db, current_user, cohort_id, page_number(request.args.get("page")))
    return render_template(
        "reflections/shared.html",
        page=page,
        cohorts=[] if current_user.is_admin else authz.member_cohorts(db, current_user),
        cohort_id=cohort_id,
    )


# --- Exports ---------------------------------------------------------------------------------


@bp.route("/reflections/export.zip")
def export_markdown() -> Response:
    """The log as Markdown files and their attached files, in a zip made as it is sent."""
    today = uk_today()
    found = log_zip.entries(get_db(), current_user, today)
    audit.record_apart(audit.AuditKind.LOG_DOWNLOADED, actor_id=current_user.id)
    return streamed_zip(
        log_zip.stream(database().sessions, found), f"learnset-reflective-log-{today}.zip"
    )


@bp.route("/reflections/portfolio")
def portfolio() -> tuple[str, int]:
    form = PortfolioForm(request.args)
    default_from, default_to = exports.appraisal_year(uk_today())
    valid = form.validate() if request.args else True
    date_from = (form.date_from.data if valid else None) or default_from
    date_to = (form.date_to.data if valid else None) or default_to
    if date_from > date_to:
        form.date_to.errors = ["The end date must be the same as or after the start date"]
        date_from, date_to = default_from, default_to
    form.date_from.data, form.date_to.data = date_from, date_to
    return render_form(
        "reflections/portfolio.html",
        form,
        portfolio=exports.portfolio(get_db(), current_user, date_from, date_to),
        sections=exports.extra_sections(get_db(), current_user, date_from, date_to),
        full_text=bool(form.full_text.data),
    )
