"""The set's list, a challenge's page and the gains board load in a fixed number of statements,
however many challenges, updates, gains and reflections there are."""

from datetime import timedelta

import pytest

from learnset.db import utcnow
from tests import factories
from tests.helpers import statements_for


def _grow(db, people, challenges=1, updates=1, members=1):
    """More of everything in cohort A: members with challenges full of updates and reflections."""
    owners = factories.make_members(db, people.cohort, "participant", members)
    owners.append(people.participant)
    made = []
    now = utcnow()
    for owner in owners:
        for _ in range(challenges):
            challenge = factories.make_challenge(db, owner, people.cohort)
            with factories.batch(db):
                for step in range(updates):
                    at = now - timedelta(days=35 * step)
                    factories.make_update(db, challenge, people.fellow, "question", at=at)
                    # Questions from many different people: their names must not cost a query
                    # each.
                    for asker in owners:
                        if asker is not owner:
                            factories.make_update(db, challenge, asker, "question", at=at)
                    factories.make_update(db, challenge, people.tutor, "insight", at=at)
                    factories.make_update(db, challenge, owner, "experiment", at=at)
                    factories.make_update(db, challenge, owner, "gain", at=at)
            for _ in range(updates):
                factories.make_reflection(
                    db, owner, cohort=people.cohort, challenge_id=challenge.id, visibility="set"
                )
            made.append(challenge)
    db.commit()
    return made


# A challenge's page loads its set, story, notes and owner with the challenge (issue 14).
CHALLENGE_PAGE_STATEMENTS = 8


def _assert_constant(db, people, login, count_queries, role, path_for):
    """`role` opening the page `path_for(the challenges just made)` costs as many statements
    once the set has grown as before; how many."""
    few = statements_for(count_queries, login(people.by_role(role)), path_for(_grow(db, people)))
    large = _grow(db, people, challenges=3, updates=6, members=4)
    many = statements_for(count_queries, login(people.by_role(role)), path_for(large))
    assert few == many
    return many


@pytest.mark.parametrize("role", ["participant", "tutor"])
def test_the_sets_list_is_constant(login, db, people, count_queries, role):
    path = f"/cohorts/{people.cohort.id}/challenges"
    _assert_constant(db, people, login, count_queries, role, lambda made: path)


@pytest.mark.parametrize("role", ["participant", "fellow", "tutor"])
def test_a_challenge_page_is_constant(login, db, people, count_queries, role):
    # The participant's own challenge: the owner sees the most.
    statements = _assert_constant(
        db, people, login, count_queries, role, lambda made: f"/challenges/{made[-1].id}"
    )
    assert statements <= CHALLENGE_PAGE_STATEMENTS


def test_the_gains_board_is_constant(login, db, people, count_queries):
    path = f"/cohorts/{people.cohort.id}/gains"
    _assert_constant(db, people, login, count_queries, "tutor", lambda made: path)


@pytest.mark.parametrize(
    "role,page", [("outsider", "stories"), ("fellow", "cohort")], ids=["stories", "cohort page"]
)
def test_stories_and_the_cohort_page_are_constant(login, db, people, count_queries, role, page):
    path = "/stories" if page == "stories" else f"/cohorts/{people.cohort.id}"

    def published(made):
        for challenge in made:
            if challenge.story is None:
                challenge.status = "closed"
                factories.make_story(db, challenge)
        db.commit()
        return path

    _assert_constant(db, people, login, count_queries, role, published)


@pytest.mark.parametrize("role", ["participant", "tutor"])
def test_the_home_page_is_constant(login, db, people, count_queries, role):
    meeting = factories.make_meeting(db, people.cohort)

    def presenting(made):
        for challenge in made:
            factories.make_challenge_slot(db, meeting, challenge)
            factories.make_update(db, challenge, challenge.owner, "action")
        db.commit()
        return "/"

    _assert_constant(db, people, login, count_queries, role, presenting)


def test_every_page_of_a_long_timeline_costs_the_same(login, db, people, count_queries):
    small = _grow(db, people)
    browser = login(people.tutor)
    few = statements_for(count_queries, browser, f"/challenges/{small[-1].id}")
    large = _grow(db, people, challenges=1, updates=8, members=4)[-1]
    for page in (1, 2, 3, 99):
        path = f"/challenges/{large.id}?page={page}"
        assert statements_for(count_queries, browser, path) == few, path
