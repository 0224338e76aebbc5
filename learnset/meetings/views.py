from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from learnset import authz, mail
from learnset.challenges import queries as challenge_queries
from learnset.challenges.models import Challenge
from learnset.cohorts.models import Cohort
from learnset.dates import uk_date
from learnset.db import get_db, utcnow
from learnset.errors import flashed, shown_on
from learnset.forms import EmptyForm, choices, render_form
from learnset.framework.models import Capability, CapabilityDomain
from learnset.ids import is_id
from learnset.library.models import ContentItem, ContentKind
from learnset.markdown import render as render_markdown
from learnset.meetings import (
    calendar,
    queries,
    services,
)
from learnset.meetings.forms import (
    AttendanceForm,
    LibraryFilterForm,
    MeetingForm,
    PresenterSlotForm,
    PublishForm,
    ScheduleForm,
)
from learnset.meetings.models import Meeting, MeetingItem, PresenterSlot, TopicStatus
from learnset.meetings.schedule import ScheduleRule
from learnset.pagination import page_number, paginate

bp = Blueprint("meetings", __name__)

KIND_NAMES = {
    ContentKind.THEORY.value: "Theory modules",
    ContentKind.EXERCISE.value: "Practice exercises",
    ContentKind.METHOD.value: "Method cards",
}


def _meeting(meeting_id: int, action: str | None = None) -> Meeting:
    return authz.get_or_404(get_db(), Meeting, meeting_id, current_user, "meeting:view", action)


def _cohort(cohort_id: int, action: str | None = None) -> Cohort:
    return authz.get_or_404(get_db(), Cohort, cohort_id, current_user, "cohort:view", action)


# --- Lists and the session page ----------------------------------------------------------


@bp.route("/cohorts/<id:cohort_id>/sessions")
def cohort_meetings(cohort_id: int) -> str:
    db = get_db()
    cohort = _cohort(cohort_id)
    query = queries.cohort_meetings(current_user, cohort.id)
    result = paginate(db, query, page_number(request.args.get("page")), per_page=24)
    return render_template(
        "meetings/list.html",
        cohort=cohort,
        result=result,
        item_counts=queries.item_counts(db, [meeting.id for meeting in result.items]),
        now=utcnow(),
    )


@bp.route("/sessions/<id:meeting_id>")
def meeting(meeting_id: int) -> str:
    db = get_db()
    meeting = _meeting(meeting_id)
    return render_template(
        "meetings/meeting.html",
        meeting=meeting,
        page=queries.meeting_page(db, current_user, meeting),
        started=services.has_started(meeting, utcnow()),
    )


# --- The schedule ------------------------------------------------------------------------


def _rule(form: ScheduleForm) -> ScheduleRule:
    return ScheduleRule(
        first_month=form.first_month.data,
        weekday=form.weekday.data,
        occurrence=form.occurrence.data,
        starts=form.starts.data,
        ends=form.ends.data,
        months=form.months.data,
        place=form.place.data or "",
        online_link=form.online_link.data or "",
    )


@bp.route("/cohorts/<id:cohort_id>/schedule", methods=["GET", "POST"])
def schedule(cohort_id: int) -> Response | tuple[str, int]:
    """Fill in the rule, check what it would do, then confirm: nothing changes before that."""
    db = get_db()
    cohort = _cohort(cohort_id, "cohort:schedule")
    form = ScheduleForm()
    if request.method == "GET" and cohort.start_month:
        form.first_month.data = cohort.start_month
    action = request.form.get("action", "check")
    if form.validate_on_submit() and action != "change":
        rule = _rule(form)
        with shown_on(form, "starts"):
            if action == "generate":
                proposal = services.apply_schedule(db, cohort, rule, utcnow())
                db.commit()
                flash(_schedule_done(proposal), "success")
                return redirect(url_for("meetings.cohort_meetings", cohort_id=cohort.id))
            proposal = services.propose_schedule(db, cohort, rule)
            return render_template(
                "meetings/schedule_check.html", cohort=cohort, form=form, proposal=proposal
            ), 200
    return render_form("meetings/schedule.html", form, cohort=cohort)


def _schedule_done(proposal: services.ScheduleProposal) -> str:
    added = len(proposal.new)
    message = f"{added} session{'s' if added != 1 else ''} added to the schedule."
    if proposal.replaced:
        message += f" {len(proposal.replaced)} empty draft sessions were replaced."
    return message


# --- Drafting a session ------------------------------------------------------------------


def _details(form: MeetingForm) -> services.MeetingDetails:
    return services.MeetingDetails(
        day=form.day.data,
        starts=form.starts.data,
        ends=form.ends.data,
        title=form.title.data or "",
        place=form.place.data or "",
        online_link=form.online_link.data or "",
        agenda=form.agenda.data or "",
    )


def _preview(form: MeetingForm) -> object | None:
    """The rendered agenda when the tutor pressed "Preview agenda" (no JavaScript needed)."""
    if request.method == "POST" and request.form.get("action") == "preview":
        return render_markdown(form.agenda.data or "")
    return None


@bp.route("/cohorts/<id:cohort_id>/sessions/new", methods=["GET", "POST"])
def new_meeting(cohort_id: int) -> Response | tuple[str, int]:
    db = get_db()
    cohort = _cohort(cohort_id, "cohort:schedule")
    form = MeetingForm()
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        with shown_on(form, "starts"):
            meeting = services.add_meeting(db, cohort, _details(form), utcnow())
            db.commit()
            flash("The session has been added as a draft.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_form("meetings/edit.html", form, cohort=cohort, meeting=None, preview=preview)


@bp.route("/sessions/<id:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id: int) -> Response | tuple[str, int]:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:edit")
    form = MeetingForm(data=vars(services.details_of(meeting)) if request.method == "GET" else None)
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        with shown_on(form, "starts"):
            services.update_meeting(db, meeting, _details(form), utcnow())
            db.commit()
            flash("The session has been saved.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_form(
        "meetings/edit.html", form, cohort=meeting.cohort, meeting=meeting, preview=preview
    )


@bp.route("/sessions/<id:meeting_id>/delete", methods=["GET", "POST"])
def delete_meeting(meeting_id: int) -> Response | str:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:edit")
    form = EmptyForm()
    if form.validate_on_submit():
        cohort_id = meeting.cohort_id
        with flashed():
            services.delete_meeting(db, meeting)
            db.commit()
            flash("The session has been deleted.", "success")
            return redirect(url_for("meetings.cohort_meetings", cohort_id=cohort_id))
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template(
        "meetings/delete.html",
        meeting=meeting,
        form=form,
        has_content=services.has_content(meeting),
    )


@bp.route("/sessions/<id:meeting_id>/plan")
def plan(meeting_id: int) -> tuple[str, int] | str:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:edit")
    return _render_plan(db, meeting, _slot_form(db, meeting))


def _slot_form(db: Session, meeting: Meeting) -> PresenterSlotForm:
    form = PresenterSlotForm()
    # Only challenges the planner can read: a programme admin who is not the set's tutor
    # sees none, so planning a session never shows them what the set is working on.
    open_challenges = challenge_queries.assignable_challenges(db, current_user, meeting.cohort_id)
    form.challenge.choices = choices(
        [("", "Choose a challenge")]
        + [(c.id, f"{c.owner.name}: {c.title}") for c in open_challenges]
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
        taken=queries.meeting_topics(db, meeting.id),
        open_topics=queries.topics_of(
            db, current_user, meeting.cohort_id, (TopicStatus.OPEN.value,), limit=20
        ),
        slots=slots,
        readable_challenges=queries.readable_slot_challenges(db, current_user, slots),
        can_take_topics=meeting.ends_at > utcnow(),
    )


# --- Materials from the library ----------------------------------------------------------


def _capability_choices(db: Session) -> list[SelectChoice]:
    rows = db.execute(
        select(Capability.slug, Capability.name)
        .join(CapabilityDomain, CapabilityDomain.id == Capability.domain_id)
        .where(Capability.archived_at.is_(None))
        .order_by(CapabilityDomain.position, Capability.position)
    )
    return choices([("", "Any capability"), *rows])


@bp.route("/sessions/<id:meeting_id>/library")
def library(meeting_id: int) -> str:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:edit")
    form = LibraryFilterForm(request.args, meta={"csrf": False})
    form.kind.choices = choices([("", "Any kind"), *KIND_NAMES.items()])
    form.capability.choices = _capability_choices(db)
    kind = form.kind.data if form.kind.data in KIND_NAMES else ""
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
    meeting = _meeting(meeting_id, "meeting:edit")
    if not EmptyForm().validate_on_submit():
        abort(400)
    item_id = request.form.get("content_item_id", type=int)
    if item_id is None:
        flash("Choose a library item to add")
        return _back_to_library(meeting)
    item = db.get(ContentItem, item_id) if is_id(item_id) else None
    if item is None:
        abort(404)
    with flashed():
        services.add_item(db, meeting, item, utcnow())
        db.commit()
        flash(f"“{item.title}” has been added to the session.", "success")
    if request.form.get("return_to") == "plan":
        return redirect(url_for("meetings.plan", meeting_id=meeting.id))
    return _back_to_library(meeting)


def _meeting_item(meeting: Meeting, item_id: int) -> MeetingItem:
    meeting_item = get_db().get(MeetingItem, item_id)
    if meeting_item is None or meeting_item.meeting_id != meeting.id:
        abort(404)
    return meeting_item


@bp.route("/sessions/<id:meeting_id>/items/<id:item_id>/move", methods=["POST"])
def move_item(meeting_id: int, item_id: int) -> Response:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:edit")
    meeting_item = _meeting_item(meeting, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with flashed():
        services.move_item(db, meeting_item, request.form.get("direction", ""), utcnow())
        db.commit()
    return redirect(url_for("meetings.plan", meeting_id=meeting.id, _anchor="materials"))


@bp.route("/sessions/<id:meeting_id>/items/<id:item_id>/remove", methods=["POST"])
def remove_item(meeting_id: int, item_id: int) -> Response:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:edit")
    meeting_item = _meeting_item(meeting, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    title = meeting_item.content_item.title
    services.remove_item(db, meeting_item, utcnow())
    db.commit()
    flash(f"“{title}” has been taken out of the session. It is still in the library.", "success")
    return redirect(url_for("meetings.plan", meeting_id=meeting.id, _anchor="materials"))


# --- Presenter slots ---------------------------------------------------------------------


@bp.route("/sessions/<id:meeting_id>/slots", methods=["POST"])
def add_slot(meeting_id: int) -> Response | tuple[str, int]:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:edit")
    form = _slot_form(db, meeting)
    if form.validate_on_submit():
        challenge_id = form.challenge.data
        challenge = db.get(Challenge, challenge_id) if is_id(challenge_id) else None
        with shown_on(form, "challenge"):
            services.add_presenter_slot(db, meeting, challenge, current_user, utcnow())
            db.commit()
            flash("The presenter slot has been added.", "success")
            return redirect(url_for("meetings.plan", meeting_id=meeting.id, _anchor="presenters"))
    return _render_plan(db, meeting, form)


def _slot(meeting: Meeting, slot_id: int) -> PresenterSlot:
    slot = get_db().get(PresenterSlot, slot_id)
    if slot is None or slot.meeting_id != meeting.id:
        abort(404)
    return slot


@bp.route("/sessions/<id:meeting_id>/slots/<id:slot_id>/move", methods=["POST"])
def move_slot(meeting_id: int, slot_id: int) -> Response:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:edit")
    slot = _slot(meeting, slot_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with flashed():
        services.move_presenter_slot(db, slot, request.form.get("direction", ""), utcnow())
        db.commit()
    return redirect(url_for("meetings.plan", meeting_id=meeting.id, _anchor="presenters"))


@bp.route("/sessions/<id:meeting_id>/slots/<id:slot_id>/remove", methods=["POST"])
def remove_slot(meeting_id: int, slot_id: int) -> Response:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:edit")
    slot = _slot(meeting, slot_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.remove_presenter_slot(db, slot, utcnow())
    db.commit()
    flash("The presenter slot has been removed.", "success")
    return redirect(url_for("meetings.plan", meeting_id=meeting.id, _anchor="presenters"))


# --- Publishing --------------------------------------------------------------------------


def _notify(meeting: Meeting) -> int:
    """Queue an email to each of the cohort's members that the session is published, in the
    publishing transaction; the number queued."""
    db = get_db()
    link = mail.absolute_url("meetings.meeting", meeting_id=meeting.id)
    members = services.members_to_notify(db, meeting, current_user)
    for user in members:
        mail.queue_message(
            db,
            user.email,
            f"{meeting.display_title} on {uk_date(meeting.starts_at)}: {meeting.cohort.name}",
            "email/session_published.txt",
            user=user,
            meeting=meeting,
            link=link,
        )
    return len(members)


@bp.route("/sessions/<id:meeting_id>/publish", methods=["GET", "POST"])
def publish(meeting_id: int) -> Response | str:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:publish")
    form = PublishForm()
    if form.validate_on_submit():
        with flashed():
            services.publish(db, meeting, utcnow())
            message = "The session has been published. Members of the set can now see it."
            if form.notify.data:
                queued = _notify(meeting)
                message += f" {queued} member{'s' if queued != 1 else ''} will be emailed."
            db.commit()
            flash(message, "success")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template(
        "meetings/publish.html",
        meeting=meeting,
        form=form,
        item_count=len(meeting.items),
    )


@bp.route("/sessions/<id:meeting_id>/unpublish", methods=["GET", "POST"])
def unpublish(meeting_id: int) -> Response | str:
    db = get_db()
    meeting = _meeting(meeting_id, "meeting:publish")
    form = EmptyForm()
    if form.validate_on_submit():
        with flashed():
            services.unpublish(db, meeting, utcnow())
            db.commit()
            flash("The session is a draft again. Participants can no longer see it.", "success")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template("meetings/unpublish.html", meeting=meeting, form=form)


# --- Attendance --------------------------------------------------------------------------


@bp.route("/sessions/<id:meeting_id>/attendance", methods=["GET", "POST"])
def attendance(meeting_id: int) -> Response | tuple[str, int]:
    db = get_db()
    meeting = _meeting(meeting_id, "attendance:record")
    participants = services.cohort_participants(db, meeting.cohort_id)
    recorded = {record.user_id: record.present for record in meeting.attendances}
    form = AttendanceForm()
    form.present.choices = choices([(user.id, user.name) for user in participants])
    if request.method == "GET":
        form.present.data = [user_id for user_id, present in recorded.items() if present]
    started = services.has_started(meeting, utcnow())
    if form.validate_on_submit():
        with shown_on(form):
            services.record_attendance(
                db, meeting, set(form.present.data or []), current_user, utcnow()
            )
            db.commit()
            flash("Attendance has been saved.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_form(
        "meetings/attendance.html",
        form,
        meeting=meeting,
        participants=participants,
        started=started,
        recorded=bool(recorded),
    )


# --- One session as a calendar file ------------------------------------------------------


@bp.route("/sessions/<id:meeting_id>/calendar.ics")
def meeting_ics(meeting_id: int) -> Response:
    meeting = _meeting(meeting_id)
    body = calendar.build_calendar(
        [meeting],
        current_app.config["BASE_URL"],
        lambda m: mail.absolute_url("meetings.meeting", meeting_id=m.id),
        utcnow(),
        name=f"{meeting.display_title}: {meeting.cohort.name}",
    )
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="learnset-session-{meeting.id}.ics"'
    )
    return response
