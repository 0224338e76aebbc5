"""The home page's panels share what they all need (issue 14, item 5): the person's learning
sets are asked for once, and their memberships come with the sign-in, not in a query of their
own; a tutor's home page stays within 12 statements."""

from __future__ import annotations

import re

from tests import factories

COHORTS_OF_A_PERSON = re.compile(r"FROM cohorts JOIN memberships ON", re.IGNORECASE)
MEMBERSHIPS_ALONE = re.compile(r"^SELECT memberships\.\w+.* FROM memberships WHERE", re.IGNORECASE)


def _home(login, person, count_queries) -> list[str]:  # type: ignore[no-untyped-def]
    browser = login(person)
    browser.get("/")
    with count_queries() as statements:
        assert browser.get("/").status_code == 200
    return [" ".join(statement.split()) for statement in statements]


def test_each_panel_uses_the_same_list_of_sets(db, login, people, count_queries):
    # A second set each, so a per-set query would show.
    other = factories.make_cohort(db)
    factories.make_member(db, other, "participant", user=people.participant)
    factories.make_member(db, other, "tutor", user=people.tutor)
    db.commit()
    for person in (people.participant, people.tutor):
        statements = _home(login, person, count_queries)
        assert len([s for s in statements if COHORTS_OF_A_PERSON.search(s)]) == 1
        assert not [s for s in statements if MEMBERSHIPS_ALONE.search(s)]


def test_a_tutors_home_page_is_within_twelve_statements(db, login, people, count_queries):
    statements = _home(login, people.tutor, count_queries)
    writes = [s for s in statements if s.startswith(("BEGIN", "COMMIT"))]
    assert len(statements) - len(writes) <= 12, statements
