"""Download your data reads every kind of record in one statement, whatever how much a person
has: the same few statements for a person in one set with one of everything as in three with
three."""

import json

from sqlalchemy import insert, select

from learnset.accounts.models import Passkey, RecoveryCode, TwoFactor
from learnset.assessment.models import Rating, rating_reflections
from learnset.db import utcnow
from learnset.feedback.models import FeedbackMessage
from learnset.notifications.models import Notification
from learnset.reflections.models import Note, ReflectionDraft
from tests import factories
from tests.helpers import statements_for

DOWNLOAD = "/account/your-data.json"


def _a_set_of_everything(db, person, framework, cohort=None, copies=1):
    """`person` in `cohort` (a new set if None) with `copies` of each kind of record a
    participant makes there, each touched by others as it would be."""
    if cohort is None:
        cohort = factories.make_cohort(db)
        factories.make_member(db, cohort, "participant", user=person)
        factories.make_invitation(db, cohort, token=f"t{cohort.id}", email=person.email,
                                  accepted_at=utcnow())  # fmt: skip
    tutor = factories.make_member(db, cohort, "tutor")
    for _ in range(copies):
        meeting = factories.make_past_meeting(db, cohort)
        factories.make_attendance(db, meeting, person)
        factories.make_slot(db, meeting, person)
        topic = factories.make_topic(db, cohort, proposed_by=person)
        factories.make_vote(db, topic, person)
        reflection = factories.make_reflection(db, person, cohort=cohort, visibility="set",
                                               capabilities=[framework.listening])  # fmt: skip
        factories.make_comment(db, reflection, tutor)
        factories.make_comment(db, reflection, person)
        levels = dict.fromkeys(framework.capabilities, (2, 4))
        assessment = factories.make_assessment(db, person, cohort, levels)
        rating = db.scalar(
            select(Rating.id).where(
                Rating.assessment_id == assessment.id,
                Rating.capability_id == framework.listening.id,
            )
        )
        db.execute(insert(rating_reflections).values(rating_id=rating, reflection_id=reflection.id))
        challenge = factories.make_challenge(
            db, person, cohort, trapped={"buildings": "A ward", "processes": None}
        )
        factories.make_story(db, challenge)
        factories.make_update(db, challenge, person, "action")
        factories.make_update(db, challenge, tutor, "question")
        key = Passkey(user_id=person.id, credential_id=f"key-{challenge.id}", public_key=b"-")
        db.add(key)
        key.name, key.created_at = "Laptop", utcnow()
        db.add_all(
            [
                Note(author_id=person.id, client_id=f"n{reflection.id}", body="A note",
                     cohort_id=cohort.id, meeting_id=meeting.id),
                ReflectionDraft(author_id=person.id, reflection_id=reflection.id,
                                data={"title": ["Draft"]}),
                FeedbackMessage(user_id=person.id, message="Thanks"),
                Notification(recipient_id=person.id, actor_id=tutor.id, kind="comment",
                             link="/reflections", description="A comment"),
            ]
        )  # fmt: skip
    return cohort


def _others_challenges(db, person, people):
    """A question from `person` on a fellow's challenge they can read, and on one in another set."""
    readable = factories.make_challenge(db, people.fellow, people.cohort, title="FAY-CHALLENGE")
    factories.make_update(db, readable, person, "question", body="PAT-ON-FAY")
    hidden = factories.make_challenge(db, people.outsider, people.other_cohort, title="OONA-ONLY")
    factories.make_update(db, hidden, person, "question", body="PAT-ON-OONA")


def _download(client, count_queries):
    statements = statements_for(count_queries, client, DOWNLOAD)
    document = json.loads(client.get(DOWNLOAD).data)
    document.pop("exported_at")
    return statements, document


def test_download_statements_do_not_grow_with_the_persons_data(
    db, login, people, framework, count_queries
):
    person = people.participant
    _a_set_of_everything(db, person, framework, people.cohort)
    _others_challenges(db, person, people)
    db.add(TwoFactor(user_id=person.id, secret="JBSWY3DPEHPK3PXP", set_up_at=utcnow()))
    db.add_all(RecoveryCode(user_id=person.id, code_digest=f"{n:064}") for n in range(3))
    db.commit()
    few, _ = _download(login(person), count_queries)
    _a_set_of_everything(db, person, framework, people.cohort, copies=2)
    for _ in range(2):
        _a_set_of_everything(db, person, framework, copies=3)
    db.commit()
    many, document = _download(login(person), count_queries)
    assert many == few, "statements for one set with one of everything, then three with three"
    # Every section's reads (about 35 kinds of record across a dozen features) in one
    # statement, beside the sign-in's and the audit record's own: at most 12 on any page.
    assert many <= 5, many
    # What the statements gathered, in its place.
    sets = [entry["name"] for entry in document["account"]["learning_sets"]]
    assert len(sets) == 3 and sets[0] == people.cohort.name
    invited = [entry["learning_set"] for entry in document["account"]["invitations_received"]]
    assert invited == sets[1:]
    challenges = document["live_challenges"]["challenges"]
    assert len(challenges) == 9
    assert all([u["kind"] for u in c["updates"]] == ["action", "question"] for c in challenges)
    others = document["live_challenges"]["on_others_challenges"]
    assert [(u["text"], u["on_challenge"]) for u in others] == [
        ("PAT-ON-FAY", "FAY-CHALLENGE"),
        ("PAT-ON-OONA", None),
    ]
    log = document["reflective_log"]
    assert len(log["reflections"]) == 9
    assert all(len(r["comments"]) == 2 for r in log["reflections"])
    assessments = document["self_assessment"]["assessments"]
    assert len(assessments) == 9 and all(len(a["ratings"]) == 5 for a in assessments)
    named = [r["reflections"] for a in assessments for r in a["ratings"] if r["reflections"]]
    # The log is in the order of the days reflected on, which the factories spread over a
    # year by a counter shared with other tests: compare the titles, not their order.
    assert sorted(named) == sorted([r["title"]] for r in log["reflections"])
    assert all(set(c["trapped"]) == {"buildings", "processes"} for c in challenges)
    assert all(c["story"]["summary"] for c in challenges)
    assert len(log["notes"]) == len(log["drafts"]) == 9
    assert len(document["feedback"]) == len(document["notifications"]["notifications"]) == 9
    security = document["sign_in_security"]
    assert security["recovery_codes_left"] == 3 and security["authenticator_app_set_up_at"]
    assert [key["name"] for key in security["passkeys"]] == ["Laptop"] * 9
    assert log["comments_on_others_reflections"] == []
