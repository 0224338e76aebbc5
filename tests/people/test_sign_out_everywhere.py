"""An admin signs someone out everywhere (issue 12, item 9): every sign-in session of theirs
ends; nobody else's does; only admins may, and not on their own account from here."""

from __future__ import annotations

from learnset.accounts.models import User
from learnset.db import utcnow
from learnset.people import services as people_services
from tests.helpers import csrf_from, sent_to_sign_in_with, signed_in, submit


def test_admin_signs_someone_out_everywhere(login, db, people):
    browsers = [login(people.participant) for _ in range(2)]
    fellow = login(people.fellow)
    admin = login(people.admin)
    person_page = admin.get(f"/people/{people.participant.id}").get_data(as_text=True)
    assert "On 2 devices" in person_page
    assert f"/people/{people.participant.id}/sign-out" in person_page
    confirm = admin.get(f"/people/{people.participant.id}/sign-out").get_data(as_text=True)
    assert f"Sign {people.participant.name} out everywhere?" in confirm
    response = submit(admin, f"/people/{people.participant.id}/sign-out", {})
    assert response.status_code == 302
    assert "has been signed out on every device" in admin.get(response.location).get_data(
        as_text=True
    )
    for browser in browsers:
        sent_to_sign_in_with(browser, "You were signed out by a Learnset administrator")
    assert signed_in(fellow) and signed_in(admin)
    # They can sign in again straight away.
    assert db.get(User, people.participant.id).is_active
    page = admin.get(f"/people/{people.participant.id}").get_data(as_text=True)
    assert f"/people/{people.participant.id}/sign-out" not in page


def test_only_admins_can_sign_someone_out_everywhere(login, db, people):
    victim = login(people.participant)
    for role in ("fellow", "tutor", "other_tutor", "outsider"):
        browser = login(getattr(people, role))
        path = f"/people/{people.participant.id}/sign-out"
        assert browser.get(path).status_code == 404, role
        token = csrf_from(browser, "/account")
        assert browser.post(path, data={"csrf_token": token}).status_code == 404, role
    assert signed_in(victim)


def test_an_admin_is_not_signed_out_everywhere_from_people(db, people):
    try:
        people_services.sign_out_everywhere(db, people.admin, people.admin, utcnow())
    except people_services.PeopleError as error:
        assert "your account page" in str(error)
    else:
        raise AssertionError("an admin signed themselves out everywhere")
