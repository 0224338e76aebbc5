"""Stories: a closed challenge, published with its owner's explicit consent, for everyone in the
programme; never the set's questions or insights; unpublished by its owner at any time."""

import pytest
from sqlalchemy import select

from learnset import authz
from learnset.challenges import services
from learnset.challenges.models import Story
from learnset.db import utcnow
from tests import factories
from tests.helpers import press, submit, text_of

STORY = {"summary": "We moved the huddle into the practice and people came.", "consent": "y"}


def _closed(db, people):
    challenge = factories.make_challenge(
        db,
        people.participant,
        title="Frailty at home",
        status="closed",
        context="CONTEXT-SECRET",
        stakeholders="STAKEHOLDERS-SECRET",
        outcomes="Older people stay well at home",
        trapped={"attitudes": "TRAPPED-SECRET"},
    )
    factories.make_update(db, challenge, people.fellow, "question", body="QUESTION-SECRET")
    factories.make_update(db, challenge, people.tutor, "insight", body="INSIGHT-SECRET")
    factories.make_update(db, challenge, people.participant, "action", body="ACTION-SECRET")
    factories.make_update(
        db, challenge, people.participant, "gain", body="Fewer falls", gain_kind="health"
    )
    return challenge


def test_publishing_needs_the_owners_explicit_consent(login, db, people):
    challenge = _closed(db, people)
    db.commit()
    browser = login(people.participant)
    path = f"/challenges/{challenge.id}/story"
    form = text_of(browser.get(path))
    assert "I agree to publish this story" in form
    assert "Everyone who signs in to Learnset, in every learning set" in form
    assert "They will not see the set's questions or insights" in form
    refused = submit(browser, path, {"summary": STORY["summary"]})
    assert refused.status_code == 422
    assert "Tick the box to agree to publish your story" in text_of(refused, 422)
    assert db.scalar(select(Story)) is None
    empty = submit(browser, path, {"summary": "", "consent": "y"})
    assert empty.status_code == 422 and "Write your story" in text_of(empty, 422)
    published = submit(browser, path, STORY)
    assert published.status_code == 302
    story = db.scalar(select(Story))
    assert story.is_published and story.consented_at is not None
    assert published.location == f"/stories/{story.id}"


def test_only_a_closed_challenge_can_become_a_story(login, db, people, challenge):
    browser = login(people.participant)
    path = f"/challenges/{challenge.id}/story"
    assert "Only a closed challenge can be published" in text_of(browser.get(path))
    refused = submit(browser, path, STORY)
    assert refused.status_code == 422
    assert "Close the challenge before you publish it as a story" in text_of(refused, 422)
    with pytest.raises(services.ChallengeError):
        services.publish_story(db, challenge, people.participant, "Story", True, utcnow())
    assert db.scalar(select(Story)) is None


@pytest.mark.parametrize(
    "role", ["participant", "fellow", "tutor", "other_tutor", "outsider", "admin"]
)
def test_a_published_story_is_for_everyone_without_the_sets_discussion(login, db, people, role):
    challenge = _closed(db, people)
    story = factories.make_story(db, challenge, summary="What we learned together")
    db.commit()
    browser = login(people.by_role(role))
    page = text_of(browser.get(f"/stories/{story.id}"))
    assert "Frailty at home" in page and "What we learned together" in page
    assert "Older people stay well at home" in page
    assert "A health gain for people" in page and "Fewer falls" in page
    assert "Pat Participant" in page and "Riverside set" in page
    for secret in (
        "QUESTION-SECRET",
        "INSIGHT-SECRET",
        "ACTION-SECRET",
        "CONTEXT-SECRET",
        "STAKEHOLDERS-SECRET",
        "TRAPPED-SECRET",
    ):
        assert secret not in page
    listed = text_of(browser.get("/stories"))
    assert "Frailty at home" in listed and "QUESTION-SECRET" not in listed
    # The story is public; the challenge behind it is still the set's alone.
    expected = 200 if role in {"participant", "fellow", "tutor"} else 404
    assert browser.get(f"/challenges/{challenge.id}").status_code == expected


def test_an_unpublished_story_is_nobodys_to_read(login, db, people):
    challenge = _closed(db, people)
    story = factories.make_story(db, challenge, published=False, summary="DRAFT-STORY")
    db.commit()
    for role in ("participant", "fellow", "outsider", "admin"):
        browser = login(people.by_role(role))
        assert browser.get(f"/stories/{story.id}").status_code == 404
        assert "DRAFT-STORY" not in text_of(browser.get("/stories"))
    assert db.scalars(authz.published_stories()).all() == []


def test_the_owner_unpublishes_after_confirming_and_can_publish_again(login, db, people):
    challenge = _closed(db, people)
    story = factories.make_story(db, challenge, summary="KEPT-SUMMARY")
    db.commit()
    browser = login(people.participant)
    path = f"/challenges/{challenge.id}/story/unpublish"
    assert "Unpublish your story?" in text_of(browser.get(path))
    assert press(browser, path).status_code == 302
    db.expire_all()
    assert not story.is_published and story.summary == "KEPT-SUMMARY"
    assert login(people.outsider).get(f"/stories/{story.id}").status_code == 404
    # Asking again does nothing harmful and says so.
    again = browser.get(path)
    assert again.status_code == 302
    assert "KEPT-SUMMARY" in text_of(browser.get(f"/challenges/{challenge.id}/story"))
    assert press(browser, f"/challenges/{challenge.id}/story", STORY).status_code == 302
    db.expire_all()
    assert story.is_published


def test_reopening_a_challenge_unpublishes_its_story(login, db, people):
    challenge = _closed(db, people)
    story = factories.make_story(db, challenge)
    db.commit()
    browser = login(people.participant)
    path = f"/challenges/{challenge.id}/status"
    assert "Your story is published" in text_of(browser.get(path))
    response = submit(browser, path, {"status": "open"})
    assert "Its story is no longer published" in text_of(browser.get(response.location))
    db.expire_all()
    assert not story.is_published and story.consented_at is None
    assert login(people.outsider).get(f"/stories/{story.id}").status_code == 404


def test_the_stories_list_is_paginated_newest_first(login, db, people):
    for number in range(23):
        challenge = factories.make_challenge(
            db, people.participant, title=f"Story challenge {number:02}", status="closed"
        )
        factories.make_story(db, challenge, published_at=utcnow().replace(microsecond=number))
    db.commit()
    browser = login(people.outsider)
    first = text_of(browser.get("/stories"))
    assert "Story challenge 22" in first and "Story challenge 03" in first
    assert "Story challenge 02" not in first
    assert "Story challenge 02" in text_of(browser.get("/stories?page=2"))


def test_an_empty_stories_list_says_how_stories_come_about(login, people):
    page = text_of(login(people.admin).get("/stories"))
    assert "No stories have been published yet" in page
