"""A challenge and its discussion are the set's alone.

The role matrix (tests/challenges/routes.py) walks every route; these tests look at the rules
themselves and at every list, count and page that names a challenge, with another cohort's
data present.
"""

import pytest
from sqlalchemy import delete

from learnset import authz
from learnset.challenges import queries
from learnset.cohorts.models import Membership
from tests import factories
from tests.helpers import text_of

READERS = {"participant", "fellow", "tutor"}
EVERY_ROLE = ["participant", "fellow", "tutor", "other_tutor", "outsider", "admin"]


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_only_the_set_reads_a_challenge_and_only_the_owner_changes_it(db, people, role):
    challenge = factories.make_challenge(db, people.participant)
    user = people.by_role(role)
    reads = role in READERS
    assert authz.can(user, "challenge:view", challenge) is reads
    assert authz.can(user, "challenge:edit", challenge) is (role == "participant")
    assert authz.can(user, "challenge:question", challenge) is (role in {"fellow", "tutor"})
    assert authz.can(user, "challenge:insight", challenge) is reads
    assert (challenge in db.scalars(authz.visible_challenges(user)).all()) is reads


@pytest.mark.parametrize("role", ["other_tutor", "outsider", "admin"])
def test_outside_the_set_every_challenge_page_is_a_404_that_names_nothing(login, db, people, role):
    challenge = factories.make_challenge(
        db, people.participant, title="Day centre review", context="Feelings run high"
    )
    question = factories.make_update(db, challenge, people.fellow, body="What matters most?")
    db.commit()
    browser = login(people.by_role(role))
    for path in (
        f"/challenges/{challenge.id}",
        f"/challenges/{challenge.id}/edit",
        f"/challenges/{challenge.id}/updates/{question.id}/edit",
    ):
        response = browser.get(path)
        assert response.status_code == 404, path
        page = text_of(response, 404)
        for secret in ("Day centre review", "Feelings run high", "What matters most?"):
            assert secret not in page


def test_an_admin_who_tutors_the_set_reads_its_challenges(login, db, people):
    challenge = factories.make_challenge(db, people.participant, title="Day centre review")
    db.add(Membership(user=people.admin, cohort=people.cohort, role="tutor"))
    db.commit()
    browser = login(people.admin)
    assert "Day centre review" in text_of(browser.get(f"/challenges/{challenge.id}"))
    listed = browser.get(f"/cohorts/{people.cohort.id}/challenges")
    assert "Day centre review" in text_of(listed)


def test_the_sets_list_holds_its_own_challenges_only(login, db, people):
    factories.make_challenge(db, people.participant, title="RIVERSIDE-ONE")
    factories.make_challenge(db, people.fellow, title="RIVERSIDE-TWO", status="paused")
    factories.make_challenge(db, people.fellow, title="RIVERSIDE-CLOSED", status="closed")
    factories.make_challenge(db, people.outsider, title="EASTVALE-ONE")
    db.commit()
    for role in ("participant", "fellow", "tutor"):
        page = text_of(login(people.by_role(role)).get(f"/cohorts/{people.cohort.id}/challenges"))
        assert "RIVERSIDE-ONE" in page and "RIVERSIDE-TWO" in page, role
        assert "RIVERSIDE-CLOSED" not in page
        assert "EASTVALE" not in page
    closed = text_of(
        login(people.tutor).get(f"/cohorts/{people.cohort.id}/challenges?status=closed")
    )
    assert "RIVERSIDE-CLOSED" in closed and "RIVERSIDE-ONE" not in closed
    # The other set's list, asked for by a member of this one, is not there at all.
    assert (
        login(people.fellow).get(f"/cohorts/{people.other_cohort.id}/challenges").status_code == 404
    )
    assert login(people.admin).get(f"/cohorts/{people.cohort.id}/challenges").status_code == 403


def test_the_owners_own_challenges_come_first(db, people):
    theirs = factories.make_challenge(db, people.fellow, title="Fay's")
    mine = factories.make_challenge(db, people.participant, title="Pat's")
    theirs.updated_at = mine.updated_at.replace(year=mine.updated_at.year + 1)
    db.flush()
    rows = queries.challenge_rows(
        db.execute(queries.cohort_challenges(people.participant, people.cohort.id)).all()
    )
    assert [row.challenge.title for row in rows] == ["Pat's", "Fay's"]


def test_someone_who_leaves_keeps_their_challenge_but_the_set_stops_seeing_it(login, db, people):
    challenge = factories.make_challenge(db, people.participant, title="Left behind")
    question = factories.make_update(db, challenge, people.fellow)
    db.execute(
        delete(Membership).where(
            Membership.user_id == people.participant.id, Membership.cohort_id == people.cohort.id
        )
    )
    db.commit()
    db.expire_all()
    owner = login(people.participant)
    assert owner.get(f"/challenges/{challenge.id}").status_code == 200
    # Read-only now: there is no set left to act in.
    assert owner.get(f"/challenges/{challenge.id}/edit").status_code == 403
    for role in ("fellow", "tutor"):
        browser = login(people.by_role(role))
        assert browser.get(f"/challenges/{challenge.id}").status_code == 404
        assert "Left behind" not in text_of(browser.get(f"/cohorts/{people.cohort.id}/challenges"))
    assert (
        login(people.fellow).get(f"/challenges/{challenge.id}/updates/{question.id}/edit")
    ).status_code == 404


def test_gains_board_and_counts_hold_the_sets_gains_only(login, db, people):
    ours = factories.make_challenge(db, people.participant, title="Ours")
    factories.make_update(db, ours, people.participant, "gain", body="OUR-GAIN", gain_kind="social")
    theirs = factories.make_challenge(db, people.outsider, title="Theirs")
    factories.make_update(db, theirs, people.outsider, "gain", body="THEIR-GAIN")
    db.commit()
    page = text_of(login(people.tutor).get(f"/cohorts/{people.cohort.id}/gains"))
    assert "OUR-GAIN" in page and "THEIR-GAIN" not in page
    assert queries.gain_counts(db, people.tutor, people.cohort.id) == {
        "health": 0, "social": 1, "economic": 0, "relational": 0,
    }  # fmt: skip
    # Counts for someone outside the set count nothing, even asked for directly.
    assert sum(queries.gain_counts(db, people.admin, people.cohort.id).values()) == 0
    assert sum(queries.gain_counts(db, people.outsider, people.cohort.id).values()) == 0
    cohort_page = text_of(login(people.fellow).get(f"/cohorts/{people.cohort.id}"))
    assert "Gains recorded so far" in cohort_page
    admin_page = text_of(login(people.admin).get(f"/cohorts/{people.cohort.id}"))
    assert "Gains recorded so far" not in admin_page and "Live challenges" not in admin_page


def test_the_session_page_names_a_challenge_only_for_the_set(login, db, people):
    meeting = factories.make_meeting(db, people.cohort, status="published")
    challenge = factories.make_challenge(db, people.fellow, title="Frailty at home")
    factories.make_challenge_slot(db, meeting, challenge)
    db.commit()
    for role in ("participant", "fellow", "tutor"):
        page = text_of(login(people.by_role(role)).get(f"/sessions/{meeting.id}"))
        assert "Fay Fellow</strong>: <a href" in page and "Frailty at home" in page, role
    for path in (f"/sessions/{meeting.id}", f"/sessions/{meeting.id}/plan"):
        admin = text_of(login(people.admin).get(path))
        assert "Fay Fellow</strong>: a live challenge" in admin
        assert "Frailty at home" not in admin


def test_every_change_needs_the_forms_token(login, db, people):
    """CSRF covers each form and button of the feature: without the token nothing changes."""
    from tests.challenges import routes

    challenge_routes = [
        route for route in routes.ROUTES if route.method == "POST" and route.setup is not None
    ]
    for route in challenge_routes:
        scenario = route.setup(db, people)
        db.commit()
        values = {**vars(people), **vars(scenario)}
        url = route.url(type("Scenario", (), values))
        role = sorted(route.allowed)[0]
        response = login(people.by_role(role)).post(url, data=route.data)
        assert response.status_code == 400, (route.id, response.status_code)
    new = f"/cohorts/{people.cohort.id}/challenges/new"
    assert login(people.participant).post(new, data={"title": "x"}).status_code == 400


def test_gains_board_pages_newest_first_and_filters_by_kind(login, db, people):
    from datetime import timedelta

    from learnset.db import utcnow

    challenge = factories.make_challenge(db, people.participant)
    start = utcnow()
    for number in range(25):
        kind = "economic" if number % 5 == 0 else "health"
        at = start - timedelta(days=number)
        factories.make_update(db, challenge, people.participant, "gain", body=f"GAIN-{number:02}",
                              gain_kind=kind, at=at)  # fmt: skip
    db.commit()
    browser = login(people.fellow)
    first = text_of(browser.get(f"/cohorts/{people.cohort.id}/gains"))
    assert first.index("GAIN-00") < first.index("GAIN-01") < first.index("GAIN-19")
    assert "GAIN-20" not in first
    assert "GAIN-24" in text_of(browser.get(f"/cohorts/{people.cohort.id}/gains?page=2"))
    economic = text_of(browser.get(f"/cohorts/{people.cohort.id}/gains?kind=economic"))
    assert [f"GAIN-{n:02}" in economic for n in range(25)] == [n % 5 == 0 for n in range(25)]


def test_slots_from_before_challenges_keep_their_topic(login, db, people):
    meeting = factories.make_meeting(db, people.cohort, status="published")
    factories.make_slot(db, meeting, people.fellow, "Frailty services across two trusts")
    db.commit()
    for role in ("fellow", "tutor", "admin"):
        page = text_of(login(people.by_role(role)).get(f"/sessions/{meeting.id}"))
        assert "Fay Fellow</strong>: Frailty services across two trusts" in page, role


@pytest.mark.parametrize("viewer_leaves", [False, True])
@pytest.mark.parametrize("role", EVERY_ROLE)
def test_the_pages_rights_on_updates_are_the_rules_own(db, people, role, viewer_leaves):
    """The challenge page decides the rights on its updates once (authz.own_updates): for every
    update, whoever wrote it, they are what the rules say, and nothing on another challenge's."""
    challenge = factories.make_challenge(db, people.participant)
    other = factories.make_challenge(db, people.fellow)
    updates = [factories.make_update(db, challenge, people.by_role(by)) for by in EVERY_ROLE]
    updates += [factories.make_update(db, challenge, None, "gain")]
    viewer = people.by_role(role)
    if viewer_leaves:
        db.execute(delete(Membership).where(Membership.user_id == viewer.id))
    db.commit()
    db.expire_all()
    rights = authz.own_updates(viewer, challenge)
    for update in updates:
        assert rights.may_edit(update) is authz.can(viewer, "challenge_update:edit", update)
        assert rights.may_attach(update) is authz.can(viewer, "challenge_update:attach", update)
    assert any(rights.may_edit(update) for update in updates) is (
        role in {"participant", "fellow", "tutor"} and not viewer_leaves
    )
    theirs = factories.make_update(db, other, viewer, "action")
    db.commit()
    assert not rights.may_edit(theirs) and not rights.may_attach(theirs)
