"""The demo programme includes a few reflections, some shared, one with a tutor's comment."""

from sqlalchemy import func, select

from learnset import demo
from learnset.reflections.models import Reflection, ReflectionComment, ReflectionVersion
from tests.factories import FAST_HASH


def test_demo_reflections_load_once(db):
    demo.load(db, FAST_HASH)
    demo.load(db, FAST_HASH)
    reflections = db.scalars(select(Reflection)).all()
    assert len(reflections) == 5
    assert {r.visibility for r in reflections} == {"private", "tutors", "set"}
    assert {r.structure for r in reflections} == {"driscoll", "gibbs"}
    assert db.scalar(select(func.count()).select_from(ReflectionComment)) == 1
    assert db.scalar(select(func.count()).select_from(ReflectionVersion)) == 5
