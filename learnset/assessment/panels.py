"""What self-assessment adds to a person's home page."""

from __future__ import annotations

from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.assessment import progress
from learnset.cohorts.models import Role
from learnset.main.panels import Panel, list_panel


def capabilities_panel(db: Session, user: User) -> Panel | None:
    """A participant's focus for the month and largest gaps, or an invitation to start."""
    summaries = progress.home_summaries(db, user)
    return list_panel("assessment/_panel_capabilities.html", "summaries", summaries, order=30)


def shared_assessments_panel(db: Session, user: User) -> Panel | None:
    """For tutors: where to read what participants shared with them."""
    cohorts = authz.cohorts_as(db, user, Role.TUTOR)
    return list_panel("assessment/_panel_tutor.html", "cohorts", cohorts, order=60)
