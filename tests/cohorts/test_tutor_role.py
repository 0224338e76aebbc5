"""Only admins grant the tutor role; tutors invite participants to their sets (issue 12, item 8).

Every road to the tutor role: an invitation as tutor, resending or withdrawing one, and
assigning a tutor on the members page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from learnset.accounts.models import User
from learnset.cohorts import services
from learnset.cohorts.models import Invitation, Role
from learnset.db import utcnow
from learnset.mail.models import OutgoingMail
from tests import factories
from tests.helpers import count_rows, csrf_from, link_in, submit

INVITE_TO = "/cohorts/{}/invitations"


def test_tutor_inviting_sees_no_role_choice(login, people):
    page = login(people.tutor).get(INVITE_TO.format(people.cohort.id)).get_data(as_text=True)
    assert 'name="role"' not in page
    assert "They will join as a participant" in page


def test_admin_inviting_chooses_the_role(login, people):
    page = login(people.admin).get(INVITE_TO.format(people.cohort.id)).get_data(as_text=True)
    assert 'value="tutor"' in page


def test_tutor_invites_a_participant_without_a_role_field(login, db, outbox, people):
    browser = login(people.tutor)
    response = submit(browser, INVITE_TO.format(people.cohort.id), {"email": "new@example.org"})
    assert response.status_code == 302
    invitation = db.scalar(select(Invitation))
    assert (invitation.email, invitation.role) == ("new@example.org", "participant")
    assert len(outbox()) == 1


def test_tutor_forging_role_tutor_is_refused_beside_the_field(login, db, people):
    browser = login(people.tutor)
    response = submit(
        browser, INVITE_TO.format(people.cohort.id), {"email": "co@example.org", "role": "tutor"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Only programme admins can invite tutors" in page
    assert 'href="#role"' in page
    assert count_rows(db, Invitation) == 0
    assert count_rows(db, OutgoingMail) == 0


def test_admin_invites_a_tutor_who_joins_as_tutor(login, client, db, outbox, people):
    browser = login(people.admin)
    response = submit(
        browser, INVITE_TO.format(people.cohort.id), {"email": "co@example.org", "role": "tutor"}
    )
    assert response.status_code == 302
    assert db.scalar(select(Invitation.role)) == "tutor"
    response = submit(
        client,
        link_in(outbox()[0]),
        {"name": "Co Tutor", "password": "lantern river otter", "confirm": "lantern river otter"},
    )
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.email == "co@example.org"))
    role = services.membership_of(db, user.id, people.cohort.id).role
    assert role == "tutor"


def test_service_refuses_a_tutor_invitation_from_a_tutor(db, people):
    with pytest.raises(services.InvitationError, match="Only programme admins"):
        services.invite(
            db,
            cohort=people.cohort,
            email="co@example.org",
            role=Role.TUTOR,
            invited_by=people.tutor,
            now=utcnow(),
            days=14,
        )
    assert count_rows(db, Invitation) == 0


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_tutor_cannot_resend_or_withdraw_a_tutors_invitation(action, login, db, people, no_csrf):
    invitation = factories.make_invitation(
        db, people.cohort, role="tutor", expires_at=utcnow() - timedelta(days=1)
    )
    db.commit()
    before = (invitation.token_hash, invitation.expires_at)
    response = login(people.tutor).post(f"/invitations/{invitation.id}/{action}")
    assert response.status_code == 403
    db.refresh(invitation)
    assert (invitation.token_hash, invitation.expires_at) == before
    assert invitation.revoked_at is None
    assert count_rows(db, OutgoingMail) == 0


def test_tutor_sees_no_resend_or_withdraw_for_a_tutors_invitation(login, db, people):
    tutor_invitation = factories.make_invitation(db, people.cohort, role="tutor")
    participant_invitation = factories.make_invitation(db, people.cohort, token="other")
    db.commit()
    page = login(people.tutor).get(INVITE_TO.format(people.cohort.id)).get_data(as_text=True)
    assert f"/invitations/{tutor_invitation.id}/resend" not in page
    assert f"/invitations/{tutor_invitation.id}/revoke" not in page
    assert f"/invitations/{participant_invitation.id}/resend" in page
    assert f"/invitations/{participant_invitation.id}/revoke" in page


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_admin_can_resend_or_withdraw_a_tutors_invitation(action, login, db, people):
    invitation = factories.make_invitation(db, people.cohort, role="tutor")
    db.commit()
    admin = login(people.admin)
    token = csrf_from(admin, INVITE_TO.format(people.cohort.id))
    response = admin.post(f"/invitations/{invitation.id}/{action}", data={"csrf_token": token})
    assert response.status_code == 302


def test_tutor_cannot_assign_a_tutor_on_the_members_page(login, db, people, no_csrf):
    browser = login(people.tutor)
    path = f"/cohorts/{people.cohort.id}/tutors"
    assert browser.get(path).status_code == 403
    response = browser.post(path, data={"email": people.outsider.email})
    assert response.status_code == 403
    assert services.membership_of(db, people.outsider.id, people.cohort.id) is None
    members = browser.get(f"/cohorts/{people.cohort.id}/members").get_data(as_text=True)
    assert path not in members
