"""Planning the next session from the set's released gaps: library items the set has not used
that develop its largest gaps, for the next draft session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from learnset.dashboards.cohort_figures import CapabilityFigures, commonest_first
from learnset.dashboards.participants import ONE_COHORT
from learnset.db import UTCDateTime
from learnset.library.models import ContentItem
from learnset.library.queries import cards_by_capability, items_developing_query
from learnset.meetings.models import Meeting, MeetingItem, MeetingStatus

GAPS_TO_PLAN = 5
ITEMS_PER_GAP = 3

# --- Planning the next session from the gaps ---------------------------------------------------


@dataclass(frozen=True)
class SuggestedItem:
    id: int
    slug: str
    kind: str
    title: str
    summary: str
    minutes: int | None


@dataclass
class GapToPlan:
    figures: CapabilityFigures
    items: list[SuggestedItem] = field(default_factory=list)


def gaps_to_plan(
    db: Session, cohort_id: int, figures: list[CapabilityFigures], limit: int = GAPS_TO_PLAN
) -> list[GapToPlan]:
    """The commonest gaps (up to five; none while fewer than 3 participants have shared), each
    with library items that develop it, are not archived and have not been used in any of the
    cohort's sessions (one query). An item that develops several of the gaps is offered once,
    under the commonest."""
    gaps = [
        GapToPlan(figure)
        for figure in commonest_first(figures)
        if not figure.mean_gap.suppressed and (figure.mean_gap.value or 0) > 0
    ][:limit]
    if not gaps:
        return gaps
    by_capability = cards_by_capability(
        db,
        _suggestions_statement(),
        {"capability_ids": [gap.figures.capability_id for gap in gaps], "cohort_id": cohort_id},
    )
    offered: set[int] = set()
    for gap in gaps:
        for item in by_capability.get(gap.figures.capability_id, []):
            if item.id in offered or len(gap.items) >= ITEMS_PER_GAP:
                continue
            offered.add(item.id)
            gap.items.append(
                SuggestedItem(item.id, item.slug, item.kind, item.title, item.summary, item.minutes)
            )
    return gaps


@cache
def _suggestions_statement() -> Select[Any]:
    # Built once, bound to a cohort and its gaps by parameters: items as plain rows.
    used = select(MeetingItem.content_item_id).join(Meeting).where(Meeting.cohort_id == ONE_COHORT)
    return items_developing_query(ContentItem.id.not_in(used), cards=True)


@cache
def _next_draft_statement() -> Select[Meeting]:
    # Built once (every dashboard page asks), bound to a cohort and a moment by parameters.
    return (
        select(Meeting)
        .where(
            Meeting.cohort_id == ONE_COHORT,
            Meeting.status == MeetingStatus.DRAFT,
            Meeting.starts_at > bindparam("now", type_=UTCDateTime),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )


def next_draft_meeting(db: Session, cohort_id: int, now: datetime) -> Meeting | None:
    """The earliest session of the cohort still to start that is a draft (one query)."""
    return db.scalar(_next_draft_statement(), {"cohort_id": cohort_id, "now": now})
