"""Home page panels: a participant's next and previous sessions and open topics; a tutor's
next session to plan."""

from __future__ import annotations

from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.db import utcnow
from learnset.main.panels import Panel, list_panel
from learnset.meetings import home


def participant_sessions(db: Session, user: User) -> Panel | None:
    homes = home.participant_home(db, user, utcnow())
    return list_panel("meetings/_home_participant.html", "homes", homes, order=10)


def tutor_sessions(db: Session, user: User) -> Panel | None:
    homes = home.tutor_home(db, user, utcnow())
    return list_panel("meetings/_home_tutor.html", "homes", homes, order=20)
