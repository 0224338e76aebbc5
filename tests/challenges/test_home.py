"""The home page: a participant's open challenges with what they said they would try; for
tutors, the challenges presenting at each set's next session."""

from datetime import timedelta

from learnset.db import utcnow
from tests import factories
from tests.helpers import text_of


def test_participants_see_their_open_challenges_and_what_they_will_try(login, db, people):
    mine = factories.make_challenge(db, people.participant, title="Frailty at home")
    factories.make_update(db, mine, people.participant, "action", body="TALK-TO-PRACTICES")
    factories.make_update(
        db, mine, people.participant, "experiment", body="DONE-ALREADY", outcome="It went well",
        outcome_at=utcnow(),
    )  # fmt: skip
    factories.make_challenge(db, people.participant, title="PAUSED-ONE", status="paused")
    factories.make_challenge(db, people.fellow, title="FAYS-OWN")
    db.commit()
    page = text_of(login(people.participant).get("/"))
    assert "Your live challenges" in page
    assert "Frailty at home" in page and "TALK-TO-PRACTICES" in page
    assert "Say what happened" in page
    assert "DONE-ALREADY" not in page and "PAUSED-ONE" not in page and "FAYS-OWN" not in page


def test_a_participant_without_challenges_is_invited_to_record_one(login, db, people):
    page = text_of(login(people.fellow).get("/"))
    assert "Record it as a live challenge" in page
    assert f"/cohorts/{people.cohort.id}/challenges" in page
    assert "Your live challenges" not in text_of(login(people.tutor).get("/"))


def test_tutors_see_who_presents_what_at_the_next_session(login, db, people):
    now = utcnow().replace(second=0, microsecond=0)
    past = factories.make_meeting(db, people.cohort, starts_at=now - timedelta(days=20))
    following = factories.make_meeting(db, people.cohort, starts_at=now + timedelta(days=60))
    nxt = factories.make_meeting(db, people.cohort, starts_at=now + timedelta(days=10))
    frailty = factories.make_challenge(db, people.fellow, title="Frailty at home")
    other = factories.make_challenge(db, people.participant, title="LATER-CHALLENGE")
    factories.make_challenge_slot(db, nxt, frailty)
    factories.make_challenge_slot(db, past, other)
    factories.make_challenge_slot(db, following, other)
    theirs = factories.make_meeting(db, people.other_cohort, starts_at=now + timedelta(days=5))
    factories.make_challenge_slot(
        db, theirs, factories.make_challenge(db, people.outsider, title="EASTVALE")
    )
    db.commit()
    page = text_of(login(people.tutor).get("/"))
    assert f"Presenting at {nxt.display_title}" in page
    assert "Fay Fellow</strong>: <a href" in page and "Frailty at home" in page
    assert "LATER-CHALLENGE" not in page and "EASTVALE" not in page
    assert "Presenting at" not in text_of(login(people.participant).get("/"))


def test_participants_see_where_they_present_next(login, db, people):
    now = utcnow().replace(second=0, microsecond=0)
    mine = factories.make_challenge(db, people.participant, title="Frailty at home")
    draft = factories.make_meeting(
        db, people.cohort, title="DRAFT-SESSION", starts_at=now + timedelta(days=5)
    )
    published = factories.make_meeting(
        db, people.cohort, title="December session", status="published",
        starts_at=now + timedelta(days=9),
    )  # fmt: skip
    factories.make_challenge_slot(db, draft, mine)
    factories.make_challenge_slot(db, published, mine)
    db.commit()
    page = text_of(login(people.participant).get("/"))
    assert "You are presenting it at" in page and "December session" in page
    assert "DRAFT-SESSION" not in page
