"""Demo self-assessments: a baseline, then a check-in after each past session (a year of monthly
check-ins for a set that has run for one), for most participants.

Made through the real services, so carrying forward and sharing behave as they do for people.
One participant in each set has not started yet, and one keeps some check-ins to themselves;
the rest share everything, so the dashboards have a year of growth to show.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset import authz
from learnset.accounts.models import User
from learnset.assessment import progress, recommendations, services
from learnset.assessment.models import SelfAssessment
from learnset.cohorts.models import Cohort, Role
from learnset.framework.queries import DomainCapabilities, current_framework
from learnset.meetings.models import Meeting
from learnset.meetings.queries import published_sessions
from learnset.reflections.models import Reflection

EVIDENCE = [
    "Met the community trust's operational lead face to face rather than at the contract review.",
    "Brought two practices and the hospice together to look at end of life data.",
    "Asked the set's questions at our frailty board instead of presenting an answer.",
    "Noticed I was arguing from the data pack and changed tack to ask what they were seeing.",
    "Ran a short World Café with the voluntary sector forum.",
]
WHAT_CHANGED = [
    "Tried the questions from the last session with a provider and it went better than I feared.",
    "Working on the day centre review made this real rather than theoretical.",
    "My tutor's question about who was missing from the room stayed with me.",
    "Honestly, I rated myself too high at the start.",
]


def _levels(rng: random.Random) -> tuple[int, int]:
    current = rng.choice([1, 2, 2, 2, 3, 3])
    return current, min(5, current + rng.choice([1, 1, 2, 2, 3]))


def _capabilities_of(meeting: Meeting) -> list[str]:
    return sorted({c.slug for item in meeting.items for c in item.content_item.capabilities})


def _reflected_on(db: Session, participant: User, by: datetime) -> set[str]:
    """The capabilities the participant's reflections written by then evidence."""
    reflections = db.scalars(
        authz.own_reflections(participant).where(Reflection.experienced_on <= by.date())
    )
    return {capability.slug for reflection in reflections for capability in reflection.capabilities}


def _participant_history(
    db: Session,
    participant: User,
    cohort: Cohort,
    sessions: list[Meeting],
    framework: list[DomainCapabilities],
    rng: random.Random,
    opts_out_of_some: bool,
) -> None:
    capabilities = [c for entry in framework for c in entry.capabilities]
    first = sessions[0].ends_at + timedelta(days=1)
    draft = services.start(db, participant, cohort, first)
    answers = {c.slug: services.Answer(*_levels(rng)) for c in capabilities}
    services.save_answers(db, draft, answers, first)
    services.submit(db, draft, True, framework, first)
    current = {slug: answer.current for slug, answer in answers.items()}
    # A check-in after each later session (now and then one is missed), on the capabilities
    # that session worked on.
    for number, meeting in enumerate(sessions[1:], start=1):
        latest = meeting is sessions[-1]
        if not latest and rng.random() < 0.1:
            continue
        when = meeting.ends_at + timedelta(days=rng.choice([1, 2, 4]))
        chosen = [slug for slug in _capabilities_of(meeting) if slug in current]
        if latest:
            # The latest check-in also rates what the participant has reflected on lately.
            chosen += [slug for slug in _reflected_on(db, participant, when) if slug in current]
        chosen = sorted(set(chosen)) or [rng.choice(capabilities).slug]
        draft = services.start(db, participant, cohort, when, chosen)
        previous = services.previous_ratings(db, draft)
        chosen_capabilities = [c for c in capabilities if c.slug in chosen]
        evidence = services.evidence_options(db, draft, chosen_capabilities)
        check_in = {}
        for capability in capabilities:
            if capability.slug not in chosen:
                continue
            earlier = previous.get(capability.id)
            target = earlier.target_level if earlier else 4
            step = 1 if rng.random() < 0.5 else 0
            # Early on, some people decide they rated themselves too high at the start.
            if number <= 3 and rng.random() < 0.08:
                step = -1
            moved = max(1, min(5, current[capability.slug] + step))
            # People usually raise a target they have reached.
            target = max(target, min(5, moved + 1)) if rng.random() < 0.8 else target
            reason = ""
            if moved < current[capability.slug]:
                reason = WHAT_CHANGED[-1]
            elif moved > current[capability.slug]:
                reason = rng.choice(WHAT_CHANGED[:-1])
            note = rng.choice(EVIDENCE) if rng.random() < 0.4 else ""
            written_by_then = tuple(
                reflection.id
                for reflection in evidence[capability.id]
                if reflection.experienced_on <= when.date()
            )
            check_in[capability.slug] = services.Answer(
                moved, target, note, reason, written_by_then
            )
            current[capability.slug] = moved
        services.save_answers(db, draft, check_in, when)
        shared = not (opts_out_of_some and number % 3 == 2)
        services.submit(db, draft, shared, framework, when)


def load_assessments(db: Session, now: datetime) -> None:
    """Self-assessments for the demo sets, once: participants who have any are left alone."""
    framework = current_framework(db)
    if not framework:
        return
    for cohort in db.scalars(select(Cohort).order_by(Cohort.id)):
        sessions = list(
            db.scalars(
                published_sessions(cohort.id)
                .where(Meeting.ends_at < now - timedelta(days=4))
                .order_by(Meeting.starts_at)
            )
        )
        if not sessions:
            continue
        participants = sorted(
            (m.user for m in cohort.memberships if m.role == Role.PARTICIPANT),
            key=lambda user: user.email,
        )
        # The last participant has not started: the empty state and the reminders show.
        for index, participant in enumerate(participants[:-1]):
            started = db.scalar(
                select(SelfAssessment.id).where(
                    SelfAssessment.participant_id == participant.id,
                    SelfAssessment.cohort_id == cohort.id,
                )
            )
            if started:
                continue
            rng = random.Random(f"{cohort.name}:{participant.email}")
            _participant_history(
                db, participant, cohort, sessions, framework, rng, opts_out_of_some=index == 2
            )
            if index == 0:
                _pin_a_focus(db, participant, cohort, framework, now)
    db.flush()


def _pin_a_focus(
    db: Session,
    participant: User,
    cohort: Cohort,
    framework: list[DomainCapabilities],
    now: datetime,
) -> None:
    growth = progress.progress(db, participant.id, cohort.id, framework)
    for offer in recommendations.recommendations(
        db, participant.id, cohort.id, growth.top_gaps(), now
    ):
        if offer.items:
            services.pin_focus(
                db,
                participant,
                cohort,
                offer.items[0].item.slug,
                offer.gap.capability.slug,
                now,
            )
            return
