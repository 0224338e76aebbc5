"""A demo programme for trying Learnset on a laptop: accounts, two learning sets, memberships,
the sets' monthly sessions with materials, attendance and emergent topics, reflections, and
live challenges presenting at the next sessions."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnset.accounts.models import TwoFactor, User
from learnset.accounts.services import hash_password
from learnset.assessment.demo import load_assessments
from learnset.cohorts.models import Cohort, CohortStatus, Membership, Role
from learnset.curriculum import agenda
from learnset.curriculum.models import ProgrammeSession
from learnset.curriculum.queries import programme_by_slug
from learnset.dates import UK
from learnset.db import utcnow
from learnset.meetings import services as meeting_services
from learnset.meetings.models import (
    Attendance,
    EmergentTopic,
    Meeting,
    MeetingItem,
    TopicStatus,
    TopicVote,
)
from learnset.meetings.schedule import ScheduleRule, occurrences

# Public by design: printed by `flask demo` and listed in the README for trying the app.
PASSWORD = "unlocking-demo-2026"  # noqa: S105
# tutor2's authenticator app key, published in the README like the password, so the demo can
# show signing in with a security code (the other tutors and the admin set one up when asked).
TWO_FACTOR_KEY = "LEARNSETDEMOTUTORTWOKEYABCDEFGHI"
TWO_FACTOR_EMAIL = "tutor2@example.org"

ADMIN = ("admin@example.org", "Helen Marsh", "Programme lead", "Learnset programme team")
TUTORS = [
    ("tutor1@example.org", "Dr Samuel Adeyemi", "Set adviser", "Learnset programme team"),
    ("tutor2@example.org", "Ruth Kowalski", "Set adviser", "Learnset programme team"),
]
PARTICIPANTS = [
    (
        "participant1@example.org",
        "Dr Priya Natarajan",
        "GP and clinical lead for frailty",
        "North Riverside ICB",
    ),
    (
        "participant2@example.org",
        "Tom Hughes",
        "Senior commissioning manager",
        "North Riverside ICB",
    ),
    (
        "participant3@example.org",
        "Dr Aisha Rahman",
        "GP and mental health lead",
        "North Riverside ICB",
    ),
    (
        "participant4@example.org",
        "Grace Osei",
        "Nurse lead for community services",
        "Riverside Health and Care Partnership",
    ),
    (
        "participant5@example.org",
        "Dr Jonathan Price",
        "GP and urgent care lead",
        "North Riverside ICB",
    ),
    (
        "participant6@example.org",
        "Megan Lloyd",
        "Head of primary care contracting",
        "North Riverside ICB",
    ),
    (
        "participant7@example.org",
        "Dr Farid Haddad",
        "GP and diabetes pathway lead",
        "Riverside Health and Care Partnership",
    ),
    (
        "participant8@example.org",
        "Claire Dawson",
        "Commissioning manager, children's services",
        "Eastvale ICB",
    ),
    (
        "participant9@example.org",
        "Dr Oliver Bennett",
        "GP and clinical director",
        "Eastvale Primary Care Network",
    ),
    ("participant10@example.org", "Niamh Gallagher", "Lead nurse for care homes", "Eastvale ICB"),
    ("participant11@example.org", "Dr Kwame Mensah", "GP and respiratory lead", "Eastvale ICB"),
    (
        "participant12@example.org",
        "Sarah Whitfield",
        "Head of strategy and transformation",
        "Eastvale Health and Care Partnership",
    ),
]
COHORTS = [
    (
        "Riverside learning set 2026",
        "Clinical commissioners from North Riverside meeting monthly through 2026 to unlock "
        "resources and conversations across the local system.",
        date(2026, 3, 1),
        CohortStatus.RUNNING,
        TUTORS[0][0],
        [p[0] for p in PARTICIPANTS[:7]],
    ),
    (
        "Eastvale learning set 2026 to 2027",
        "Commissioners and clinical leaders from Eastvale, starting in the autumn of 2026.",
        date(2026, 9, 1),
        CohortStatus.RUNNING,
        TUTORS[1][0],
        [p[0] for p in PARTICIPANTS[7:]],
    ),
]


DEMO_EMAILS = frozenset(details[0] for details in [ADMIN, *TUTORS, *PARTICIPANTS])


def refusal(db: Session, production: bool) -> str | None:
    """Why the demo must not be loaded into this database, or None. It makes an admin whose
    password is published, so never with production settings or beside real accounts."""
    if production:
        return (
            "Refusing to load the demo: production settings are on "
            "(LEARNSET_PRODUCTION, PRODUCTION or an https:// BASE_URL)."
        )
    others = db.scalar(select(func.count()).select_from(User).where(User.email.not_in(DEMO_EMAILS)))
    if others:
        if others == 1:
            which = "1 account that is not a demo account"
        else:
            which = f"{others} accounts that are not demo accounts"
        return f"Refusing to load the demo: the database has {which}."
    return None


def _user(db: Session, details: tuple[str, str, str, str], password_hash: str) -> User:
    email, name, job_title, organisation = details
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, password_hash=password_hash)
        db.add(user)
    user.name, user.job_title, user.organisation = name, job_title, organisation
    user.is_active = True
    return user


def _member(db: Session, user: User, cohort: Cohort, role: Role) -> None:
    existing = db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.cohort_id == cohort.id)
    )
    if existing is None:
        db.add(Membership(user=user, cohort=cohort, role=role.value))


def _invitations(db: Session, users: dict[str, User], now: datetime) -> None:
    """For the programme report (issue 19): each demo participant joined by invitation, and
    each set has one invitation still waiting. Run again, nothing more is made."""
    from learnset.cohorts.models import Invitation
    from learnset.tokens import hash_token

    for name, _description, start, _status, _tutor, participants in COHORTS:
        cohort = db.scalar(select(Cohort).where(Cohort.name == name))
        if cohort is None or db.scalar(select(Invitation.id).where(Invitation.cohort == cohort)):
            continue
        sent = datetime.combine(start, time(9), tzinfo=UK) - timedelta(days=30)
        waiting = f"invited.{cohort.id}@example.org"
        for email in [*participants, waiting]:
            accepted = users.get(email)
            db.add(
                Invitation(
                    cohort=cohort,
                    email=email,
                    role=Role.PARTICIPANT.value,
                    token_hash=hash_token(secrets.token_urlsafe(32)),
                    created_at=sent,
                    sent_at=sent if accepted else now,
                    expires_at=(sent if accepted else now) + timedelta(days=14),
                    accepted_at=sent + timedelta(days=2) if accepted else None,
                    accepted_by_id=accepted.id if accepted else None,
                )
            )
    db.flush()


def _release_figures(db: Session) -> None:
    """Release each demo set's figures, as the round that closed at its last session would have:
    cohort figures are released, not live. Run again, nothing new is released."""
    from learnset.dashboards import releases
    from learnset.framework.queries import current_framework

    framework = current_framework(db)
    for name, *_rest in COHORTS:
        cohort = db.scalar(select(Cohort).where(Cohort.name == name))
        if cohort is not None:
            releases.release(db, cohort, framework, utcnow(), releases.ReleaseReason.ROUND_CLOSED)


def load(db: Session, password_method: str) -> list[tuple[str, str]]:
    """Create or refresh the demo programme; running it twice changes nothing more."""
    password_hash = hash_password(PASSWORD, password_method)
    admin = _user(db, ADMIN, password_hash)
    admin.is_admin = True
    users = {details[0]: _user(db, details, password_hash) for details in TUTORS + PARTICIPANTS}
    db.flush()
    for name, description, start, status, tutor, participants in COHORTS:
        cohort = db.scalar(select(Cohort).where(Cohort.name == name))
        if cohort is None:
            cohort = Cohort(name=name)
            db.add(cohort)
        cohort.description, cohort.start_month, cohort.status = description, start, status.value
        db.flush()
        _member(db, users[tutor], cohort, Role.TUTOR)
        for email in participants:
            _member(db, users[email], cohort, Role.PARTICIPANT)
    db.flush()
    tutor2 = users[TWO_FACTOR_EMAIL]
    if db.get(TwoFactor, tutor2.id) is None:
        db.add(TwoFactor(user_id=tutor2.id, secret=TWO_FACTOR_KEY, set_up_at=utcnow()))
    load_sessions(db, users, utcnow())
    _invitations(db, users, utcnow())
    from learnset.reflections import demo as reflections_demo

    reflections_demo.load(db)
    reflections_demo.load_notes(db, utcnow())
    # The dashboards (issue 6): a year of reflections in the first set, before the check-ins
    # that link them as evidence.
    first_set = db.scalar(select(Cohort.id).where(Cohort.name == COHORTS[0][0]))
    if first_set is not None:
        reflections_demo.load_monthly(db, first_set, utcnow())
    load_assessments(db, utcnow())
    # Live challenges (issue 7): after the reflections, which one of them links to, and they
    # give the next sessions their presenter slots.
    from learnset.challenges import demo as challenges_demo

    challenges_demo.load(db, utcnow())
    # Feedback from colleagues (issue 18): one finished round, after the self-assessments it
    # sets the colleagues' view beside.
    from learnset.colleague_feedback import demo as colleague_feedback_demo

    colleague_feedback_demo.load(db, utcnow())
    # Session feedback (issue 19, item 3): answers about the first set's recent sessions.
    from learnset.session_feedback import demo as session_feedback_demo

    session_feedback_demo.load(db, utcnow())
    # Certificates (issue 19, item 4): after the sessions and reflections they count.
    from learnset.certificates import demo as certificates_demo

    certificates_demo.load(db, utcnow())
    # Editing the library in the app (issue 17): one item with versions to compare.
    from learnset.library import demo as library_demo

    library_demo.load(db, admin, utcnow())
    # Invitations from a CSV file (issue 19, item 1): one the programme lead has sent.
    from learnset.cohorts import demo as cohorts_demo

    cohorts_demo.load(db, admin, COHORTS[1][0], utcnow())
    # Notifications (issue 19, item 2): last, from what the demo shared and commented on.
    from learnset.notifications import demo as notifications_demo

    notifications_demo.load(db, utcnow())
    # Last, so each set's release holds everything above (the programme report's counts too).
    _release_figures(db)
    made = [("admin", ADMIN[0])]
    made += [("tutor", t[0]) for t in TUTORS]
    made += [("participant", p[0]) for p in PARTICIPANTS]
    return made


# --- Sessions, materials, attendance and topics (issue 3) --------------------------------

# Each set's sessions take their titles, running orders and library items from this
# programme, month by month, once `flask content sync` has loaded it (content/programme/).
PROGRAMME = "unlocking-commissioning"
SCHEDULES = {
    COHORTS[0][0]: ScheduleRule(
        first_month=date(2026, 3, 1),
        weekday=1,  # the second Tuesday
        occurrence=2,
        starts=time(13, 30),
        ends=time(16, 30),
        months=10,
        place="Committee room 2, Riverside House",
    ),
    COHORTS[1][0]: ScheduleRule(
        first_month=date(2026, 9, 1),
        weekday=3,  # the first Thursday
        occurrence=1,
        starts=time(10, 0),
        ends=time(13, 0),
        months=10,
        place="Seminar room 1, Eastvale Health Campus",
        online_link="https://meet.example.org/eastvale-learning-set",
    ),
}
TOPICS = {
    COHORTS[0][0]: [
        ("Decommissioning a service people are attached to", "participant2@example.org",
         "A day centre review starts next month and feelings are running high."),
        ("Getting practices to come to system meetings", "participant1@example.org", ""),
        ("Population health data without losing the story", "participant4@example.org", ""),
    ],
    COHORTS[1][0]: [
        ("Care homes and hospital discharge at weekends", "participant10@example.org", ""),
        ("Working with the voluntary sector as equals", "participant12@example.org", ""),
    ],
}  # fmt: skip


def _schedule(db: Session, cohort: Cohort, now: datetime) -> list[Meeting]:
    """Ten monthly sessions from the cohort's rule, made once."""
    existing = list(
        db.scalars(
            select(Meeting).where(Meeting.cohort_id == cohort.id).order_by(Meeting.starts_at)
        )
    )
    if existing:
        return existing
    meeting_services.apply_schedule(db, cohort, SCHEDULES[cohort.name], now)
    return list(
        db.scalars(
            select(Meeting).where(Meeting.cohort_id == cohort.id).order_by(Meeting.starts_at)
        )
    )


def _plan(meeting: Meeting, session: ProgrammeSession | None) -> None:
    """The programme's month for this session, as "Create sessions from a programme" makes it."""
    if session is None:
        return
    if not meeting.title:
        meeting.title = session.title
    if not meeting.agenda:
        starts = meeting.starts_at.astimezone(UK).time().replace(tzinfo=None)
        meeting.agenda = agenda.agenda_markdown(session, starts)
    if not meeting.items:
        items = [step.content_item for step in session.steps if step.content_item]
        current = [item for item in items if item.archived_at is None]
        for position, item in enumerate(current, start=1):
            meeting.items.append(MeetingItem(content_item=item, position=position))


def _attendance(meeting: Meeting, participants: list[User], away: set[int]) -> None:
    """Most people come most months; someone misses now and then."""
    if meeting.attendances:
        return
    for index, user in enumerate(participants):
        present = (index + meeting.number) % 5 != 0 and user.id not in away
        meeting.attendances.append(Attendance(user_id=user.id, present=present))


def _topics(
    db: Session,
    cohort: Cohort,
    users: dict[str, User],
    participants: list[User],
    next_meeting: Meeting | None,
) -> None:
    for index, (title, email, details) in enumerate(TOPICS[cohort.name]):
        topic = db.scalar(
            select(EmergentTopic).where(
                EmergentTopic.cohort_id == cohort.id, EmergentTopic.title == title
            )
        )
        if topic is None:
            topic = EmergentTopic(
                cohort=cohort, proposed_by=users[email], title=title, details=details
            )
            db.add(topic)
            db.flush()
            # The most wanted topic of a set is already planned into its next session.
            if index == 0 and next_meeting is not None:
                topic.status = TopicStatus.TAKEN_UP.value
                topic.meeting = next_meeting
        # Fewer votes for each later topic: all, then all but two, and so on.
        voters = participants[: max(1, len(participants) - 2 * index)]
        voted = set(db.scalars(select(TopicVote.user_id).where(TopicVote.topic_id == topic.id)))
        for user in voters:
            if user.id not in voted:
                db.add(TopicVote(topic_id=topic.id, user_id=user.id))


def load_sessions(db: Session, users: dict[str, User], now: datetime) -> None:
    """Both sets' schedules: past sessions and the next one published, with materials from the
    library when it has been loaded, attendance for past sessions, topics and votes."""
    programme = programme_by_slug(db, PROGRAMME)
    months = programme.sessions if programme is not None else []
    for name, *_rest in COHORTS:
        cohort = db.scalar(select(Cohort).where(Cohort.name == name))
        assert cohort is not None
        meetings = _schedule(db, cohort, now)
        participants = sorted(
            (m.user for m in cohort.memberships if m.role == Role.PARTICIPANT),
            key=lambda user: user.email,
        )
        upcoming = [meeting for meeting in meetings if meeting.ends_at > now]
        next_meeting = upcoming[0] if upcoming else None
        past = [meeting for meeting in meetings if meeting.ends_at <= now]
        latest_two = {meeting.id for meeting in past[-2:]} if name == COHORTS[0][0] else set()
        for month, meeting in enumerate(meetings):
            _plan(meeting, months[month] if month < len(months) else None)
            due = meeting.ends_at <= now or meeting is next_meeting
            if due and not meeting.is_published:
                meeting_services.publish(db, meeting, now)
            if meeting.ends_at <= now:
                away = {users[NOT_SEEN_LATELY].id} if meeting.id in latest_two else set()
                _attendance(meeting, participants, away)
        if name == COHORTS[0][0]:
            _follow_up(db, cohort, meetings, now)
        _topics(db, cohort, users, participants, next_meeting)
    db.flush()


# --- The dashboards (issue 6) -------------------------------------------------------------
# In the first set, someone has missed the last two sessions, so the tutor's dashboard has
# someone to check in with; and there is always a draft session coming up to plan from the
# set's gaps, even once the scheduled year is nearly over.

NOT_SEEN_LATELY = "participant5@example.org"
FOLLOW_UP_TITLE = "Looking back, looking on"


def _follow_up(db: Session, cohort: Cohort, meetings: list[Meeting], now: datetime) -> None:
    """Add a draft session on the set's usual day in the month after its last one, unless a
    draft is already coming up."""
    if any(m.ends_at > now and not m.is_published for m in meetings) or not meetings:
        return
    rule = SCHEDULES[cohort.name]
    after = max(meetings[-1].starts_at, now).astimezone(UK).date()
    follow = occurrences(replace(rule, first_month=next_month(after), months=1)).sessions
    if not follow:
        return
    day = follow[0].uk_day
    meeting_services.add_meeting(
        db,
        cohort,
        meeting_services.MeetingDetails(
            day=day, starts=rule.starts, ends=rule.ends, title=FOLLOW_UP_TITLE, place=rule.place
        ),
        now,
    )


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
