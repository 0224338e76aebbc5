"""A learning set's sessions made from a programme in one step: a draft a month, each with its
running order as the agenda and its library items, for the tutor to adapt before publishing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import MONTHLY, rrule
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort
from learnset.curriculum import agenda
from learnset.curriculum.models import Programme, ProgrammeSession, ProgrammeUse
from learnset.dates import uk_date
from learnset.meetings.models import Meeting, MeetingItem, MeetingStatus
from learnset.meetings.schedule import WEEKDAYS, ScheduleError, uk_to_utc, utc_to_uk
from learnset.meetings.services import MeetingError, renumber


@dataclass(frozen=True)
class ProgrammeStart:
    """What the tutor chooses: the programme, the first session's day and start time, a place."""

    programme: Programme | None
    first_day: date
    starts: time
    place: str = ""


@dataclass(frozen=True)
class PlannedFromProgramme:
    session: ProgrammeSession
    starts_at: datetime
    ends_at: datetime


def monthly_days(first_day: date, count: int) -> list[date]:
    """`count` days a month apart on the same weekday of the month as the first: the second
    Tuesday, say; a fifth weekday becomes the last one, since not every month has a fifth."""
    week = (first_day.day - 1) // 7 + 1
    weekday = WEEKDAYS[first_day.weekday()](week if week < 5 else -1)
    return [
        moment.date()
        for moment in rrule(MONTHLY, dtstart=first_day, count=count, byweekday=weekday)
    ]


def plan_from_programme(
    db: Session, cohort: Cohort, start: ProgrammeStart
) -> list[PlannedFromProgramme]:
    """The sessions the programme would give the set; refused, with the field to put it beside,
    when the programme was already used for this set or the set has sessions on those days."""
    programme = start.programme
    if programme is None or programme.archived_at is not None:
        raise MeetingError("Choose a programme", "programme")
    used = db.scalar(
        select(ProgrammeUse).where(
            ProgrammeUse.cohort_id == cohort.id, ProgrammeUse.programme_id == programme.id
        )
    )
    if used is not None:
        raise MeetingError(
            f"This learning set's sessions were already made from “{programme.title}” on "
            f"{uk_date(used.applied_at)}. Change those sessions one by one instead",
            "programme",
        )
    days = monthly_days(start.first_day, len(programme.sessions))
    planned = []
    for day, session in zip(days, programme.sessions, strict=True):
        try:
            starts_at = uk_to_utc(day, start.starts)
            ends_at = uk_to_utc(day, agenda.ends_at(session, start.starts))
        except ScheduleError as error:
            raise MeetingError(str(error), "starts") from None
        if ends_at <= starts_at:
            raise MeetingError("Sessions this long must start earlier in the day", "starts")
        planned.append(PlannedFromProgramme(session, starts_at, ends_at))
    _refuse_clashes(db, cohort, set(days))
    return planned


def _refuse_clashes(db: Session, cohort: Cohort, days: set[date]) -> None:
    earliest = uk_to_utc(min(days), time(0, 0))
    latest = uk_to_utc(max(days), time(0, 0)) + timedelta(days=1)
    existing = db.scalars(
        select(Meeting.starts_at).where(
            Meeting.cohort_id == cohort.id,
            Meeting.starts_at >= earliest,
            Meeting.starts_at < latest,
        )
    )
    clashes = sorted({day for moment in existing if (day := utc_to_uk(moment).date()) in days})
    if clashes:
        named = ", ".join(f"{day.day} {day:%B %Y}" for day in clashes)
        raise MeetingError(
            f"The set already has a session on {named}. Choose another first date, or move "
            "or delete those sessions first",
            "first_day",
        )


def create_from_programme(
    db: Session, actor: User, cohort: Cohort, start: ProgrammeStart, now: datetime
) -> list[Meeting]:
    """Every session of the programme as a draft of the set, with its agenda and items, and a
    note that the programme was used; all of them or, when a rule is broken, none."""
    planned = plan_from_programme(db, cohort, start)
    assert start.programme is not None  # plan_from_programme refuses a missing programme
    meetings = []
    for plan in planned:
        meeting = Meeting(
            cohort=cohort,
            title=plan.session.title,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            place=start.place.strip(),
            agenda=agenda.agenda_markdown(plan.session, start.starts),
            status=MeetingStatus.DRAFT.value,
            created_at=now,
            updated_at=now,
        )
        items = [step.content_item for step in plan.session.steps if step.content_item]
        meeting.items = [
            MeetingItem(content_item=item, position=position)
            for position, item in enumerate(
                (item for item in items if item.archived_at is None), start=1
            )
        ]
        db.add(meeting)
        meetings.append(meeting)
    db.add(
        ProgrammeUse(
            cohort_id=cohort.id,
            programme_id=start.programme.id,
            applied_at=now,
            applied_by_id=actor.id,
        )
    )
    renumber(db, cohort.id)
    return meetings
