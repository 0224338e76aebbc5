"""Pages cost the same number of queries after a year of check-ins as after the baseline."""

from datetime import timedelta

import pytest

from learnset.db import utcnow
from tests import factories


def _history(db, people, framework, count):
    """`count` assessments for the participant, a library item per capability used in a session."""
    start = utcnow() - timedelta(days=30 * count)
    for number in range(count):
        factories.make_assessment(
            db,
            people.participant,
            people.cohort,
            dict.fromkeys(framework.capabilities, (1 + number % 3, 5)),
            at=start + timedelta(days=30 * number),
            shared=number % 2 == 0,
        )
    for capability in framework.capabilities:
        item = factories.make_content_item(db, [capability])
        factories.make_published_meeting(db, people.cohort, items=[item])
    db.commit()


def _queries(login, user, path, count_queries):
    browser = login(user)
    browser.get(path)  # the first request loads what every page needs once
    with count_queries() as statements:
        response = browser.get(path)
    assert response.status_code == 200
    return len(statements)


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
    db, login, people, framework, count_queries, role, path
):
    path = path.format(cohort=people.cohort.id, participant=people.participant.id)
    user = getattr(people, role)
    _history(db, people, framework, 1)
    few = _queries(login, user, path, count_queries)
    _history(db, people, framework, 11)
    factories.make_assessment(db, people.fellow, people.cohort)
    db.commit()
    many = _queries(login, user, path, count_queries)
    assert many == few, f"{path}: {few} queries with 1 assessment, {many} with 12"
