"""The one thing a dashboard changes: a suggested library item goes into the next session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from learnset.cohorts.models import Cohort
from learnset.dashboards.planning import next_draft_meeting
from learnset.errors import DomainError
from learnset.ids import is_id
from learnset.library.models import ContentItem
from learnset.meetings import services as meeting_services
from learnset.meetings.models import Meeting


class PlanError(DomainError):
    """The item cannot go into the next session; the message says why, for the tutor."""


def add_to_next_session(
    db: Session, cohort: Cohort, meeting_id: int, item_id: int, now: datetime
) -> tuple[Meeting, ContentItem]:
    """Add a library item to the cohort's next draft session (the one the tutor was shown),
    by the sessions' own rule: not archived, not already in it."""
    meeting = next_draft_meeting(db, cohort.id, now)
    if meeting is None:
        raise PlanError("There is no draft session coming up, so the item was not added")
    if meeting.id != meeting_id:
        raise PlanError(
            "The next draft session has changed since the page was opened. "
            "Check the suggestions and try again"
        )
    item = db.get(ContentItem, item_id) if is_id(item_id) else None
    if item is None:
        raise PlanError("That library item could not be found")
    try:
        meeting_services.add_item(db, meeting, item, now)
    except meeting_services.MeetingError as error:
        raise PlanError(str(error)) from error
    return meeting, item
