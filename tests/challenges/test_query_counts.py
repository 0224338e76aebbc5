"""The set's list, a challenge's page and the gains board load in a fixed number of statements,
however many challenges, updates, gains and reflections there are."""

from datetime import timedelta

from learnset.db import utcnow
from tests import factories


def _statements(count_queries, browser, path):
    browser.get(path)  # warm up: the first request of a client loads its user
    with count_queries() as statements:
        response = browser.get(path)
    assert response.status_code == 200, path
    return len(statements)


def _grow(db, people, challenges=1, updates=1, members=1):
    """More of everything in cohort A: members with challenges full of updates and reflections."""
    owners = [factories.make_member(db, people.cohort, "participant") for _ in range(members)]
    owners.append(people.participant)
    made = []
    now = utcnow()
    for owner in owners:
        for _ in range(challenges):
            challenge = factories.make_challenge(db, owner, people.cohort)
            for step in range(updates):
                at = now - timedelta(days=35 * step)
                factories.make_update(db, challenge, people.fellow, "question", at=at)
                # Questions from many different people: their names must not cost a query each.
                for asker in owners:
                    if asker is not owner:
                        factories.make_update(db, challenge, asker, "question", at=at)
                factories.make_update(db, challenge, people.tutor, "insight", at=at)
                factories.make_update(db, challenge, owner, "experiment", at=at)
                factories.make_update(db, challenge, owner, "gain", at=at)
                factories.make_reflection(
                    db, owner, cohort=people.cohort, challenge_id=challenge.id, visibility="set"
                )
            made.append(challenge)
    db.commit()
    return made


def _compare(db, people, count_queries, who, path_for):
    small = _grow(db, people)
    few = _statements(count_queries, who(), path_for(small))
    large = _grow(db, people, challenges=3, updates=6, members=4)
    many = _statements(count_queries, who(), path_for(large))
    assert few == many


def test_the_sets_list_is_constant(login, db, people, count_queries):
    for person in (people.participant, people.tutor):
        _compare(
            db,
            people,
            count_queries,
            lambda p=person: login(p),
            lambda made: f"/cohorts/{people.cohort.id}/challenges",
        )


def test_a_challenge_page_is_constant(login, db, people, count_queries):
    for person in (people.participant, people.fellow, people.tutor):
        _compare(
            db,
            people,
            count_queries,
            lambda p=person: login(p),
            # The participant's own challenge: the owner sees the most.
            lambda made: f"/challenges/{made[-1].id}",
        )


def test_the_gains_board_is_constant(login, db, people, count_queries):
    _compare(
        db,
        people,
        count_queries,
        lambda: login(people.tutor),
        lambda made: f"/cohorts/{people.cohort.id}/gains",
    )


def test_stories_and_the_cohort_page_are_constant(login, db, people, count_queries):
    def publish(made):
        for challenge in made:
            if challenge.story is None:
                challenge.status = "closed"
                factories.make_story(db, challenge)
        db.commit()
        return made

    readers = [("/stories", people.outsider), (f"/cohorts/{people.cohort.id}", people.fellow)]
    for path, reader in readers:
        _compare(
            db,
            people,
            count_queries,
            lambda reader=reader: login(reader),
            lambda made, path=path: publish(made) and path,
        )


def test_the_home_page_is_constant(login, db, people, count_queries):
    meeting = factories.make_meeting(db, people.cohort)

    def slots(made):
        for challenge in made:
            factories.make_challenge_slot(db, meeting, challenge)
            factories.make_update(db, challenge, challenge.owner, "action")
        db.commit()
        return "/"

    for person in (people.participant, people.tutor):
        _compare(db, people, count_queries, lambda p=person: login(p), slots)


def test_every_page_of_a_long_timeline_costs_the_same(login, db, people, count_queries):
    small = _grow(db, people)
    browser = login(people.tutor)
    few = _statements(count_queries, browser, f"/challenges/{small[-1].id}")
    large = _grow(db, people, challenges=1, updates=8, members=4)[-1]
    for page in (1, 2, 3, 99):
        path = f"/challenges/{large.id}?page={page}"
        assert _statements(count_queries, browser, path) == few, path
