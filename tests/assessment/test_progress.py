"""Gaps and growth: target minus current, largest first, movement since the baseline, last rated."""

from datetime import timedelta

import pytest

from learnset.assessment import progress, standing, wording
from learnset.db import utcnow
from learnset.framework.queries import current_framework
from tests import factories


def _progress(db, people, **options):
    return progress.progress(
        db, people.participant.id, people.cohort.id, current_framework(db), **options
    )


# The participant's own pages read where they stand (`standing`: first and latest, in SQL)
# and the rest every rating (`progress`): the figures must agree.
@pytest.fixture(params=["progress", "standing"])
def own_progress(request):
    def read(db, people):
        read_with = progress.progress if request.param == "progress" else standing.standing
        return read_with(db, people.participant.id, people.cohort.id, current_framework(db))

    read.with_history = request.param == "progress"
    return read


def test_gap_is_target_minus_current_largest_first(
    db, people, framework, participant_rates, own_progress
):
    participant_rates(
        listening=(2, 4), credibility=(1, 5), data=(3, 3), complexity=(4, 2), convening=(2, 4)
    )
    growth = own_progress(db, people)
    gaps = [(entry.capability.slug, entry.gap) for entry in growth.by_gap()]
    # Equal gaps keep framework order; a target below the current level is a negative gap.
    assert gaps == [
        ("credibility", 4),
        ("listening", 2),
        ("convening", 2),
        ("data", 0),
        ("complexity", -2),
    ]
    assert [entry.capability.slug for entry in growth.top_gaps()] == [
        "credibility",
        "listening",
        "convening",
    ]
    assert [entry.capability.slug for entry in growth.top_gaps(limit=1)] == ["credibility"]


def test_no_positive_gap_means_nothing_to_recommend(
    db, people, framework, participant_rates, own_progress
):
    participant_rates((4, 4))
    assert own_progress(db, people).top_gaps() == []


def test_movement_since_the_baseline_and_when_each_was_last_rated(
    db, people, framework, participant_rates, own_progress
):
    baseline_at = utcnow() - timedelta(days=60)
    check_in_at = utcnow() - timedelta(days=30)
    latest_at = utcnow() - timedelta(days=1)
    participant_rates((2, 4), at=baseline_at)
    participant_rates(
        (2, 4),
        listening=(3, 4),
        at=check_in_at,
        carried=tuple(c for c in framework.capabilities if c != framework.listening),
    )
    participant_rates(
        (2, 4),
        listening=(3, 4),
        data=(1, 4),
        at=latest_at,
        carried=tuple(c for c in framework.capabilities if c != framework.data),
    )
    growth = own_progress(db, people)
    listening = growth.capability("listening")
    data = growth.capability("data")
    convening = growth.capability("convening")
    assert (listening.current, listening.movement, listening.gap) == (3, 1, 1)
    assert listening.last_rated_at == check_in_at
    assert (data.current, data.movement, data.gap) == (1, -1, 3)
    assert data.last_rated_at == latest_at
    assert (convening.movement, convening.last_rated_at) == (0, baseline_at)
    if own_progress.with_history:
        assert [len(entry.history) for entry in growth.capabilities] == [3, 3, 3, 3, 3]
    assert [(a.label, a.rated) for a in growth.assessments] == [
        ("Baseline", 5),
        ("Check-in", 1),
        ("Check-in", 1),
    ]


def test_drafts_other_people_and_other_cohorts_are_left_out(
    db, people, framework, participant_rates, own_progress
):
    participant_rates(listening=(2, 4))
    participant_rates(listening=(5, 5), status="draft")
    factories.make_assessment(db, people.fellow, people.cohort, framework.ratings(listening=(1, 5)))
    factories.make_member(db, people.other_cohort, "participant", user=people.participant)
    factories.make_assessment(
        db, people.participant, people.other_cohort, framework.ratings(listening=(4, 4))
    )
    growth = own_progress(db, people)
    assert len(growth.assessments) == 1
    assert growth.capability("listening").current == 2


def test_a_capability_added_later_shows_as_not_rated(
    db, people, framework, participant_rates, own_progress
):
    participant_rates(listening=(2, 4))
    growth = own_progress(db, people)
    assert growth.capability("convening").gap is None
    assert growth.by_gap()[-1].capability.slug in {"credibility", "data", "complexity", "convening"}


def test_archived_capabilities_leave_the_page_but_keep_their_history(
    db, people, framework, participant_rates, own_progress
):
    participant_rates((2, 4))
    framework.data.archived_at = utcnow()
    db.flush()
    growth = own_progress(db, people)
    assert growth.capability("data") is None
    assert growth.assessments[0].rated == 5


def test_as_tutors_see_it_only_shared_assessments_count(db, people, framework, participant_rates):
    baseline_at = utcnow() - timedelta(days=60)
    participant_rates(listening=(1, 4), at=baseline_at, shared=False)
    participant_rates(listening=(2, 4), at=utcnow() - timedelta(days=30))
    participant_rates(listening=(4, 5), shared=False)
    growth = _progress(db, people, as_tutors_see_it=True)
    listening = growth.capability("listening")
    assert [a.label for a in growth.assessments] == ["Check-in"]
    assert (listening.current, listening.target, listening.gap, listening.movement) == (2, 4, 2, 0)
    assert not growth.first.is_baseline


def test_tutors_see_nothing_once_the_participant_has_left_the_cohort(
    db, people, framework, participant_rates
):
    participant_rates(listening=(2, 4))
    membership = next(m for m in people.participant.memberships if m.cohort_id == people.cohort.id)
    db.delete(membership)
    db.flush()
    assert _progress(db, people, as_tutors_see_it=True).assessments == []
    assert len(_progress(db, people).assessments) == 1


def test_the_home_page_summary_uses_the_latest_assessment_in_each_cohort(
    db, people, framework, participant_rates
):
    participant_rates(listening=(1, 5), data=(2, 3), at=utcnow() - timedelta(days=30))
    latest = participant_rates(listening=(3, 5), data=(2, 3), convening=(1, 4))
    factories.make_assessment(db, people.fellow, people.cohort, framework.ratings(listening=(1, 5)))
    (summary,) = progress.home_summaries(db, people.participant)
    assert summary.latest_at == latest.submitted_at
    assert [(line.capability.slug, line.gap) for line in summary.top_gaps()] == [
        ("convening", 3),
        ("listening", 2),
        ("data", 1),
    ]
    assert progress.home_summaries(db, people.tutor) == []


def test_sharing_by_participant_counts_only_what_was_shared(db, people, framework):
    factories.make_assessment(
        db, people.participant, people.cohort, at=utcnow() - timedelta(days=9)
    )
    shared = factories.make_assessment(db, people.participant, people.cohort)
    factories.make_assessment(db, people.fellow, people.cohort, shared=False)
    factories.make_assessment(db, people.participant, people.cohort, shared=False, status="draft")
    rows = {row.participant.name: row for row in progress.sharing_by_participant(db, people.cohort)}
    assert set(rows) == {"Pat Participant", "Fay Fellow"}
    assert (rows["Pat Participant"].shared, rows["Pat Participant"].last_shared_at) == (
        2,
        shared.submitted_at,
    )
    assert (rows["Fay Fellow"].shared, rows["Fay Fellow"].last_shared_at) == (0, None)


def test_a_capabilitys_own_history_is_its_part_of_the_whole(
    db, people, framework, participant_rates
):
    participant_rates((2, 4), at=utcnow() - timedelta(days=60))
    participant_rates(
        (2, 4),
        listening=(3, 4),
        at=utcnow() - timedelta(days=30),
        carried=tuple(c for c in framework.capabilities if c != framework.listening),
    )
    participant_rates(listening=(1, 5), status="draft")
    factories.make_assessment(db, people.fellow, people.cohort, framework.ratings(listening=(5, 5)))
    whole = _progress(db, people).capability("listening")
    own = progress.capability_history(
        db, people.participant.id, people.cohort.id, framework.listening
    )
    assert own.history == whole.history
    assert (own.current, own.movement, own.last_rated_at) == (3, 1, whole.last_rated_at)


def test_assessments_submitted_at_the_same_moment_keep_their_order(
    db, people, framework, participant_rates, own_progress
):
    at = utcnow() - timedelta(days=1)
    participant_rates(listening=(1, 4), at=at)
    participant_rates(listening=(3, 5), at=at)
    listening = own_progress(db, people).capability("listening")
    assert (listening.first.current, listening.current, listening.target) == (1, 3, 5)
    assert (listening.movement, listening.last_rated_at) == (2, at)


def test_gaps_and_movements_in_words():
    assert [wording.gap_text(gap) for gap in (None, 2, 0, -1)] == [
        "Not rated yet",
        "2 to go",
        "Target reached",
        "1 beyond target",
    ]
    assert [wording.movement_text(move) for move in (None, 1, -2, 0)] == [
        "\u2013",
        "Up 1",
        "Down 2",
        "No change",
    ]
