"""Each participant can see exactly what their tutors see about them, on one page: the same
numbers as the tutors' engagement page and heat map, from the same queries."""

from __future__ import annotations

from tests import factories
from tests.dashboards.conftest import PRIVATE_TEXT, PRIVATE_TITLE, month
from tests.helpers import tables

HEAT_MAP = "Gap between target and current level, by capability and participant"
MONTHLY = "Your engagement, month by month, as your tutors see it"


def _page(login, person, cohort):
    response = login(person).get(f"/cohorts/{cohort.id}/what-your-tutors-see")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_monthly_numbers_are_the_tutor_s_engagement_row(login, people, history):
    cohort = people.cohort
    for person in history.everyone:
        mine = {row[0]: row[1:] for row in tables(_page(login, person, cohort))[MONTHLY][1:]}
        for offset in range(7):
            chosen = month(offset)
            html = (
                login(people.tutor)
                .get(f"/cohorts/{cohort.id}/dashboard/engagement?month={chosen:%Y-%m}")
                .get_data(as_text=True)
            )
            table = tables(html)[f"Engagement by participant in {chosen:%B %Y}"]
            row = next(r for r in table if r[0] == person.name)
            assert mine[f"{chosen:%B %Y}"] == row[1:], (person.name, chosen)


def test_the_gaps_are_the_participant_s_column_of_the_heat_map(login, people, history):
    tutor_view = tables(
        login(people.tutor).get(f"/cohorts/{people.cohort.id}/dashboard").get_data(as_text=True)
    )[HEAT_MAP]
    names = tutor_view[0]
    for person in history.everyone:
        column = names.index(person.name)
        seen_by_tutor = {
            row[0]: row[column]
            for row in tutor_view[1:]
            if not row[column].startswith("\N{EN DASH}")
        }
        html = _page(login, person, people.cohort)
        mine = tables(html)["Your gaps, as the heat map shows them"]
        assert {row[0]: row[3] for row in mine[1:]} == seen_by_tutor, person.name


def test_shared_and_kept_self_assessments_and_reflections(login, people, history):
    # Ben kept his check-in to himself; Pat wrote a private reflection.
    ben = " ".join(_page(login, history.ben, people.cohort).split())
    assert "1 self-assessment you kept to yourself is not shown to them" in ben
    assert "Baseline of" in ben and "Check-in of" not in ben
    pat = " ".join(_page(login, history.pat, people.cohort).split())
    assert "You have 2 private reflections in this set" in pat
    assert PRIVATE_TITLE not in pat and PRIVATE_TEXT not in pat
    assert "shared with tutors" in pat
    assert "Tess Tutor" in pat


def test_someone_not_yet_in_the_heat_map_is_told_why(db, login, people, framework):
    html = " ".join(_page(login, people.participant, people.cohort).split())
    assert "You are not in the heat map" in html
    assert "they have not been released yet" in html
    assert "You have not shared a self-assessment with your tutors in this set." in html


def test_participants_find_the_page_from_their_set(login, people):
    link = f'href="/cohorts/{people.cohort.id}/what-your-tutors-see"'
    assert link in login(people.participant).get(f"/cohorts/{people.cohort.id}").get_data(
        as_text=True
    )
    assert link not in login(people.tutor).get(f"/cohorts/{people.cohort.id}").get_data(
        as_text=True
    )


def test_a_challenge_shows_as_the_set_sees_it(db, login, people):
    challenge = factories.make_challenge(db, people.participant, people.cohort, title="Frailty")
    db.commit()
    html = _page(login, people.participant, people.cohort)
    assert f'href="/challenges/{challenge.id}"' in html and "Frailty" in html
