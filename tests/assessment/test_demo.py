"""The demo programme: most participants have a baseline and check-ins, some kept private."""

import pytest
from sqlalchemy import select

from learnset import demo
from learnset.assessment.models import LearningFocus, Rating, SelfAssessment, rating_reflections
from tests.factories import FAST_HASH
from tests.helpers import count_rows


@pytest.mark.demo_data(library=True)
def test_demo_self_assessments_load_once(db):
    assessments = count_rows(db, SelfAssessment)
    demo.load(db, FAST_HASH)
    assert count_rows(db, SelfAssessment) == assessments
    baselines = db.scalars(select(SelfAssessment).where(SelfAssessment.kind == "baseline")).all()
    # Of 12 participants in two sets, one in each has not started yet.
    assert len(baselines) == 10
    assert all(len(baseline.ratings) == 21 for baseline in baselines)
    assert count_rows(db, SelfAssessment, SelfAssessment.kind == "check-in") > 20
    assert count_rows(db, SelfAssessment, SelfAssessment.shared_with_tutors.is_(False)) > 0
    assert count_rows(db, SelfAssessment, SelfAssessment.status == "draft") == 0
    assert count_rows(db, Rating, Rating.carried_forward.is_(True)) > 0
    assert count_rows(db, LearningFocus) == 2
    assert count_rows(db, rating_reflections) > 0


@pytest.mark.demo_data
def test_the_demo_without_a_framework_has_no_self_assessments(db):
    assert count_rows(db, SelfAssessment) == 0
