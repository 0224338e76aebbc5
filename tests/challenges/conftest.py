"""The live challenge tests' fixture: Pat's open challenge in cohort A."""

import pytest

from tests import factories


@pytest.fixture
def challenge(db, people):
    """An open challenge of the participant's, in cohort A, committed."""
    challenge = factories.make_challenge(db, people.participant)
    db.commit()
    return challenge
