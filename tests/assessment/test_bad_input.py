"""Malformed input to every self-assessment form is a 4xx or a redirect, never a 500, and
writes nothing it should not."""

import pytest
from sqlalchemy import func, select

from learnset.assessment.models import LearningFocus, Rating, SelfAssessment
from tests import factories
from tests.helpers import assert_each_post_answers

GARBAGE = ["", "abc", "-1", "99999999999999999999", "1.5", "\x00", "<script>", "Zoë 🙂" * 200]


def _counts(db):
    return [
        db.scalar(select(func.count()).select_from(model))
        for model in (SelfAssessment, Rating, LearningFocus)
    ]


@pytest.mark.parametrize("junk", GARBAGE)
def test_no_form_breaks_on_junk(login, db, people, framework, no_csrf, junk, participant_rates):
    submitted = factories.make_assessment(
        db, people.fellow, people.cohort, framework.ratings(listening=(2, 3))
    )
    draft = participant_rates(listening=(2, 3), status="draft")
    db.commit()
    before = _counts(db)
    participant = login(people.participant)
    cohort = people.cohort.id
    levels = {
        f"{c.slug}-{part}": junk for c in framework.capabilities for part in ("current", "target")
    }
    posts = [
        (participant, f"/self-assessments/{draft.id}/domains/conversations", levels),
        (participant, f"/self-assessments/{draft.id}/check", {"share": junk}),
        (participant, f"/cohorts/{cohort}/focus", {"item": junk, "capability": junk}),
        (login(people.fellow), f"/cohorts/{cohort}/self-assessments/new", {"scope": junk}),
        (login(people.fellow), f"/cohorts/{cohort}/self-assessments/new?choose=some",
         {"capabilities-conversations": [junk], "capabilities-systems": [junk]}),
        (login(people.fellow), f"/self-assessments/{submitted.id}/sharing", {"share": junk}),
    ]  # fmt: skip
    assert_each_post_answers(posts, (302, 400, 422))
    assert _counts(db) == before
    db.refresh(submitted)
    assert submitted.shared_with_tutors


HUGE = 2**63


@pytest.mark.parametrize(
    "path",
    [
        "/self-assessments/{huge}",
        "/self-assessments/{huge}/check",
        "/self-assessments/{huge}/domains/conversations",
        "/cohorts/{huge}/capabilities",
        "/cohorts/{huge}/self-assessments",
        "/cohorts/{cohort}/participants/{huge}/capabilities",
        "/cohorts/{huge}/participants/{participant}/capabilities",
    ],
)
def test_ids_beyond_the_integer_range_are_not_found(login, people, path):
    url = path.format(huge=HUGE, cohort=people.cohort.id, participant=people.participant.id)
    assert login(people.tutor).get(url).status_code == 404


def test_a_focus_in_a_cohort_beyond_the_integer_range_is_not_found(login, people, no_csrf):
    assert login(people.participant).post(f"/cohorts/{HUGE}/focus").status_code == 404
