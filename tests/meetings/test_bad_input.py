"""Malformed input to every form of the feature is a 4xx or a redirect with a message, never a
500, and writes nothing."""

import pytest
from sqlalchemy import func, select

from learnset.meetings.models import Attendance, EmergentTopic, Meeting, MeetingItem, PresenterSlot
from tests import factories
from tests.helpers import assert_each_post_answers

# "²" is a digit to str.isdigit() but not to int(); "٣" is one to both.
GARBAGE = [
    "", "abc", "-1", "99999999999999999999", "1.5", "\x00", "<script>", "Zoë 🙂" * 200, "²", "٣",
]  # fmt: skip


def _counts(db):
    return [
        db.scalar(select(func.count()).select_from(model))
        for model in (Meeting, MeetingItem, PresenterSlot, EmergentTopic, Attendance)
    ]


@pytest.mark.parametrize("junk", GARBAGE)
def test_no_form_breaks_on_junk(login, db, people, no_csrf, junk):
    draft = factories.make_meeting(db, people.cohort)
    past = factories.make_past_meeting(db, people.cohort, status="published")
    item = factories.add_item_to(db, draft, factories.make_content_item(db))
    slot = factories.make_slot(db, draft, people.participant)
    topic = factories.make_topic(db, people.cohort)
    own = factories.make_topic(db, people.cohort, people.participant)
    db.commit()
    before = _counts(db)
    tutor = login(people.tutor)
    cohort = people.cohort.id
    posts = [
        (tutor, f"/cohorts/{cohort}/schedule", {
            "first_month-month": junk, "first_month-year": junk, "weekday": junk,
            "occurrence": junk, "starts": junk, "ends": junk, "months": junk, "action": "generate",
        }),
        (tutor, f"/cohorts/{cohort}/sessions/new", {
            "day-day": junk, "day-month": "3", "day-year": "2030", "starts": junk, "ends": junk,
            "online_link": junk,
        }),
        (tutor, f"/sessions/{draft.id}/items", {"content_item_id": junk}),
        (tutor, f"/sessions/{draft.id}/items/{item.id}/move", {"direction": junk}),
        (tutor, f"/sessions/{draft.id}/slots", {"challenge": junk}),
        (tutor, f"/sessions/{draft.id}/slots/{slot.id}/move", {"direction": junk}),
        (tutor, f"/sessions/{past.id}/attendance", {"present": [junk]}),
        (tutor, f"/topics/{topic.id}/take", {"meeting": junk, "return_to": junk}),
        (tutor, f"/topics/{topic.id}/release", {"return_to": f"plan-{junk}"}),
        (tutor, f"/topics/{topic.id}/close", {"reason": junk * 50}),
        (tutor, f"/cohorts/{cohort}/edit", {
            "name": junk, "status": junk, "start_month-month": junk, "start_month-year": junk,
        }),
        (login(people.admin), f"/cohorts/{cohort}/tutors", {"email": junk}),
        (login(people.participant), f"/cohorts/{cohort}/topics", {"title": junk * 20}),
        (login(people.participant), f"/topics/{topic.id}/vote", {"return_to": junk}),
        (login(people.participant), f"/topics/{own.id}/edit", {
            "title": junk * 20, "details": junk,
        }),
    ]  # fmt: skip
    assert_each_post_answers(posts, (200, 302, 400, 404, 422))
    for path in (
        f"/sessions/{draft.id}/library?kind={junk}&capability={junk}&page={junk}",
        f"/cohorts/{cohort}/sessions?page={junk}",
        f"/cohorts/{cohort}/topics?page={junk}&show={junk}",
        f"/cohorts?page={junk}",
    ):
        assert tutor.get(path).status_code == (400 if "\x00" in junk else 200), path
    after = _counts(db)
    # Only well-formed input may add anything: "1.5" and friends must not.
    if junk in ("", "abc", "1.5", "\x00", "<script>", "99999999999999999999"):
        assert after[:2] == before[:2]


HUGE = 2**63


@pytest.mark.parametrize(
    "method,path,data",
    [
        ("GET", "/sessions/{huge}", None),
        ("GET", "/cohorts/{huge}", None),
        ("GET", "/topics/{huge}/close", None),
        ("GET", "/topics/{huge}/edit", None),
        ("GET", "/memberships/{huge}/remove", None),
        ("POST", "/sessions/{session}/items/{huge}/move", None),
        ("POST", "/sessions/{session}/items", {"content_item_id": HUGE}),
        ("POST", "/sessions/{session}/slots/{huge}/remove", None),
        ("POST", "/sessions/{session}/slots/{huge}/move", None),
    ],
)
def test_ids_beyond_the_integer_range_are_not_found(login, db, people, no_csrf, method, path, data):
    meeting = factories.make_meeting(db, people.cohort)
    db.commit()
    url = path.format(huge=HUGE, session=meeting.id)
    assert login(people.tutor).open(url, method=method, data=data).status_code == 404


def test_nul_characters_are_refused_everywhere(login, people, no_csrf):
    browser = login(people.participant)
    assert browser.post("/account", data={"name": "Pat\x00"}).status_code == 400
    topics = f"/cohorts/{people.cohort.id}/topics"
    assert browser.post(topics, data={"title": "A\x00B"}).status_code == 400
    assert browser.get(f"{topics}?show=%00").status_code == 400
    # In the address itself too: a programme's slug reached PostgreSQL, which answered a 500.
    assert browser.get("/programmes/unlocking%00").status_code == 400
