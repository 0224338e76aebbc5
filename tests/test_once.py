"""What a second click does: one drawing of a form that creates something makes one record,
however often it is posted, and the second post lands on what the first made
(learnset/once.py). Two drawings of the same form make two records, even with the same words."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from learnset import once
from learnset.certificates.models import Certificate
from learnset.challenges.models import Challenge, ChallengeUpdate
from learnset.cohorts.models import Cohort, Invitation
from learnset.colleague_feedback.models import FeedbackRater, FeedbackRound
from learnset.db import Database, utcnow
from learnset.feedback.models import FeedbackMessage as Feedback
from learnset.library.models import ContentItem
from learnset.mail.models import OutgoingMail
from learnset.meetings import services as meeting_services
from learnset.meetings import topics
from learnset.meetings.models import EmergentTopic, Meeting, PresenterSlot
from learnset.meetings.services import MeetingError
from learnset.notifications.models import Notification
from learnset.once import FormSubmission
from learnset.reflections.models import ReflectionComment
from tests import factories
from tests.colleague_feedback.helpers import make_round
from tests.colleague_feedback.test_pages import THREE
from tests.colleague_feedback.test_pages import _form as ask_colleagues
from tests.curriculum.programmes import make_programme
from tests.curriculum.test_from_programme import FORM as FROM_PROGRAMME
from tests.helpers import count_rows, csrf_from, csrf_in, text_of
from tests.meetings.test_schedule import FORM as SCHEDULE


@dataclass
class Form:
    """A create form: who fills it in, the page it is drawn on, where it posts, what is typed,
    and the rows one post of it makes."""

    user: Any
    page: str
    action: str
    data: dict[str, Any]
    made: Any
    prefix: str = ""
    also: list[Any] = field(default_factory=list)
    # What differs in a second drawing, where a rule refuses the same thing twice (an address
    # already invited): that is the rule's business, not this one's.
    second: dict[str, Any] = field(default_factory=dict)

    base: list[int] = field(default_factory=list)

    def count(self, db: Any) -> list[int]:
        """The rows made since the form was set up: of `made`, then of each of `also`."""
        db.expire_all()
        counts = [count_rows(db, model) for model in (self.made, *self.also)]
        self.base = self.base or counts
        return [now - then for now, then in zip(counts, self.base, strict=True)]


def _topic(db, people):
    path = f"/cohorts/{people.cohort.id}/topics"
    return Form(people.fellow, path, path, {"title": "Discharge delays"}, EmergentTopic)


def _session(db, people):
    return Form(
        people.tutor,
        f"/cohorts/{people.cohort.id}/sessions/new",
        f"/cohorts/{people.cohort.id}/sessions/new",
        {
            "title": "The unlocking lens",
            "day-day": "14",
            "day-month": "4",
            "day-year": "2030",
            "starts": "13:30",
            "ends": "16:30",
            "place": "Room 2",
            "online_link": "",
            "agenda": "",
            "action": "save",
        },
        Meeting,
    )


def _challenge(db, people):
    path = f"/cohorts/{people.cohort.id}/challenges/new"
    data = {
        "title": "Frailty support that keeps people at home",
        "context": "Admissions of frail older people rise every winter.",
        "outcomes": "Older people stay well at home for longer.",
        "stakeholders": "Practices, community nursing, the council",
    }
    return Form(people.participant, path, path, data, Challenge)


def _open_challenge(db, people):
    challenge = factories.make_challenge(db, people.participant)
    db.commit()
    return challenge


def _from_the_set(what: str, words: str, prefix: str = "") -> Callable[[Any, Any], Form]:
    """A question or an insight, posted from the challenge's page by someone in the set."""

    def _form(db, people):
        challenge = _open_challenge(db, people)
        return Form(
            people.fellow,
            f"/challenges/{challenge.id}",
            f"/challenges/{challenge.id}/{what}",
            {"body": words},
            ChallengeUpdate,
            prefix=prefix,
        )

    return _form


def _plan(db, people):
    challenge = _open_challenge(db, people)
    path = f"/challenges/{challenge.id}/plans/new"
    data = {"kind": "action", "body": "Ask three practice managers", "spend": "low"}
    return Form(people.participant, path, path, data, ChallengeUpdate)


def _gain(db, people):
    challenge = _open_challenge(db, people)
    path = f"/challenges/{challenge.id}/gains/new"
    data = {"body": "Twelve people came home sooner", "gain_for": "people", "gain_kind": "economic"}
    return Form(people.participant, path, path, data, ChallengeUpdate)


def _comment(db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="tutors")
    db.commit()
    return Form(
        people.tutor,
        f"/reflections/{reflection.id}",
        f"/reflections/{reflection.id}/comments",
        {"body": "What surprised the managers most?"},
        ReflectionComment,
        also=[Notification],
    )


def _learning_set(db, people):
    data = {
        "name": "Northgate learning set 2027",
        "description": "",
        "start_month-month": "1",
        "start_month-year": "2027",
        "status": "planned",
    }
    return Form(people.admin, "/cohorts/new", "/cohorts/new", data, Cohort)


def _invitation(db, people):
    path = f"/cohorts/{people.cohort.id}/invitations"
    data = {"email": "new.person@example.org", "role": "participant"}
    return Form(
        people.tutor, path, path, data, Invitation, also=[OutgoingMail],
        second={"email": "another.person@example.org"},
    )  # fmt: skip


def _colleagues_asked(db, people):
    framework = factories.make_framework(db)
    db.commit()
    data = {**ask_colleagues(framework, THREE), "cohort": str(people.cohort.id)}
    path = "/colleague-feedback/new"
    return Form(people.participant, path, path, data, FeedbackRound, also=[OutgoingMail])


def _more_colleagues(db, people):
    framework = factories.make_framework(db)
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    db.commit()
    path = f"/colleague-feedback/{feedback_round.id}/colleagues"
    data = {"email_1": "one.more@example.org", "relation_1": "peer"}
    return Form(
        people.participant, path, path, data, FeedbackRater, also=[OutgoingMail],
        second={"email_1": "and.another@example.org"},
    )  # fmt: skip


def _certificate(db, people):
    factories.make_reflection(db, people.participant, experienced_on=date(2026, 5, 12))
    db.commit()
    data = {
        "period": "dates",
        **{f"date_from-{k}": v for k, v in (("day", "1"), ("month", "4"), ("year", "2026"))},
        **{f"date_to-{k}": v for k, v in (("day", "30"), ("month", "6"), ("year", "2026"))},
    }
    path = "/certificates/new"
    return Form(people.participant, path, path, data, Certificate)


def _feedback(db, people):
    return Form(people.participant, "/feedback", "/feedback", {"message": "Helpful."}, Feedback)


def _presenter(db, people):
    meeting = factories.make_meeting(db, people.cohort)
    first = factories.make_challenge(db, people.fellow, title="Frailty at home")
    again = factories.make_challenge(db, people.participant, title="Discharge")
    db.commit()
    return Form(
        people.tutor,
        f"/sessions/{meeting.id}/plan",
        f"/sessions/{meeting.id}/slots",
        {"challenge": str(first.id)},
        PresenterSlot,
        second={"challenge": str(again.id)},
    )


FORMS: dict[str, Callable[[Any, Any], Form]] = {
    "topic": _topic,
    "session": _session,
    "challenge": _challenge,
    "question": _from_the_set("questions", "What would success look like to a GP?"),
    "insight": _from_the_set("insights", "The council runs a similar scheme", "insight-"),
    "plan": _plan,
    "gain": _gain,
    "comment": _comment,
    "learning set": _learning_set,
    "invitation": _invitation,
    "colleagues asked": _colleagues_asked,
    "more colleagues": _more_colleagues,
    "certificate": _certificate,
    "feedback": _feedback,
    "presenter": _presenter,
}


def _draw(browser: Any, form: Form) -> dict[str, Any]:
    """Open the form's page, as a browser would: what it posts, with this drawing's values."""
    html = browser.get(form.page).get_data(as_text=True)
    name = f"{form.prefix}once"
    found = re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html)
    assert found, f"no {name} on {form.page}"
    typed = {f"{form.prefix}{key}": value for key, value in form.data.items()}
    return {**typed, name: found.group(1), "csrf_token": csrf_in(html)}


@pytest.fixture(params=FORMS)
def form(request, db, people) -> Form:
    form = FORMS[request.param](db, people)
    form.count(db)
    return form


def test_two_posts_of_one_drawing_make_one_record(login, db, form):
    browser = login(form.user)
    drawn = _draw(browser, form)
    first = browser.post(form.action, data=drawn)
    assert first.status_code == 302, text_of(first, first.status_code)
    made = form.count(db)
    assert made[0] == 1
    second = browser.post(form.action, data=drawn)
    assert second.status_code == 302
    assert second.location == first.location
    assert form.count(db) == made
    assert "This was already saved." in text_of(browser.get(second.location))


def test_two_drawings_of_a_form_make_two_records_even_with_the_same_words(login, db, form):
    browser = login(form.user)
    for changes in ({}, form.second):
        drawn = {**_draw(browser, form), **changes}
        response = browser.post(form.action, data=drawn)
        assert response.status_code == 302, text_of(response, response.status_code)
    assert form.count(db)[0] == 2


def test_a_drawn_form_still_needs_its_csrf_token(login, db, form):
    browser = login(form.user)
    drawn = _draw(browser, form)
    assert browser.post(form.action, data={**drawn, "csrf_token": ""}).status_code == 400
    assert form.count(db)[0] == 0
    assert count_rows(db, FormSubmission) == 0


def test_a_page_drawn_before_forms_carried_a_value_still_posts(login, db, form):
    browser = login(form.user)
    drawn = _draw(browser, form)
    del drawn[f"{form.prefix}once"]
    assert browser.post(form.action, data=drawn).status_code == 302
    assert form.count(db)[0] == 1
    assert count_rows(db, FormSubmission) == 0


def test_edit_pages_sharing_a_create_forms_template_draw_no_value(login, db, people):
    challenge = factories.make_challenge(db, people.participant)
    plan = factories.make_update(db, challenge, people.participant, kind="action")
    gain = factories.make_update(db, challenge, people.participant, kind="gain")
    meeting = factories.make_meeting(db, people.cohort)
    db.commit()
    pages = {
        people.participant: [
            f"/challenges/{challenge.id}/edit",
            f"/challenges/{challenge.id}/updates/{plan.id}/edit",
            f"/challenges/{challenge.id}/updates/{gain.id}/edit",
        ],
        people.tutor: [f"/sessions/{meeting.id}/edit"],
        people.admin: [f"/cohorts/{people.cohort.id}/edit"],
    }
    for user, paths in pages.items():
        browser = login(user)
        for path in paths:
            html = text_of(browser.get(path))
            assert 'name="csrf_token"' in html and 'name="once"' not in html, path


def test_a_refused_post_keeps_the_drawing_for_the_corrected_one(login, db, people):
    form = _topic(db, people)
    form.count(db)
    browser = login(form.user)
    drawn = _draw(browser, form)
    refused = browser.post(form.action, data={**drawn, "title": " "})
    assert refused.status_code == 422
    # The form is drawn again with the same value: nothing was made, so nothing was claimed.
    assert f'value="{drawn["once"]}"' in refused.get_data(as_text=True)
    assert browser.post(form.action, data=drawn).status_code == 302
    assert browser.post(form.action, data=drawn).status_code == 302
    assert form.count(db) == [1]


def test_one_persons_drawing_is_not_anothers(login, db, people):
    """Claims are kept per person: the value another person posts is theirs to use."""
    form = _topic(db, people)
    form.count(db)
    fellow = login(people.fellow)
    drawn = _draw(fellow, form)
    assert fellow.post(form.action, data=drawn).status_code == 302
    other = login(people.participant)
    theirs = {**drawn, "csrf_token": _draw(other, form)["csrf_token"]}
    assert other.post(form.action, data=theirs).status_code == 302
    assert form.count(db) == [2]


HIDDEN = re.compile(r"<input\b[^>]*>")


def _kept_on(html: str) -> dict[str, str]:
    """The hidden inputs of a check page's form: the answers it sends back, and its value."""
    kept = {}
    for tag in HIDDEN.findall(html):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name and value:
                kept[name.group(1)] = value.group(1)
    return kept


@pytest.mark.parametrize(
    ("path", "answers", "button", "made"),
    [
        ("/cohorts/{}/schedule", SCHEDULE, "generate", 10),
        ("/cohorts/{}/sessions/from-programme", FROM_PROGRAMME, "create", 3),
    ],
)
def test_a_check_pages_button_pressed_twice_makes_the_sessions_once(
    login, db, people, path, answers, button, made
):
    """The value is drawn with the page that asks "are these right?", whose button makes them."""
    make_programme(db)
    db.commit()
    browser = login(people.tutor)
    path = path.format(people.cohort.id)
    checked = browser.post(path, data={**answers, "csrf_token": csrf_from(browser, path)})
    kept = _kept_on(checked.get_data(as_text=True))
    assert "once" in kept
    first = browser.post(path, data={**kept, "action": button})
    second = browser.post(path, data={**kept, "action": button})
    assert (first.status_code, second.status_code) == (302, 302)
    assert second.location == first.location
    assert count_rows(db, Meeting) == made


def test_one_drawing_posted_twice_at_once_makes_one_topic(app, engine):
    """Two posts of one drawing racing on two connections: the second reads no claim while the
    first has not committed, and waits on the index until it has. Real commits, two threads."""
    sessions = Database.on(engine).writer_sessions
    with app.app_context(), sessions() as setup:
        cohort = factories.make_cohort(setup, name="Racing set")
        user = factories.make_member(setup, cohort, "participant", email="racing@example.org")
        setup.commit()
        user_id, cohort_id = user.id, cohort.id
    first_claimed, results = threading.Event(), []

    def _post(first: bool) -> None:
        with app.app_context(), sessions() as session:
            claimed = once.claim(session, user_id, "one drawing", utcnow())
            if isinstance(claimed, FormSubmission):
                topic = topics.propose(
                    session,
                    session.get(factories.Cohort, cohort_id),
                    session.get(factories.User, user_id),
                    "Discharge delays",
                    "",
                    utcnow(),
                )
                claimed.made_url = f"/topics/{topic.id}"
            if first:
                first_claimed.set()
                time.sleep(0.5)
            session.commit()
            results.append(claimed if isinstance(claimed, str) else "made")

    try:
        first = threading.Thread(target=_post, args=(True,))
        first.start()
        assert first_claimed.wait(5)
        second = threading.Thread(target=_post, args=(False,))
        second.start()
        first.join()
        second.join()
        with sessions() as check:
            made = check.scalars(
                select(EmergentTopic.id).where(EmergentTopic.cohort_id == cohort_id)
            )
            (topic_id,) = made.all()
        assert sorted(results) == [f"/topics/{topic_id}", "made"]
    finally:
        with sessions() as cleanup:
            cleanup.execute(delete(EmergentTopic).where(EmergentTopic.cohort_id == cohort_id))
            cleanup.execute(delete(factories.User).where(factories.User.id == user_id))
            cleanup.execute(delete(factories.Cohort).where(factories.Cohort.id == cohort_id))
            cleanup.commit()


def test_one_library_item_added_twice_at_once_is_added_once(app, engine):
    """The library's "Add to the session" buttons post no drawn form: two presses racing on two
    connections meet the unique constraint, and the second is told the item is there already
    (a message beside the button, not a 500)."""
    sessions = Database.on(engine).writer_sessions
    with app.app_context(), sessions() as setup:
        cohort = factories.make_cohort(setup, name="Racing set")
        meeting = factories.make_meeting(setup, cohort)
        item = factories.make_content_item(setup, [], title="Racing item")
        setup.commit()
        cohort_id, meeting_id, item_id = cohort.id, meeting.id, item.id
    first_added, results = threading.Event(), []

    def _add(first: bool) -> None:
        with app.app_context(), sessions() as session:
            meeting = session.get(Meeting, meeting_id)
            try:
                meeting_services.add_item(
                    session, meeting, session.get(ContentItem, item_id), utcnow()
                )
                results.append("added")
            except MeetingError as error:
                results.append(str(error))
            if first:
                first_added.set()
                time.sleep(0.5)
            session.commit()

    try:
        first = threading.Thread(target=_add, args=(True,))
        first.start()
        assert first_added.wait(5)
        second = threading.Thread(target=_add, args=(False,))
        second.start()
        first.join()
        second.join()
        assert sorted(results) == ["added", "“Racing item” is already in this session"]
    finally:
        with sessions() as cleanup:
            cleanup.execute(delete(Meeting).where(Meeting.id == meeting_id))
            cleanup.execute(delete(ContentItem).where(ContentItem.id == item_id))
            cleanup.execute(delete(factories.Cohort).where(factories.Cohort.id == cohort_id))
            cleanup.commit()


def test_the_purge_forgets_forms_posted_over_a_day_ago(db, people):
    now = utcnow()
    for value, hours in (("old", 24.1), ("fresh", 23.9)):
        once.claim(db, people.participant.id, value, now - timedelta(hours=hours))
    assert once.purge(db, now) == 1
    kept = db.scalars(select(FormSubmission.made_at)).all()
    assert [now - made for made in kept] == [timedelta(hours=23.9)]
    assert db.scalar(select(func.count()).select_from(FormSubmission)) == 1
