"""The self-assessment tests' fixture: the participant rating the small framework."""

import pytest

from tests import factories


@pytest.fixture
def participant_rates(db, people, framework):
    """The participant's self-assessment in cohort A, submitted and shared unless told:
    `participant_rates(listening=(2, 4))` rates listening 2 aiming for 4;
    `participant_rates((2, 4), data=(1, 5), at=when, shared=False)` rates all five 2 aiming for 4
    but data 1 aiming for 5, at that moment, kept from the tutors."""

    def rate(every=None, *, at=None, shared=True, status="submitted", carried=(), **levels):
        ratings = framework.ratings(every, **levels)
        return factories.make_assessment(
            db, people.participant, people.cohort, ratings,
            at=at, shared=shared, status=status, carried=carried,
        )  # fmt: skip

    return rate
