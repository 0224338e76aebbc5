"""The home page's panels share what they all need and ask for every set at once (issue 14,
item 5): the person's learning sets are read once, with their memberships coming with the
sign-in; a second set full of sessions, materials, topics, challenges and ratings costs no
extra statement; and the page stays within 11 statements for a participant and a tutor (the
sessions to give feedback on, issue 19 item 3, added a thirteenth; open challenges coming with
their plans took one away, and the capabilities panel's draft, focus and gaps read together
another)."""

from __future__ import annotations

from datetime import timedelta

from learnset.db import utcnow
from tests import factories

HOME_STATEMENT_LIMIT = 11
# A tutor who takes part in no set: the sign-in, the sets, the presenters at the next sessions
# (with their slots), the next session and draft, the open topics, what was shared with them
# and the presenters' challenges they may read (issue 14: the panels only a participant can
# have ask nothing, and the presenters come in one statement, not two).
TUTOR_HOME_STATEMENT_LIMIT = 7


def _home(login, person, count_queries) -> list[str]:  # type: ignore[no-untyped-def]
    browser = login(person)
    browser.get("/")
    with count_queries() as statements:
        assert browser.get("/").status_code == 200
    return [" ".join(statement.split()) for statement in statements]


def _reads(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]


def _fill(db, framework, cohort, participant) -> None:  # type: ignore[no-untyped-def]
    """Everything a home page panel shows, in one set: sessions past, next and in draft with
    materials, open topics with votes, an open challenge with a plan presenting next, a
    submitted self-assessment and a draft one."""
    item = factories.make_content_item(db)
    factories.make_published_meeting(db, cohort, items=[item])
    soon = utcnow().replace(microsecond=0) + timedelta(days=7)
    upcoming = factories.make_published_meeting(db, cohort, items=[item], starts_at=soon)
    factories.make_meeting(db, cohort, starts_at=soon + timedelta(days=30))
    for _ in range(2):
        factories.make_vote(db, factories.make_topic(db, cohort, participant), participant)
    challenge = factories.make_challenge(db, participant, cohort)
    factories.make_update(db, challenge, participant, kind="action")
    factories.make_challenge_slot(db, upcoming, challenge)
    factories.make_assessment(db, participant, cohort, framework.ratings((1, 3)))
    factories.make_assessment(db, participant, cohort, framework.ratings((2, 3)), status="draft")
    db.commit()


def test_a_second_full_set_costs_no_statement(db, login, people, count_queries):
    participant, tutor = people.participant, people.tutor
    framework = factories.make_framework(db)
    _fill(db, framework, people.cohort, participant)
    one_set = {p: _reads(_home(login, p, count_queries)) for p in (participant, tutor)}
    other = factories.make_cohort(db)
    factories.make_member(db, other, "participant", user=participant)
    factories.make_member(db, other, "tutor", user=tutor)
    _fill(db, framework, other, participant)
    for person in (participant, tutor):
        two_sets = _reads(_home(login, person, count_queries))
        assert len(two_sets) == len(one_set[person]), two_sets
        assert len([s for s in two_sets if " FROM cohorts " in f" {s} "]) <= 2, two_sets
        assert len(two_sets) <= HOME_STATEMENT_LIMIT, two_sets


def test_a_tutor_s_home_asks_nothing_for_a_participant_s_panels(db, login, people, count_queries):
    framework = factories.make_framework(db)
    _fill(db, framework, people.cohort, people.participant)
    reads = _reads(_home(login, people.tutor, count_queries))
    assert len(reads) <= TUTOR_HOME_STATEMENT_LIMIT, reads
    assert not [s for s in reads if "session_feedback" in s or "reflection_comments" in s], reads
