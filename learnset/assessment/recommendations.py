"""What to work on next: library items for the largest gaps, and the sessions that used them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, exists, select
from sqlalchemy.orm import Session

from learnset.assessment.progress import CapabilityProgress
from learnset.db import NOW, PERSON, plain_rows
from learnset.library.models import ContentItem
from learnset.library.queries import ItemCard, cards_by_capability, items_developing_query
from learnset.meetings.models import Meeting, MeetingItem, MeetingRow, MeetingStatus
from learnset.reflections.models import Reflection

ITEMS_PER_GAP = 3


@dataclass
class RecommendedItem:
    item: ItemCard
    # The cohort's past published sessions that used it, most recent first.
    sessions: list[MeetingRow] = field(default_factory=list)


@dataclass
class Recommendation:
    gap: CapabilityProgress
    items: list[RecommendedItem] = field(default_factory=list)


@cache
def _not_reflected_on() -> Select[Any]:
    """Built once: items developing the capabilities that the person has not yet written a
    reflection about (the bin does not count)."""
    return items_developing_query(
        ~exists().where(
            Reflection.author_id == PERSON,
            Reflection.content_item_id == ContentItem.id,
            Reflection.deleted_at.is_(None),
        ),
        cards=True,
    )


@cache
def _sessions_using() -> Select[int, int, int, str, datetime]:
    """Built once: the cohort's past published sessions that used some items, latest first."""
    return (
        select(
            MeetingItem.content_item_id,
            Meeting.id,
            Meeting.number,
            Meeting.title,
            Meeting.starts_at,
        )
        .join(Meeting, Meeting.id == MeetingItem.meeting_id)
        .where(
            MeetingItem.content_item_id.in_(bindparam("item_ids", type_=Integer, expanding=True)),
            Meeting.cohort_id == bindparam("cohort_id", type_=Integer),
            Meeting.status == MeetingStatus.PUBLISHED,
            Meeting.starts_at < NOW,
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id)
    )


def recommendations(
    db: Session,
    participant_id: int,
    cohort_id: int,
    gaps: list[CapabilityProgress],
    now: datetime,
    per_gap: int = ITEMS_PER_GAP,
) -> list[Recommendation]:
    """For each gap, library items that develop it which the participant has not reflected on,
    each with the cohort's past published sessions that used it (two queries).

    An item that develops several of the gaps is offered once, under the largest.
    """
    if not gaps:
        return []
    found = cards_by_capability(
        db,
        _not_reflected_on(),
        {"capability_ids": [gap.capability.id for gap in gaps], "person_id": participant_id},
    )
    offered: dict[int, RecommendedItem] = {}
    result = []
    for gap in gaps:
        recommendation = Recommendation(gap)
        for item in found.get(gap.capability.id, []):
            if item.id in offered or len(recommendation.items) >= per_gap:
                continue
            offered[item.id] = RecommendedItem(item)
            recommendation.items.append(offered[item.id])
        result.append(recommendation)
    if offered:
        values = {"item_ids": list(offered), "cohort_id": cohort_id, "now": now}
        for row in plain_rows(db, _sessions_using(), values):
            offered[row[0]].sessions.append(MeetingRow(*row[1:]))
    return result
