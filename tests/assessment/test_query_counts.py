"""Pages cost the same number of queries after a year of check-ins as after the baseline."""

from datetime import timedelta

import pytest

from learnset.assessment.models import Rating
from learnset.db import utcnow
from tests import factories
from tests.helpers import statements_for


def _history(db, people, framework, count, participant_rates):
    """`count` assessments for the participant, a library item per capability used in a session."""
    start = utcnow() - timedelta(days=30 * count)
    for number in range(count):
        participant_rates(
            (1 + number % 3, 5), at=start + timedelta(days=30 * number), shared=number % 2 == 0
        )
    for capability in framework.capabilities:
        item = factories.make_content_item(db, [capability])
        factories.make_published_meeting(db, people.cohort, items=[item])
    db.commit()


@pytest.mark.parametrize(
    "role,path",
    [
        ("participant", "/cohorts/{cohort}/capabilities"),
        ("participant", "/cohorts/{cohort}/capabilities/listening"),
        ("participant", "/"),
        ("tutor", "/cohorts/{cohort}/participants/{participant}/capabilities"),
        ("tutor", "/cohorts/{cohort}/self-assessments"),
    ],
)
def test_queries_do_not_grow_with_assessments(
    db, login, people, framework, count_queries, role, path, participant_rates
):
    path = path.format(cohort=people.cohort.id, participant=people.participant.id)
    user = getattr(people, role)
    _history(db, people, framework, 1, participant_rates)
    few = statements_for(count_queries, login(user), path)
    _history(db, people, framework, 11, participant_rates)
    factories.make_assessment(db, people.fellow, people.cohort)
    db.commit()
    many = statements_for(count_queries, login(user), path)
    assert many == few, f"{path}: {few} queries with 1 assessment, {many} with 12"


def test_evidence_costs_the_same_however_many_reflections_are_linked(
    db, login, people, framework, count_queries
):
    draft = factories.make_assessment(db, people.participant, people.cohort, status="draft")
    shared = factories.make_assessment(db, people.fellow, people.cohort)
    db.commit()
    pages = [
        (people.participant, f"/self-assessments/{draft.id}/domains/conversations"),
        (people.participant, f"/self-assessments/{draft.id}/check"),
        (people.tutor, f"/self-assessments/{shared.id}"),
    ]

    def link(count):
        for capability in framework.capabilities:
            for _ in range(count):
                for assessment, author in ((draft, people.participant), (shared, people.fellow)):
                    reflection = factories.make_reflection(
                        db, author, capabilities=[capability], visibility="tutors"
                    )
                    rating = next(
                        (r for r in assessment.ratings if r.capability_id == capability.id), None
                    )
                    if rating is None:
                        rating = Rating(
                            capability_id=capability.id, current_level=2, target_level=4
                        )
                        assessment.ratings.append(rating)
                    rating.reflections.append(reflection)
        db.commit()

    link(1)
    few = [statements_for(count_queries, login(user), path) for user, path in pages]
    link(4)
    many = [statements_for(count_queries, login(user), path) for user, path in pages]
    assert many == few
