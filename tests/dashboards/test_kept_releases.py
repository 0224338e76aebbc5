"""A release's figures are read back once by each worker and kept (releases.latest_figures,
release_html.release_tables): kept under what they were made from, so a new release and a
renamed capability show at once, and the pages show exactly what a fresh reading would."""

from learnset.dashboards import releases
from learnset.db import utcnow
from learnset.framework.queries import current_framework
from tests import factories
from tests.dashboards.conftest import release_now
from tests.helpers import tables


def test_a_release_is_read_once_and_read_the_same_as_afresh(db, people, history):
    framework = current_framework(db, names_only=True)
    kept = releases.latest_figures(db, people.cohort.id, framework)
    assert releases.latest_figures(db, people.cohort.id, framework) is kept
    fresh = releases.released_figures(releases.latest_release(db, people.cohort.id), framework)
    assert kept == fresh


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
