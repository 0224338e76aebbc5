"""A release's figures are read back once by each worker and kept (releases.latest_figures,
release_html.release_tables, the downloads' parts of them in exports.py): kept under what
they were made from, so a new release and a renamed capability show at once, and the pages and
downloads show exactly what a fresh reading would."""

from dataclasses import replace

from learnset.dashboards import exports, pages, releases
from learnset.dashboards.engagement import engagement_months, engagement_of
from learnset.db import utcnow
from learnset.framework.queries import current_framework, framework_names
from tests import factories
from tests.dashboards.conftest import release_now
from tests.helpers import tables


def test_a_release_is_read_once_and_read_the_same_as_afresh(db, people, history):
    framework = current_framework(db, names_only=True)
    kept = releases.latest_figures(db, people.cohort.id, framework)
    assert releases.latest_figures(db, people.cohort.id, framework) is kept
    fresh = releases.released_figures(releases.latest_release(db, people.cohort.id), framework)
    assert kept == fresh


def test_the_framework_s_names_read_a_release_as_its_objects_do(db, people, history):
    by_objects = releases.latest_figures(db, people.cohort.id, current_framework(db))
    assert releases.latest_figures(db, people.cohort.id, framework_names(db)) is by_objects


def test_a_new_release_shows_at_once(db, login, people, history):
    page = f"/cohorts/{people.cohort.id}/dashboard"
    before = tables(login(people.tutor).get(page).get_data(as_text=True))
    for person in (history.pat, history.fay, history.ann):
        factories.make_assessment(db, person, people.cohort, {history.framework.listening: (5, 5)})
    assert release_now(db, people.cohort) is not None
    db.commit()
    after = tables(login(people.tutor).get(page).get_data(as_text=True))
    assert (
        after["Across each domain of the framework"]
        != before["Across each domain of the framework"]
    )
    framework = current_framework(db, names_only=True)
    latest = releases.latest_release(db, people.cohort.id)
    assert latest is not None and latest.released_at <= utcnow()
    assert releases.latest_figures(db, people.cohort.id, framework) == releases.released_figures(
        latest, framework
    )


def test_a_renamed_capability_shows_at_once(db, login, people, history):
    page = f"/cohorts/{people.cohort.id}/dashboard"
    login(people.tutor).get(page)
    history.framework.listening.name = "Listening well"
    db.commit()
    found = tables(login(people.tutor).get(page).get_data(as_text=True))
    names = [row[0] for row in found["Unlocking conversations"][1:]]
    assert "Listening well" in names and "Listening across boundaries" not in names


def _csv(login, people):
    return (
        login(people.tutor).get(f"/cohorts/{people.cohort.id}/dashboard.csv").get_data(as_text=True)
    )


def test_the_downloads_make_a_release_s_parts_once_and_the_same_as_afresh(db, people, history):
    framework = current_framework(db, names_only=True)
    now = utcnow()
    dashboard = pages.tutor_dashboard(db, people.cohort, framework, now, True, False)
    engagement = engagement_of(db, people.cohort.id, engagement_months(people.cohort, now))
    kept_csv = exports.dashboard_csv(dashboard, engagement)
    kept_json = exports.dashboard_json("Set", dashboard, engagement, now)
    assert dashboard.released.key is not None
    fresh = releases.released_figures(releases.latest_release(db, people.cohort.id), framework)
    assert fresh.key is None
    afresh = replace(dashboard, released=fresh)
    assert exports.dashboard_csv(afresh, engagement) == kept_csv
    assert exports.dashboard_json("Set", afresh, engagement, now) == kept_json
    assert exports.dashboard_csv(dashboard, engagement) == kept_csv
    again = exports.dashboard_json("Set", dashboard, engagement, now)
    assert again == kept_json and again["capabilities"] is kept_json["capabilities"]


def test_a_new_release_shows_in_the_csv_at_once(db, login, people, history):
    before = _csv(login, people)
    for person in (history.pat, history.fay, history.ann):
        factories.make_assessment(db, person, people.cohort, {history.framework.listening: (5, 5)})
    assert release_now(db, people.cohort) is not None
    db.commit()
    after = _csv(login, people)
    changed = {line for line in after.splitlines() if line.startswith("capability,")}
    assert changed != {line for line in before.splitlines() if line.startswith("capability,")}


def test_a_renamed_capability_shows_in_the_csv_at_once(db, login, people, history):
    assert ",Listening across boundaries," in _csv(login, people)
    history.framework.listening.name = "Listening well"
    db.commit()
    after = _csv(login, people)
    assert ",Listening well," in after and ",Listening across boundaries," not in after


def test_a_renamed_capability_shows_in_the_json_at_once(db, login, people, history):
    url = f"/cohorts/{people.cohort.id}/dashboard.json"

    def names():
        document = login(people.tutor).get(url).get_json()
        return {entry["capability"] for entry in document["capabilities"]}

    assert "Listening across boundaries" in names()
    history.framework.listening.name = "Listening well"
    db.commit()
    assert "Listening well" in names() and "Listening across boundaries" not in names()
