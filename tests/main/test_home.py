"""An admin's home page: the programme's newest sets and a way to all of them, beside the sets
the admin belongs to."""

from __future__ import annotations

from datetime import date

from learnset.main.services import PROGRAMME_SETS_ON_HOME
from tests import factories
from tests.helpers import text_of


def test_an_admin_sees_the_newest_sets_and_a_link_to_all(db, login, people):
    # The fixture's two sets start in 2026; these start later, one a month.
    newest = [
        factories.make_cohort(db, name=f"Set {month:02}", start_month=date(2027, month, 1))
        for month in range(1, PROGRAMME_SETS_ON_HOME + 3)
    ]
    factories.make_member(db, people.cohort, "tutor", user=people.admin)
    db.commit()
    page = text_of(login(people.admin).get("/"))
    programme = page.split("The programme", 1)[1]
    shown = [cohort.name for cohort in newest[-PROGRAMME_SETS_ON_HOME:]]
    assert all(name in programme for name in shown)
    assert newest[0].name not in programme and people.other_cohort.name not in programme
    total = len(newest) + 2
    assert f"All {total} learning sets" in programme
    # The older set the admin tutors is still listed as theirs.
    assert people.cohort.name in page.split("The programme", 1)[0]


def test_no_link_to_all_when_every_set_is_shown(login, people):
    page = text_of(login(people.admin).get("/"))
    assert people.cohort.name in page and "learning sets</a> (the" not in page
