"""A challenge's timeline: month by month in UK time, latest month first, in the order things
happened within a month, with the owner's reflections that the viewer may read."""

from datetime import UTC, datetime, timedelta

import pytest

from learnset.challenges import timeline
from learnset.db import utcnow
from learnset.pagination import PER_PAGE
from tests import factories
from tests.helpers import submit, text_of


def _at(year, month, day, hour=12, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_months_newest_first_and_things_in_order_within_a_month(db, people):
    challenge = factories.make_challenge(db, people.participant)
    make = factories.make_update
    make(db, challenge, people.participant, "gain", body="May gain", at=_at(2026, 5, 20))
    make(db, challenge, people.fellow, "question", body="March question", at=_at(2026, 3, 10))
    make(db, challenge, people.participant, "experiment", body="March try", at=_at(2026, 3, 11))
    make(db, challenge, people.tutor, "insight", body="April insight", at=_at(2026, 4, 14))
    make(db, challenge, people.tutor, "question", body="March again", at=_at(2026, 3, 30))
    page = timeline.challenge_page(db, people.fellow, challenge)
    assert [month.label for month in page.months] == ["May 2026", "April 2026", "March 2026"]
    assert [[entry.update.body for entry in month.entries] for month in page.months] == [
        ["May gain"],
        ["April insight"],
        ["March question", "March try", "March again"],
    ]
    assert (page.questions, page.gains) == (2, 1)


def test_months_follow_uk_time(db, people):
    challenge = factories.make_challenge(db, people.participant)
    # 11:30pm UTC on 30 April is 12:30am on 1 May in British Summer Time.
    factories.make_update(
        db, challenge, people.fellow, body="Late night", at=_at(2026, 4, 30, 23, 30)
    )
    # 11:30pm UTC on 31 January is still January in Greenwich Mean Time.
    factories.make_update(db, challenge, people.fellow, body="Winter", at=_at(2026, 1, 31, 23, 30))
    page = timeline.challenge_page(db, people.fellow, challenge)
    assert [month.label for month in page.months] == ["May 2026", "January 2026"]


def test_the_page_shows_the_timeline_in_that_order(login, db, people):
    challenge = factories.make_challenge(db, people.participant)
    factories.make_update(db, challenge, people.fellow, body="FIRST-QUESTION", at=_at(2026, 3, 10))
    factories.make_update(
        db, challenge, people.participant, "action", body="THEN-ACTION", at=_at(2026, 3, 12)
    )
    factories.make_update(
        db, challenge, people.participant, "gain", body="LATER-GAIN", at=_at(2026, 6, 2)
    )
    db.commit()
    page = text_of(login(people.tutor).get(f"/challenges/{challenge.id}"))
    assert page.index("June 2026") < page.index("LATER-GAIN") < page.index("March 2026")
    assert page.index("March 2026") < page.index("FIRST-QUESTION") < page.index("THEN-ACTION")


def test_an_empty_timeline_says_what_to_do_next(login, db, people, challenge):
    assert "record what you will try" in text_of(
        login(people.participant).get(f"/challenges/{challenge.id}")
    )
    assert "Ask Pat Participant an open question" in text_of(
        login(people.fellow).get(f"/challenges/{challenge.id}")
    )


READERS = {
    "private": {"participant"},
    "tutors": {"participant", "tutor"},
    "set": {"participant", "tutor", "fellow"},
}


@pytest.mark.parametrize("visibility", READERS)
def test_linked_reflections_show_only_to_those_who_may_read_them(login, db, people, visibility):
    challenge = factories.make_challenge(db, people.participant)
    factories.make_reflection(
        db,
        people.participant,
        title=f"REFLECTION-{visibility}",
        visibility=visibility,
        challenge_id=challenge.id,
    )
    db.commit()
    for role in ("participant", "fellow", "tutor"):
        page = text_of(login(people.by_role(role)).get(f"/challenges/{challenge.id}"))
        assert (f"REFLECTION-{visibility}" in page) is (role in READERS[visibility]), role
        listed = timeline.linked_reflections(db, people.by_role(role), challenge)
        assert bool(listed) is (role in READERS[visibility])


def test_binned_and_other_peoples_reflections_do_not_join_the_timeline(db, people):
    challenge = factories.make_challenge(db, people.participant)
    factories.make_reflection(
        db, people.participant, visibility="set", challenge_id=challenge.id, deleted_at=utcnow()
    )
    # A link the editor would refuse, made directly: it still must not show.
    factories.make_reflection(db, people.fellow, visibility="set", challenge_id=challenge.id)
    for role in ("participant", "fellow", "tutor"):
        assert timeline.linked_reflections(db, people.by_role(role), challenge) == []


def test_reflections_take_their_place_by_the_day_they_are_about(db, people):
    challenge = factories.make_challenge(db, people.participant)
    factories.make_update(db, challenge, people.fellow, body="Asked", at=_at(2026, 3, 10))
    reflection = factories.make_reflection(
        db,
        people.participant,
        challenge_id=challenge.id,
        experienced_on=datetime(2026, 3, 20).date(),
    )
    factories.make_update(db, challenge, people.participant, "action", at=_at(2026, 3, 25))
    page = timeline.challenge_page(db, people.participant, challenge)
    assert [entry.kind for entry in page.months[0].entries] == ["question", "reflection", "action"]
    assert page.months[0].entries[1].reflection == reflection


# --- Pages (issue 14, item 1) --------------------------------------------------------------------


def _long_timeline(db, people, updates):
    """A challenge with `updates` questions a day apart from 1 January 2026, numbered from 1."""
    challenge = factories.make_challenge(db, people.participant)
    for n in range(1, updates + 1):
        factories.make_update(
            db, challenge, people.fellow, body=f"QUESTION-{n:03}.",
            at=_at(2026, 1, 1) + timedelta(days=n - 1),
        )  # fmt: skip
    return challenge


def test_the_timeline_is_paged_newest_first(login, db, people):
    challenge = _long_timeline(db, people, PER_PAGE + 3)
    db.commit()
    tutor = login(people.tutor)
    first = text_of(tutor.get(f"/challenges/{challenge.id}"))
    assert f"QUESTION-{PER_PAGE + 3:03}." in first and "QUESTION-004." in first
    assert "QUESTION-003." not in first
    assert f"/challenges/{challenge.id}?page=2" in first
    assert "Page 1 of 2." in first
    second = text_of(tutor.get(f"/challenges/{challenge.id}?page=2"))
    assert all(f"QUESTION-00{n}." in second for n in (1, 2, 3))
    assert "QUESTION-004." not in second
    # Past the end: the last page, as on every list.
    assert "QUESTION-001." in text_of(tutor.get(f"/challenges/{challenge.id}?page=40"))
    # The figures count the whole timeline, whichever page is shown.
    assert f"{PER_PAGE + 3} questions from the set" in second


def test_each_reflection_is_on_the_page_of_the_days_around_it(db, people):
    challenge = _long_timeline(db, people, 2 * PER_PAGE)
    days = {n: (_at(2026, 1, 1) + timedelta(days=n - 1)).date() for n in range(1, 2 * PER_PAGE + 1)}
    write = factories.make_reflection
    newest = write(db, people.participant, challenge_id=challenge.id, experienced_on=days[40])
    between = write(db, people.participant, challenge_id=challenge.id, experienced_on=days[21])
    oldest = write(db, people.participant, challenge_id=challenge.id, experienced_on=days[1])
    pages = [timeline.challenge_page(db, people.participant, challenge, n) for n in (1, 2)]
    shown = [
        [entry.reflection for month in page.months for entry in month.entries if entry.reflection]
        for page in pages
    ]
    # Page 1 holds questions 21 to 40: the reflection about day 21 counts from the start of
    # that day, just before question 21, so it is on page 1 too; day 1's is on page 2.
    assert shown == [[newest, between], [oldest]]
    assert [page.timeline.number for page in pages] == [1, 2]


def test_a_link_back_to_an_update_opens_its_page(login, db, people):
    challenge = _long_timeline(db, people, PER_PAGE + 2)
    oldest = factories.make_update(
        db, challenge, people.participant, "action", body="EARLY-ACTION", at=_at(2025, 12, 1)
    )
    db.commit()
    owner = login(people.participant)
    response = submit(
        owner,
        f"/challenges/{challenge.id}/updates/{oldest.id}/outcome",
        {"outcome": "It worked."},
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/challenges/{challenge.id}?page=2#update-{oldest.id}")
    assert "EARLY-ACTION" in text_of(owner.get(response.location))
