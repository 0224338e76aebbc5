"""Where you are signed in (issue 12, item 9): the account page lists the person's live
sessions in one query, marks this device, and ends any one of them or all the others, each
after a confirmation and with the form's token. Someone else's session answers 404."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from learnset.accounts import sign_ins
from learnset.accounts.models import SignInSession
from learnset.accounts.sign_ins import Ended
from learnset.db import utcnow
from tests.accounts.helpers import move_back
from tests.helpers import csrf_from, sent_to_sign_in_with, signed_in, submit


def test_account_page_lists_active_sessions_with_this_device_marked(login, db, people):
    here = login(people.participant)
    phone, idle, ended = (login(people.participant) for _ in range(3))
    db.execute(
        update(SignInSession)
        .where(SignInSession.id == phone.sign_in_id)
        .values(device="Safari on iPhone", network="203.0.113.0/24")
    )
    db.commit()
    move_back(db, idle.sign_in_id, last_seen_at=timedelta(hours=1))
    sign_ins.end(db, db.get(SignInSession, ended.sign_in_id), Ended.SIGNED_OUT, utcnow())
    login(people.fellow)  # someone else's session is never listed
    db.commit()
    page = here.get("/account").get_data(as_text=True)
    table = page[page.index("Your active sessions") : page.index("Your calendar")]
    assert table.count('class="nhsuk-table__row"') == 1 + 2  # the header and two sessions
    assert "Safari on iPhone" in table
    assert "Network 203.0.113.0/24" in table
    assert "Network 192.0.2.0/24" in table
    assert table.count("This device") == 1
    assert f"/account/sessions/{phone.sign_in_id}/end" in table
    assert f"/account/sessions/{idle.sign_in_id}/end" not in table
    assert "Sign out of all other devices" in table


def test_sessions_list_is_one_query_however_many_there_are(login, db, people, count_queries):
    def _statements():
        db.refresh(people.participant)
        with count_queries() as statements:
            sign_ins.live_for(db, people.participant, utcnow(), timedelta(minutes=30))
        return sum(statement.lstrip().upper().startswith("SELECT") for statement in statements)

    login(people.participant)
    one = _statements()
    for _ in range(5):
        login(people.participant)
    assert _statements() == one == 1


def test_account_page_queries_do_not_grow_with_sessions(login, db, people, count_queries):
    browser = login(people.participant)
    with count_queries() as few:
        browser.get("/account")
    for _ in range(6):
        login(people.participant)
    with count_queries() as many:
        browser.get("/account")
    assert len(many) == len(few)


def test_ending_one_session_from_another_device(login, db, people):
    here, other, third = (login(people.participant) for _ in range(3))
    path = f"/account/sessions/{other.sign_in_id}/end"
    confirm = here.get(path)
    assert confirm.status_code == 200
    assert "Sign out of Chrome on Windows?" in confirm.get_data(as_text=True)
    assert signed_in(other), "asking is not ending"
    response = submit(here, path, {})
    assert response.status_code == 302
    assert response.location == "/account#sessions"
    assert "You have signed out of Chrome on Windows" in here.get("/account").get_data(as_text=True)
    sent_to_sign_in_with(other, "You were signed out of this device from another device")
    assert signed_in(here) and signed_in(third)
    assert db.get(SignInSession, other.sign_in_id).ended_reason == Ended.BY_OWNER


def test_ending_this_device_from_the_list_signs_out_here(login, db, people):
    browser = login(people.participant)
    response = submit(browser, f"/account/sessions/{browser.sign_in_id}/end", {})
    assert response.location == "/sign-in"
    assert browser.get("/account").status_code == 302
    assert db.get(SignInSession, browser.sign_in_id).ended_reason == Ended.SIGNED_OUT


def test_ending_a_session_needs_the_form_token(login, db, people):
    here, other = login(people.participant), login(people.participant)
    response = here.post(f"/account/sessions/{other.sign_in_id}/end")
    assert response.status_code == 400
    assert signed_in(other)


def test_ending_an_already_ended_session_says_so(login, db, people):
    here, other = login(people.participant), login(people.participant)
    path = f"/account/sessions/{other.sign_in_id}/end"
    token = csrf_from(here, path)
    submit(here, path, {})
    response = here.post(path, data={"csrf_token": token})
    assert response.status_code == 302
    assert "That session had already ended" in here.get("/account").get_data(as_text=True)


def test_someone_elses_session_answers_404_and_stays_live(login, db, people):
    victim = login(people.participant)
    for role in ("fellow", "tutor", "admin"):
        browser = login(getattr(people, role))
        path = f"/account/sessions/{victim.sign_in_id}/end"
        assert browser.get(path).status_code == 404, role
        token = csrf_from(browser, "/account")
        assert browser.post(path, data={"csrf_token": token}).status_code == 404, role
    assert browser.get("/account/sessions/2147483647/end").status_code == 404
    assert browser.get("/account/sessions/99999999999/end").status_code == 404
    assert signed_in(victim)


def test_sign_out_of_all_other_devices(login, db, people):
    here = login(people.participant)
    others = [login(people.participant) for _ in range(2)]
    fellow = login(people.fellow)
    page = here.get("/account/sessions/end-others").get_data(as_text=True)
    assert "You will stay signed in here" in page
    assert page.count("Chrome on Windows, signed in") == 2
    response = submit(here, "/account/sessions/end-others", {})
    assert response.location == "/account#sessions"
    assert signed_in(here)
    for other in others:
        sent_to_sign_in_with(other, "from another device")
    assert signed_in(fellow)
    assert "You are not signed in anywhere else" in here.get("/account").get_data(as_text=True)
