"""The demo programme includes one finished round with its report released."""

import pytest
from sqlalchemy import select

from learnset import demo
from learnset.colleague_feedback import report
from learnset.colleague_feedback.models import FeedbackRater, FeedbackResponse, FeedbackRound
from learnset.db import utcnow
from tests.factories import FAST_HASH
from tests.helpers import count_rows


@pytest.mark.demo_data(library=True)
def test_the_demo_has_one_released_report_and_loads_once(db):
    demo.load(db, FAST_HASH)
    [feedback_round] = db.scalars(select(FeedbackRound)).all()
    assert feedback_round.participant.email == "participant1@example.org"
    assert feedback_round.released_at is not None and not feedback_round.is_open(utcnow())
    kept = report.read(feedback_round.report)
    assert (kept.asked, kept.responses, kept.declined, kept.shown) == (7, 6, 1, True)
    assert [g["label"] for g in kept.groups] == ["Clinician", "Others"]
    assert kept.blind_spots and kept.hidden_strengths
    assert count_rows(db, FeedbackResponse) == 0
    assert count_rows(db, FeedbackRater, FeedbackRater.email.is_not(None)) == 0
