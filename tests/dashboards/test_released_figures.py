"""Cohort figures are released, not live: nothing one participant does moves a figure anyone
else can see, and a release needs new check-ins from at least 3 participants.

The attack this closes: reload the set's growth page before and after one peer checks in, and
their rating is 4·m₂ - 3·m₁. Each scenario below has exactly one participant act, and snapshots
every dashboard page and export each other person can open, before and after.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from learnset.accounts import personal_data
from learnset.assessment import services
from learnset.assessment.models import FigureRelease, SelfAssessment
from learnset.cohorts.models import Membership
from learnset.dashboards import releases
from learnset.db import utcnow
from learnset.framework.queries import current_framework
from tests import factories
from tests.dashboards.conftest import release_now
from tests.helpers import tables

CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')
HEAT_MAP = "Gap between target and current level, by capability and participant"
FIGURE_SECTIONS = ("domain", "capability", "growth")


def _latest(db, person, cohort):
    return db.scalar(
        select(SelfAssessment)
        .where(SelfAssessment.participant_id == person.id, SelfAssessment.cohort_id == cohort.id)
        .order_by(SelfAssessment.submitted_at.desc())
        .limit(1)
    )


# Each scenario is one participant's single action; `actor` names who, from the history.
def _checks_in_higher(db, history, cohort):
    levels = {history.framework.listening: (5, 5), history.framework.complexity: (5, 5)}
    factories.make_assessment(db, history.pat, cohort, levels, at=utcnow())


def _checks_in_lower(db, history, cohort):
    factories.make_assessment(db, history.fay, cohort, {history.framework.listening: (1, 5)})


def _stops_sharing_latest(db, history, cohort):
    services.set_sharing(db, _latest(db, history.pat, cohort), False)


def _shares_one_kept_back(db, history, cohort):
    # Ben kept his latest check-in (5) to himself until now.
    services.set_sharing(db, _latest(db, history.ben, cohort), True)


def _leaves_the_set(db, history, cohort):
    db.execute(
        delete(Membership).where(
            Membership.user_id == history.ann.id, Membership.cohort_id == cohort.id
        )
    )


def _deletes_their_account(db, history, cohort):
    personal_data.delete_account(db, history.ann)


SCENARIOS = {
    "checks in with higher ratings": ("pat", _checks_in_higher),
    "checks in with lower ratings": ("fay", _checks_in_lower),
    "stops sharing their latest check-in": ("pat", _stops_sharing_latest),
    "shares a check-in they had kept back": ("ben", _shares_one_kept_back),
    "leaves the set": ("ann", _leaves_the_set),
    "deletes their account": ("ann", _deletes_their_account),
}
# After these the person is no longer in the set: their name leaves its lists (members,
# engagement, the heat map), which tells nobody anything about a rating.
LEAVING = {"leaves the set", "deletes their account"}


def _without_column(table, name):
    header = table[0]
    if name not in header:
        return table
    index = header.index(name)
    return [row[:index] + row[index + 1 :] for row in table]


def _figures_of_csv(text):
    rows = csv.DictReader(io.StringIO(text))
    return [row for row in rows if row["section"] in FIGURE_SECTIONS]


def _what_they_see(login, user, cohort, actor, leaving):
    """Every dashboard page and export `user` may open, as they would compare it by eye, with
    what may differ for reasons other than a figure taken out: form tokens, the moment an
    export was made, when each participant shared (theirs to show their tutor), and the actor's
    own column of the heat map (gone or back to what they still share, at once)."""
    browser = login(user)
    base = f"/cohorts/{cohort.id}"
    seen = {}
    for path in (f"{base}/dashboard", f"{base}/growth", "/programme"):
        response = browser.get(path)
        if response.status_code != 200:
            continue
        html = CSRF.sub(r"\1", response.get_data(as_text=True))
        found = tables(html)
        if HEAT_MAP in found:
            found[HEAT_MAP] = _without_column(found[HEAT_MAP], actor.name)
        if path == "/programme":
            # Participants and attendance: the set's size and the tutors' record, not ratings;
            # erasing an account erases its attendance too.
            found = {
                caption: [row[:2] + row[4:] if leaving else row for row in rows]
                for caption, rows in found.items()
            }
        seen[path + " tables"] = found
        if not leaving:
            # The page apart from its tables: headings, the release notice, charts, plans.
            seen[path] = re.sub(r"<table.*?</table>", "", html, flags=re.S)
    document = browser.get(f"{base}/dashboard.json")
    if document.status_code == 200:
        figures = document.get_json()
        for key in ("generated_at", "engagement", "latest_ratings"):
            figures.pop(key, None)
        if leaving:
            figures.pop("participants")
        seen["json"] = figures
        seen["csv"] = _figures_of_csv(browser.get(f"{base}/dashboard.csv").get_data(as_text=True))
    return seen


def _everyone_else(people, history, actor):
    others = [people.tutor, people.admin, *history.everyone]
    return [person for person in others if person.id != actor.id]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_one_participant_s_action_moves_no_figure_anyone_else_sees(
    db, login, people, history, scenario
):
    actor_name, act = SCENARIOS[scenario]
    actor = getattr(history, actor_name)
    leaving = scenario in LEAVING
    viewers = _everyone_else(people, history, actor)
    before = {v.id: _what_they_see(login, v, people.cohort, actor, leaving) for v in viewers}
    assert before[people.tutor.id]["json"]["capabilities"][0]["latest_mean"]["value"] == 2.8

    act(db, history, people.cohort)
    db.commit()

    for viewer in viewers:
        after = _what_they_see(login, viewer, people.cohort, actor, leaving)
        if after != before[viewer.id]:
            import difflib

            for key in after:
                if after[key] != before[viewer.id].get(key):
                    print(
                        key,
                        "\n".join(
                            difflib.unified_diff(
                                str(before[viewer.id].get(key)).splitlines(),
                                str(after[key]).splitlines(),
                                lineterm="",
                            )
                        ),
                    )
        assert after == before[viewer.id], f"{viewer.name} saw a figure move"


def test_the_growth_page_does_not_give_away_a_peer_s_check_in(db, login, people, history):
    """The attack as the issue describes it: m₁ before, m₂ after one peer's check-in."""
    growth = f"/cohorts/{people.cohort.id}/growth"
    browser = login(history.fay)
    # The form token is signed with the second it was made in, so it is left out.
    first = CSRF.sub(r"\1", browser.get(growth).get_data(as_text=True))
    factories.make_assessment(db, history.pat, people.cohort, {history.framework.listening: (5, 5)})
    db.commit()
    assert CSRF.sub(r"\1", browser.get(growth).get_data(as_text=True)) == first


def test_a_release_needs_new_check_ins_from_three_participants(db, people, history):
    listening = {history.framework.listening: (4, 5)}
    for person in (history.pat, history.fay):
        factories.make_assessment(db, person, people.cohort, listening)
    # Two people, however many check-ins, are not enough.
    factories.make_assessment(db, history.fay, people.cohort, listening)
    assert release_now(db, people.cohort) is None
    # Nor is a check-in kept private.
    factories.make_assessment(db, history.ann, people.cohort, listening, shared=False)
    assert release_now(db, people.cohort) is None
    factories.make_assessment(db, history.cal, people.cohort, listening)
    made = release_now(db, people.cohort)
    assert made is not None and made.contributors == 3
    # Released: the next needs three more.
    factories.make_assessment(db, history.ann, people.cohort, listening)
    assert release_now(db, people.cohort) is None


def test_a_release_holds_aggregates_only(db, people, history):
    release = releases.latest_release(db, people.cohort.id)
    stored = repr(release.figures)
    for person in history.everyone:
        assert person.name not in stored and person.email not in stored
    # Every level count stored is 0, 3 or more, or hidden.
    for figures in release.figures["capabilities"].values():
        counts, _ = figures["distribution"]
        assert all(count in (None, 0) or count >= 3 for count in counts or [])


def test_a_spread_released_with_some_levels_hidden_is_read_as_hidden_whole(db, people, history):
    """Releases made before spreads were shown whole or not at all kept the levels they could
    show beside hidden ones; read now, beside the mean, none of them is shown."""
    release = releases.latest_release(db, people.cohort.id)
    stored = dict(release.figures)
    capabilities = dict(stored["capabilities"])
    key = next(iter(capabilities))
    capabilities[key] = {**capabilities[key], "distribution": [[0, None, None, 3, 0], 5]}
    release.figures = {**stored, "capabilities": capabilities}
    db.commit()
    read = releases.released_figures(release, current_framework(db))
    [spread] = [f.distribution for f in read.capabilities if str(f.capability_id) == key]
    assert spread.counts == (None,) * 5 and spread.responses == 5


def test_released_figures_show_once_three_more_have_checked_in(db, login, people, history):
    growth = f"/cohorts/{people.cohort.id}/growth"
    up = {history.framework.listening: (5, 5)}
    for person in (history.pat, history.fay, history.ann):
        factories.make_assessment(db, person, people.cohort, up)
    db.commit()
    row = _listening_row(login(history.cal).get(growth))
    assert row == ["2.0", "2.8", "Up 0.8"]
    release_now(db, people.cohort)
    db.commit()
    # Latest 5, 5, 5, Ben's shared 3, Cal 2: 4.0.
    assert _listening_row(login(history.cal).get(growth)) == ["2.0", "4.0", "Up 2.0"]


def _listening_row(response):
    table = tables(response.get_data(as_text=True))["Unlocking conversations"]
    return next(row for row in table if row[0] == "Listening across boundaries")[1:]


def test_a_tutor_releases_the_figures_when_enough_are_new(db, login, people, history, no_csrf):
    browser = login(people.tutor)
    path = f"/cohorts/{people.cohort.id}/dashboard/release"
    response = browser.post(path, follow_redirects=True)
    assert "Fewer than 3 participants have shared a check-in since" in response.get_data(
        as_text=True
    )
    assert db.scalar(select(FigureRelease.id).order_by(FigureRelease.id.desc())) == (
        releases.latest_release(db, people.cohort.id).id
    )
    for person in (history.pat, history.fay, history.cal):
        factories.make_assessment(db, person, people.cohort, {history.framework.listening: (4, 5)})
    db.commit()
    response = browser.post(path, follow_redirects=True)
    assert "The figures have been released" in response.get_data(as_text=True)
    assert releases.latest_release(db, people.cohort.id).reason == "tutor"


def test_the_release_button_is_for_the_set_s_tutors_and_admins(login, people, history):
    for user, sees in ((people.tutor, True), (people.admin, True), (people.participant, False)):
        for path in ("dashboard", "growth"):
            response = login(user).get(f"/cohorts/{people.cohort.id}/{path}")
            if response.status_code == 200:
                assert ("Release the figures now" in response.get_data(as_text=True)) is (
                    sees and path == "dashboard"
                )


def _released_two_hours_ago(db, cohort):
    release = releases.latest_release(db, cohort.id)
    release.released_at = utcnow() - timedelta(hours=2)
    return release.released_at


def test_cron_releases_when_a_round_closes(db, app, people, history):
    cohort = people.cohort
    released = _released_two_hours_ago(db, cohort)
    for person in (history.pat, history.fay, history.cal):
        factories.make_assessment(db, person, cohort, {history.framework.listening: (4, 5)})
    db.commit()
    runner = app.test_cli_runner()
    # No session has started since the last release: the round is still open.
    result = runner.invoke(args=["figures", "release"])
    assert result.exit_code == 0, result.output
    assert "No check-in round has closed" in result.output
    assert releases.latest_release(db, cohort.id).released_at == released
    # The set's next session starts: the round closes and the figures are released.
    factories.make_meeting(db, cohort, status="published", starts_at=utcnow() - timedelta(hours=1))
    db.commit()
    result = runner.invoke(args=["figures", "release"])
    assert result.exit_code == 0, result.output
    assert "Riverside set: released, with new check-ins from 3 participants." in result.output
    db.expire_all()
    assert releases.latest_release(db, cohort.id).reason == "round-closed"
    # Run again the same day: nothing new.
    assert "No check-in round has closed" in runner.invoke(args=["figures", "release"]).output


def test_a_round_that_closes_with_too_few_new_check_ins_waits(db, app, people, history):
    _released_two_hours_ago(db, people.cohort)
    factories.make_assessment(db, history.pat, people.cohort, {history.framework.listening: (4, 5)})
    factories.make_meeting(
        db, people.cohort, status="published", starts_at=utcnow() - timedelta(hours=1)
    )
    db.commit()
    result = app.test_cli_runner().invoke(args=["figures", "release"])
    assert "Riverside set: not released, fewer than 3 participants" in result.output
