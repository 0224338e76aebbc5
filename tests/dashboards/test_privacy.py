"""What the dashboards never show: reflections' words, opted-out ratings, anyone's ratings to
the set or to admins, figures from fewer than 3 people, another cohort to its tutor."""

import pytest

from learnset.reflections.models import Reflection
from tests import factories
from tests.dashboards.conftest import PRIVATE_TEXT, PRIVATE_TITLE, month, on, release_now
from tests.dashboards.routes import ROUTES
from tests.helpers import tables


def _every_dashboard_page(login, user, cohort):
    browser = login(user)
    base = f"/cohorts/{cohort.id}"
    pages = [f"{base}/dashboard", f"{base}/dashboard.csv", f"{base}/dashboard.json",
             f"{base}/growth", "/programme"]  # fmt: skip
    months = [month(offset).strftime("%Y-%m") for offset in range(7)]
    pages += [f"{base}/dashboard/engagement?month={key}" for key in months]
    bodies = {}
    for path in pages:
        response = browser.get(path)
        if response.status_code == 200:
            bodies[path] = response.get_data(as_text=True)
    return bodies


@pytest.mark.parametrize("role", ["tutor", "admin", "participant"])
def test_reflections_are_counted_but_their_words_never_shown(db, login, people, history, role):
    titles = [reflection.title for reflection in db.query(Reflection)]
    assert PRIVATE_TITLE in titles
    bodies = _every_dashboard_page(login, getattr(people, role), people.cohort)
    assert len(bodies) >= (1 if role == "participant" else 11)
    for path, body in bodies.items():
        assert PRIVATE_TEXT not in body, path
        for title in titles:
            assert title not in body, (path, title)
        assert "Text of " not in body, path


def test_the_private_reflection_is_in_the_count(login, people, history):
    month = on(0, 1).strftime("%Y-%m")
    html = (
        login(people.tutor)
        .get(f"/cohorts/{people.cohort.id}/dashboard/engagement?month={month}")
        .get_data(as_text=True)
    )
    table = next(rows for caption, rows in tables(html).items() if "in" in caption)
    pat = next(row for row in table if row[0] == "Pat Participant")
    # Two written that month: the private one and one shared with tutors.
    assert pat[2:4] == ["2", "1"]


def test_participants_see_the_set_s_figures_and_nobody_s_ratings(login, people, history):
    html = (
        login(people.participant).get(f"/cohorts/{people.cohort.id}/growth").get_data(as_text=True)
    )
    found = tables(html)
    domains = found["The set's mean level in each domain of the framework"]
    assert domains[1] == ["Unlocking conversations", "2.0", "2.8", "Up 0.8"]
    for person in (history.fay, history.ann, history.ben, history.cal):
        assert person.name not in html
    assert "Gaps by participant" not in html
    assert "At level 1 now" not in html


def test_a_participant_s_own_opted_out_check_in_does_not_move_the_set(login, people, history):
    """Ben kept his latest check-in (5) to himself: the set's figures do not include it, even
    on his own screen."""
    html = login(history.ben).get(f"/cohorts/{people.cohort.id}/growth").get_data(as_text=True)
    listening = next(
        row for row in tables(html)["Unlocking conversations"]
        if row[0] == "Listening across boundaries"
    )  # fmt: skip
    assert listening[1:] == ["2.0", "2.8", "Up 0.8"]


def test_two_people_sharing_show_nothing_and_three_show_the_figures(db, login, people, framework):
    cohort = factories.make_cohort(db, name="Small set")
    tutor = factories.make_member(db, cohort, "tutor")
    members = factories.make_members(db, cohort, "participant", 3)
    for person, level in zip(members[:2], (2, 4), strict=True):
        factories.make_assessment(db, person, cohort, framework.ratings(listening=(level, 5)))
    # Two new contributors are too few for a release.
    assert release_now(db, cohort) is None
    db.commit()

    def pages():
        browser = login(tutor)
        dashboard = browser.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
        growth = login(members[0]).get(f"/cohorts/{cohort.id}/growth").get_data(as_text=True)
        document = browser.get(f"/cohorts/{cohort.id}/dashboard.json").get_json()
        # When each participant shares is theirs to show their tutor (engagement), not a figure.
        figures = {k: v for k, v in document.items() if k not in ("generated_at", "engagement")}
        return tables(dashboard), tables(growth), figures

    dashboard, growth, document = pages()
    for found in (dashboard, growth):
        row = next(r for r in found["Unlocking conversations"] if r[0].startswith("Listening"))
        assert row[1:] == ["Fewer than 3 responses"]
    assert "3.0" not in str(dashboard) and "3.0" not in str(growth)
    listening = document["capabilities"][0]
    assert listening["latest_mean"] == {"value": None, "responses": None, "suppressed": True}
    assert document["growth"] == [] and document["released_at"] is None

    factories.make_assessment(db, members[2], cohort, framework.ratings(listening=(3, 5)))
    db.commit()
    # Nothing moves until the figures are released.
    assert pages() == (dashboard, growth, document)
    assert release_now(db, cohort) is not None
    db.commit()
    dashboard, growth, document = pages()
    for found in (dashboard, growth):
        row = next(r for r in found["Unlocking conversations"] if r[0].startswith("Listening"))
        assert row[1:4] == ["3.0", "3.0", "No change"]
    assert document["capabilities"][0]["latest_mean"] == {
        "value": 3.0, "responses": 3, "suppressed": False
    }  # fmt: skip


def test_the_heat_map_leaves_out_those_who_shared_nothing(db, login, people, framework):
    factories.make_assessment(
        db, people.participant, people.cohort, framework.ratings(listening=(2, 4)), shared=False
    )
    factories.make_assessment(db, people.fellow, people.cohort, framework.ratings(listening=(1, 4)))
    for name in ("Gus Green", "Hal Hart"):
        person = factories.make_member(db, people.cohort, "participant", name=name)
        factories.make_assessment(db, person, people.cohort, framework.ratings(listening=(2, 3)))
    release_now(db, people.cohort)
    db.commit()
    html = login(people.tutor).get(f"/cohorts/{people.cohort.id}/dashboard").get_data(as_text=True)
    heat = tables(html)["Gap between target and current level, by capability and participant"]
    assert heat[0][1:-1] == ["Fay Fellow", "Gus Green", "Hal Hart"]
    assert "1 participant is not in the heat map yet" in " ".join(html.split())


def test_only_the_set_s_tutors_see_the_heat_map(login, people, history):
    for user, sees in ((people.tutor, True), (people.admin, False)):
        html = login(user).get(f"/cohorts/{people.cohort.id}/dashboard").get_data(as_text=True)
        assert ("Gaps by participant" in html) is sees
        assert (history.ben.name in html) is True  # everyone sees who has not been seen lately


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.endpoint}" for r in ROUTES])
def test_a_tutor_of_another_cohort_is_refused_with_404(login, people, history, db, no_csrf, route):
    # The programme's pages name no cohort: a tutor is refused them with 403.
    programme = {"dashboards.programme": "/programme", "dashboards.report": "/programme/report"}
    programme |= {
        f"dashboards.report_{kind}": f"/programme/report.{kind}" for kind in ("csv", "xlsx")
    }
    if route.endpoint in programme:
        assert login(people.other_tutor).get(programme[route.endpoint]).status_code == 403
        return
    extra = route.setup(db, people) if route.setup else None
    db.commit()
    scene = type("Scene", (), {**vars(people), **(vars(extra) if extra else {})})
    response = login(people.other_tutor).open(route.url(scene), method=route.method)
    assert response.status_code == 404
