"""A demo programme for trying Learnset on a laptop: accounts, two learning sets, memberships."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.accounts.services import hash_password
from learnset.cohorts.models import Cohort, CohortStatus, Membership, Role

# Public by design: printed by `flask demo` and listed in the README for trying the app.
PASSWORD = "unlocking-demo-2026"  # noqa: S105

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
    from learnset.reflections import demo as reflections_demo

    reflections_demo.load(db)
    made = [("admin", ADMIN[0])]
    made += [("tutor", t[0]) for t in TUTORS]
    made += [("participant", p[0]) for p in PARTICIPANTS]
    return made
