"""The log's filter form: choices from the writer's own cohorts, sessions and the framework."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.ids import number_in
from learnset.reflections import linkable
from learnset.reflections.forms import LogFilterForm, id_choices
from learnset.reflections.queries import LogFilters


def small_id(value: str | None) -> int | None:
    """An id from the query string, or None for anything that is not a plausible id."""
    return number_in(value) if value and len(value) < 10 else None


def log_filters(db: Session, user: User, args: Any) -> tuple[LogFilterForm, LogFilters]:
    """The filter form as submitted, and the filters to apply (none if the form is invalid)."""
    form = LogFilterForm(args)
    cohorts = linkable.participant_cohorts(db, user)
    form.cohort.choices = id_choices([(c.id, c.name) for c in cohorts], empty="All")
    several = len(cohorts) > 1
    form.meeting.choices = id_choices(
        [
            (
                meeting.id,
                (f"{meeting.cohort_name}: " if several else "")
                + f"Session {meeting.number}"
                + (f": {meeting.title}" if meeting.title else ""),
            )
            for meeting in linkable.linkable_meetings(db, user)
        ],
        empty="All",
    )
    form.capability.choices = id_choices(linkable.capability_names(db), empty="All")
    if args and not form.validate():
        return form, LogFilters()
    return form, LogFilters(
        text=form.q.data or "",
        cohort_id=small_id(form.cohort.data),
        meeting_id=small_id(form.meeting.data),
        capability_id=small_id(form.capability.data),
        visibility=form.visibility.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
