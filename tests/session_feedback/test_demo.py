"""The demo programme has session feedback: one session shown to its tutor, one with too few."""

import pytest
from sqlalchemy import select

from learnset import demo
from learnset.cohorts.models import Cohort
from learnset.db import utcnow
from learnset.meetings.models import Meeting
from learnset.session_feedback import release
from learnset.session_feedback.models import SessionFeedback
from learnset.session_feedback.release import Shown
from learnset.session_feedback.summary import summaries_for_cohorts
from tests.factories import FAST_HASH
from tests.helpers import count_rows


@pytest.mark.demo_data(library=True)
def test_the_demo_set_has_feedback_shown_and_withheld_and_loads_once(db):
    answers = count_rows(db, SessionFeedback)
    demo.load(db, FAST_HASH)
    assert answers == count_rows(db, SessionFeedback) >= 11
    cohort = db.scalar(select(Cohort).where(Cohort.name == "Riverside learning set 2026"))
    meetings = db.scalars(select(Meeting).where(Meeting.cohort_id == cohort.id)).all()
    shown = [release.session_figures(db, meeting, utcnow()).shown for meeting in meetings]
    assert Shown.RELEASED in shown and Shown.TOO_FEW in shown
    summary = summaries_for_cohorts(db, [cohort.id], utcnow())[cohort.id]
    assert summary.sessions_released == 2 and summary.figures.responses == 9
    assert summary.did_differently and summary.suggested_change
