"""What live challenges add to the home page: a participant's open challenges with what they
said they would try, and for tutors the challenges presenting at each set's next session."""

from __future__ import annotations

from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges import queries
from learnset.cohorts.models import Role
from learnset.db import utcnow
from learnset.main.panels import Panel


def own_challenges_panel(db: Session, user: User) -> Panel | None:
    cohorts = sorted(authz.cohorts_as(db, user, Role.PARTICIPANT), key=lambda cohort: cohort.name)
    if not cohorts:
        return None
    return Panel(
        "challenges/_panel_own.html",
        {"challenges": queries.own_open_challenges(db, user, utcnow()), "cohorts": cohorts},
        order=15,
    )


def presenting_panel(db: Session, user: User) -> Panel | None:
    if not authz.tutors_anything(user):
        return None
    presenting = queries.presenting_next(db, user, utcnow())
    slots = [slot for item in presenting for slot in item.slots]
    readable = queries.readable_ids(db, user, [s.challenge_id for s in slots if s.challenge_id])
    if not presenting:
        return None
    return Panel(
        "challenges/_panel_presenting.html", {"sets": presenting, "readable": readable}, order=25
    )
