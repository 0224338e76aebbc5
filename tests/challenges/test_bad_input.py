"""Malformed input to every live challenge form is a 4xx or a redirect, never a 500, and
junk writes nothing it should not."""

import pytest
from sqlalchemy import func, select

from learnset.challenges.models import Challenge, ChallengeUpdate, Story, TrappedNote
from tests import factories
from tests.helpers import assert_each_post_answers

GARBAGE = ["", "abc", "-1", "99999999999999999999", "1.5", "\x00", "<script>", "Zoë 🙂" * 900]


def _counts(db):
    return [
        db.scalar(select(func.count()).select_from(model))
        for model in (Challenge, TrappedNote, ChallengeUpdate, Story)
    ]


@pytest.mark.parametrize("junk", GARBAGE)
def test_no_form_breaks_on_junk(login, db, people, no_csrf, junk):
    challenge = factories.make_challenge(db, people.participant)
    closed = factories.make_challenge(db, people.participant, status="closed")
    question = factories.make_update(db, challenge, people.fellow)
    action = factories.make_update(db, challenge, people.participant, "action")
    gain = factories.make_update(db, challenge, people.participant, "gain")
    db.commit()
    before = _counts(db)
    owner, fellow = login(people.participant), login(people.fellow)
    c = f"/challenges/{challenge.id}"
    posts = [
        (
            owner,
            f"/cohorts/{people.cohort.id}/challenges/new",
            {
                "title": junk,
                "context": junk,
                "outcomes": junk,
                "stakeholders": junk,
                "trapped": [junk, "attitudes"],
                "note_buildings": junk,
            },
        ),
        (owner, f"{c}/edit", {"title": junk, "context": junk, "outcomes": junk, "trapped": junk}),
        (owner, f"{c}/status", {"status": junk}),
        (fellow, f"{c}/questions", {"body": junk}),
        (fellow, f"{c}/insights", {"insight-body": junk}),
        (owner, f"{c}/updates/{question.id}/helped", {"helped": junk}),
        (owner, f"{c}/plans/new", {"kind": junk, "body": junk, "spend": junk}),
        (
            owner,
            f"{c}/plans/new",
            {"kind": "experiment", "body": junk, "expected_learning": junk, "spend": junk},
        ),
        (owner, f"{c}/updates/{action.id}/outcome", {"outcome": junk}),
        (owner, f"{c}/updates/{action.id}/edit", {"kind": junk, "body": junk}),
        (
            owner,
            f"{c}/gains/new",
            {"body": junk, "gain_for": junk, "gain_kind": junk, "evidence": junk},
        ),
        (
            owner,
            f"{c}/updates/{gain.id}/edit",
            {"body": junk, "gain_for": junk, "gain_kind": "health"},
        ),
        (fellow, f"{c}/updates/{question.id}/edit", {"body": junk}),
        (owner, f"/challenges/{closed.id}/story", {"summary": junk, "consent": junk}),
        (
            login(people.tutor),
            f"/sessions/{factories.make_meeting(db, people.cohort).id}/slots",
            {"challenge": junk},
        ),
    ]
    db.commit()
    assert_each_post_answers(posts, (200, 302, 400, 404, 422))
    for path in (
        f"/cohorts/{people.cohort.id}/challenges?status={junk}&page={junk}",
        f"/cohorts/{people.cohort.id}/gains?kind={junk}&page={junk}",
        f"/stories?page={junk}",
        f"/reflections/new?challenge={junk}",
    ):
        response = owner.get(path)
        assert response.status_code == (400 if "\x00" in junk else 200) or (
            path.startswith("/reflections") and response.status_code == 302
        ), path[:80]
    # Junk that is not a real choice adds nothing at all.
    if junk in ("", "\x00", "Zoë 🙂" * 900):
        assert _counts(db) == before


@pytest.mark.parametrize(
    "path",
    [
        "/challenges/{huge}",
        "/challenges/{challenge}/updates/{huge}/edit",
        "/cohorts/{huge}/challenges",
        "/cohorts/{huge}/gains",
        "/stories/{huge}",
    ],
)
def test_ids_beyond_the_integer_range_are_not_found(login, people, challenge, path):
    url = path.format(huge=2**63, challenge=challenge.id)
    assert login(people.participant).get(url).status_code == 404


def test_markdown_in_what_people_write_is_inert(login, db, people):
    challenge = factories.make_challenge(
        db, people.participant, title="<script>alert(1)</script>",
        context="[click](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )  # fmt: skip
    factories.make_update(db, challenge, people.fellow, body="<script>alert(2)</script>")
    db.commit()
    page = login(people.fellow).get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "javascript:" not in page and "onerror" not in page
