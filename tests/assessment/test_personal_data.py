"""Self-assessment in "download your data" and "delete your account"."""

import json

import pytest

from learnset.accounts import personal_data
from learnset.assessment import services
from learnset.assessment.models import (
    CheckInReminder,
    LearningFocus,
    Rating,
    SelfAssessment,
    rating_reflections,
)
from learnset.db import utcnow
from tests import factories
from tests.helpers import TEST_PASSWORD, count_rows, submit


@pytest.fixture
def history(db, people, framework, participant_rates):
    """Pat: a baseline with evidence, a private check-in, a draft, a focus, a reminder."""
    reflection = factories.make_reflection(
        db, people.participant, title="PAT-REFLECTION", capabilities=[framework.listening]
    )
    baseline = participant_rates(listening=(2, 4))
    baseline.ratings[0].evidence = "PAT-EVIDENCE"
    baseline.ratings[0].reflections = [reflection]
    participant_rates(listening=(3, 4), shared=False)
    participant_rates(listening=(4, 4), status="draft")
    item = factories.make_content_item(db, [framework.listening], title="PAT-FOCUS-ITEM")
    services.pin_focus(db, people.participant, people.cohort, item.slug, "listening", utcnow())
    session = factories.make_published_meeting(db, people.cohort, title="PAT-SESSION")
    db.add(CheckInReminder(participant_id=people.participant.id, meeting_id=session.id))
    fellow = factories.make_assessment(
        db, people.fellow, people.cohort, framework.ratings(listening=(1, 5))
    )
    fellow.ratings[0].evidence = "FAY-EVIDENCE"
    db.commit()


def test_self_assessment_is_a_section_of_the_download(db, login, people, history):
    assert "self_assessment" in [section.name for section in personal_data.sections()]
    response = login(people.participant).get("/account/your-data.json")
    document = json.loads(response.data)["self_assessment"]
    assert [(a["type"], a["status"], a["shared_with_tutors"]) for a in document["assessments"]] == [
        ("baseline", "submitted", True),
        ("check-in", "submitted", False),
        ("check-in", "draft", True),
    ]
    (rating,) = document["assessments"][0]["ratings"]
    assert rating == {
        "capability": "listening",
        "capability_name": "Listening across boundaries",
        "current_level": 2,
        "target_level": 4,
        "evidence": "PAT-EVIDENCE",
        "what_changed": "",
        "carried_forward": False,
        "reflections": ["PAT-REFLECTION"],
    }
    assert document["focus_for_the_month"][0]["library_item"] == "PAT-FOCUS-ITEM"
    assert [r["session"] for r in document["check_in_reminders"]] == ["PAT-SESSION"]
    assert "FAY-EVIDENCE" not in response.get_data(as_text=True)


def test_deleting_an_account_deletes_its_self_assessments_and_nobody_elses(
    db, login, people, history
):
    user_id = people.participant.id
    response = submit(login(people.participant), "/account/delete", {"password": TEST_PASSWORD})
    assert response.status_code == 302
    db.expire_all()
    assert count_rows(db, SelfAssessment, SelfAssessment.participant_id == user_id) == 0
    assert count_rows(db, LearningFocus, LearningFocus.participant_id == user_id) == 0
    assert count_rows(db, CheckInReminder, CheckInReminder.participant_id == user_id) == 0
    assert count_rows(db, rating_reflections) == 0
    assert count_rows(db, SelfAssessment) == 1
    assert count_rows(db, Rating, Rating.evidence == "FAY-EVIDENCE") == 1
