"""Learning sets: the list, creating and editing, tutors, members and removing a member."""

from sqlalchemy import func, select

from learnset.cohorts.models import Cohort, Invitation, Membership
from learnset.db import utcnow
from tests import factories
from tests.helpers import link_in, submit, text_of

NEW_SET = {
    "name": "Northgate learning set 2027",
    "description": "Commissioners from Northgate",
    "start_month-month": "1",
    "start_month-year": "2027",
    "status": "planned",
}


def test_admin_creates_a_set_then_assigns_a_tutor(login, db, people):
    browser = login(people.admin)
    assert "Create a learning set" in browser.get("/cohorts").get_data(as_text=True)
    response = submit(browser, "/cohorts/new", NEW_SET)
    assert response.status_code == 302
    cohort = db.scalar(select(Cohort).where(Cohort.name == "Northgate learning set 2027"))
    assert cohort.start_month.isoformat() == "2027-01-01"
    assert response.location == f"/cohorts/{cohort.id}/tutors"
    assert "Now assign its tutors" in browser.get(response.location).get_data(as_text=True)


def test_create_set_validation(login, db, people):
    response = submit(
        login(people.admin), "/cohorts/new", {**NEW_SET, "name": "", "start_month-month": "13"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a name for the learning set" in html
    assert "Start month must be a real month, like 3 2026" in html
    assert 'href="#start_month-month"' in html
    assert db.scalar(select(func.count()).select_from(Cohort)) == 2


def test_a_name_of_spaces_alone_is_no_name(login, db, people):
    for path in ("/cohorts/new", f"/cohorts/{people.cohort.id}/edit"):
        response = submit(login(people.admin), path, {**NEW_SET, "name": " \t "})
        assert response.status_code == 422
        assert "Enter a name for the learning set" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Cohort)) == 2
    db.refresh(people.cohort)
    assert people.cohort.name == "Riverside set"


def test_only_admins_create_sets(login, db, people):
    for person in (people.tutor, people.participant):
        browser = login(person)
        assert "Create a learning set" not in browser.get("/cohorts").get_data(as_text=True)
        assert submit(browser, "/cohorts/new", NEW_SET).status_code == 403
        assert browser.get("/cohorts/new").status_code == 403


def test_the_list_shows_each_person_their_own_sets(login, db, people):
    mine = text_of(login(people.participant).get("/cohorts"))
    assert "Riverside set" in mine and "Eastvale set" not in mine
    everyone = text_of(login(people.admin).get("/cohorts"))
    assert "Riverside set" in everyone and "Eastvale set" in everyone
    assert "2 participants, 1 tutor" in everyone


def test_the_admin_list_is_paginated(login, db, people):
    for number in range(25):
        factories.make_cohort(db, name=f"Extra set {number:02d}")
    db.commit()
    browser = login(people.admin)
    first = browser.get("/cohorts").get_data(as_text=True)
    last = browser.get("/cohorts?page=2").get_data(as_text=True)
    assert first.count("/cohorts/") - first.count("/cohorts/new") >= 20
    assert "Pages of learning sets" in first
    assert last.count("Extra set") + first.count("Extra set") == 25


def test_tutor_edits_their_set(login, db, people):
    browser = login(people.tutor)
    form = browser.get(f"/cohorts/{people.cohort.id}/edit").get_data(as_text=True)
    assert "Riverside set" in form
    response = submit(
        browser, f"/cohorts/{people.cohort.id}/edit", {**NEW_SET, "name": "Riverside renamed"}
    )
    assert response.status_code == 302
    db.refresh(people.cohort)
    assert people.cohort.name == "Riverside renamed"
    assert people.cohort.status == "planned"


def test_participants_see_fellow_members_without_emails(login, db, people):
    people.fellow.job_title = "GP and frailty lead"
    people.fellow.organisation = "North Riverside ICB"
    db.commit()
    page = text_of(login(people.participant).get(f"/cohorts/{people.cohort.id}"))
    assert "Fay Fellow" in page and "GP and frailty lead" in page
    assert "North Riverside ICB" in page
    assert (
        'Tess Tutor <span class="nhsuk-u-font-size-16 nhsuk-u-secondary-text-colour">(tutor)</span>'
        in page
    )
    assert people.fellow.email not in page
    assert "Oona Outsider" not in page
    assert f"/cohorts/{people.cohort.id}/members" not in page
    assert f"/cohorts/{people.cohort.id}/edit" not in page


def test_tutor_member_list_has_emails_and_pending_invitations(login, db, people):
    factories.make_invitation(db, people.cohort, email="waiting@example.org")
    factories.make_invitation(
        db, people.cohort, token="used", email="used@example.org", accepted_at=utcnow()
    )
    db.commit()
    page = text_of(login(people.tutor).get(f"/cohorts/{people.cohort.id}/members"))
    assert people.fellow.email in page
    assert "waiting@example.org" in page
    assert "used@example.org" not in page
    assert "Assign a tutor" not in page


def test_assigning_an_existing_account_as_tutor(login, db, outbox, people):
    colleague = factories.make_user(db, name="Cara Colleague", email="cara@example.org")
    db.commit()
    browser = login(people.admin)
    response = submit(browser, f"/cohorts/{people.cohort.id}/tutors", {"email": "CARA@example.org"})
    assert response.status_code == 302
    assert response.location == f"/cohorts/{people.cohort.id}/members"
    roles = {m.user_id: m.role for m in db.scalars(select(Membership))}
    assert roles[colleague.id] == "tutor"
    assert outbox() == []
    page = browser.get(response.location).get_data(as_text=True)
    assert f"Cara Colleague is now a tutor of {people.cohort.name}." in page


def test_assigning_a_new_address_invites_them_as_tutor(login, db, outbox, people):
    browser = login(people.admin)
    response = submit(browser, f"/cohorts/{people.cohort.id}/tutors", {"email": "new@example.org"})
    assert response.status_code == 302
    assert response.location == f"/cohorts/{people.cohort.id}/members"
    page = browser.get(response.location).get_data(as_text=True)
    assert "An invitation to tutor has been sent to new@example.org." in page
    invitation = db.scalar(select(Invitation))
    assert (invitation.email, invitation.role) == ("new@example.org", "tutor")
    [message] = outbox()
    assert link_in(message).startswith("/join/")


def test_assigning_a_participant_or_a_tutor_again_is_refused(login, db, people):
    browser = login(people.admin)
    participant = submit(
        browser, f"/cohorts/{people.cohort.id}/tutors", {"email": people.participant.email}
    )
    assert participant.status_code == 422
    assert "is a participant of Riverside set" in participant.get_data(as_text=True)
    tutor = submit(browser, f"/cohorts/{people.cohort.id}/tutors", {"email": people.tutor.email})
    assert "is already a tutor of Riverside set" in tutor.get_data(as_text=True)


def test_names_in_messages_are_escaped(login, db, people):
    people.participant.name = "<script>alert(1)</script>"
    db.commit()
    response = submit(
        login(people.admin),
        f"/cohorts/{people.cohort.id}/tutors",
        {"email": people.participant.email},
    )
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is a participant" in html


def test_removing_a_member_asks_first_and_keeps_their_past(login, db, people):
    past = factories.make_past_meeting(db, people.cohort, status="published")
    future = factories.make_meeting(db, people.cohort)
    factories.make_attendance(db, past, people.fellow)
    factories.make_slot(db, past, people.fellow, "Told the set in March")
    factories.make_slot(db, future, people.fellow, "Coming up")
    db.commit()
    membership = db.scalar(
        select(Membership).where(
            Membership.user_id == people.fellow.id, Membership.cohort_id == people.cohort.id
        )
    )
    membership_id = membership.id
    browser = login(people.tutor)
    confirm = text_of(browser.get(f"/memberships/{membership_id}/remove"))
    assert "Remove Fay Fellow from this learning set?" in confirm
    assert "stay theirs" in confirm
    response = submit(browser, f"/memberships/{membership_id}/remove", {})
    assert response.status_code == 302
    assert db.scalar(select(Membership.id).where(Membership.id == membership_id)) is None
    past_slots = [slot.topic for slot in db.get(type(past), past.id).presenter_slots]
    assert past_slots == ["Told the set in March"]
    assert db.get(type(future), future.id).presenter_slots == []
    assert len(db.get(type(past), past.id).attendances) == 1
    assert login(people.fellow).get(f"/cohorts/{people.cohort.id}").status_code == 404


def test_tutors_remove_participants_but_not_tutors(login, db, people):
    second_tutor = factories.make_member(db, people.cohort, "tutor", name="Second Tutor")
    db.commit()
    membership = db.scalar(select(Membership).where(Membership.user_id == second_tutor.id))
    browser = login(people.tutor)
    assert browser.get(f"/memberships/{membership.id}/remove").status_code == 403
    members = browser.get(f"/cohorts/{people.cohort.id}/members").get_data(as_text=True)
    assert f"/memberships/{membership.id}/remove" not in members
    assert login(people.admin).get(f"/memberships/{membership.id}/remove").status_code == 200


def test_learning_sets_is_in_the_navigation(login, people):
    html = login(people.participant).get("/").get_data(as_text=True)
    assert 'href="/cohorts"' in html
    assert "Learning sets" in html


def test_a_deactivated_account_is_not_made_a_tutor(login, db, people):
    factories.make_user(db, email="gone@example.org", is_active=False)
    db.commit()
    response = submit(
        login(people.admin), f"/cohorts/{people.cohort.id}/tutors", {"email": "gone@example.org"}
    )
    assert response.status_code == 422
    assert "has been deactivated. An admin can reactivate it" in response.get_data(as_text=True)
    assert people.cohort.id not in {
        m.cohort_id for m in db.scalars(select(Membership)) if m.user.email == "gone@example.org"
    }
