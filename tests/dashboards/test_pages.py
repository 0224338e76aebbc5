"""The dashboard pages as people meet them: figures, empty states, links and bad input."""

import pytest

from learnset.dashboards.pages import SETS_PER_PAGE
from tests import factories
from tests.dashboards.conftest import month
from tests.helpers import open_page, tables


def test_the_tutor_s_dashboard_shows_the_hand_worked_figures(login, people, history):
    html = open_page(login(people.tutor), f"/cohorts/{people.cohort.id}/dashboard")
    found = tables(html)
    assert found["Across each domain of the framework"][1:] == [
        ["Unlocking conversations", "2.0", "2.8", "Up 0.8"],
        ["Whole-system working"] + ["Fewer than 3 responses"] * 3,
    ]
    listening = found["Unlocking conversations"][1]
    # Two at level 2, two at 3, one at 4: counts below 3 are not shown, and beside the mean
    # neither is any level's count.
    assert listening == ["Listening across boundaries", "2.0", "2.8", "Up 0.8",
                         *["Not shown"] * 5]  # fmt: skip
    growth = found["Mean level in each domain, month by month: the figures in the chart"]
    assert [row[0] for row in growth[1:]] == [month(n).strftime("%B %Y") for n in range(3)]
    assert [row[1] for row in growth[1:]] == ["2.0", "2.0", "2.8"]
    heat = found["Gap between target and current level, by capability and participant"]
    assert heat[0] == ["Capability", "Ann Archer", "Ben Baker", "Cal Carter", "Fay Fellow",
                       "Pat Participant", "Mean gap"]  # fmt: skip
    # The largest mean gap first: listening, (0 + 2 + 2 + 3 + 1) / 5.
    assert heat[1] == ["Listening across boundaries", "0", "2", "2", "3", "1", "1.6"]
    assert "When the figures were released, 5 participants had shared a self-assessment" in html
    assert "These figures were released on" in html
    assert "Ben Baker" in html.split('id="engagement"')[1]


def test_the_growth_chart_leaves_out_suppressed_months(login, people, history):
    html = open_page(login(people.tutor), f"/cohorts/{people.cohort.id}/dashboard")
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="app-chart"')
    svg = html[start : html.index("</svg>", start)]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    # One line (three points) for the first domain; none for the suppressed one.
    assert svg.count("app-chart__line--series-1") == 2  # the line and its legend sample
    assert svg.count("app-chart__marker--series-2") == 1  # its legend only
    assert "style=" not in svg


def test_a_set_with_nothing_shared_says_what_happens_next(db, login, people):
    html = open_page(login(people.tutor), f"/cohorts/{people.cohort.id}/dashboard")
    assert "No figures have been released for this set yet" in html
    assert "Release the figures now" in html
    assert "Suggestions appear once the set's figures have been released" in html
    assert "There is no draft session coming up" in html
    growth = open_page(login(people.participant), f"/cohorts/{people.cohort.id}/growth")
    assert "No figures have been released for this set yet" in growth
    assert "Release the figures now" not in growth
    assert "nothing to chart" in growth


def test_a_set_without_participants(db, login, people):
    cohort = factories.make_cohort(db, name="Empty set")
    tutor = factories.make_member(db, cohort, "tutor")
    db.commit()
    html = open_page(login(tutor), f"/cohorts/{cohort.id}/dashboard")
    assert "Nobody has joined this set yet" in html
    engagement = open_page(login(tutor), f"/cohorts/{cohort.id}/dashboard/engagement")
    assert "Nobody has joined this set yet" in engagement


def test_engagement_chooses_a_month_and_ignores_one_it_does_not_know(login, people, history):
    base = f"/cohorts/{people.cohort.id}/dashboard/engagement"
    chosen = month(1)
    html = open_page(login(people.tutor), f"{base}?month={chosen:%Y-%m}")
    assert f"<h2>{chosen:%B %Y}</h2>" in html
    assert f'aria-current="page" class="app-months__link--current">{chosen:%b %Y}' in html
    table = tables(html)[f"Engagement by participant in {chosen:%B %Y}"]
    assert table[1:] == [
        ["Ann Archer", "1 of 1", "0", "0", "0", "0"],
        ["Ben Baker", "0 of 1", "0", "0", "0", "0"],
        ["Cal Carter", "0 of 1", "0", "0", "0", "0"],
        ["Fay Fellow", "0 of 1", "1", "1", "0", "0"],
        ["Pat Participant", "1 of 1", "0", "0", "0", "0"],
    ]
    totals = tables(html)[f"Engagement by participant since {month(0):%B %Y}"]
    assert totals[2] == ["Ben Baker", "1 of 3", "0", "0", "1", "0", "Missed both"]
    for junk in ("1999-01", "not-a-month", "2026-13", "9" * 40):
        assert login(people.tutor).get(f"{base}?month={junk}").status_code == 200


def test_the_programme_view(login, people, history):
    html = open_page(login(people.admin), "/programme")
    rows = tables(html)["Every learning set in the programme"]
    assert rows[0][4:] == ["Unlocking conversations: change since baseline",
                           "Whole-system working: change since baseline",
                           "Figures released"]  # fmt: skip
    riverside = next(row for row in rows if row[0].startswith("Riverside set"))
    assert riverside[1:-1] == ["Running", "5", "60% (9 of 15)", "Up 0.8", "Fewer than 3 responses"]
    assert riverside[-1] != "Not yet"
    eastvale = next(row for row in rows if row[0].startswith("Eastvale set"))
    assert eastvale[2:4] == ["1", "Not recorded yet"]
    assert eastvale[-1] == "Not yet"


def test_the_programme_view_is_paged(db, login, people):
    for number in range(SETS_PER_PAGE + 3):
        factories.make_cohort(db, name=f"Set {number:03}")
    db.commit()
    first = tables(open_page(login(people.admin), "/programme"))
    assert len(first["Every learning set in the programme"]) == SETS_PER_PAGE + 1
    html = open_page(login(people.admin), "/programme?page=2")
    second = tables(html)["Every learning set in the programme"][1:]
    # Two sets from the fixture and the three that did not fit.
    assert len(second) == 5
    assert "Showing learning sets 26 to 30 of 30" in html
    shown = {row[0].split(" From")[0] for row in first["Every learning set in the programme"][1:]}
    assert not shown & {row[0].split(" From")[0] for row in second}
    for junk in ("0", "-1", "999", "x"):
        assert login(people.admin).get(f"/programme?page={junk}").status_code == 200


def test_links_to_the_dashboards_follow_the_rules(login, people):
    cohort = f"/cohorts/{people.cohort.id}"
    dashboard, growth = f'href="{cohort}/dashboard"', f'href="{cohort}/growth"'
    for user, sees_dashboard, sees_growth in (
        (people.tutor, True, False),
        (people.admin, True, False),
        (people.participant, False, True),
    ):
        html = open_page(login(user), cohort)
        assert (dashboard in html) is sees_dashboard
        assert (growth in html) is sees_growth
    assert 'href="/programme"' in open_page(login(people.admin), "/cohorts")
    assert 'href="/programme"' not in open_page(login(people.tutor), "/cohorts")


@pytest.mark.parametrize("path", ["/cohorts/{id}/dashboard", "/cohorts/{id}/growth"])
def test_the_dashboards_sit_under_learning_sets_in_the_header(login, people, path):
    html = open_page(login(people.tutor), path.format(id=people.cohort.id))
    header = html[html.index("<header") : html.index("</header>")]
    item = header[: header.index("Learning sets")].rsplit("<li", 1)[1]
    assert "nhsuk-header__navigation-item--current" in item
    assert 'href="/cohorts" aria-current="true"' in item
