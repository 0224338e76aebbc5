"""A colleague's answer and the round's close, racing: the answer is in the report or it is
refused, and never left behind once the answers are deleted. Real commits from two threads
on the test database (on PostgreSQL each statement sees what others committed before it)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from learnset.accounts.models import User
from learnset.audit import AuditEvent
from learnset.cohorts.models import Cohort
from learnset.colleague_feedback import report, services
from learnset.colleague_feedback.models import FeedbackResponse, FeedbackRound
from learnset.db import Database, utcnow
from learnset.framework.models import Capability, CapabilityDomain
from tests import factories


def _open_round(sessions):
    with sessions() as setup:
        domain = factories.make_domain(setup)
        capability = factories.make_capability(setup, domain)
        cohort = factories.make_cohort(setup)
        participant = factories.make_member(setup, cohort, "participant")
        now = utcnow()
        feedback_round = services.open_round(
            setup,
            participant,
            cohort,
            capability_ids=[capability.id],
            note="",
            raters=[services.RaterInput(f"racer{n}@example.nhs.uk", "peer") for n in range(3)],
            closes_at=now + timedelta(days=14),
            now=now,
        )
        for rater in feedback_round.raters:
            services.new_link(setup, rater)
        setup.commit()
        return feedback_round.id, feedback_round.raters[0].id, capability.id, domain.id, cohort.id


@pytest.mark.parametrize("first", ["answer", "close"])
def test_an_answer_racing_the_close_is_reported_or_refused_never_left(app, engine, first):
    sessions = Database.on(engine).writer_sessions
    round_id, rater_id, capability_id, domain_id, cohort_id = _open_round(sessions)
    started, outcome = threading.Event(), {}

    def _answer() -> None:
        with app.app_context(), sessions() as session:
            rater = session.get(services.FeedbackRater, rater_id)
            try:
                services.submit(session, rater, {"ratings": {str(capability_id): 4}}, utcnow())
            except services.ColleagueFeedbackError as refused:
                outcome["answer"] = refused.status
                return
            if first == "answer":
                started.set()
                time.sleep(0.5)  # the close arrives while this answer is not yet committed
            session.commit()
            outcome["answer"] = 200

    def _close() -> None:
        with app.app_context(), sessions() as session:
            services.close_early(session, session.get(FeedbackRound, round_id), utcnow())
            if first == "close":
                started.set()
                time.sleep(0.5)  # the answer arrives while the close is not yet committed
            session.commit()

    threads = {"answer": threading.Thread(target=_answer), "close": threading.Thread(target=_close)}
    second = "close" if first == "answer" else "answer"
    try:
        threads[first].start()
        started.wait(5)
        threads[second].start()
        for thread in threads.values():
            thread.join()
        with sessions() as check:
            left = check.scalar(select(func.count()).where(FeedbackResponse.round_id == round_id))
            kept = report.read(check.get(FeedbackRound, round_id).report)
        assert left == 0
        assert (outcome["answer"], kept.responses) == ((200, 1) if first == "answer" else (410, 0))
    finally:
        with sessions() as cleanup:
            participant_ids = select(FeedbackRound.participant_id).where(
                FeedbackRound.id == round_id
            )
            user_ids = list(cleanup.scalars(participant_ids))
            cleanup.execute(delete(AuditEvent).where(AuditEvent.actor_id.in_(user_ids)))
            cleanup.execute(delete(FeedbackRound).where(FeedbackRound.id == round_id))
            cleanup.execute(delete(User).where(User.id.in_(user_ids)))
            cleanup.execute(delete(Cohort).where(Cohort.id == cohort_id))
            cleanup.execute(delete(Capability).where(Capability.id == capability_id))
            cleanup.execute(delete(CapabilityDomain).where(CapabilityDomain.id == domain_id))
            cleanup.commit()
