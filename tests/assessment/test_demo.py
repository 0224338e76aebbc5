"""The demo programme: most participants have a baseline and check-ins, some kept private."""

from sqlalchemy import func, select

from learnset import PROJECT_ROOT, demo
from learnset.assessment.models import LearningFocus, Rating, SelfAssessment, rating_reflections
from learnset.db import utcnow
from learnset.library.sync import sync_content
from tests.factories import FAST_HASH


def _count(db, table, *where):
    return db.scalar(select(func.count()).select_from(table).where(*where))


def test_demo_self_assessments_load_once(db):
    sync_content(db, PROJECT_ROOT / "content", utcnow())
    demo.load(db, FAST_HASH)
    assessments = _count(db, SelfAssessment)
    demo.load(db, FAST_HASH)
    assert _count(db, SelfAssessment) == assessments
    baselines = db.scalars(select(SelfAssessment).where(SelfAssessment.kind == "baseline")).all()
    # Of 12 participants in two sets, one in each has not started yet.
    assert len(baselines) == 10
    assert all(len(baseline.ratings) == 18 for baseline in baselines)
    assert _count(db, SelfAssessment, SelfAssessment.kind == "check-in") > 20
    assert _count(db, SelfAssessment, SelfAssessment.shared_with_tutors.is_(False)) > 0
    assert _count(db, SelfAssessment, SelfAssessment.status == "draft") == 0
    assert _count(db, Rating, Rating.carried_forward.is_(True)) > 0
    assert _count(db, LearningFocus) == 2
    assert _count(db, rating_reflections) > 0


def test_the_demo_without_a_framework_has_no_self_assessments(db):
    demo.load(db, FAST_HASH)
    assert _count(db, SelfAssessment) == 0
