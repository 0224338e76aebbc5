"""Reflections as evidence: only the participant's own link to a rating, tutors see a linked
reflection only when it is shared with them, and what was reflected on leaves the suggestions."""

import re

import pytest
from sqlalchemy import func, select

from learnset.assessment import progress, recommendations, services
from learnset.assessment.models import rating_reflections
from learnset.assessment.services import Answer, RatingErrors
from learnset.db import utcnow
from learnset.framework.queries import current_framework
from tests import factories
from tests.helpers import submit


@pytest.fixture
def log(db, people, framework):
    """Pat's reflections on listening (one private, one shared with tutors, one in the bin),
    one in another learning set, and Fay's."""
    factories.make_member(db, people.other_cohort, "participant", user=people.participant)
    return {
        "private": factories.make_reflection(
            db, people.participant, title="PRIVATE-NOTE", capabilities=[framework.listening],
            cohort=people.cohort,
        ),
        "shared": factories.make_reflection(
            db, people.participant, title="SHARED-NOTE", capabilities=[framework.listening],
            cohort=people.cohort, visibility="tutors",
        ),
        "binned": factories.make_reflection(
            db, people.participant, title="BINNED-NOTE", capabilities=[framework.listening],
            cohort=people.cohort, deleted_at=utcnow(),
        ),
        "elsewhere": factories.make_reflection(
            db, people.participant, title="OTHER-SET-NOTE", capabilities=[framework.listening],
            cohort=people.other_cohort,
        ),
        "untagged": factories.make_reflection(
            db, people.participant, title="UNTAGGED-NOTE", cohort=people.cohort
        ),
        "fellows": factories.make_reflection(
            db, people.fellow, title="FAY-NOTE", capabilities=[framework.listening],
            cohort=people.cohort, visibility="set",
        ),
    }  # fmt: skip


def _links(db):
    return db.scalar(select(func.count()).select_from(rating_reflections))


def test_own_tagged_reflections_in_this_set_are_offered(db, people, framework, log):
    draft = factories.make_assessment(db, people.participant, people.cohort, status="draft")
    options = services.evidence_options(db, draft, [framework.listening, framework.data])
    assert {r.title for r in options[framework.listening.id]} == {"PRIVATE-NOTE", "SHARED-NOTE"}
    assert options[framework.data.id] == []


def test_own_reflections_link_to_a_rating(db, people, framework, log):
    draft = factories.make_assessment(db, people.participant, people.cohort, status="draft")
    ids = (str(log["private"].id), log["shared"].id)
    services.save_answers(db, draft, {"listening": Answer(2, 4, reflection_ids=ids)}, utcnow())
    assert {r.title for r in draft.ratings[0].reflections} == {"PRIVATE-NOTE", "SHARED-NOTE"}
    # Saving again without them unlinks them.
    services.save_answers(db, draft, {"listening": Answer(2, 4)}, utcnow())
    assert draft.ratings[0].reflections == []


# "²" is a digit to str.isdigit() but not to int(); "٣" is one to both, but names no id.
@pytest.mark.parametrize("which", ["fellows", "binned", "missing", "junk", "²", "٣"])
def test_only_your_own_reflections_can_be_evidence(db, people, framework, log, which):
    draft = factories.make_assessment(db, people.participant, people.cohort, status="draft")
    given = {"missing": 987654, "junk": "abc", "²": "²", "٣": "٣"}.get(which) or log[which].id
    answers = {
        "listening": Answer(2, 4, reflection_ids=(log["private"].id, given)),
        "data": Answer(1, 3),
    }
    with pytest.raises(RatingErrors) as raised:
        services.save_answers(db, draft, answers, utcnow())
    assert raised.value.errors == {"listening-reflections": "Choose reflections from your own log"}
    assert draft.ratings == []
    assert _links(db) == 0


def test_tutors_see_a_linked_reflection_only_when_it_is_shared_with_them(
    db, login, people, framework, log, participant_rates
):
    assessment = participant_rates(listening=(2, 4))
    assessment.ratings[0].reflections = [log["private"], log["shared"]]
    db.commit()
    path = f"/self-assessments/{assessment.id}"
    own = login(people.participant).get(path).get_data(as_text=True)
    assert "PRIVATE-NOTE" in own and "SHARED-NOTE" in own
    tutor = login(people.tutor).get(path).get_data(as_text=True)
    assert "SHARED-NOTE" in tutor
    assert "PRIVATE-NOTE" not in tutor
    assert f"/reflections/{log['private'].id}" not in tutor
    # Withdrawn from the tutors: the title goes with it.
    log["shared"].visibility = "private"
    db.commit()
    assert "SHARED-NOTE" not in login(people.tutor).get(path).get_data(as_text=True)


def test_the_form_offers_reflections_and_keeps_the_choice(db, login, people, framework, log):
    draft = factories.make_assessment(db, people.participant, people.cohort, status="draft")
    db.commit()
    browser = login(people.participant)
    page = f"/self-assessments/{draft.id}/domains/conversations"
    html = browser.get(page).get_data(as_text=True)
    assert "Reflections that show this (optional)" in html
    assert "PRIVATE-NOTE" in html and "SHARED-NOTE" in html
    assert "BINNED-NOTE" not in html and "OTHER-SET-NOTE" not in html
    assert "FAY-NOTE" not in html and "UNTAGGED-NOTE" not in html
    levels = {
        "listening-current": "2", "listening-target": "4", "credibility-current": "2",
        "credibility-target": "3", "data-current": "1", "data-target": "3",
    }  # fmt: skip
    # Someone else's reflection, posted by hand: refused beside the field, nothing written.
    response = submit(browser, page, {**levels, "listening-reflections": [str(log["fellows"].id)]})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Choose reflections from your own log") == 2
    assert _links(db) == 0
    for junk in ("²", "٣", f"{log['shared'].id}²"):
        response = submit(browser, page, {**levels, "listening-reflections": [junk]})
        assert response.status_code == 422, junk
    assert _links(db) == 0
    response = submit(browser, page, {**levels, "listening-reflections": [str(log["shared"].id)]})
    assert response.status_code == 302
    html = browser.get(page).get_data(as_text=True)
    assert re.search(rf'value="{log["shared"].id}"\s*checked', html)
    check = browser.get(f"/self-assessments/{draft.id}/check").get_data(as_text=True)
    assert "Reflections:" in check and "SHARED-NOTE" in check


def test_what_you_reflected_on_leaves_the_suggestions(
    db, people, framework, log, participant_rates
):
    read = factories.make_content_item(db, [framework.listening], slug="read-it", title="A")
    binned = factories.make_content_item(db, [framework.listening], slug="binned", title="B")
    fresh = factories.make_content_item(db, [framework.listening], slug="fresh", title="C")
    factories.make_reflection(db, people.participant, content_item=read)
    factories.make_reflection(db, people.participant, content_item=binned, deleted_at=utcnow())
    factories.make_reflection(db, people.fellow, content_item=fresh)
    participant_rates(listening=(1, 4))
    growth = progress.progress(db, people.participant.id, people.cohort.id, current_framework(db))
    (offer,) = recommendations.recommendations(
        db, people.participant.id, people.cohort.id, growth.top_gaps(), utcnow()
    )
    assert [entry.item.slug for entry in offer.items] == ["binned", "fresh"]
    assert read.id not in {entry.item.id for entry in offer.items}
