"""The demo's feedback from colleagues: one finished round with its report released, for the
first participant of the first learning set, made through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Membership, Role
from learnset.colleague_feedback import services
from learnset.colleague_feedback.models import FeedbackRound
from learnset.framework.queries import current_framework

DOMAIN = "Unlocking conversations"
QUESTIONS = 5
# Who was asked, and how each answered: a level per question (0: "I can't say") and their
# words; None declined. Clinicians and providers see more credibility and less data than the
# participant does: the report's differences.
COLLEAGUES: list[tuple[str, str, tuple[int, ...] | None, tuple[str, str, str]]] = [
    (
        "clinician",
        "gp.partner",
        (4, 5, 2, 3, 0),
        (
            "Coming to the practice meeting in person, and listening before proposing anything.",
            "Bringing the frailty data to us earlier, while it can still change the plan.",
            "",
        ),
    ),
    (
        "clinician",
        "community.matron",
        (4, 4, 2, 4, 3),
        (
            "The way you name what is hard without blaming anyone.",
            "",
            "Less time on the slide pack, more on what the numbers mean for our patients.",
        ),
    ),
    (
        "clinician",
        "hospice.consultant",
        (3, 5, 3, 4, 3),
        (
            "Making space for the hospice to speak as an equal partner.",
            "Inviting carers to the next review.",
            "",
        ),
    ),
    (
        "provider",
        "trust.ops",
        (4, 4, 2, 3, 3),
        (
            "Open conversations about the contract before it runs out.",
            "",
            "Sharing the data you are looking at before the meeting, not in it.",
        ),
    ),
    (
        "manager",
        "deputy.director",
        (3, 4, 3, 4, 4),
        (
            "",
            "Taking the frailty work to the system board yourself.",
            "",
        ),
    ),
    (
        "peer",
        "fellow.commissioner",
        (3, 3, 3, 3, 4),
        (
            "Asking the question nobody else in the room will ask.",
            "",
            "Letting a silence run a little longer before filling it.",
        ),
    ),
    ("service-user", "carers.forum", None, ("", "", "")),
]


def load(db: Session, now: datetime) -> None:
    """Dr Priya Natarajan's round about the first five capabilities of Unlocking conversations,
    closed two weeks ago; nothing is made if she already has a round."""
    participant = db.scalar(select(User).where(User.email == "participant1@example.org"))
    cohort = db.scalar(
        select(Cohort)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == (participant.id if participant else -1))
        .where(Membership.role == Role.PARTICIPANT)
        .order_by(Cohort.start_month)
        .limit(1)
    )
    domain = next((d for d in current_framework(db) if d.domain.name == DOMAIN), None)
    if participant is None or cohort is None or domain is None:
        return
    if db.scalar(select(FeedbackRound.id).where(FeedbackRound.participant_id == participant.id)):
        return
    asked_at = now - timedelta(days=35)
    capabilities = domain.capabilities[:QUESTIONS]
    feedback_round = services.open_round(
        db,
        participant,
        cohort,
        capability_ids=[c.id for c in capabilities],
        note="I am working on how I bring clinicians and providers into commissioning "
        "conversations. Your honest view would help me choose what to work on next.",
        raters=[
            services.RaterInput(f"{name}@example.org", relation)
            for relation, name, _levels, _words in COLLEAGUES
        ],
        closes_at=asked_at + timedelta(days=21),
        now=asked_at,
    )
    for n, (rater, (_relation, _name, levels, words)) in enumerate(
        zip(feedback_round.raters, COLLEAGUES, strict=True)
    ):
        services.new_link(db, rater)
        answered_at = asked_at + timedelta(days=2 + n)
        if levels is None:
            services.decline(db, rater, answered_at)
            continue
        services.submit(
            db,
            rater,
            {
                "ratings": {
                    str(c.id): level for c, level in zip(capabilities, levels, strict=True)
                },
                "keep_doing": words[0],
                "start_doing": words[1],
                "change": words[2],
            },
            answered_at,
        )
    services.release(db, feedback_round, feedback_round.closes_at)
