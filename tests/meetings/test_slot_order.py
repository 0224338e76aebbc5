"""The order of presenters in a session: tutors move slots up and down, positions stay 1, 2, 3."""

import html
import re

import pytest
from sqlalchemy import select

from learnset.db import utcnow
from learnset.meetings import services
from learnset.meetings.models import PresenterSlot
from tests import factories
from tests.helpers import press, text_of


def _words(response) -> str:
    """The page as a screen reader hears it: tags gone, entities decoded."""
    return html.unescape(
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))
    )


def _order(db, meeting):
    """(presenter's name, position) in running order, as the database has it now."""
    db.expire_all()
    rows = db.scalars(
        select(PresenterSlot)
        .where(PresenterSlot.meeting_id == meeting.id)
        .order_by(PresenterSlot.position, PresenterSlot.id)
    )
    return [(slot.presenter.name.split()[0], slot.position) for slot in rows]


def _three_slots(db, people, **meeting_values):
    """A session with Pat, Fay and Kim presenting, in that order; positions as given."""
    positions = meeting_values.pop("positions", (1, 2, 3))
    meeting = factories.make_meeting(db, people.cohort, **meeting_values)
    kim = factories.make_member(db, people.cohort, "participant", name="Kim Third")
    slots = []
    for person, position in zip((people.participant, people.fellow, kim), positions, strict=True):
        slot = factories.make_slot(db, meeting, person)
        slot.position = position
        slots.append(slot)
    db.commit()
    return meeting, slots


def test_tutor_moves_presenters_up_and_down(login, db, people):
    meeting, (pat, _fay, kim) = _three_slots(db, people)
    browser = login(people.tutor)
    response = press(browser, f"/sessions/{meeting.id}/slots/{kim.id}/move", {"direction": "up"})
    assert response.status_code == 302
    assert response.location == f"/sessions/{meeting.id}/plan#presenters"
    assert _order(db, meeting) == [("Pat", 1), ("Kim", 2), ("Fay", 3)]
    press(browser, f"/sessions/{meeting.id}/slots/{pat.id}/move", {"direction": "down"})
    assert _order(db, meeting) == [("Kim", 1), ("Pat", 2), ("Fay", 3)]
    plan = text_of(browser.get(f"/sessions/{meeting.id}/plan"))
    assert plan.index("Kim Third") < plan.index("Pat Participant") < plan.index("Fay Fellow")


def test_the_plan_offers_only_the_moves_that_make_sense(login, db, people):
    meeting, (pat, fay, kim) = _three_slots(db, people)
    browser = login(people.admin)
    plan = _words(browser.get(f"/sessions/{meeting.id}/plan"))
    assert "Move down Pat Participant's slot" in plan
    assert "Move up Pat Participant's slot" not in plan
    assert "Move up Fay Fellow's slot" in plan and "Move down Fay Fellow's slot" in plan
    assert "Move up Kim Third's slot" in plan
    assert "Move down Kim Third's slot" not in plan
    markup = browser.get(f"/sessions/{meeting.id}/plan").get_data(as_text=True)
    assert markup.count(f"/sessions/{meeting.id}/slots/{fay.id}/move") == 2
    assert markup.count(f"/sessions/{meeting.id}/slots/{pat.id}/move") == 1
    assert markup.count(f"/sessions/{meeting.id}/slots/{kim.id}/move") == 1


def test_admins_may_reorder_too(login, db, people):
    meeting, (_pat, fay, _kim) = _three_slots(db, people)
    press(login(people.admin), f"/sessions/{meeting.id}/slots/{fay.id}/move", {"direction": "up"})
    assert _order(db, meeting) == [("Fay", 1), ("Pat", 2), ("Kim", 3)]


@pytest.mark.parametrize(("slot", "direction"), [(0, "up"), (2, "down"), (1, "sideways"), (1, "")])
def test_moves_past_the_ends_are_refused_with_a_message(login, db, people, slot, direction):
    meeting, slots = _three_slots(db, people)
    browser = login(people.tutor)
    response = press(
        browser, f"/sessions/{meeting.id}/slots/{slots[slot].id}/move", {"direction": direction}
    )
    assert response.status_code == 302
    assert "That presenter cannot move any further" in text_of(browser.get(response.location))
    assert _order(db, meeting) == [("Pat", 1), ("Fay", 2), ("Kim", 3)]


def test_older_slots_with_equal_or_gapped_positions_are_packed_when_moved(db, people):
    meeting, (_pat, _fay, kim) = _three_slots(db, people, positions=(0, 0, 7))
    services.move_in_running_order(db, kim, "up", utcnow())
    assert _order(db, meeting) == [("Pat", 1), ("Kim", 2), ("Fay", 3)]


def test_removing_a_slot_keeps_positions_contiguous(login, db, people):
    meeting, (_pat, fay, _kim) = _three_slots(db, people)
    press(login(people.tutor), f"/sessions/{meeting.id}/slots/{fay.id}/remove")
    assert _order(db, meeting) == [("Pat", 1), ("Kim", 2)]


def test_other_cohorts_and_participants_cannot_reorder(login, db, people):
    draft, (pat, _fay, _kim) = _three_slots(db, people)
    published, (published_pat, _f, _k) = _three_slots(db, people, status="published")
    theirs = factories.make_meeting(db, people.other_cohort)
    their_slot = factories.make_slot(db, theirs, people.outsider)
    db.commit()
    refusals = [
        (people.other_tutor, draft, pat, 404),
        (people.outsider, draft, pat, 404),
        (people.participant, draft, pat, 404),  # a draft is invisible to participants
        (people.other_tutor, published, published_pat, 404),
        (people.outsider, published, published_pat, 404),
        # They may see a published session, not change it: 403, as for removing a slot.
        (people.participant, published, published_pat, 403),
        (people.fellow, published, published_pat, 403),
        # Another session's slot through this session's address.
        (people.tutor, draft, their_slot, 404),
        (people.tutor, theirs, their_slot, 404),
    ]
    for person, meeting, slot, status in refusals:
        response = press(
            login(person), f"/sessions/{meeting.id}/slots/{slot.id}/move", {"direction": "down"}
        )
        assert response.status_code == status, (person.name, meeting.title, slot.id)
    assert _order(db, draft) == [("Pat", 1), ("Fay", 2), ("Kim", 3)]
    assert _order(db, published) == [("Pat", 1), ("Fay", 2), ("Kim", 3)]
    # Participants never see the buttons: not on the session page either.
    page = login(people.participant).get(f"/sessions/{published.id}").get_data(as_text=True)
    assert "/move" not in page and "Move down" not in page


def test_moving_without_a_csrf_token_is_refused(login, db, people):
    meeting, (pat, _fay, _kim) = _three_slots(db, people)
    response = login(people.tutor).post(
        f"/sessions/{meeting.id}/slots/{pat.id}/move", data={"direction": "down"}
    )
    assert response.status_code == 400
    assert _order(db, meeting) == [("Pat", 1), ("Fay", 2), ("Kim", 3)]


def test_removing_a_member_moves_the_presenters_after_them_up(db, people):
    from datetime import timedelta

    from learnset.cohorts import services as cohort_services

    third = factories.make_member(db, people.cohort, "participant")
    upcoming = factories.make_meeting(db, people.cohort)
    past = factories.make_meeting(db, people.cohort, starts_at=utcnow() - timedelta(days=30))
    for position, person in enumerate((people.participant, people.fellow, third), start=1):
        factories.make_slot(db, upcoming, person).position = position
    factories.make_slot(db, past, people.fellow).position = 1
    db.commit()
    membership = cohort_services.membership_of(db, people.fellow.id, people.cohort.id)
    cohort_services.remove_member(db, membership, utcnow(), removed_by=people.tutor)
    db.commit()

    def order(meeting):
        slots = db.scalars(
            select(PresenterSlot).where(PresenterSlot.meeting_id == meeting.id)
            .order_by(PresenterSlot.position)
        )  # fmt: skip
        return [(slot.user_id, slot.position) for slot in slots]

    assert order(upcoming) == [(people.participant.id, 1), (third.id, 2)]
    # What happened at a past session stays on record.
    assert order(past) == [(people.fellow.id, 1)]
