"""Rounds, raters and answers for the tests of feedback from colleagues."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort
from learnset.colleague_feedback import services
from learnset.colleague_feedback.models import FeedbackRater, FeedbackRound
from learnset.db import utcnow
from learnset.framework.models import Capability


def make_round(
    db: Session,
    participant: User,
    cohort: Cohort,
    capabilities: list[Capability],
    relations: list[str] | None = None,
    *,
    days: int = 14,
    now: datetime | None = None,
) -> FeedbackRound:
    """An open round asking one colleague per relationship given (five peers by default)."""
    now = now or utcnow()
    relations = relations or ["peer"] * 5
    return services.open_round(
        db,
        participant,
        cohort,
        capability_ids=[c.id for c in capabilities],
        note="I am working on how I run meetings across organisations.",
        raters=[
            services.RaterInput(f"colleague{n}@example.nhs.uk", relation)
            for n, relation in enumerate(relations, start=1)
        ],
        closes_at=now + timedelta(days=days),
        now=now,
    )


def link_for(db: Session, rater: FeedbackRater) -> str:
    """The rater's link's secret, as their email would carry it."""
    return services.new_link(db, rater)


def answers(levels: dict[Capability, int], **text: str) -> dict[str, Any]:
    """Answers as the rater's form gives them: a level per capability (0: "I can't say")."""
    return {"ratings": {str(c.id): level for c, level in levels.items()}, **text}


def respond(
    db: Session,
    rater: FeedbackRater,
    levels: dict[Capability, int],
    now: datetime | None = None,
    **text: str,
) -> None:
    """The rater sends these answers through the link their email carried."""
    if rater.token_hash is None:
        link_for(db, rater)
    services.submit(db, rater, answers(levels, **text), now or utcnow())
