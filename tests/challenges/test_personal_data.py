"""Live challenges in "download your data" and "delete your account"."""

import json

from sqlalchemy import delete, select

from learnset.accounts import personal_data
from learnset.challenges.models import Challenge, ChallengeUpdate, Story
from learnset.cohorts.models import Membership
from learnset.meetings.models import PresenterSlot
from learnset.reflections.models import Reflection
from tests import factories
from tests.helpers import count_rows, text_of


def _programme(db, people):
    """Pat's challenge with the set's words on it, and Pat's words on other people's."""
    mine = factories.make_challenge(
        db, people.participant, title="PAT-CHALLENGE", context="PAT-CONTEXT",
        trapped={"attitudes": "PAT-TRAPPED"},
    )  # fmt: skip
    factories.make_update(db, mine, people.fellow, "question", body="FAY-ASKS-PAT")
    factories.make_update(db, mine, people.participant, "experiment", body="PAT-TRIES")
    factories.make_update(db, mine, people.participant, "gain", body="PAT-GAIN")
    factories.make_story(db, mine, published=False, summary="PAT-STORY")
    fays = factories.make_challenge(db, people.fellow, title="FAY-CHALLENGE", context="FAY-CONTEXT")
    factories.make_update(db, fays, people.participant, "question", body="PAT-ASKS-FAY")
    factories.make_update(db, fays, people.fellow, "action", body="FAY-TRIES")
    return mine, fays


def test_download_holds_the_users_challenges_and_what_they_wrote_on_others(login, db, people):
    _programme(db, people)
    db.commit()
    response = login(people.participant).get("/account/your-data.json")
    document = json.loads(response.data)
    section = document["live_challenges"]
    [challenge] = section["challenges"]
    assert challenge["title"] == "PAT-CHALLENGE" and challenge["context"] == "PAT-CONTEXT"
    assert challenge["trapped"] == {"attitudes": "PAT-TRAPPED"}
    assert challenge["story"]["summary"] == "PAT-STORY"
    assert [(u["kind"], u["text"], u["by"]) for u in challenge["updates"]] == [
        ("question", "FAY-ASKS-PAT", "Fay Fellow"),
        ("experiment", "PAT-TRIES", "Pat Participant"),
        ("gain", "PAT-GAIN", "Pat Participant"),
    ]
    assert section["on_others_challenges"] == [
        {
            "kind": "question",
            "written_at": section["on_others_challenges"][0]["written_at"],
            "text": "PAT-ASKS-FAY",
            "on_challenge": "FAY-CHALLENGE",
        }
    ]
    raw = response.get_data(as_text=True)
    for leak in ("FAY-CONTEXT", "FAY-TRIES"):
        assert leak not in raw


def test_another_persons_challenge_is_named_only_while_the_user_may_read_it(db, people):
    _programme(db, people)
    db.execute(
        delete(Membership).where(
            Membership.user_id == people.fellow.id, Membership.cohort_id == people.cohort.id
        )
    )
    db.flush()
    db.expire_all()
    section = personal_data.export_all(db, people.participant, people.cohort.created_at)
    [written] = section["live_challenges"]["on_others_challenges"]
    assert written["text"] == "PAT-ASKS-FAY" and written["on_challenge"] is None


def test_deleting_an_account_takes_its_challenges_and_leaves_its_questions_anonymous(
    login, db, people
):
    mine, fays = _programme(db, people)
    meeting = factories.make_meeting(db, people.cohort)
    factories.make_challenge_slot(db, meeting, fays)
    reflection = factories.make_reflection(db, people.fellow, challenge_id=fays.id)
    db.commit()
    mine_id, fays_id = mine.id, fays.id
    personal_data.delete_account(db, people.participant)
    db.commit()
    db.expire_all()
    assert count_rows(db, Challenge, Challenge.id == mine_id) == 0
    assert count_rows(db, ChallengeUpdate, ChallengeUpdate.challenge_id == mine_id) == 0
    assert count_rows(db, Story) == 0
    kept = db.scalar(select(ChallengeUpdate).where(ChallengeUpdate.body == "PAT-ASKS-FAY"))
    assert kept.author_id is None
    page = text_of(login(people.fellow).get(f"/challenges/{fays_id}"))
    assert "PAT-ASKS-FAY" in page and "A former member" in page
    # Other people's challenges, slots and reflections are untouched.
    assert count_rows(db, ChallengeUpdate, ChallengeUpdate.challenge_id == fays_id) == 2
    assert count_rows(db, PresenterSlot, PresenterSlot.challenge_id == fays_id) == 1
    assert db.get(Reflection, reflection.id).challenge_id == fays_id
