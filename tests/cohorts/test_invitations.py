"""Invitations: who may send them, accepting as a new or existing user, resend, revoke, expiry."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from learnset import create_app
from learnset.accounts.models import User
from learnset.audit.models import AuditEvent
from learnset.cohorts import services
from learnset.cohorts.models import Cohort, Invitation, Membership
from learnset.db import database, utcnow
from learnset.mail.models import OutgoingMail
from learnset.tokens import hash_token
from tests import factories
from tests.apps import make_test_config
from tests.helpers import TEST_PASSWORD, csrf_from, link_in, post_twice_at_once, sign_out, submit

NEW_ACCOUNT = {
    "name": "Nadia New",
    "job_title": "GP",
    "organisation": "Riverside ICB",
    "password": "lantern river otter",
    "confirm": "lantern river otter",
}


def _invite(browser, cohort, email="nadia@example.org", role="participant"):
    path = f"/cohorts/{cohort.id}/invitations"
    return submit(browser, path, {"email": email, "role": role})


def _members(db, cohort):
    return db.scalar(select(func.count()).where(Membership.cohort_id == cohort.id))


@pytest.mark.parametrize("who", ["tutor", "admin"])
def test_tutor_and_admin_can_invite(who, login, outbox, people):
    browser = login(getattr(people, who))
    response = _invite(browser, people.cohort)
    assert response.status_code == 302
    [message] = outbox()
    assert message["To"] == "nadia@example.org"
    assert people.cohort.name in message["Subject"]
    assert link_in(message).startswith("/join/")
    page = browser.get(f"/cohorts/{people.cohort.id}/invitations").get_data(as_text=True)
    assert "nadia@example.org" in page
    assert "Waiting" in page


def test_a_line_break_in_the_sets_name_does_not_stop_its_invitations(db, login, outbox, people):
    # The name box is one line, but a crafted request can put a break in it: an email header
    # cannot hold one, and the invitation was never sent.
    people.cohort.name = "Riverside\r\nset"
    db.commit()
    assert _invite(login(people.tutor), people.cohort).status_code == 302
    [message] = outbox()
    assert message["Subject"] == "You are invited to join Riverside set on Learnset"


@pytest.mark.parametrize(
    "role,status",
    [("participant", 403), ("other_tutor", 404)],
    ids=["a participant sees the cohort: 403", "another set's tutor does not: 404"],
)
def test_only_the_sets_tutors_and_admins_invite(login, no_csrf, outbox, people, role, status):
    browser = login(people.by_role(role))
    path = f"/cohorts/{people.cohort.id}/invitations"
    assert browser.get(path).status_code == status
    assert (
        browser.post(path, data={"email": "x@example.org", "role": "tutor"}).status_code == status
    )
    assert outbox() == []


def test_invite_validation_messages_beside_fields(login, db, people):
    browser = login(people.tutor)
    response = _invite(browser, people.cohort, email="not an email", role="owner")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an email address in the correct format" in html
    assert "Not a valid choice" in html or "Choose a role" in html
    assert db.scalar(select(func.count()).select_from(Invitation)) == 0


def test_cannot_invite_an_existing_member_or_twice(login, db, outbox, people):
    browser = login(people.tutor)
    response = _invite(browser, people.cohort, email=people.fellow.email)
    assert response.status_code == 422
    assert "already a member" in response.get_data(as_text=True)
    assert _invite(browser, people.cohort).status_code == 302
    again = _invite(browser, people.cohort, email="NADIA@example.org")
    assert again.status_code == 422
    assert "already has an invitation waiting" in again.get_data(as_text=True)
    assert len(outbox()) == 1


def test_new_user_accepts_and_lands_on_home(client, login, db, outbox, people):
    _invite(login(people.tutor), people.cohort)
    link = link_in(outbox()[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "Create your account" in page.get_data(as_text=True)
    response = submit(client, link, NEW_ACCOUNT)
    assert response.status_code == 302
    assert response.location == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Hello, Nadia New" in home
    assert people.cohort.name in home
    user = db.scalar(select(User).where(User.email == "nadia@example.org"))
    assert user.organisation == "Riverside ICB"
    assert [(m.cohort_id, m.role) for m in user.memberships] == [(people.cohort.id, "participant")]
    # Single use.
    sign_out(client)
    assert client.get(link).status_code == 410


def test_new_account_with_the_optional_fields_left_out_is_created(
    client, login, db, outbox, people
):
    """A POST without the optional job title and organisation fields (not an empty value:
    no field at all) used to answer 500."""
    _invite(login(people.tutor), people.cohort)
    link = link_in(outbox()[0])
    response = submit(
        client, link, {"name": "Nadia New", "password": NEW_ACCOUNT["password"],
                       "confirm": NEW_ACCOUNT["confirm"]}
    )  # fmt: skip
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.email == "nadia@example.org"))
    assert (user.job_title, user.organisation) == ("", "")


def test_new_account_form_validation_creates_nothing(client, login, db, outbox, people):
    _invite(login(people.tutor), people.cohort)
    link = link_in(outbox()[0])
    response = submit(client, link, {**NEW_ACCOUNT, "name": "", "password": "qwertyuiop"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter your full name" in html
    assert "too common" in html
    assert db.scalar(select(User).where(User.email == "nadia@example.org")) is None
    assert client.get(link).status_code == 200


def test_existing_user_signs_in_then_joins(client, login, db, outbox, people):
    _invite(login(people.other_tutor), people.other_cohort, email=people.participant.email)
    link = link_in(outbox()[0])
    page = client.get(link)
    assert "Sign in to join" in page.get_data(as_text=True)
    response = submit(
        client,
        f"/sign-in?next={link}",
        {"email": people.participant.email, "password": TEST_PASSWORD},
    )
    assert response.location == link
    assert "Join " + people.other_cohort.name in client.get(link).get_data(as_text=True)
    response = submit(client, link, {})
    assert response.status_code == 302
    roles = {m.cohort_id: m.role for m in db.get(User, people.participant.id).memberships}
    assert roles == {people.cohort.id: "participant", people.other_cohort.id: "participant"}


def test_signed_in_as_someone_else_cannot_accept(login, db, outbox, people):
    _invite(login(people.tutor), people.cohort, email="nadia@example.org")
    link = link_in(outbox()[0])
    browser = login(people.fellow)
    page = browser.get(link)
    assert "different email address" in page.get_data(as_text=True)
    before = _members(db, people.cohort)
    browser.post(link, data={"csrf_token": csrf_from(browser, "/account")})
    assert _members(db, people.cohort) == before


def test_revoked_invitation_is_refused(client, login, db, outbox, people):
    tutor = login(people.tutor)
    _invite(tutor, people.cohort)
    link = link_in(outbox()[0])
    invitation = db.scalar(select(Invitation))
    confirm = tutor.get(f"/invitations/{invitation.id}/revoke")
    assert "Withdraw the invitation to nadia@example.org?" in confirm.get_data(as_text=True)
    assert submit(tutor, f"/invitations/{invitation.id}/revoke", {}).status_code == 302
    response = client.get(link)
    assert response.status_code == 410
    assert "withdrawn" in response.get_data(as_text=True)
    assert client.post(link, data=NEW_ACCOUNT).status_code in (400, 410)
    assert db.scalar(select(User).where(User.email == "nadia@example.org")) is None


def test_expired_invitation_is_refused(client, db, people):
    factories.make_invitation(
        db, people.cohort, token="old-token", expires_at=utcnow() - timedelta(minutes=1)
    )
    db.commit()
    response = client.get("/join/old-token")
    assert response.status_code == 410
    assert "expire after 14 days" in response.get_data(as_text=True)


def test_invitation_expires_after_14_days(db, people):
    now = utcnow()
    issued = services.invite(
        db,
        cohort=people.cohort,
        email="x@example.org",
        role=services.Role.PARTICIPANT,
        invited_by=people.tutor,
        now=now,
        days=14,
    )
    assert issued.invitation.expires_at == now + timedelta(days=14)
    assert services.usable(issued.invitation, now + timedelta(days=13, hours=23))
    assert not services.usable(issued.invitation, now + timedelta(days=14))


def test_unknown_token_is_404(client):
    assert client.get("/join/not-a-real-token").status_code == 404


def test_resend_replaces_the_link(client, login, db, outbox, people):
    tutor = login(people.tutor)
    _invite(tutor, people.cohort)
    invitation = db.scalar(select(Invitation))
    old_link = link_in(outbox()[0])
    path = f"/cohorts/{people.cohort.id}/invitations"
    response = tutor.post(
        f"/invitations/{invitation.id}/resend", data={"csrf_token": csrf_from(tutor, path)}
    )
    assert response.status_code == 302
    new_link = link_in(outbox()[1])
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_expired_invitation_can_be_resent(login, db, outbox, people):
    invitation = factories.make_invitation(
        db, people.cohort, expires_at=utcnow() - timedelta(days=1)
    )
    db.commit()
    tutor = login(people.tutor)
    path = f"/cohorts/{people.cohort.id}/invitations"
    assert "Expired" in tutor.get(path).get_data(as_text=True)
    tutor.post(f"/invitations/{invitation.id}/resend", data={"csrf_token": csrf_from(tutor, path)})
    db.refresh(invitation)
    assert invitation.status(utcnow()) == "pending"
    assert len(outbox()) == 1


@pytest.mark.parametrize(
    "who,status", [("participant", 404), ("fellow", 404), ("other_tutor", 404), ("outsider", 404)]
)
def test_only_the_cohorts_tutors_manage_its_invitations(who, status, login, no_csrf, db, people):
    invitation = factories.make_invitation(db, people.cohort)
    db.commit()
    browser = login(getattr(people, who))
    assert browser.post(f"/invitations/{invitation.id}/resend").status_code == status
    assert browser.get(f"/invitations/{invitation.id}/revoke").status_code == status
    assert browser.post(f"/invitations/{invitation.id}/revoke").status_code == status
    db.refresh(invitation)
    assert invitation.revoked_at is None


def test_accepted_invitation_cannot_be_revoked(login, db, people):
    invitation = factories.make_invitation(db, people.cohort, accepted_at=utcnow())
    db.commit()
    tutor = login(people.tutor)
    response = submit(tutor, f"/invitations/{invitation.id}/revoke", {}, follow_redirects=True)
    assert "already been accepted" in response.get_data(as_text=True)


def test_admin_can_invite_a_tutor(login, client, db, outbox, people):
    _invite(login(people.admin), people.cohort, email="co@example.org", role="tutor")
    submit(client, link_in(outbox()[0]), NEW_ACCOUNT)
    user = db.scalar(select(User).where(User.email == "co@example.org"))
    assert user.memberships[0].role == "tutor"


def test_invitations_page_highlights_only_invitations_in_the_header(login, people):
    page = login(people.admin).get("/invitations").get_data(as_text=True)
    highlighted = re.findall(
        r"navigation-item--(?:current|active)[^>]*>\s*<a[^>]*>(?:<strong[^>]*>)?([^<]+)<", page
    )
    assert highlighted == ["Invitations"]


# --- Invitation links: made at delivery, never stored, single use, short-lived (issue 12) -----


def test_the_link_is_made_when_the_email_is_written_and_never_stored(login, db, outbox, people):
    _invite(login(people.tutor), people.cohort)
    invitation = db.scalar(select(Invitation))
    queued = db.scalar(select(OutgoingMail))
    assert (queued.kind, queued.data, queued.body) == (
        "invitation",
        {"invitation_id": invitation.id},
        "",
    )
    link = link_in(outbox()[0])
    token = link.removeprefix("/join/")
    db.refresh(invitation)
    assert invitation.token_hash == hash_token(token)
    stored = db.execute(select(OutgoingMail.subject, OutgoingMail.body, OutgoingMail.data)).all()
    assert token not in repr(stored)


def test_an_invitation_withdrawn_before_its_email_went_is_not_sent(login, db, outbox, people):
    tutor = login(people.tutor)
    _invite(tutor, people.cohort)
    invitation = db.scalar(select(Invitation))
    submit(tutor, f"/invitations/{invitation.id}/revoke", {})
    assert outbox() == []
    assert db.scalar(select(func.count()).select_from(OutgoingMail)) == 0


def test_invitation_days_setting_sets_the_expiry_the_hint_and_the_message(
    app, client, login, db, people
):
    app.config["INVITATION_DAYS"] = 3
    tutor = login(people.tutor)
    page = tutor.get(f"/cohorts/{people.cohort.id}/invitations").get_data(as_text=True)
    assert "expires after 3 days" in page
    before = utcnow()
    _invite(tutor, people.cohort)
    invitation = db.scalar(select(Invitation))
    assert before + timedelta(days=3) <= invitation.expires_at <= utcnow() + timedelta(days=3)
    factories.make_invitation(
        db, people.cohort, token="old-token", expires_at=utcnow() - timedelta(minutes=1)
    )
    db.commit()
    assert "expire after 3 days" in client.get("/join/old-token").get_data(as_text=True)


def test_joining_with_an_existing_account_uses_up_the_link(login, db, outbox, people):
    _invite(login(people.other_tutor), people.other_cohort, email=people.participant.email)
    link = link_in(outbox()[0])
    browser = login(people.participant)
    assert submit(browser, link, {}).status_code == 302
    assert browser.get(link).status_code == 410


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_invitation_pages_send_no_referrer(method, login, db, outbox, people, no_csrf):
    _invite(login(people.tutor), people.cohort)
    link = link_in(outbox()[0])
    factories.make_invitation(db, people.cohort, token="used", accepted_at=utcnow())
    db.commit()
    for path, status in ((link, None), ("/join/used", 410), ("/join/unknown", 404)):
        response = login(None).open(path, method=method, data={"name": ""})
        assert status is None or response.status_code == status, path
        assert response.headers["Referrer-Policy"] == "no-referrer", path


def test_two_posts_at_once_make_one_account_and_no_error(
    database_url, engine, tmp_path, monkeypatch
):
    """A double click on 'Create account and join': the second post, sent while the first is
    still working, waits for it and finds the invitation used. Two real requests on two
    connections (PostgreSQL would otherwise let both make the account, and the second fail on
    the address taken: a 500)."""
    site = create_app(make_test_config(database_url, tmp_path))
    sessions = database(site).writer_sessions
    with sessions() as setup:
        cohort = factories.make_cohort(setup, name="Racing set")
        factories.make_invitation(setup, cohort, token="racing-token", email="racer@example.org")
        setup.commit()
        cohort_id = cohort.id
    link = "/join/racing-token"
    real_accept, calls = services.accept, []

    def _slow_accept(*args, **kwargs):
        membership = real_accept(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.5)  # the first one's transaction stays open while the second arrives
        return membership

    monkeypatch.setattr(services, "accept", _slow_accept)
    browsers = [site.test_client(), site.test_client()]
    forms = [{**NEW_ACCOUNT, "csrf_token": csrf_from(browser, link)} for browser in browsers]
    try:
        assert post_twice_at_once(browsers, link, forms, calls) == [302, 410]
        with sessions() as check:
            assert check.scalar(select(func.count()).where(User.email == "racer@example.org")) == 1
    finally:
        with sessions() as cleanup:
            user_ids = select(User.id).where(User.email == "racer@example.org")
            cleanup.execute(delete(AuditEvent).where(AuditEvent.actor_id.in_(user_ids)))
            cleanup.execute(delete(User).where(User.email == "racer@example.org"))
            cleanup.execute(delete(Cohort).where(Cohort.id == cohort_id))
            cleanup.commit()
        database(site).engine.dispose()
