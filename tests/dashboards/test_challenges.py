"""Live challenges on the dashboard: whose challenges moved month by month, and the set's gains
by kind, counted but never read out."""

from sqlalchemy import delete

from learnset.challenges import queries as challenge_queries
from learnset.cohorts.models import Membership
from learnset.dashboards.engagement import engagement_of
from learnset.dashboards.months import months_between
from tests import factories
from tests.dashboards.conftest import month, on
from tests.helpers import tables


def _engagement(db, people):
    months = months_between(month(0), month(2))
    engagement = engagement_of(db, people.cohort.id, months)
    return [m.key for m in months], {e.participant.name: e for e in engagement.participants}


def test_challenges_worked_on_per_participant_and_month(db, people, history):
    pat, fay = history.pat, history.fay
    # M0: Pat records a challenge. M1: he plans an experiment on it, records a second challenge
    # and a gain on that one. M2: he writes up what the experiment taught him.
    first = factories.make_challenge(db, pat, people.cohort, now=on(0, 5))
    factories.make_update(db, first, pat, "experiment", at=on(1, 8),
                          outcome="Two practices joined", outcome_at=on(2, 3))  # fmt: skip
    second = factories.make_challenge(db, pat, people.cohort, now=on(1, 20))
    factories.make_update(db, second, pat, "gain", at=on(1, 21))
    # Fay asks a question on Pat's challenge: that is not work on a challenge of her own.
    factories.make_update(db, first, fay, "question", at=on(2, 10))
    # Another set's challenge does not count here.
    factories.make_challenge(db, people.outsider, people.other_cohort, now=on(1, 5))
    db.commit()

    (m0, m1, m2), by_name = _engagement(db, people)
    counts = [by_name["Pat Participant"].month(key).challenges_updated for key in (m0, m1, m2)]
    assert counts == [1, 2, 1]
    assert by_name["Pat Participant"].total.challenges_updated == 4
    assert by_name["Fay Fellow"].total.challenges_updated == 0


def test_an_edit_later_in_the_month_counts_the_challenge_once(db, people, history):
    factories.make_challenge(db, history.ann, people.cohort, now=on(1, 2), updated_at=on(1, 25))
    db.commit()
    (_, m1, _), by_name = _engagement(db, people)
    assert by_name["Ann Archer"].month(m1).challenges_updated == 1


def test_gains_by_kind_count_the_set_s_challenges_only(db, people, history):
    first = factories.make_challenge(db, history.pat, people.cohort)
    factories.make_update(db, first, history.pat, "gain")
    factories.make_update(db, first, history.pat, "gain", gain_kind="relational")
    second = factories.make_challenge(db, history.fay, people.cohort)
    factories.make_update(db, second, history.fay, "gain", gain_kind="relational")
    elsewhere = factories.make_challenge(db, people.outsider, people.other_cohort)
    factories.make_update(db, elsewhere, people.outsider, "gain", gain_kind="social")
    # Someone who has left: the set no longer sees their challenge, nor counts its gains.
    leaver = factories.make_member(db, people.cohort, "participant")
    gone = factories.make_challenge(db, leaver, people.cohort)
    factories.make_update(db, gone, leaver, "gain", gain_kind="economic")
    db.execute(
        delete(Membership).where(
            Membership.user_id == leaver.id, Membership.cohort_id == people.cohort.id
        )
    )
    db.commit()

    assert challenge_queries.set_gain_counts(db, people.cohort.id) == {
        "health": 1, "social": 0, "economic": 0, "relational": 2
    }  # fmt: skip


def test_the_dashboard_shows_gains_by_kind_as_the_exports_do(db, login, people, history):
    challenge = factories.make_challenge(db, history.pat, people.cohort, title="FRAILTY-SECRET")
    factories.make_update(db, challenge, history.pat, "gain", evidence="EVIDENCE-WORDS")
    db.commit()
    for user in (people.tutor, people.admin):
        browser = login(user)
        html = browser.get(f"/cohorts/{people.cohort.id}/dashboard").get_data(as_text=True)
        assert tables(html)["Gains by kind"][1:] == [
            ["Health", "1"], ["Social", "0"], ["Economic", "0"], ["Relational", "0"]
        ]  # fmt: skip
        assert "FRAILTY-SECRET" not in html and "EVIDENCE-WORDS" not in html
        document = browser.get(f"/cohorts/{people.cohort.id}/dashboard.json").get_json()
        assert document["gains_by_kind"] == {
            "health": 1, "social": 0, "economic": 0, "relational": 0
        }  # fmt: skip
        spreadsheet = browser.get(f"/cohorts/{people.cohort.id}/dashboard.csv")
        assert "FRAILTY-SECRET" not in spreadsheet.get_data(as_text=True)
        assert "gains,,,,,health,1,," in spreadsheet.get_data(as_text=True)
    # The set's tutor is pointed at the gains board; the admin, who is not in the set, is not.
    assert "/gains" in login(people.tutor).get(f"/cohorts/{people.cohort.id}/dashboard").text
    assert "/gains" not in login(people.admin).get(f"/cohorts/{people.cohort.id}/dashboard").text


def test_a_set_without_gains_says_how_they_appear(login, people, history):
    html = login(people.tutor).get(f"/cohorts/{people.cohort.id}/dashboard").get_data(as_text=True)
    assert "No gains recorded yet" in html
    assert "Gains by kind" not in tables(html)
