"""The set's questions and insights; the owner's actions, experiments, outcomes and gains."""

import pytest
from sqlalchemy import select

from learnset.challenges import services
from learnset.challenges.models import ChallengeUpdate
from learnset.db import utcnow
from tests import factories
from tests.helpers import count_rows, press, submit, text_of


def test_the_question_form_asks_for_open_questions_with_examples(login, db, people, challenge):
    page = text_of(login(people.fellow).get(f"/challenges/{challenge.id}"))
    assert "Ask Pat Participant a question" in page
    assert "Open questions, not advice" in page
    assert "Instead of “Have you tried a single point of access?”" in page
    # The owner is not offered the question form: the set asks, the owner answers.
    own = text_of(login(people.participant).get(f"/challenges/{challenge.id}"))
    assert "Ask Pat Participant a question" not in own
    assert "Share an insight" in own


def test_set_members_ask_questions_and_add_insights(login, db, people, challenge):
    for role in ("fellow", "tutor"):
        browser = login(people.by_role(role))
        response = press(
            browser, f"/challenges/{challenge.id}/questions", {"body": f"What would {role} do?"}
        )
        assert response.status_code == 302
        assert response.location.endswith("#timeline")
    press(
        login(people.participant),
        f"/challenges/{challenge.id}/insights",
        {"insight-body": "The day centre matters as a meeting place"},
    )
    updates = db.scalars(select(ChallengeUpdate).order_by(ChallengeUpdate.id)).all()
    assert [(u.kind, u.author_id) for u in updates] == [
        ("question", people.fellow.id),
        ("question", people.tutor.id),
        ("insight", people.participant.id),
    ]
    # The owner's own question is refused by the rule, not only hidden by the page.
    assert (
        press(login(people.participant), f"/challenges/{challenge.id}/questions", {"body": "Me?"})
    ).status_code == 403
    with pytest.raises(services.ChallengeError):
        services.ask_question(db, challenge, people.participant, "Me?", utcnow())


def test_an_empty_question_is_explained_beside_the_field(login, db, people, challenge):
    response = press(login(people.fellow), f"/challenges/{challenge.id}/questions", {"body": " "})
    assert response.status_code == 422
    page = text_of(response, 422)
    assert "There is a problem" in page and "Write your question" in page
    assert "<title>Error: " in page
    assert count_rows(db, ChallengeUpdate) == 0


def test_the_owner_marks_which_questions_helped(login, db, people):
    challenge = factories.make_challenge(db, people.participant)
    question = factories.make_update(db, challenge, people.fellow, body="Who loses out?")
    insight = factories.make_update(db, challenge, people.tutor, "insight")
    db.commit()
    owner = login(people.participant)
    path = f"/challenges/{challenge.id}/updates/{question.id}/helped"
    assert "This question helped" in text_of(owner.get(f"/challenges/{challenge.id}"))
    press(owner, path, {"helped": "yes"})
    db.expire_all()
    assert question.helped_at is not None
    page = text_of(owner.get(f"/challenges/{challenge.id}"))
    assert "Unmark as helpful" in page and "(1 helped)" in page
    press(owner, path, {"helped": "no"})
    db.expire_all()
    assert question.helped_at is None
    # Only the owner says what helped; an insight is not a question.
    assert press(login(people.fellow), path, {"helped": "yes"}).status_code == 403
    with pytest.raises(services.ChallengeError):
        services.mark_helped(db, insight, people.participant, True, utcnow())


def test_nobody_edits_or_deletes_someone_elses_question(login, db, people):
    challenge = factories.make_challenge(db, people.participant)
    question = factories.make_update(db, challenge, people.fellow, body="Fay asks")
    db.commit()
    edit = f"/challenges/{challenge.id}/updates/{question.id}/edit"
    delete = f"/challenges/{challenge.id}/updates/{question.id}/delete"
    for role in ("participant", "tutor"):
        browser = login(people.by_role(role))
        assert browser.get(edit).status_code == 403
        assert press(browser, edit, {"body": "Changed"}).status_code == 403
        assert press(browser, delete).status_code == 403
        assert f"/updates/{question.id}/edit" not in text_of(
            browser.get(f"/challenges/{challenge.id}")
        )
    with pytest.raises(services.ChallengeError):
        services.edit_update(db, question, people.participant, "Changed", utcnow())
    db.expire_all()
    assert question.body == "Fay asks"
    fellow = login(people.fellow)
    assert press(fellow, edit, {"body": "Fay asks better"}).status_code == 302
    db.expire_all()
    assert question.body == "Fay asks better"
    assert "Delete your question?" in text_of(fellow.get(delete))
    assert press(fellow, delete).status_code == 302
    assert count_rows(db, ChallengeUpdate) == 0


def test_an_update_of_another_challenge_is_not_found_under_this_one(login, db, people):
    mine = factories.make_challenge(db, people.participant)
    other = factories.make_challenge(db, people.fellow)
    theirs = factories.make_challenge(db, people.outsider)
    on_other = factories.make_update(db, other, people.participant)
    on_theirs = factories.make_update(db, theirs, people.outsider, "action")
    db.commit()
    browser = login(people.participant)
    for update in (on_other, on_theirs):
        for action in ("edit", "delete", "outcome"):
            path = f"/challenges/{mine.id}/updates/{update.id}/{action}"
            assert browser.get(path).status_code == 404, path
        assert (
            press(browser, f"/challenges/{mine.id}/updates/{update.id}/helped").status_code == 404
        )
    assert browser.get(f"/challenges/{mine.id}/updates/2147483647/edit").status_code == 404
    assert browser.get(f"/challenges/{mine.id}/updates/2147483648/edit").status_code == 404


ACTION = {
    "kind": "action",
    "body": "Ask three practice managers what a good discharge looks like",
    "expected_learning": "Ignored for an action",
    "spend": "low",
}
GAIN = {
    "body": "Twelve people came home a day sooner",
    "gain_for": "people",
    "gain_kind": "economic",
    "evidence": "Discharge data for March",
}


def test_the_owner_records_an_action_and_later_what_happened(login, db, people, challenge):
    browser = login(people.participant)
    path = f"/challenges/{challenge.id}/plans/new"
    assert "What will you try before the next session?" in text_of(browser.get(path))
    response = submit(browser, path, ACTION)
    assert response.status_code == 302
    action = db.scalar(select(ChallengeUpdate))
    assert (action.kind, action.expected_learning, action.spend) == ("action", "", None)
    page = text_of(browser.get(f"/challenges/{challenge.id}"))
    assert "You said you would try" in page and "Say what happened" in page
    outcome = f"/challenges/{challenge.id}/updates/{action.id}/outcome"
    assert submit(browser, outcome, {"outcome": ""}).status_code == 422
    assert (
        press(browser, outcome, {"outcome": "Two came; both want weekly huddles"}).status_code
        == 302
    )
    db.expire_all()
    assert action.outcome == "Two came; both want weekly huddles" and action.outcome_at
    page = text_of(browser.get(f"/challenges/{challenge.id}"))
    assert "You said you would try" not in page and "Change what happened" in page


def test_an_experiment_says_what_it_should_teach_and_that_it_costs_little(
    login, db, people, challenge
):
    browser = login(people.participant)
    path = f"/challenges/{challenge.id}/plans/new"
    base = {"kind": "experiment", "body": "Run the huddle for a month in one practice"}
    missing = submit(browser, path, base)
    assert missing.status_code == 422
    assert "Say what you expect to learn from the experiment" in text_of(missing, 422)
    no_spend = submit(browser, path, {**base, "expected_learning": "Whether GPs come"})
    assert "Choose whether the experiment costs nothing or little" in text_of(no_spend, 422)
    assert count_rows(db, ChallengeUpdate) == 0
    done = submit(browser, path, {**base, "expected_learning": "Whether GPs come", "spend": "none"})
    assert done.status_code == 302
    experiment = db.scalar(select(ChallengeUpdate))
    assert (experiment.kind, experiment.spend) == ("experiment", "none")
    page = text_of(browser.get(f"/challenges/{challenge.id}"))
    assert "Expects to learn:</strong> Whether GPs come" in page and "No spend" in page


def test_gains_say_for_whom_what_kind_and_how_we_know(login, db, people, challenge):
    browser = login(people.participant)
    path = f"/challenges/{challenge.id}/gains/new"
    page = text_of(browser.get(path))
    assert "Who gains?" in page and "Relational" in page
    incomplete = submit(browser, path, {"body": "People home sooner"})
    assert incomplete.status_code == 422
    assert "Choose who gains" in text_of(incomplete, 422)
    response = submit(browser, path, GAIN)
    assert response.status_code == 302
    gain = db.scalar(select(ChallengeUpdate))
    assert (gain.kind, gain.gain_for, gain.gain_kind) == ("gain", "people", "economic")
    page = text_of(browser.get(f"/challenges/{challenge.id}"))
    assert "An economic gain for people" in page and "Discharge data for March" in page
    edit = f"/challenges/{challenge.id}/updates/{gain.id}/edit"
    assert "Twelve people came home" in text_of(browser.get(edit))
    assert (
        press(
            browser,
            edit,
            {"body": "Fourteen people", "gain_for": "system", "gain_kind": "relational"},
        ).status_code
        == 302
    )
    db.expire_all()
    assert (gain.body, gain.gain_for, gain.gain_kind) == ("Fourteen people", "system", "relational")


def test_a_closed_challenge_takes_no_more_questions_or_plans_but_still_gains(login, db, people):
    challenge = factories.make_challenge(db, people.participant, status="closed")
    db.commit()
    page = text_of(login(people.fellow).get(f"/challenges/{challenge.id}"))
    assert "Ask Pat Participant a question" not in page
    assert (
        press(
            login(people.fellow), f"/challenges/{challenge.id}/questions", {"body": "Why?"}
        ).status_code
        == 422
    )
    owner = login(people.participant)
    assert (
        press(owner, f"/challenges/{challenge.id}/insights", {"insight-body": "Late"}).status_code
        == 422
    )
    plan = f"/challenges/{challenge.id}/plans/new"
    refused = submit(owner, plan, {"kind": "action", "body": "One more thing"})
    assert refused.status_code == 422 and "Reopen it to add to it" in text_of(refused, 422)
    assert count_rows(db, ChallengeUpdate) == 0
    gain = f"/challenges/{challenge.id}/gains/new"
    recorded = submit(
        owner, gain, {"body": "It lasted", "gain_for": "community", "gain_kind": "social"}
    )
    assert recorded.status_code == 302
    assert count_rows(db, ChallengeUpdate) == 1
