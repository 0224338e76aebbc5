"""The rules of self-assessment, called directly: baseline, check-ins, carrying forward, checks."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from learnset.assessment import services
from learnset.assessment.models import Rating, SelfAssessment
from learnset.assessment.services import Answer, AssessmentError, RatingErrors
from learnset.db import utcnow
from learnset.framework.queries import current_framework
from tests import factories
from tests.helpers import count_rows


def _answers(levels):
    return {capability.slug: Answer(current, target) for capability, (current, target) in levels}


def _rate_all(db, draft, framework, current=2, target=4):
    levels = [(capability, (current, target)) for capability in framework.capabilities]
    services.save_answers(db, draft, _answers(levels), utcnow())


def test_the_first_assessment_is_a_baseline_of_every_capability(db, people, framework):
    draft = services.start(db, people.participant, people.cohort, utcnow())
    assert draft.kind == "baseline"
    assert draft.is_draft
    assert draft.scope is None
    current = current_framework(db)
    assert services.unanswered(draft, current) == framework.capabilities


def test_starting_twice_returns_the_draft_in_progress(db, people, framework):
    first = services.start(db, people.participant, people.cohort, utcnow())
    again = services.start(db, people.participant, people.cohort, utcnow())
    assert again.id == first.id
    assert db.scalar(select(func.count()).select_from(SelfAssessment)) == 1


def test_the_database_allows_one_draft_per_participant_and_cohort(db, people, framework):
    factories.make_assessment(db, people.participant, people.cohort, status="draft")
    with pytest.raises(IntegrityError), db.begin_nested():
        factories.make_assessment(db, people.participant, people.cohort, status="draft")


def test_the_baseline_cannot_be_limited_to_a_few_capabilities(db, people, framework):
    with pytest.raises(AssessmentError, match="baseline rates every capability"):
        services.start(db, people.participant, people.cohort, utcnow(), ["listening"])


def test_a_baseline_is_submitted_once_every_capability_is_rated(db, people, framework):
    draft = services.start(db, people.participant, people.cohort, utcnow())
    current = current_framework(db)
    levels = [(framework.listening, (2, 4)), (framework.credibility, (3, 3))]
    services.save_answers(db, draft, _answers(levels), utcnow())
    with pytest.raises(AssessmentError, match="Rate Data for discussion before you submit"):
        services.submit(db, draft, True, current, utcnow())
    assert draft.is_draft
    assert draft.submitted_at is None
    _rate_all(db, draft, framework)
    services.submit(db, draft, True, current, utcnow())
    assert not draft.is_draft
    assert draft.submitted_at is not None
    assert len(draft.ratings) == 5
    assert not any(rating.carried_forward for rating in draft.ratings)


def test_a_check_in_on_a_chosen_few_carries_the_rest_forward(db, people, framework):
    earlier = utcnow() - timedelta(days=30)
    baseline_levels = framework.ratings(every=(2, 4))
    baseline_levels[framework.data] = (1, 5)
    factories.make_assessment(db, people.participant, people.cohort, baseline_levels, at=earlier)
    draft = services.start(
        db, people.participant, people.cohort, utcnow(), ["listening", "complexity"]
    )
    assert draft.kind == "check-in"
    assert draft.scope == sorted([framework.listening.id, framework.complexity.id])
    current = current_framework(db)
    parts = services.in_scope(draft, current)
    assert [(p.domain.slug, [c.slug for c in p.capabilities]) for p in parts] == [
        ("conversations", ["listening"]),
        ("systems", ["complexity"]),
    ]
    levels = [(framework.listening, (3, 4)), (framework.complexity, (4, 5))]
    services.save_answers(db, draft, _answers(levels), utcnow())
    services.submit(db, draft, False, current, utcnow())
    ratings = {rating.capability_id: rating for rating in draft.ratings}
    assert len(ratings) == 5
    assert (
        ratings[framework.listening.id].current_level,
        ratings[framework.listening.id].carried_forward,
    ) == (3, False)
    assert (ratings[framework.data.id].current_level, ratings[framework.data.id].target_level) == (
        1,
        5,
    )
    assert ratings[framework.data.id].carried_forward
    assert ratings[framework.convening.id].carried_forward
    assert ratings[framework.data.id].evidence == ""
    assert not draft.shared_with_tutors


def test_carried_forward_ratings_copy_the_latest_not_the_baseline(
    db, people, framework, participant_rates
):
    start = utcnow() - timedelta(days=60)
    participant_rates((1, 4), at=start)
    participant_rates((3, 4), at=start + timedelta(days=30))
    draft = services.start(db, people.participant, people.cohort, utcnow(), ["listening"])
    services.save_answers(db, draft, _answers([(framework.listening, (4, 5))]), utcnow())
    services.submit(db, draft, True, current_framework(db), utcnow())
    carried = {r.capability_id: r.current_level for r in draft.ratings if r.carried_forward}
    assert carried == {c.id: 3 for c in framework.capabilities if c != framework.listening}


@pytest.mark.parametrize(
    "choice,message",
    [([], "Choose at least one capability to rate"), (["juggling"], "Choose capabilities")],
)
def test_a_check_in_needs_known_capabilities(
    db, people, framework, choice, message, participant_rates
):
    participant_rates((2, 3))
    with pytest.raises(AssessmentError, match=message) as raised:
        services.start(db, people.participant, people.cohort, utcnow(), choice)
    assert raised.value.field == "capabilities"
    assert services.current_draft(db, people.participant.id, people.cohort.id) is None


@pytest.mark.parametrize("bad", [0, 6, "7", "three", None, "", "2.5", True])
def test_a_level_outside_1_to_5_is_refused_and_nothing_is_written(db, people, framework, bad):
    draft = services.start(db, people.participant, people.cohort, utcnow())
    answers = _answers([(framework.listening, (2, 4))])
    answers["credibility"] = Answer(current=bad, target=3)
    with pytest.raises(RatingErrors) as raised:
        services.save_answers(db, draft, answers, utcnow())
    assert raised.value.errors == {
        "credibility-current": "Choose where you are now, from 1 to 5, for Clinical credibility"
    }
    assert count_rows(db, Rating) == 0


def test_an_unknown_or_archived_capability_is_refused_and_nothing_is_written(db, people, framework):
    framework.convening.archived_at = utcnow()
    draft = services.start(db, people.participant, people.cohort, utcnow())
    for slug in ("juggling", "convening"):
        answers = _answers([(framework.listening, (2, 4))])
        answers[slug] = Answer(3, 4)
        with pytest.raises(RatingErrors) as raised:
            services.save_answers(db, draft, answers, utcnow())
        assert raised.value.errors == {f"{slug}-current": "Choose capabilities from the framework"}
    assert count_rows(db, Rating) == 0


def test_a_capability_outside_a_check_ins_choice_is_refused(
    db, people, framework, participant_rates
):
    participant_rates((2, 3))
    draft = services.start(db, people.participant, people.cohort, utcnow(), ["listening"])
    with pytest.raises(RatingErrors):
        services.save_answers(db, draft, _answers([(framework.data, (2, 3))]), utcnow())
    assert draft.ratings == []


def test_long_notes_are_refused(db, people, framework):
    draft = services.start(db, people.participant, people.cohort, utcnow())
    answers = {"listening": Answer(2, 3, evidence="x" * 2001, change_reason="y" * 1001)}
    with pytest.raises(RatingErrors) as raised:
        services.save_answers(db, draft, answers, utcnow())
    assert raised.value.errors == {
        "listening-evidence": "Evidence must be 2000 characters or fewer",
        "listening-reason": "What changed must be 1000 characters or fewer",
    }


def test_a_target_below_the_current_level_is_allowed(db, people, framework):
    draft = services.start(db, people.participant, people.cohort, utcnow())
    services.save_answers(db, draft, _answers([(framework.listening, (4, 2))]), utcnow())
    assert (draft.ratings[0].current_level, draft.ratings[0].target_level) == (4, 2)
    assert draft.ratings[0].gap == -2


def test_saving_again_updates_the_answer_in_place(db, people, framework):
    draft = services.start(db, people.participant, people.cohort, utcnow())
    services.save_answers(db, draft, _answers([(framework.listening, (2, 4))]), utcnow())
    services.save_answers(
        db, draft, {"listening": Answer(3, 5, evidence="  Led a workshop  ")}, utcnow()
    )
    assert len(draft.ratings) == 1
    rating = draft.ratings[0]
    assert (rating.current_level, rating.target_level, rating.evidence) == (3, 5, "Led a workshop")


def test_a_submitted_assessment_cannot_be_changed_or_discarded(
    db, people, framework, participant_rates
):
    submitted = participant_rates(listening=(2, 3))
    with pytest.raises(AssessmentError, match="already been submitted"):
        services.save_answers(db, submitted, _answers([(framework.listening, (5, 5))]), utcnow())
    with pytest.raises(AssessmentError):
        services.submit(db, submitted, True, current_framework(db), utcnow())
    with pytest.raises(AssessmentError):
        services.discard(db, submitted)
    assert submitted.ratings[0].current_level == 2


def test_discarding_a_draft_deletes_it_and_its_answers(db, people, framework):
    draft = services.start(db, people.participant, people.cohort, utcnow())
    _rate_all(db, draft, framework)
    services.discard(db, draft)
    assert db.scalar(select(func.count()).select_from(SelfAssessment)) == 0
    assert count_rows(db, Rating) == 0


def test_sharing_can_change_after_submitting_but_not_on_a_draft(db, people, framework):
    submitted = factories.make_assessment(db, people.participant, people.cohort)
    services.set_sharing(db, submitted, False)
    assert not submitted.shared_with_tutors
    draft = factories.make_assessment(db, people.participant, people.cohort, status="draft")
    with pytest.raises(AssessmentError, match="Submit this before you share it"):
        services.set_sharing(db, draft, True)


def test_previous_ratings_as_tutors_see_them_skip_what_was_kept_private(
    db, people, framework, participant_rates
):
    start = utcnow() - timedelta(days=60)
    participant_rates(listening=(1, 4), at=start)
    participant_rates(listening=(3, 4), at=start + timedelta(days=30), shared=False)
    latest = participant_rates(listening=(4, 4))
    assert services.previous_ratings(db, latest)[framework.listening.id].current_level == 3
    as_tutors = services.previous_ratings(db, latest, as_tutors_see_it=True)
    assert as_tutors[framework.listening.id].current_level == 1
