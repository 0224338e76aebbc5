"""The sessions' pages: lists, a session, the schedule, drafting, publishing, attendance and
its calendar file. Planning is in plan_views, on the same blueprint."""

from __future__ import annotations

from collections.abc import Sequence

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm.interfaces import ORMOption
from werkzeug.wrappers import Response

from learnset import authz, mail, once
from learnset.cohorts.models import Cohort, Role
from learnset.db import get_db, utcnow
from learnset.errors import flashed, shown_on
from learnset.forms import choices, committed, confirm_page, confirmed, done, render_form
from learnset.markdown import render as render_markdown
from learnset.meetings import (
    calendar,
    queries,
    services,
)
from learnset.meetings.forms import (
    AttendanceForm,
    MeetingForm,
    PublishForm,
    ScheduleForm,
)
from learnset.meetings.models import Meeting
from learnset.meetings.schedule import ScheduleRule
from learnset.pagination import page_number, paginate

bp = Blueprint("meetings", __name__)


def meeting_or_404(
    meeting_id: int, action: str | None = None, options: Sequence[ORMOption] = ()
) -> Meeting:
    return authz.get_or_404(
        get_db(), Meeting, meeting_id, current_user, "meeting:view", action, options=options
    )


def _page(meeting: Meeting) -> str:
    return url_for("meetings.meeting", meeting_id=meeting.id)


def _cohort(cohort_id: int, action: str | None = None) -> Cohort:
    return authz.get_or_404(get_db(), Cohort, cohort_id, current_user, "cohort:view", action)


# --- Lists and the session page ----------------------------------------------------------


@bp.route("/cohorts/<id:cohort_id>/sessions")
def cohort_meetings(cohort_id: int) -> str:
    db = get_db()
    cohort = _cohort(cohort_id)
    query, values = queries.cohort_meetings(current_user, cohort.id)
    result = paginate(db, query, page_number(request.args.get("page")), 24, values=values)
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
    meeting = meeting_or_404(meeting_id)
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
                if (again := once.earlier(form)) is not None:
                    return again
                proposal = services.apply_schedule(db, cohort, rule, utcnow())
                to = url_for("meetings.cohort_meetings", cohort_id=cohort.id)
                return once.done(form, _schedule_done(proposal), to)
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
        if (again := once.earlier(form)) is not None:
            return again
        with shown_on(form, "starts"):
            meeting = services.add_meeting(db, cohort, _details(form), utcnow())
            return once.done(form, "The session has been added as a draft.", _page(meeting))
    return render_form("meetings/edit.html", form, cohort=cohort, meeting=None, preview=preview)


@bp.route("/sessions/<id:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id: int) -> Response | tuple[str, int]:
    db = get_db()
    meeting = meeting_or_404(meeting_id, "meeting:edit")
    form = MeetingForm(data=vars(services.details_of(meeting)) if request.method == "GET" else None)
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        with shown_on(form, "starts"):
            services.update_meeting(db, meeting, _details(form), utcnow(), actor=current_user)
            return done("The session has been saved.", _page(meeting))
    return render_form(
        "meetings/edit.html", form, cohort=meeting.cohort, meeting=meeting, preview=preview
    )


@bp.route("/sessions/<id:meeting_id>/delete", methods=["GET", "POST"])
def delete_meeting(meeting_id: int) -> Response | str:
    db = get_db()
    meeting = meeting_or_404(meeting_id, "meeting:edit")
    if confirmed():
        cohort_id = meeting.cohort_id
        with flashed():
            services.delete_meeting(db, meeting)
            to = url_for("meetings.cohort_meetings", cohort_id=cohort_id)
            return done("The session has been deleted.", to)
        return redirect(_page(meeting))
    return confirm_page(
        "meetings/delete.html",
        meeting=meeting,
        has_content=services.has_content(meeting),
    )


# --- Publishing --------------------------------------------------------------------------


@bp.route("/sessions/<id:meeting_id>/publish", methods=["GET", "POST"])
def publish(meeting_id: int) -> Response | str:
    db = get_db()
    meeting = meeting_or_404(meeting_id, "meeting:publish")
    form = PublishForm()
    if form.validate_on_submit():
        with flashed():
            emailed = services.publish(
                db, meeting, utcnow(), actor=current_user, email_now=bool(form.notify.data)
            )
            message = "The session has been published. Members of the set can now see it."
            if form.notify.data:
                message += f" {emailed} member{'s' if emailed != 1 else ''} will be emailed."
            committed(message)
        return redirect(_page(meeting))
    return render_template(
        "meetings/publish.html",
        meeting=meeting,
        form=form,
        item_count=len(meeting.items),
    )


@bp.route("/sessions/<id:meeting_id>/unpublish", methods=["GET", "POST"])
def unpublish(meeting_id: int) -> Response | str:
    db = get_db()
    meeting = meeting_or_404(meeting_id, "meeting:publish")
    if confirmed():
        with flashed():
            services.unpublish(db, meeting, utcnow())
            committed("The session is a draft again. Participants can no longer see it.")
        return redirect(_page(meeting))
    return confirm_page("meetings/unpublish.html", meeting=meeting)


# --- Attendance --------------------------------------------------------------------------


@bp.route("/sessions/<id:meeting_id>/attendance", methods=["GET", "POST"])
def attendance(meeting_id: int) -> Response | tuple[str, int]:
    db = get_db()
    meeting = meeting_or_404(meeting_id, "attendance:record")
    participants = authz.people_in(db, meeting.cohort_id, Role.PARTICIPANT)
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
            return done("Attendance has been saved.", _page(meeting))
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
    meeting = meeting_or_404(meeting_id)
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
