"""Demo live challenges: the Riverside set's work over the months (questions, actions,
experiments, gains, one closed and told as a story) and one in Eastvale, presenting at each
set's next session. Dated from the sets' own past sessions, so the timeline reads true."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from learnset import authz, files
from learnset.accounts.models import User
from learnset.challenges import update_files
from learnset.challenges.models import (
    Challenge,
    ChallengeStatus,
    ChallengeUpdate,
    Story,
    TrappedNote,
)
from learnset.cohorts.models import Cohort
from learnset.meetings.models import Meeting, PresenterSlot
from learnset.reflections.models import Reflection


@dataclass(frozen=True)
class Step:
    """One update, at a session (by its index among the set's past sessions) plus some hours."""

    session: int
    kind: str
    author: str
    body: str
    hours: int = 2
    helped: bool = False
    expected_learning: str = ""
    spend: str | None = None
    # What happened, reported at a later session (its index).
    outcome: str = ""
    outcome_session: int | None = None
    gain_for: str | None = None
    gain_kind: str | None = None
    evidence: str = ""


@dataclass(frozen=True)
class DemoChallenge:
    cohort: str
    owner: str
    title: str
    context: str
    outcomes: str
    stakeholders: str
    trapped: dict[str, str]
    status: str = ChallengeStatus.OPEN.value
    presenting: bool = False
    story: str = ""
    reflection: str = ""
    steps: list[Step] = field(default_factory=list)


RIVERSIDE = "Riverside learning set 2026"
EASTVALE = "Eastvale learning set 2026 to 2027"
PRIYA, TOM, AISHA, GRACE = (f"participant{n}@example.org" for n in (1, 2, 3, 4))
JONATHAN, MEGAN, FARID = (f"participant{n}@example.org" for n in (5, 6, 7))
SAMUEL, NIAMH, OLIVER = (
    "tutor1@example.org",
    "participant10@example.org",
    "participant9@example.org",
)

CHALLENGES = [
    DemoChallenge(
        cohort=RIVERSIDE,
        owner=PRIYA,
        title="Frailty support that keeps people well at home",
        context="Every winter, admissions of frail older people from the north of the borough "
        "rise, and most stay longer than they need to. Three teams assess the same people "
        "separately, and the community hospital's beds fill with people waiting for care at "
        "home.",
        outcomes="Older people living with frailty in the north of the borough stay well at "
        "home for longer, know who to call, and tell their story once.",
        stakeholders="Older people and their carers, six practices, community nursing, the "
        "community hospital, adult social care, Age UK Riverside",
        trapped={
            "buildings": "Twelve community hospital beds used mostly by people waiting for care",
            "processes": "Three separate assessments of the same person",
            "attitudes": "A feeling that integration has been tried and failed before",
        },
        presenting=True,
        reflection="First session: asking questions instead of giving advice",
        steps=[
            Step(0, "question", TOM, "What would a good week look like for someone living with "
                 "frailty in the north of the borough?", helped=True),
            Step(0, "question", SAMUEL, "Who already knows these people best, and what do they "
                 "know that the data does not?", hours=2),
            Step(0, "question", GRACE, "What happens now between a fall at home and the first "
                 "visit from anyone?"),
            Step(0, "action", PRIYA, "Shadow a district nurse for a morning and ask what a single "
                 "assessment would need to include.", hours=3,
                 outcome="The nurse assesses most of what the other two teams ask about. She "
                 "already shares notes informally with one practice.", outcome_session=1),
            Step(1, "insight", GRACE, "The care coordinators in two practices already do half of "
                 "this without anyone asking them to."),
            Step(1, "question", AISHA, "What would the care coordinators need to stop doing to "
                 "make room for this?", helped=True),
            Step(2, "experiment", PRIYA, "Run a weekly fifteen-minute huddle between one "
                 "practice, its district nurses and the social worker for six weeks.", hours=3,
                 expected_learning="Whether a regular conversation finds people earlier than "
                 "the referral forms do, and whether GPs will make the time.", spend="none",
                 outcome="Huddles ran five weeks out of six. GPs came when the huddle moved into "
                 "the practice. Four people were picked up before a crisis.",
                 outcome_session=4),
            Step(4, "gain", PRIYA, "District nurses and practice staff now phone each other "
                 "directly instead of sending referral forms.", hours=4, gain_for="staff",
                 gain_kind="relational", evidence="Both teams said so at the review; referral "
                 "forms between them fell from about twenty a month to five."),
            Step(5, "question", JONATHAN, "If the huddle spread to all six practices, what "
                 "would the community hospital beds be for?"),
            Step(6, "gain", PRIYA, "Eleven people known to the huddle stayed at home through an "
                 "illness that would usually have meant admission.", hours=4, gain_for="people",
                 gain_kind="health", evidence="Practice records over three months, checked with "
                 "the district nursing lead."),
            Step(7, "action", PRIYA, "Ask the community hospital matron what the beds could "
                 "become if fewer people waited in them.", hours=3),
        ],
    ),
    DemoChallenge(
        cohort=RIVERSIDE,
        owner=TOM,
        title="Reviewing the day centre without a fight",
        context="The council and the ICB are reviewing a day centre that costs a lot and is "
        "used by fewer people each year. The people who use it love it, and local councillors "
        "have already been told it will close.",
        outcomes="People who use the centre keep the friendships and the support that matter "
        "to them, and more older people in the town have somewhere to go during the day.",
        stakeholders="The people who use the centre and their families, staff, the council, "
        "councillors, the voluntary sector, the ICB",
        trapped={
            "buildings": "A large building open three days a week",
            "attitudes": "Everyone expects a closure and is ready to fight it",
            "potential": "Volunteers and groups who would like to use the space",
        },
        presenting=True,
        steps=[
            Step(3, "question", PRIYA, "What do the people who use the centre say it gives "
                 "them that nothing else does?", helped=True),
            Step(3, "question", MEGAN, "Who would you need in the room for this not to be a "
                 "fight?"),
            Step(3, "action", TOM, "Meet the centre's users' group before any options are "
                 "written, and only listen.", hours=3,
                 outcome="They want the friendships and the lunch more than the building. They "
                 "were surprised to be asked first.", outcome_session=4),
            Step(5, "insight", SAMUEL, "The crisis lens is strong here: it might help to name "
                 "what is being protected, not only what is being lost."),
            Step(6, "experiment", TOM, "Invite two community groups to use the hall on the "
                 "days the centre is closed, for a month.", hours=3,
                 expected_learning="Whether the building could serve more people without "
                 "taking anything from those who use it now.", spend="low"),
        ],
    ),
    DemoChallenge(
        cohort=RIVERSIDE,
        owner=GRACE,
        title="Care home residents seen by the same team every week",
        context="Residents of eight care homes were seen by whichever practice they had been "
        "registered with, so homes dealt with up to eleven practices and rang 111 at weekends.",
        outcomes="Care home residents get to know the clinicians who look after them, and "
        "problems are caught early, in the home.",
        stakeholders="Residents and families, care home managers, practices, the community "
        "nursing team, the ambulance service",
        trapped={"processes": "Each home dealing with many practices for the same needs"},
        status=ChallengeStatus.CLOSED.value,
        story="Eight care homes each dealt with up to eleven practices. Instead of "
        "commissioning a new service, we asked the homes and the practices what a good week "
        "would look like, and two practices offered to take a home each for a trial. Within "
        "three months the homes in the trial were ringing 111 far less at weekends, and staff "
        "knew the GP by name. The practices have now agreed among themselves who looks after "
        "which home. What made the difference was the conversation, not the contract.",
        steps=[
            Step(0, "question", TOM, "What do the care home managers think good looks like?",
                 helped=True),
            Step(1, "experiment", GRACE, "Ask two practices to take one home each, with a "
                 "weekly round, for three months.", hours=3,
                 expected_learning="Whether continuity alone cuts weekend calls, before anyone "
                 "talks about money.", spend="none",
                 outcome="Weekend calls to 111 from the two homes fell by about half.",
                 outcome_session=4),
            Step(4, "gain", GRACE, "Fewer residents taken to hospital at weekends from the two "
                 "trial homes.", hours=4, gain_for="people", gain_kind="health",
                 evidence="Ambulance service call data for the homes, compared with the same "
                 "months last year."),
            Step(5, "gain", GRACE, "GP time spent on unplanned visits to the homes fell, and "
                 "was used for the weekly rounds instead.", hours=4, gain_for="system",
                 gain_kind="economic", evidence="Practice appointment records."),
        ],
    ),
    DemoChallenge(
        cohort=RIVERSIDE,
        owner=AISHA,
        title="Young people waiting between referral and first contact",
        context="Young people referred for mental health support wait weeks with no contact "
        "at all, and some end up in A&E.",
        outcomes="Young people and their families feel held while they wait, and fewer reach "
        "a crisis.",
        stakeholders="Young people and families, schools, practices, the children's mental "
        "health service, youth groups",
        trapped={"potential": "Youth workers and school staff who already know these young "
                 "people"},
        status=ChallengeStatus.PAUSED.value,
        steps=[
            Step(2, "question", FARID, "What do young people themselves say would help while "
                 "they wait?"),
            Step(3, "gain", AISHA, "Two schools now call families in the week of a referral, "
                 "so nobody waits without hearing from anyone.", hours=4, gain_for="people",
                 gain_kind="social", evidence="The schools' own contact logs for the term."),
        ],
    ),
    DemoChallenge(
        cohort=EASTVALE,
        owner=NIAMH,
        title="Weekend discharges back to care homes",
        context="Residents discharged from hospital on Fridays often return by Monday, because "
        "homes receive them without the information or medicines they need.",
        outcomes="Residents come home from hospital safely on any day of the week, and stay "
        "home.",
        stakeholders="Residents and families, care homes, the hospital discharge team, "
        "pharmacy, practices",
        trapped={"processes": "Discharge paperwork written for the hospital, not the home"},
        presenting=True,
        steps=[
            Step(0, "question", OLIVER, "What does a care home manager need to know at four "
                 "o'clock on a Friday?"),
        ],
    ),
]  # fmt: skip


def _at(sessions: list[Meeting], index: int, hours: int) -> datetime | None:
    if index >= len(sessions):
        return None
    return sessions[index].starts_at + timedelta(hours=hours)


def _update(
    step: Step, challenge: Challenge, users: dict[str, User], at: datetime, sessions: list[Meeting]
) -> ChallengeUpdate:
    update = ChallengeUpdate(
        challenge=challenge,
        author=users[step.author],
        kind=step.kind,
        body=step.body,
        created_at=at,
        updated_at=at,
        helped_at=at + timedelta(days=1) if step.helped else None,
        expected_learning=step.expected_learning,
        spend=step.spend,
        gain_for=step.gain_for,
        gain_kind=step.gain_kind,
        evidence=step.evidence,
    )
    if step.outcome and step.outcome_session is not None:
        reported = _at(sessions, step.outcome_session, 1)
        if reported is not None:
            update.outcome, update.outcome_at = step.outcome, reported
    return update


def _challenge(
    db: Session,
    entry: DemoChallenge,
    users: dict[str, User],
    cohort: Cohort,
    sessions: list[Meeting],
    now: datetime,
) -> Challenge:
    created = _at(sessions, 0, -24 * 7) or now
    challenge = Challenge(
        owner=users[entry.owner],
        cohort=cohort,
        title=entry.title,
        context=entry.context,
        outcomes=entry.outcomes,
        stakeholders=entry.stakeholders,
        status=entry.status,
        created_at=created,
        updated_at=created,
    )
    challenge.trapped = [
        TrappedNote(kind=kind, position=position, note=note)
        for position, (kind, note) in enumerate(entry.trapped.items())
    ]
    db.add(challenge)
    for step in entry.steps:
        at = _at(sessions, step.session, step.hours)
        if at is None or at > now:
            continue
        db.add(_update(step, challenge, users, at, sessions))
        challenge.updated_at = max(challenge.updated_at, at)
    if entry.status == ChallengeStatus.CLOSED:
        challenge.closed_at = challenge.updated_at + timedelta(days=2)
    if entry.story:
        published = challenge.updated_at + timedelta(days=3)
        db.add(
            Story(
                challenge=challenge,
                summary=entry.story,
                published_at=published,
                consented_at=published,
                created_at=published,
                updated_at=published,
            )
        )
    return challenge


def load(db: Session, now: datetime) -> int:
    """Add the demo challenges that are missing; running it twice adds nothing more."""
    emails = {e.owner for e in CHALLENGES} | {s.author for e in CHALLENGES for s in e.steps}
    users = {user.email: user for user in db.scalars(select(User).where(User.email.in_(emails)))}
    added = 0
    for entry in CHALLENGES:
        cohort = db.scalar(select(Cohort).where(Cohort.name == entry.cohort))
        if cohort is None or entry.owner not in users:
            continue
        exists = db.scalar(
            select(Challenge).where(
                Challenge.owner_id == users[entry.owner].id, Challenge.title == entry.title
            )
        )
        if exists is not None:
            continue
        sessions = list(
            db.scalars(
                select(Meeting)
                .where(Meeting.cohort_id == cohort.id, Meeting.starts_at <= now)
                .order_by(Meeting.starts_at)
            )
        )
        challenge = _challenge(db, entry, users, cohort, sessions, now)
        db.flush()
        _link_reflection(db, entry, challenge)
        if added == 0:
            _attach_evidence(db, challenge, now)
        if entry.presenting:
            _present_next(db, challenge, now)
        added += 1
    db.flush()
    return added


EVIDENCE = "Week,People waiting,Seen in a week\n1,42,30\n2,37,33\n3,31,35\n"


def _attach_evidence(db: Session, challenge: Challenge, now: datetime) -> None:
    """A small file beside the owner's first action or gain, so the demo shows update files."""
    owners = [
        u
        for u in db.scalars(_owners_updates(challenge))
        if authz.can(challenge.owner, "challenge_update:attach", u)
    ]
    if owners:
        limits = files.Limits(10 * 1024 * 1024, 10, 250 * 1024 * 1024)
        update_files.attach(
            db,
            challenge.owner,
            owners[0],
            io.BytesIO(EVIDENCE.encode()),
            "Waiting list.csv",
            limits,
            now,
        )


def _owners_updates(challenge: Challenge) -> Select[ChallengeUpdate]:
    return (
        select(ChallengeUpdate)
        .where(
            ChallengeUpdate.challenge_id == challenge.id,
            ChallengeUpdate.author_id == challenge.owner_id,
        )
        .order_by(ChallengeUpdate.created_at, ChallengeUpdate.id)
    )


def _link_reflection(db: Session, entry: DemoChallenge, challenge: Challenge) -> None:
    if not entry.reflection:
        return
    reflection = db.scalar(
        select(Reflection).where(
            Reflection.author_id == challenge.owner_id,
            Reflection.title == entry.reflection,
            Reflection.cohort_id == challenge.cohort_id,
        )
    )
    if reflection is not None and reflection.challenge_id is None:
        reflection.challenge_id = challenge.id


def _present_next(db: Session, challenge: Challenge, now: datetime) -> None:
    """A slot at the set's next session, after any already there."""
    meeting = db.scalar(
        select(Meeting)
        .where(Meeting.cohort_id == challenge.cohort_id, Meeting.ends_at > now)
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    if meeting is None or any(
        slot.challenge_id == challenge.id for slot in meeting.presenter_slots
    ):
        return
    position = max((slot.position for slot in meeting.presenter_slots), default=0) + 1
    meeting.presenter_slots.append(
        PresenterSlot(
            user_id=challenge.owner_id, challenge_id=challenge.id, topic="", position=position
        )
    )
