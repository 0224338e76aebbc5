"""Planning a session: its materials from the library and its presenter slots."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import Session, joinedload
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from learnset import once
from learnset.challenges import queries as challenge_queries
from learnset.challenges.models import Challenge
from learnset.db import get_db, utcnow
from learnset.errors import flashed, shown_on
from learnset.forms import choices, committed, done, render_form, require_button
from learnset.framework.queries import current_framework
from learnset.ids import is_id
from learnset.library.models import ContentItem, ContentKind
from learnset.meetings import (
    queries,
    services,
)
from learnset.meetings.forms import (
    LibraryFilterForm,
    PresenterSlotForm,
)
from learnset.meetings.models import Meeting, MeetingItem, PresenterSlot
from learnset.meetings.views import bp, meeting_or_404
from learnset.pagination import page_number, paginate

Row = TypeVar("Row", MeetingItem, PresenterSlot)

# --- The plan ----------------------------------------------------------------------------


@bp.route("/sessions/<id:meeting_id>/plan")
def plan(meeting_id: int) -> tuple[str, int] | str:
    db = get_db()
    meeting = meeting_or_404(meeting_id, "meeting:edit", options=(joinedload(Meeting.cohort),))
    return _render_plan(db, meeting, _slot_form(db, meeting))


def _slot_form(db: Session, meeting: Meeting) -> PresenterSlotForm:
    form = PresenterSlotForm()
    # Only challenges the planner can read: a programme admin who is not the set's tutor
    # sees none, so planning a session never shows them what the set is working on.
    open_challenges = challenge_queries.assignable_challenges(db, current_user, meeting.cohort_id)
    form.challenge.choices = choices(
        [("", "Choose a challenge")]
        + [(c.id, f"{c.owner_name}: {c.title}") for c in open_challenges]
    )
    return form


def _render_plan(db: Session, meeting: Meeting, slot_form: PresenterSlotForm) -> tuple[str, int]:
    items = queries.meeting_items(db, meeting.id)
    slots = queries.meeting_slots(db, meeting.id)
    return render_form(
        "meetings/plan.html",
        slot_form,
        meeting=meeting,
        items=items,
        minutes=sum(meeting_item.content_item.minutes for meeting_item in items),
        taken=queries.taken_topic_titles(db, meeting.id),
        open_topics=queries.open_topic_titles(db, meeting.cohort_id, limit=20),
        slots=slots,
        readable_challenges=queries.readable_slot_challenges(db, current_user, slots),
        can_take_topics=meeting.ends_at > utcnow(),
    )


# --- Materials from the library ----------------------------------------------------------


def _capability_choices(db: Session) -> list[SelectChoice]:
    current = [
        (capability.slug, capability.name)
        for group in current_framework(db)
        for capability in group.capabilities
    ]
    return choices([("", "Any capability"), *current])


@bp.route("/sessions/<id:meeting_id>/library")
def library(meeting_id: int) -> str:
    db = get_db()
    meeting = meeting_or_404(meeting_id, "meeting:edit")
    form = LibraryFilterForm(request.args, meta={"csrf": False})
    form.kind.choices = choices([("", "Any kind"), *ContentKind.plural_pairs()])
    form.capability.choices = _capability_choices(db)
    kind = form.kind.data if form.kind.data in list(ContentKind) else ""
    known = {choice.value for choice in form.capability.choices}
    capability = form.capability.data if form.capability.data in known else ""
    filters = {key: value for key, value in (("kind", kind), ("capability", capability)) if value}
    result = paginate(
        db,
        queries.library_choices(kind, capability, meeting.id),
        page_number(request.args.get("page")),
    )
    return render_template(
        "meetings/library.html",
        meeting=meeting,
        form=form,
        result=result,
        items=queries.meeting_items(db, meeting.id),
        filters=filters,
        page_args={"meeting_id": meeting.id, **filters},
    )


def _back_to_library(meeting: Meeting) -> Response:
    args: dict[str, Any] = {
        key: request.form[key] for key in ("kind", "capability", "page") if request.form.get(key)
    }
    return redirect(url_for("meetings.library", meeting_id=meeting.id, **args))


@bp.route("/sessions/<id:meeting_id>/items", methods=["POST"])
def add_item(meeting_id: int) -> Response:
    db = get_db()
    meeting = meeting_or_404(meeting_id, "meeting:edit")
    require_button()
    item_id = request.form.get("content_item_id", type=int)
    if item_id is None:
        flash("Choose a library item to add")
        return _back_to_library(meeting)
    item = db.get(ContentItem, item_id) if is_id(item_id) else None
    if item is None:
        abort(404)
    with flashed():
        services.add_item(db, meeting, item, utcnow())
        committed(f"“{item.title}” has been added to the session.")
    if request.form.get("return_to") == "plan":
        return redirect(_plan_url(meeting))
    return _back_to_library(meeting)


def _plan_url(meeting: Meeting, part: str | None = None) -> str:
    return url_for("meetings.plan", meeting_id=meeting.id, _anchor=part)


def _pressed_on(meeting_id: int, model: type[Row], row_id: int) -> tuple[Meeting, Row]:
    """A button on a row of the plan: the session (which the planner may edit), the row, which
    must be one of the session's (else 404), and the button's CSRF check."""
    meeting = meeting_or_404(meeting_id, "meeting:edit")
    row = get_db().get(model, row_id)
    if row is None or row.meeting_id != meeting.id:
        abort(404)
    require_button()
    return meeting, row


@bp.route("/sessions/<id:meeting_id>/items/<id:item_id>/move", methods=["POST"])
def move_item(meeting_id: int, item_id: int) -> Response:
    return _move(meeting_id, MeetingItem, item_id, "materials")


@bp.route("/sessions/<id:meeting_id>/items/<id:item_id>/remove", methods=["POST"])
def remove_item(meeting_id: int, item_id: int) -> Response:
    meeting, meeting_item = _pressed_on(meeting_id, MeetingItem, item_id)
    title = meeting_item.content_item.title
    services.take_out_of_running_order(get_db(), meeting_item, utcnow())
    message = f"“{title}” has been taken out of the session. It is still in the library."
    return done(message, _plan_url(meeting, "materials"))


def _move(meeting_id: int, model: type[Row], row_id: int, part: str) -> Response:
    """The up and down buttons on a row of the plan; back to the plan's part with the row."""
    db = get_db()
    meeting, row = _pressed_on(meeting_id, model, row_id)
    with flashed():
        services.move_in_running_order(db, row, request.form.get("direction", ""), utcnow())
        db.commit()
    return redirect(_plan_url(meeting, part))


# --- Presenter slots ---------------------------------------------------------------------


@bp.route("/sessions/<id:meeting_id>/slots", methods=["POST"])
def add_slot(meeting_id: int) -> Response | tuple[str, int]:
    db = get_db()
    meeting = meeting_or_404(meeting_id, "meeting:edit")
    form = _slot_form(db, meeting)
    if form.validate_on_submit():
        if (again := once.earlier(form)) is not None:
            return again
        challenge_id = form.challenge.data
        challenge = db.get(Challenge, challenge_id) if is_id(challenge_id) else None
        with shown_on(form, "challenge"):
            services.add_presenter_slot(db, meeting, challenge, current_user, utcnow())
            to = _plan_url(meeting, "presenters")
            return once.done(form, "The presenter slot has been added.", to)
    return _render_plan(db, meeting, form)


@bp.route("/sessions/<id:meeting_id>/slots/<id:slot_id>/move", methods=["POST"])
def move_slot(meeting_id: int, slot_id: int) -> Response:
    return _move(meeting_id, PresenterSlot, slot_id, "presenters")


@bp.route("/sessions/<id:meeting_id>/slots/<id:slot_id>/remove", methods=["POST"])
def remove_slot(meeting_id: int, slot_id: int) -> Response:
    meeting, slot = _pressed_on(meeting_id, PresenterSlot, slot_id)
    services.take_out_of_running_order(get_db(), slot, utcnow())
    return done("The presenter slot has been removed.", _plan_url(meeting, "presenters"))
