"""A reflection can point at one of its author's own challenges in the same set. The link never
changes who can read the reflection."""

import pytest
from sqlalchemy import select

from learnset.db import utcnow
from learnset.reflections import services
from learnset.reflections.models import Reflection
from tests import factories
from tests.helpers import editor_fields, new_editor, submit, text_of


def test_the_editor_offers_the_writers_own_challenges_only(login, db, people):
    factories.make_challenge(db, people.participant, title="MINE-OPEN")
    factories.make_challenge(db, people.participant, title="MINE-CLOSED", status="closed")
    factories.make_challenge(db, people.fellow, title="FAYS")
    factories.make_challenge(db, people.outsider, title="EASTVALE")
    newcomer = factories.make_member(db, people.cohort, "participant")
    db.commit()
    browser = login(people.participant)
    page = text_of(browser.get(new_editor(browser)))
    assert "Live challenge (optional)" in page
    assert "MINE-OPEN" in page and "MINE-CLOSED" in page
    assert "FAYS" not in page and "EASTVALE" not in page
    # Someone without challenges is not offered an empty choice.
    fresh = login(newcomer)
    assert "Live challenge (optional)" not in text_of(fresh.get(new_editor(fresh)))


def test_a_reflection_links_to_the_writers_challenge_and_shows_it(login, db, people):
    challenge = factories.make_challenge(db, people.participant, title="Frailty at home")
    db.commit()
    browser = login(people.participant)
    path = new_editor(browser)
    response = submit(
        browser, path, editor_fields(people.cohort, challenge=str(challenge.id), visibility="set")
    )
    assert response.status_code == 302
    reflection = db.scalar(select(Reflection))
    assert reflection.challenge_id == challenge.id
    for role in ("participant", "fellow"):
        page = text_of(login(people.by_role(role)).get(response.location))
        assert f'<a href="/challenges/{challenge.id}">Frailty at home</a>' in page


def test_nobody_links_to_someone_elses_challenge(login, db, people):
    theirs = factories.make_challenge(db, people.fellow)
    elsewhere = factories.make_challenge(db, people.outsider)
    db.commit()
    for challenge_id in (theirs.id, elsewhere.id):
        about = factories.reflection_input(people.cohort, challenge_id=challenge_id)
        with pytest.raises(services.ReflectionError) as error:
            services.create_reflection(db, people.participant, about, utcnow())
        assert error.value.field == "challenge"
    about_nothing = factories.reflection_input(people.cohort, challenge_id=2**31)
    with pytest.raises(services.ReflectionError):
        services.create_reflection(db, people.participant, about_nothing, utcnow())
    browser = login(people.participant)
    refused = submit(
        browser, new_editor(browser), editor_fields(people.cohort, challenge=str(theirs.id))
    )
    assert refused.status_code == 422
    assert db.scalar(select(Reflection)) is None


def test_the_challenge_must_belong_to_the_reflections_own_set(db, people):
    other_set = factories.make_cohort(db, name="Second set")
    factories.make_member(db, other_set, "participant", user=people.participant)
    elsewhere = factories.make_challenge(db, people.participant, other_set)
    in_this_set = factories.reflection_input(people.cohort, challenge_id=elsewhere.id)
    with pytest.raises(services.ReflectionError) as error:
        services.create_reflection(db, people.participant, in_this_set, utcnow())
    assert "learning set this reflection belongs to" in str(error.value)
    in_its_set = factories.reflection_input(other_set, challenge_id=elsewhere.id)
    reflection = services.create_reflection(db, people.participant, in_its_set, utcnow())
    assert reflection.challenge_id == elsewhere.id


def test_a_private_reflection_stays_private_when_linked(login, db, people):
    challenge = factories.make_challenge(db, people.participant)
    reflection = services.create_reflection(
        db,
        people.participant,
        factories.reflection_input(
            people.cohort, challenge_id=challenge.id, title="PRIVATE-DOUBTS"
        ),
        utcnow(),
    )
    db.commit()
    assert reflection.visibility == "private"
    for role in ("fellow", "tutor", "admin", "outsider"):
        browser = login(people.by_role(role))
        assert browser.get(f"/reflections/{reflection.id}").status_code == 404
        challenge_page = browser.get(f"/challenges/{challenge.id}")
        assert "PRIVATE-DOUBTS" not in text_of(challenge_page, status=None)
    assert "PRIVATE-DOUBTS" in text_of(login(people.participant).get(f"/challenges/{challenge.id}"))


def test_write_a_reflection_about_this_challenge_starts_linked(login, db, people):
    challenge = factories.make_challenge(db, people.participant, title="Frailty at home")
    theirs = factories.make_challenge(db, people.fellow)
    db.commit()
    browser = login(people.participant)
    page = text_of(browser.get(f"/challenges/{challenge.id}"))
    assert f"/reflections/new?challenge={challenge.id}" in page
    editor = browser.get(f"/reflections/new?challenge={challenge.id}").location
    assert f'<option value="{challenge.id}" selected >' in text_of(browser.get(editor))
    # Someone else's challenge in the address is simply not chosen.
    other = browser.get(f"/reflections/new?challenge={theirs.id}").location
    assert "selected >Frailty" not in text_of(browser.get(other))
    assert f'<option value="{challenge.id}" >Frailty at home' in text_of(browser.get(other))
    assert browser.get("/reflections/new?challenge=junk").status_code == 302
