"""A challenge's page: its figures, open plans, the sessions presenting it, and its timeline
of updates and the owner's reflections, month by month and a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, Row, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.challenges.models import PLAN_KINDS, Challenge, ChallengeUpdate, UpdateKind
from learnset.dates import UK, uk_month
from learnset.db import PERSON, plain_rows
from learnset.meetings.models import Meeting, PresenterSlot
from learnset.pagination import PER_PAGE, Page
from learnset.reflections.models import Reflection

# An update as the page reads it: a plain row of its columns, with `author_name` (None once
# the author has deleted their account) and `is_plan`; no ORM object, the page changes nothing.
UpdateRow = Row[Any]


@dataclass(frozen=True)
class TimelineEntry:
    """One thing in a challenge's timeline: an update, or one of the owner's reflections."""

    at: datetime
    update: UpdateRow | None = None
    reflection: Reflection | None = None

    @property
    def kind(self) -> str:
        return self.update.kind if self.update is not None else "reflection"


@dataclass
class TimelineMonth:
    month: date
    entries: list[TimelineEntry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"


# The page's statements are built once (building one costs more than running it) and bound to
# the challenge, its owner and the viewer with these parameters.
_CHALLENGE = bindparam("challenge_id", type_=Integer)
_OWNER = bindparam("owner_id", type_=Integer)
_AFTER = bindparam("after", type_=Date)
_UNTIL = bindparam("until", type_=Date)
_OFFSET = bindparam("offset", type_=Integer)


def _updates_of() -> Select[Any]:
    return select(
        ChallengeUpdate.__table__, ChallengeUpdate.kind.in_(PLAN_KINDS).label("is_plan")
    ).where(ChallengeUpdate.challenge_id == _CHALLENGE)


@cache
def _linked_reflections(after: bool, until: bool) -> Select[Reflection]:
    query = authz.visible_reflections(PERSON).where(
        Reflection.challenge_id == _CHALLENGE,
        Reflection.author_id == _OWNER,
    )
    if after:
        query = query.where(Reflection.experienced_on > _AFTER)
    if until:
        query = query.where(Reflection.experienced_on <= _UNTIL)
    return query.order_by(Reflection.experienced_on, Reflection.created_at, Reflection.id)


def linked_reflections(
    db: Session,
    viewer: User,
    challenge: Challenge,
    after: date | None = None,
    until: date | None = None,
) -> list[Reflection]:
    """The owner's reflections about the challenge that the viewer may read, oldest first;
    with `after` and `until`, those about days in that span (after excluded, until included).

    A private reflection reaches its author only, a tutors-only one the tutors too: the link
    never widens who can read it.
    """
    values = {
        "person_id": viewer.id,
        "challenge_id": challenge.id,
        "owner_id": challenge.owner_id,
        "after": after,
        "until": until,
    }
    return list(db.scalars(_linked_reflections(after is not None, until is not None), values))


def timeline(updates: list[UpdateRow], reflections: list[Reflection]) -> list[TimelineMonth]:
    """Month by month in UK time, the latest month first; within a month, in the order things
    happened, so a question reads before the action it prompted. A reflection counts from the
    start of the day it is about."""
    entries = [TimelineEntry(update.created_at, update=update) for update in updates]
    entries += [
        TimelineEntry(
            datetime.combine(reflection.experienced_on, time(0), tzinfo=UK), reflection=reflection
        )
        for reflection in reflections
    ]
    entries.sort(key=lambda entry: (entry.at, entry.reflection is None))
    months: dict[date, TimelineMonth] = {}
    for entry in entries:
        month = uk_month(entry.at)
        months.setdefault(month, TimelineMonth(month)).entries.append(entry)
    return [months[month] for month in sorted(months, reverse=True)]


@dataclass(frozen=True)
class ChallengePage:
    months: list[TimelineMonth]
    # The page of the timeline shown: its updates, newest first, and where it sits.
    timeline: Page[UpdateRow]
    questions: int
    helped: int
    gains: int
    open_plans: list[UpdateRow]
    presenting: list[Meeting]


@cache
def _presentations(admin: bool) -> Select[Meeting]:
    return (
        authz.visible_meetings(PERSON, admin=admin)
        .join(PresenterSlot, PresenterSlot.meeting_id == Meeting.id)
        .where(PresenterSlot.challenge_id == _CHALLENGE)
    )


def presentations(db: Session, viewer: User, challenge: Challenge) -> list[Meeting]:
    """The sessions the viewer can see in which the challenge has a presenter slot."""
    values = {"person_id": viewer.id, "challenge_id": challenge.id}
    return list(db.scalars(_presentations(viewer.is_admin), values).unique())


@cache
def _figures() -> Select[int, int, int, int]:
    kind = ChallengeUpdate.kind
    return select(
        func.count(),
        func.count().filter(kind == UpdateKind.QUESTION),
        func.count().filter(kind == UpdateKind.QUESTION, ChallengeUpdate.helped_at.is_not(None)),
        func.count().filter(kind == UpdateKind.GAIN),
    ).where(ChallengeUpdate.challenge_id == _CHALLENGE)


@cache
def _timeline_rows(per_page: int) -> Select[Any]:
    # One more than the page: the newest update of the next page bounds its reflections.
    return (
        _updates_of()
        .add_columns(User.name.label("author_name"))
        .outerjoin(User, User.id == ChallengeUpdate.author_id)
        .order_by(ChallengeUpdate.created_at.desc(), ChallengeUpdate.id.desc())
        .limit(per_page + 1)
        .offset(_OFFSET)
    )


@cache
def _open_plans() -> Select[Any]:
    return (
        _updates_of()
        .where(
            ChallengeUpdate.kind.in_((UpdateKind.ACTION, UpdateKind.EXPERIMENT)),
            ChallengeUpdate.outcome_at.is_(None),
        )
        .order_by(ChallengeUpdate.created_at, ChallengeUpdate.id)
    )


def _uk_day(at: datetime) -> date:
    return at.astimezone(UK).date()


def challenge_page(
    db: Session, viewer: User, challenge: Challenge, number: int = 1, per_page: int = PER_PAGE
) -> ChallengePage:
    """Everything a challenge's page shows, in a fixed number of queries however long its
    timeline: the figures, the open plans, the sessions presenting it, and one page of the
    timeline, newest first.

    A page holds `per_page` updates and the owner's reflections that fall between them: a
    reflection counts from the start of its day, so page n shows those after the newest update
    of page n + 1 and up to the newest of its own (the first page: up to now). A page past the
    end shows the last, as every list does (learnset/pagination.py).
    """
    this = {"challenge_id": challenge.id}
    total, questions, helped, gains = plain_rows(db, _figures(), this).one()
    number = min(max(1, number), max(1, -(-total // per_page)))
    rows = list(
        plain_rows(db, _timeline_rows(per_page), {**this, "offset": (number - 1) * per_page})
    )
    shown, following = rows[:per_page], rows[per_page:]
    reflections = linked_reflections(
        db,
        viewer,
        challenge,
        after=_uk_day(following[0].created_at) if following else None,
        until=_uk_day(shown[0].created_at) if number > 1 and shown else None,
    )
    open_plans = plain_rows(db, _open_plans(), this)
    return ChallengePage(
        months=timeline(shown, reflections),
        timeline=Page(shown, number, per_page, total),
        questions=questions,
        helped=helped,
        gains=gains,
        open_plans=list(open_plans),
        presenting=presentations(db, viewer, challenge),
    )


def timeline_page_of(db: Session, update: ChallengeUpdate, per_page: int = PER_PAGE) -> int:
    """The page of its challenge's timeline an update is on (for links back to it)."""
    newer = db.scalar(
        select(func.count()).where(
            ChallengeUpdate.challenge_id == update.challenge_id,
            or_(
                ChallengeUpdate.created_at > update.created_at,
                and_(
                    ChallengeUpdate.created_at == update.created_at,
                    ChallengeUpdate.id > update.id,
                ),
            ),
        )
    )
    return (newer or 0) // per_page + 1
