"""The anonymity rules: nothing under three, aggregates only, small groups merged, free text
without order, and a report fixed at close (issue 18, items 3 and 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from learnset.colleague_feedback import report, services
from learnset.colleague_feedback.models import FeedbackRater, FeedbackResponse
from learnset.db import utcnow
from tests import factories
from tests.colleague_feedback.helpers import answers, link_for, make_round, respond


def test_under_three_responses_nothing_of_others_is_shown(db, people, framework):
    factories.make_assessment(
        db, people.participant, people.cohort, framework.ratings(every=(3, 4))
    )
    feedback_round = make_round(db, people.participant, people.cohort, framework.capabilities)
    for rater in feedback_round.raters[:2]:
        respond(db, rater, dict.fromkeys(framework.capabilities, 2), keep_doing="Listening well")
    services.close_early(db, feedback_round, utcnow())
    kept = report.read(feedback_round.report)
    assert kept.responses == 2 and not kept.shown
    assert all(line.others is None and line.count is None for line in kept.capabilities)
    assert [line.self_level for line in kept.capabilities] == [3] * 5
    assert kept.texts == [] and kept.groups == []
    assert "Listening well" not in str(feedback_round.report)


def test_a_capability_rated_by_fewer_than_three_is_not_averaged(db, people, framework):
    feedback_round = make_round(db, people.participant, people.cohort, framework.capabilities)
    listening, credibility = framework.listening, framework.credibility
    for n, rater in enumerate(feedback_round.raters[:3]):
        # Only one colleague can say anything about credibility.
        respond(
            db,
            rater,
            {
                listening: 4,
                credibility: 5 if n == 0 else 0,
                **dict.fromkeys(framework.capabilities[2:], 3),
            },
        )
    services.close_early(db, feedback_round, utcnow())
    lines = {line.id: line for line in report.read(feedback_round.report).capabilities}
    assert lines[listening.id].others == 4.0 and lines[listening.id].count == 3
    assert lines[credibility.id].others is None and lines[credibility.id].count == 1


def test_small_groups_are_merged_into_others(db, people, framework):
    relations = ["clinician"] * 3 + ["manager", "provider", "peer", "peer"]
    feedback_round = make_round(
        db, people.participant, people.cohort, [framework.listening], relations
    )
    for rater in feedback_round.raters:
        respond(db, rater, {framework.listening: 4 if rater.relation == "clinician" else 2})
    services.close_early(db, feedback_round, utcnow())
    kept = report.read(feedback_round.report)
    assert [(g["label"], g["count"]) for g in kept.groups] == [("Clinician", 3), ("Others", 4)]
    assert kept.capabilities[0].by_group == {"clinician": 4.0, "others": 2.0}


def test_a_remainder_of_one_or_two_merges_the_smallest_group_too(db, people, framework):
    """Clinicians 3, peers 3 and one manager: showing both groups would give the manager's
    answer away (the whole minus the two groups), so one group joins the manager in Others."""
    relations = ["clinician"] * 3 + ["peer"] * 3 + ["manager"]
    placed = report.groups_shown(relations)
    assert sorted(set(placed.values())) == ["others", "peer"]
    assert placed["manager"] == placed["clinician"] == "others"
    # One group of three and nothing else, or everyone in one group: no breakdown at all.
    assert report.groups_shown(["peer"] * 3 + ["manager"] * 2) == {}
    assert report.groups_shown(["peer"] * 5) == {}


def test_a_group_average_is_hidden_where_it_would_give_a_rating_away(db, people, framework):
    relations = ["clinician"] * 3 + ["peer"] * 3
    feedback_round = make_round(
        db, people.participant, people.cohort, [framework.listening, framework.data], relations
    )
    for n, rater in enumerate(feedback_round.raters):
        # One clinician cannot say about data: clinicians would average two ratings there.
        data = 0 if n == 0 else 3
        respond(db, rater, {framework.listening: 3, framework.data: data})
    services.close_early(db, feedback_round, utcnow())
    lines = report.read(feedback_round.report).capabilities
    assert lines[0].by_group == {"clinician": 3.0, "peer": 3.0}
    assert lines[1].by_group == {} and lines[1].others == 3.0


def test_free_text_is_unattributed_and_not_in_the_order_sent(db, people, framework):
    feedback_round = make_round(
        db, people.participant, people.cohort, [framework.listening], ["peer"] * 12
    )
    sent = [f"Answer number {n:02}" for n in range(12)]
    for rater, words in zip(feedback_round.raters, sent, strict=True):
        respond(db, rater, {framework.listening: 3}, keep_doing=words)
    services.close_early(db, feedback_round, utcnow())
    shown = feedback_round.report["texts"]["keep_doing"]
    assert sorted(shown) == sorted(sent) and shown != sent
    # The same order every time the report is read.
    assert report.read(feedback_round.report).texts[0].answers == shown
    assert "colleague" not in str(feedback_round.report)


def test_nothing_is_shown_while_the_round_is_open(db, people, framework):
    feedback_round = make_round(db, people.participant, people.cohort, framework.capabilities)
    for rater in feedback_round.raters:
        respond(db, rater, dict.fromkeys(framework.capabilities, 3))
    assert report.report_of(db, feedback_round, utcnow()) is None


def test_a_late_response_changes_nothing_once_the_report_is_open(db, people, framework):
    now = utcnow()
    feedback_round = make_round(
        db, people.participant, people.cohort, framework.capabilities, now=now
    )
    late = feedback_round.raters[-1]
    token = link_for(db, late)
    for rater in feedback_round.raters[:3]:
        respond(db, rater, dict.fromkeys(framework.capabilities, 2), now=now)
    # Closed by its date, not yet released by the daily purge: the report is already what it
    # will stay, and the late answer is refused.
    after = feedback_round.closes_at + timedelta(minutes=1)
    before = report.report_of(db, feedback_round, after)
    assert before is not None and before.capabilities[0].others == 2.0
    found = services.find_rater(db, token)
    assert found is not None and not services.link_works(found, after)
    with pytest.raises(services.ColleagueFeedbackError):
        services.submit(db, late, answers(dict.fromkeys(framework.capabilities, 5)), after)
    assert services.release_due(db, after) == 1
    assert report.read(feedback_round.report) == before


def test_release_deletes_answers_and_every_address(db, people, framework):
    feedback_round = make_round(db, people.participant, people.cohort, framework.capabilities)
    for rater in feedback_round.raters[:3]:
        respond(db, rater, dict.fromkeys(framework.capabilities, 3))
    services.close_early(db, feedback_round, utcnow())
    db.commit()
    assert db.scalar(select(func.count(FeedbackResponse.id))) == 0
    left = db.scalars(
        select(FeedbackRater).where(FeedbackRater.round_id == feedback_round.id)
    ).all()
    assert len(left) == 5
    assert all(r.email is None and r.email_digest is None and r.draft is None for r in left)


def test_a_response_keeps_nothing_that_points_to_its_rater(db, people, framework):
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    respond(db, feedback_round.raters[0], {framework.listening: 4}, change="More data")
    response = db.scalar(select(FeedbackResponse))
    assert response is not None
    columns = set(FeedbackResponse.__table__.columns.keys())
    assert columns == {
        "id",
        "round_id",
        "relationship",
        "ratings",
        "keep_doing",
        "start_doing",
        "change",
    }


@pytest.mark.parametrize("first", ["submit", "decline"])
def test_a_second_copy_of_the_form_sent_at_once_counts_once(db, people, framework, first):
    """A double click sends the form twice: the second copy read the rater before the first
    was saved. Counted twice, one colleague would be two of the three a report needs."""
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    rater = feedback_round.raters[0]
    link_for(db, rater)
    now = utcnow()
    # The first copy is saved by another request, behind the back of this one's rater.
    db.execute(
        update(FeedbackRater.__table__)
        .where(FeedbackRater.id == rater.id)
        .values({"responded_at" if first == "submit" else "declined_at": now, "email": None})
    )
    assert not rater.has_answered  # as the second copy saw it
    with pytest.raises(services.ColleagueFeedbackError) as refused:
        services.submit(db, rater, answers({framework.listening: 4}), now)
    assert refused.value.status == 410
    assert db.scalar(select(func.count(FeedbackResponse.id))) == 0
    with pytest.raises(services.ColleagueFeedbackError):
        services.decline(db, rater, now)


def test_asking_a_colleague_again_says_nothing_of_whether_they_answered(db, people, framework):
    """Their address goes once they answer or decline; asking them again is refused in the
    same words as for one still waiting, so the refusal does not tell who has answered, and
    nobody gets a second link to answer twice."""
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    answered, declined, waiting = feedback_round.raters[:3]
    addresses = [rater.email for rater in (answered, declined, waiting)]
    respond(db, answered, {framework.listening: 4})
    link_for(db, declined)
    services.decline(db, declined, utcnow())
    assert answered.email is None and declined.email is None
    refusals = []
    for address in addresses:
        with pytest.raises(services.ColleagueFeedbackError) as refused:
            services.add_raters(
                db, feedback_round, [services.RaterInput(address.upper(), "peer")], utcnow()
            )
        refusals.append(str(refused.value).replace(address, "ADDRESS"))
    assert refusals == ["ADDRESS has already been asked in this round"] * 3
    assert len(feedback_round.raters) == 5
    # Someone not yet asked can be.
    [added] = services.add_raters(
        db, feedback_round, [services.RaterInput("new.colleague@example.nhs.uk", "peer")], utcnow()
    )
    assert added.email == "new.colleague@example.nhs.uk"


def test_the_digest_of_an_address_belongs_to_its_round(db, people, framework):
    first = make_round(db, people.participant, people.cohort, [framework.listening])
    second = make_round(db, people.fellow, people.cohort, [framework.listening])
    assert first.raters[0].email == second.raters[0].email
    assert first.raters[0].email_digest != second.raters[0].email_digest
    assert first.raters[0].email not in (first.raters[0].email_digest or "")
