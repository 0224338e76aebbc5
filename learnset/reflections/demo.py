"""A few demo reflections, some shared, one with a tutor's comment, for trying the log; and a
year of short reflections after the sessions of one set, mostly private, for its dashboard."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from typing import NotRequired, TypedDict

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from learnset import files
from learnset.accounts.models import User
from learnset.cohorts.models import Membership, Role
from learnset.db import utcnow
from learnset.framework.models import Capability
from learnset.meetings.models import Meeting, MeetingItem, MeetingStatus
from learnset.reflections import attachments, notes, services
from learnset.reflections.models import Reflection, ReflectionComment, Visibility


class DemoReflection(TypedDict):
    author: str
    title: str
    days_ago: int
    structure: str
    parts: dict[str, str]
    minutes: int
    visibility: Visibility
    capabilities: list[str]
    tutor_comment: NotRequired[str]


DEMO_REFLECTIONS: list[DemoReflection] = [
    {
        "author": "participant1@example.org",
        "title": "First session: asking questions instead of giving advice",
        "days_ago": 40,
        "structure": "driscoll",
        "parts": {
            "what": "In our first set meeting I presented the frailty pathway problem. I "
            "expected advice and got questions instead, which felt slow at first.",
            "so_what": "The questions made me say out loud that I had already decided what "
            "the answer was. I had been looking for allies, not ideas.",
            "now_what": "Before the next pathway meeting I will write down three open "
            "questions and ask them before I say what I think.",
        },
        "minutes": 90,
        "visibility": Visibility.PRIVATE,
        "capabilities": ["productive-conversations"],
    },
    {
        "author": "participant1@example.org",
        "title": "Taking the data pack to the practice managers' meeting",
        "days_ago": 20,
        "structure": "driscoll",
        "parts": {
            "what": "I shared the emergency admissions data pack with practice managers and "
            "asked what surprised them, rather than presenting conclusions.",
            "so_what": "Data started the conversation instead of ending it. Two managers "
            "explained patterns the numbers could never show.",
            "now_what": "Use one chart and one question at the start of each locality "
            "meeting for the next three months.",
        },
        "minutes": 60,
        "visibility": Visibility.TUTORS,
        "capabilities": ["data-for-discussion", "non-codifiable-knowledge"],
        "tutor_comment": "A lovely example of data as a vehicle for discussion. What did the "
        "managers say that surprised you most?",
    },
    {
        "author": "participant1@example.org",
        "title": "The community services conversation that went sideways",
        "days_ago": 6,
        "structure": "gibbs",
        "parts": {
            "description": "A provider meeting about the community services contract turned "
            "into a defence of current activity levels.",
            "feelings": "Frustrated, and aware I was getting defensive too.",
            "evaluation": "We agreed to meet again; we did not talk about outcomes at all.",
            "analysis": "Opening with the contract put everyone under threat. The theory on "
            "threat and reward explains a lot of what happened.",
            "conclusion": "Start from the people the service is for, not from the contract.",
            "action_plan": "Open the next meeting with two short stories from patients and "
            "carers, and ask what a good outcome would look like for them.",
        },
        "minutes": 45,
        "visibility": Visibility.SET,
        "capabilities": ["outcomes-not-services", "gentle-pressure"],
    },
    {
        "author": "participant2@example.org",
        "title": "Mapping what is trapped in the diabetes pathway",
        "days_ago": 12,
        "structure": "driscoll",
        "parts": {
            "what": "I worked through the mapping exercise with the diabetes team.",
            "so_what": "Most of what is trapped is in processes: three separate referral "
            "routes that duplicate each other.",
            "now_what": "Test a single referral route with two practices for a month.",
        },
        "minutes": 75,
        "visibility": Visibility.SET,
        "capabilities": ["releasing-trapped-resources"],
    },
    {
        "author": "participant8@example.org",
        "title": "Preparing for my first set meeting",
        "days_ago": 3,
        "structure": "driscoll",
        "parts": {
            "what": "I read the theory module on the unlocking lens before our first meeting.",
            "so_what": "It changed how I think about the children's services review: less "
            "about cutting, more about what is held in the wrong place.",
            "now_what": "Bring the review to the set as my live challenge.",
        },
        "minutes": 30,
        "visibility": Visibility.TUTORS,
        "capabilities": [],
    },
]


def load(db: Session) -> int:
    """Add the demo reflections that are missing; running it twice adds nothing more."""
    today = utcnow().date()
    added = 0
    evidence_added = False
    for entry in DEMO_REFLECTIONS:
        author = db.scalar(select(User).where(User.email == entry["author"]))
        membership = author and db.scalar(
            select(Membership).where(
                Membership.user_id == author.id, Membership.role == Role.PARTICIPANT
            )
        )
        if author is None or membership is None:
            continue
        exists = db.scalar(
            select(Reflection.id).where(
                Reflection.author_id == author.id, Reflection.title == entry["title"]
            )
        )
        if exists:
            continue
        capability_ids = list(
            db.scalars(select(Capability.id).where(Capability.slug.in_(entry["capabilities"])))
        )
        reflection = services.create_reflection(
            db,
            author,
            services.ReflectionInput(
                title=entry["title"],
                structure=entry["structure"],
                parts=entry["parts"],
                experienced_on=today - timedelta(days=entry["days_ago"]),
                cpd_minutes=entry["minutes"],
                cohort_id=membership.cohort_id,
                capability_ids=capability_ids,
                visibility=entry["visibility"],
            ),
            utcnow(),
        )
        if entry.get("tutor_comment"):
            tutor = db.scalar(
                select(User)
                .join(Membership)
                .where(Membership.cohort_id == membership.cohort_id, Membership.role == Role.TUTOR)
            )
            if tutor is not None:
                db.add(
                    ReflectionComment(
                        reflection_id=reflection.id,
                        author=tutor,
                        audience=reflection.visibility,
                        body=entry["tutor_comment"],
                    )
                )
        if not evidence_added and reflection.visibility != Visibility.PRIVATE:
            _attach_evidence(db, author, reflection)
            evidence_added = True
        added += 1
    db.flush()
    return added


# Two quick notes in the first participant's inbox, as if jotted on a phone this week; fixed
# ids, so loading the demo again adds nothing.
DEMO_NOTES = [
    (
        "6f1d8a52-3c1e-4b7a-9a55-1d2e3f4a5b01",
        2,
        "Corridor chat with the community matron: she has data on frailty admissions we never "
        "see. Ask her to the next locality meeting?",
    ),
    (
        "6f1d8a52-3c1e-4b7a-9a55-1d2e3f4a5b02",
        0,
        "On the train back from the provider meeting. I argued for the contract rather than "
        "asking what they were seeing. Why?",
    ),
]


_NOTE_LIMITS = files.Limits(10 * 1024 * 1024, 1, 250 * 1024 * 1024)


def _whiteboard() -> io.BytesIO:
    """A small drawn "photo" of a whiteboard: three coloured lines of notes on white."""
    image = Image.new("RGB", (240, 160), "white")
    draw = ImageDraw.Draw(image)
    for row, colour in enumerate(("#005eb8", "#da291c", "#007f3b")):
        draw.line((20, 40 + row * 40, 200 - row * 30, 40 + row * 40), fill=colour, width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    return out


def load_notes(db: Session, now: datetime) -> int:
    """The demo participant's inbox; running it twice adds nothing more."""
    author = db.scalar(select(User).where(User.email == "participant1@example.org"))
    if author is None:
        return 0
    added = 0
    for number, (client_id, days_ago, body) in enumerate(DEMO_NOTES):
        # The first note has a photo, so the demo shows one in the inbox.
        photo = notes.Photo(_whiteboard(), "Whiteboard.png", _NOTE_LIMITS) if number == 0 else None
        _, new = notes.add_note(
            db, author, client_id, body, now - timedelta(days=days_ago), photo=photo
        )
        added += new
    db.flush()
    return added


DEMO_FILE = (
    "Month,Referrals to the community team,Seen within two weeks\n"
    "January,41,29\nFebruary,38,31\nMarch,44,37\n"
)


def _attach_evidence(db: Session, author: User, reflection: Reflection) -> None:
    """A small file beside the first shared demo reflection, so the demo shows attachments."""
    limits = attachments.Limits(10 * 1024 * 1024, 20, 250 * 1024 * 1024)
    attachments.attach(
        db,
        author,
        reflection,
        io.BytesIO(DEMO_FILE.encode()),
        "Referral figures.csv",
        limits,
        utcnow(),
    )


# --- A year of reflections in one set (the dashboards' engagement figures) ---------------------

MONTHLY = [
    (
        "What I took from the theory",
        "We worked through the theory module and tried the exercise in threes.",
        "It named something I had been doing without noticing: deciding before asking.",
        "Try one open question at the start of the next provider meeting.",
    ),
    (
        "Questions from the set",
        "I brought my live challenge and the set asked questions rather than giving advice.",
        "Being asked who was missing from the room changed how I see the problem.",
        "Invite the two people we had left out to the next planning conversation.",
    ),
    (
        "A conversation that went better",
        "I used the approach from the session in a difficult conversation at work.",
        "Slowing down and asking what they were seeing lowered the temperature.",
        "Keep a note of what I ask first in hard conversations, and review it monthly.",
    ),
    (
        "Still stuck",
        "Nothing moved on my challenge this month and I felt flat at the session.",
        "The stuckness is in the process, not the people: three sign-offs for every change.",
        "Map the sign-offs with the operational lead before next month.",
    ),
    (
        "Noticing my own reactions",
        "A board paper came back with criticism and I felt defensive straight away.",
        "The threat response showed up exactly as the session described.",
        "Pause before replying to challenge, and ask one curious question first.",
    ),
]
# Mostly private, as a reflective log usually is; a few shared with tutors or the set.
VISIBILITY_MIX = [Visibility.PRIVATE] * 7 + [Visibility.TUTORS] * 2 + [Visibility.SET]


def load_monthly(db: Session, cohort_id: int, now: datetime) -> int:
    """After each past published session of the set, one or two short reflections for most of
    its participants, written in the days after it; running it twice adds nothing more."""
    meetings = list(
        db.scalars(
            select(Meeting)
            .where(
                Meeting.cohort_id == cohort_id,
                Meeting.status == MeetingStatus.PUBLISHED,
                Meeting.ends_at < now - timedelta(days=7),
            )
            .order_by(Meeting.starts_at)
            .options(selectinload(Meeting.items).selectinload(MeetingItem.content_item))
        )
    )
    participants = db.scalars(
        select(User)
        .join(Membership)
        .where(Membership.cohort_id == cohort_id, Membership.role == Role.PARTICIPANT)
        .order_by(User.email)
    ).all()
    written = {
        (author_id, meeting_id)
        for author_id, meeting_id in db.execute(
            select(Reflection.author_id, Reflection.meeting_id).where(
                Reflection.cohort_id == cohort_id, Reflection.meeting_id.is_not(None)
            )
        )
    }
    added = 0
    for person_number, author in enumerate(participants):
        for meeting in meetings:
            if (author.id, meeting.id) in written:
                continue
            # Seeded per person and session, so a second run makes the same choices.
            rng = random.Random(f"reflections:{author.email}:{meeting.number}")
            # Some people write most months, one only now and then.
            if rng.random() < (0.6 if person_number == 1 else 0.15):
                continue
            items = [meeting_item.content_item for meeting_item in meeting.items]
            for copy in range(1 if rng.random() < 0.7 else 2):
                title, what, so_what, now_what = rng.choice(MONTHLY)
                written_at = meeting.ends_at + timedelta(days=1 + 3 * copy + rng.randrange(3))
                item = items[copy % len(items)] if items else None
                services.create_reflection(
                    db,
                    author,
                    services.ReflectionInput(
                        title=f"{meeting.display_title}: {title[0].lower()}{title[1:]}",
                        structure="driscoll",
                        parts={"what": what, "so_what": so_what, "now_what": now_what},
                        experienced_on=meeting.starts_at.date(),
                        cpd_minutes=rng.choice([30, 45, 60]),
                        cohort_id=cohort_id,
                        meeting_id=meeting.id,
                        content_item_id=item.id if item is not None else None,
                        capability_ids=[c.id for c in item.capabilities[:2]] if item else [],
                        visibility=rng.choice(VISIBILITY_MIX).value,
                    ),
                    written_at,
                )
                added += 1
    db.flush()
    return added
