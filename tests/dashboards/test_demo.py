"""The demo's first set has a year of history for its dashboard to show on first run."""

import pytest
from sqlalchemy import func, select

from learnset import demo
from learnset.assessment.models import SelfAssessment
from learnset.cohorts.models import Cohort
from learnset.dashboards import pages
from learnset.dashboards.engagement import engagement_months, engagement_of
from learnset.db import utcnow
from learnset.framework.queries import current_framework
from tests.factories import FAST_HASH


@pytest.mark.demo_data(library=True)
def test_the_riverside_dashboard_is_rich_on_first_run(db):
    demo.load(db, FAST_HASH)
    cohort = db.scalar(select(Cohort).where(Cohort.name == demo.COHORTS[0][0]))
    framework = current_framework(db)
    now = utcnow()
    figures = pages.tutor_dashboard(db, cohort, framework, now, with_individuals=True)
    released = figures.released

    # Six of seven share; the seventh has not started.
    assert (released.sharing.participants, len(figures.participants)) == (6, 7)
    # A check-in a month since the first session, with the set growing in every domain.
    assert len(released.growth.points) >= 8
    assert all(not point.suppressed for point in released.growth.points[-1].by_domain.values())
    assert all(domain.change.value > 0 for domain in released.domains)
    # One participant kept some check-ins to themselves.
    kept = db.scalar(
        select(func.count(func.distinct(SelfAssessment.participant_id))).where(
            SelfAssessment.cohort_id == cohort.id, SelfAssessment.shared_with_tutors.is_(False)
        )
    )
    assert kept == 1
    assert len(figures.heat_map.participants) == 6
    assert [person.name for person in figures.not_seen_lately] == ["Dr Jonathan Price"]
    # A draft session to plan, with suggestions for it.
    assert figures.next_draft is not None and not figures.next_draft.is_published
    assert 3 <= len(figures.gaps_to_plan) <= 5
    assert any(gap.items for gap in figures.gaps_to_plan)

    engagement = engagement_of(db, cohort.id, engagement_months(cohort, now))
    reflections = sum(entry.total.reflections for entry in engagement.participants)
    shared = sum(entry.total.reflections_shared for entry in engagement.participants)
    assert reflections > 40 and shared < reflections / 2
