"""Malformed input to every self-assessment form is a 4xx or a redirect, never a 500, and
writes nothing it should not."""

import pytest
from sqlalchemy import func, select

from learnset.assessment.models import LearningFocus, Rating, SelfAssessment
from tests import factories

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
    for browser, path, data in posts:
        response = browser.post(path, data=data)
        assert response.status_code in (302, 400, 422), (path, response.status_code)
    assert _counts(db) == before
    db.refresh(submitted)
    assert submitted.shared_with_tutors


def test_ids_beyond_the_integer_range_are_not_found(login, db, people, no_csrf):
    huge = 2**63
    tutor = login(people.tutor)
    for path in (
        f"/self-assessments/{huge}",
        f"/self-assessments/{huge}/check",
        f"/self-assessments/{huge}/domains/conversations",
        f"/cohorts/{huge}/capabilities",
        f"/cohorts/{huge}/self-assessments",
        f"/cohorts/{people.cohort.id}/participants/{huge}/capabilities",
        f"/cohorts/{huge}/participants/{people.participant.id}/capabilities",
    ):
        assert tutor.get(path).status_code == 404, path
    assert login(people.participant).post(f"/cohorts/{huge}/focus").status_code == 404
