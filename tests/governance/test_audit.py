"""The audit log (issue 15, item 5): each kind of event is written by its real action in the
action's own transaction; admins read, filter and export it; nobody else does; it never holds
what anyone wrote; `flask purge` keeps it to AUDIT_RETENTION_DAYS."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from learnset import audit
from learnset.audit import AuditEvent, AuditKind
from learnset.cohorts.models import Invitation, Membership
from learnset.dates import UK
from learnset.db import utcnow
from learnset.library import editing
from learnset.mail import queue
from tests import factories
from tests.accounts.two_factor_scenes import TWO_FACTOR_SCENES
from tests.helpers import (
    TEST_PASSWORD,
    audit_events,
    count_rows,
    csrf_from,
    deliver_mail,
    html_of,
    link_in,
    press,
    queries_per_page,
    sign_in,
    submit,
    tables,
    text_of,
)

# --- Each kind, by its real action ------------------------------------------------------------
# A scene does the action as a person (or operator) would and returns who should be named:
# (actor, subject), each a user or None.


def _signed_in(db, people, client, app):
    assert sign_in(client, people.participant).status_code == 302
    return people.participant, None


def _sign_in_failed(db, people, client, app):
    assert sign_in(client, people.participant, password="not the password").status_code == 422
    return None, people.participant


def _sign_in_paused(db, people, client, app):
    app.config["SIGN_IN_MAX_FAILURES"] = 1
    sign_in(client, people.participant, password="not the password")
    assert sign_in(client, people.participant, password="again wrong").status_code == 429
    return None, people.participant


def _password_changed(db, people, client, app):
    browser = app.test_client(user=people.participant)
    new = "a brand new passphrase"
    response = submit(
        browser, "/account/password", {"current": TEST_PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    return people.participant, None


def _password_reset(db, people, client, app):
    submit(client, "/forgot-password", {"email": people.participant.email})
    deliver_mail(app)
    [path] = Path(app.config["MAIL_OUTBOX"]).glob("*.eml")
    link = link_in(message_from_bytes(path.read_bytes()))
    new = "a brand new passphrase"
    assert submit(client, link, {"password": new, "confirm": new}).status_code == 302
    return people.participant, None


def _email_changed(db, people, client, app):
    browser = app.test_client(user=people.participant)
    data = {"email": "pat.new@example.org", "current": TEST_PASSWORD}
    assert submit(browser, "/account/email", data).status_code == 200
    deliver_mail(app)
    [path] = Path(app.config["MAIL_OUTBOX"]).glob("*.eml")
    link = link_in(message_from_bytes(path.read_bytes()))
    assert submit(client, link, {}).status_code == 302
    return people.participant, None


def _person_change(change, subject="fellow"):
    def scene(db, people, client, app):
        admin = app.test_client(user=people.admin)
        target = getattr(people, subject)
        if change == "reactivate":
            target.is_active = False
            db.commit()
        if change == "remove-admin":
            target.is_admin = True
            db.commit()
        path = f"/people/{target.id}/{change}"
        assert press(admin, path, page=f"/people/{target.id}").status_code == 302
        return people.admin, target

    return scene


def _tutor_assigned(db, people, client, app):
    admin = app.test_client(user=people.admin)
    path = f"/cohorts/{people.other_cohort.id}/tutors"
    assert submit(admin, path, {"email": people.tutor.email}).status_code == 302
    return people.admin, people.tutor


def _member_removed(db, people, client, app):
    tutor = app.test_client(user=people.tutor)
    membership = db.scalar(
        select(Membership).where(
            Membership.user_id == people.fellow.id, Membership.cohort_id == people.cohort.id
        )
    )
    path = f"/memberships/{membership.id}/remove"
    assert submit(tutor, path, {}).status_code == 302
    return people.tutor, people.fellow


def _invite(app, people):
    tutor = app.test_client(user=people.tutor)
    path = f"/cohorts/{people.cohort.id}/invitations"
    assert (
        submit(tutor, path, {"email": "nadia@example.org", "role": "participant"}).status_code
        == 302
    )
    return tutor


def _invitation_sent(db, people, client, app):
    _invite(app, people)
    return people.tutor, None


def _invitation_resent(db, people, client, app):
    tutor = _invite(app, people)
    invitation = db.scalar(select(Invitation))
    page = f"/cohorts/{people.cohort.id}/invitations"
    assert press(tutor, f"/invitations/{invitation.id}/resend", page=page).status_code == 302
    return people.tutor, None


def _invitation_withdrawn(db, people, client, app):
    tutor = _invite(app, people)
    invitation = db.scalar(select(Invitation))
    assert submit(tutor, f"/invitations/{invitation.id}/revoke", {}).status_code == 302
    return people.tutor, None


def _invitation_accepted(db, people, client, app):
    invitation = factories.make_invitation(
        db, people.other_cohort, email=people.participant.email, token="join-me"
    )
    db.commit()
    browser = app.test_client(user=people.participant)
    assert submit(browser, "/join/join-me", {}).status_code == 302
    assert invitation.id
    return people.participant, None


def _invitations_imported(db, people, client, app):
    tutor = app.test_client(user=people.tutor)
    data = f"name,email,role,learning set\nNia,nia@example.org,participant,{people.cohort.name}\n"
    upload = {"csrf_token": csrf_from(tutor, "/invitations/import")}
    upload["file"] = (io.BytesIO(data.encode()), "intake.csv")
    response = tutor.post("/invitations/import", data=upload, content_type="multipart/form-data")
    preview = response.location
    assert press(tutor, f"{preview}/send", page=preview).status_code == 302
    return people.tutor, None


def _download(path, who="participant"):
    def scene(db, people, client, app):
        user = getattr(people, who)
        response = app.test_client(user=user).get(path.format(cohort=people.cohort.id))
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]
        return user, None

    return scene


def _account_deleted(db, people, client, app):
    gone = SimpleNamespace(id=people.fellow.id)
    browser = app.test_client(user=people.fellow)
    assert submit(browser, "/account/delete", {"password": TEST_PASSWORD}).status_code == 302
    return gone, None


def _data_purged(db, people, client, app):
    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    return None, None


def _content_synced(db, people, client, app):
    result = app.test_cli_runner().invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    return None, None


def _edit_form(item, **overrides):
    capability = item.capabilities[0].slug
    values = {"title": item.title, "summary": item.summary, "minutes": "20"}
    values |= {"capabilities": [capability], "body": "Edited.", "based_on": "0"}
    return values | overrides


def _content_edited(db, people, client, app):
    item = factories.make_content_item(db, slug="audited")
    db.commit()
    admin = app.test_client(user=people.admin)
    assert submit(admin, "/library/audited/edit", _edit_form(item)).status_code == 302
    return people.admin, None


def _content_restored(db, people, client, app):
    item = factories.make_content_item(db, slug="audited")
    db.commit()
    admin = app.test_client(user=people.admin)
    editing.save_item(
        db, people.admin, item, editing.ItemChanges("T", "S", 5, [item.capabilities[0].slug], "B"),
        0, utcnow(),
    )  # fmt: skip
    db.commit()
    response = submit(admin, "/library/audited/versions/1/restore", {"based_on": "2"})
    assert response.status_code == 302
    return people.admin, None


def _mail_retried(db, people, client, app):
    mail = queue.add(db, kind=queue.MESSAGE, recipient="x@example.org", now=utcnow())
    mail.failed_at, mail.next_attempt_at = utcnow(), None
    db.commit()
    admin = app.test_client(user=people.admin)
    assert submit(admin, f"/mail/{mail.id}/retry", {}).status_code == 302
    return people.admin, None


def _colleagues_asked(db, people, client, app):
    framework = factories.make_framework(db)
    db.commit()
    closes = (utcnow().astimezone(UK) + timedelta(days=10)).date()
    data = {
        "cohort": str(people.cohort.id),
        "capabilities": [str(framework.listening.id)],
        "closes_on-day": str(closes.day),
        "closes_on-month": str(closes.month),
        "closes_on-year": str(closes.year),
    }
    for n in (1, 2, 3):
        data[f"email_{n}"], data[f"relation_{n}"] = f"colleague{n}@example.org", "peer"
    participant = app.test_client(user=people.participant)
    assert submit(participant, "/colleague-feedback/new", data).status_code == 302
    return people.participant, None


def _feedback_report_shared(db, people, client, app):
    from tests.colleague_feedback.helpers import make_round

    framework = factories.make_framework(db)
    feedback_round = make_round(db, people.participant, people.cohort, [framework.listening])
    db.commit()
    participant = app.test_client(user=people.participant)
    page = "/colleague-feedback"
    path = f"/colleague-feedback/{feedback_round.id}/sharing"
    assert press(participant, path, {"share": "yes"}, page=page).status_code == 302
    return people.participant, None


def _certificate_issued(db, people, client, app):
    starts = utcnow() - timedelta(days=3)
    meeting = factories.make_meeting(
        db, people.cohort, starts_at=starts, ends_at=starts + timedelta(hours=2), status="published"
    )
    factories.make_attendance(db, meeting, people.participant, present=True)
    db.commit()
    day = starts.astimezone(UK).date()
    data = {"period": "dates"}
    for field, when in (("date_from", day), ("date_to", day)):
        data |= {f"{field}-day": str(when.day), f"{field}-month": str(when.month)}
        data[f"{field}-year"] = str(when.year)
    participant = app.test_client(user=people.participant)
    assert submit(participant, "/certificates/new", data).status_code == 302
    return people.participant, None


def _certificate_revoked(db, people, client, app):
    from tests.certificates import make_certificate

    certificate = make_certificate(db, people.participant, people.cohort)
    db.commit()
    participant = app.test_client(user=people.participant)
    path = f"/certificates/{certificate.id}/withdraw"
    assert press(participant, path, page=path).status_code == 302
    return people.participant, None


def _single_sign_on_on(app):
    app.config.update(
        SSO_ISSUER="https://id.example.test",
        SSO_CLIENT_ID="learnset-tests",
        SSO_CLIENT_SECRET="not-a-real-secret",
        SSO_ALLOWED_DOMAINS="nhs.net",
    )


def _sso_domain_required(db, people, client, app):
    _single_sign_on_on(app)
    admin = app.test_client(user=people.admin)
    assert submit(admin, "/people/single-sign-on", {"domain": "nhs.net"}).status_code == 302
    return people.admin, None


def _sso_domain_released(db, people, client, app):
    from learnset.accounts import required_domains

    _single_sign_on_on(app)
    allowed = frozenset({"nhs.net"})
    row = required_domains.add(
        db, people.admin, "nhs.net", allowed=allowed, fixed=frozenset(), now=utcnow()
    )
    db.commit()
    admin = app.test_client(user=people.admin)
    path = f"/people/single-sign-on/{row.id}/remove"
    assert submit(admin, path, {}).status_code == 302
    return people.admin, None


SCENES = {
    AuditKind.SIGNED_IN: _signed_in,
    AuditKind.SIGN_IN_FAILED: _sign_in_failed,
    AuditKind.SIGN_IN_PAUSED: _sign_in_paused,
    AuditKind.PASSWORD_CHANGED: _password_changed,
    AuditKind.PASSWORD_RESET: _password_reset,
    AuditKind.EMAIL_CHANGED: _email_changed,
    AuditKind.ADMIN_GRANTED: _person_change("make-admin"),
    AuditKind.ADMIN_REMOVED: _person_change("remove-admin"),
    AuditKind.ACCOUNT_DEACTIVATED: _person_change("deactivate"),
    AuditKind.ACCOUNT_REACTIVATED: _person_change("reactivate"),
    AuditKind.SIGNED_OUT_EVERYWHERE: _person_change("sign-out"),
    AuditKind.TUTOR_ASSIGNED: _tutor_assigned,
    AuditKind.MEMBER_REMOVED: _member_removed,
    AuditKind.INVITATION_SENT: _invitation_sent,
    AuditKind.INVITATION_RESENT: _invitation_resent,
    AuditKind.INVITATION_WITHDRAWN: _invitation_withdrawn,
    AuditKind.INVITATION_ACCEPTED: _invitation_accepted,
    AuditKind.INVITATIONS_IMPORTED: _invitations_imported,
    AuditKind.DATA_DOWNLOADED: _download("/account/your-data.json"),
    AuditKind.LOG_DOWNLOADED: _download("/reflections/export.zip"),
    AuditKind.DASHBOARD_DOWNLOADED: _download("/cohorts/{cohort}/dashboard.csv", who="tutor"),
    AuditKind.AUDIT_EXPORTED: _download("/audit.csv", who="admin"),
    AuditKind.ACCOUNT_DELETED: _account_deleted,
    AuditKind.DATA_PURGED: _data_purged,
    AuditKind.CONTENT_SYNCED: _content_synced,
    AuditKind.CONTENT_EDITED: _content_edited,
    AuditKind.CONTENT_RESTORED: _content_restored,
    AuditKind.MAIL_RETRIED: _mail_retried,
    AuditKind.COLLEAGUES_ASKED: _colleagues_asked,
    AuditKind.FEEDBACK_REPORT_SHARED: _feedback_report_shared,
    AuditKind.CERTIFICATE_ISSUED: _certificate_issued,
    AuditKind.CERTIFICATE_REVOKED: _certificate_revoked,
    AuditKind.SSO_DOMAIN_REQUIRED: _sso_domain_required,
    AuditKind.SSO_DOMAIN_RELEASED: _sso_domain_released,
    **TWO_FACTOR_SCENES,
}


def test_every_kind_of_event_has_a_scene():
    assert set(SCENES) == set(AuditKind)


@pytest.mark.parametrize("kind", list(SCENES), ids=[kind.value for kind in SCENES])
def test_each_event_is_recorded_by_its_real_action(kind, app, db, people, client, content):
    app.config["CONTENT_DIR"] = str(content)
    actor, subject = SCENES[kind](db, people, client, app)
    [event] = audit_events(db, kind)
    assert event.actor_id == (actor.id if actor else None)
    assert event.subject_id == (subject.id if subject else None)
    assert event.at > utcnow() - timedelta(minutes=1)
    # Requests name their client by a digest; commands run by an operator have none.
    if kind not in (AuditKind.DATA_PURGED, AuditKind.CONTENT_SYNCED):
        assert len(event.client) == 16 and "127.0.0.1" not in event.client


def test_a_failed_sign_in_never_records_the_address_or_password_typed(db, people, client):
    sign_in(client, people.participant, password="hunter2 typed wrongly")
    sign_in(client, people.participant, password=people.participant.email)
    for event in audit_events(db):
        assert "hunter2" not in event.detail
        assert people.participant.email not in event.detail


def test_an_event_stands_or_falls_with_its_action(app, db, people):
    """A refused change (an admin removing their own rights) records nothing."""
    admin = app.test_client(user=people.admin)
    path = f"/people/{people.admin.id}/remove-admin"
    press(admin, path, page=f"/people/{people.admin.id}")
    assert audit_events(db, AuditKind.ADMIN_REMOVED) == []


def test_the_log_never_holds_reflection_text(app, db, people, client):
    """A participant writes, shares, downloads and deletes: not a word reaches the log."""
    words = "Confidential musings about the stroke pathway redesign"
    factories.make_reflection(db, people.participant, title=words)
    db.commit()
    browser = app.test_client(user=people.participant)
    browser.get("/account/your-data.json")
    browser.get("/reflections/export.zip")
    sign_in(client, people.participant, password=words)
    submit(app.test_client(user=people.participant), "/account/delete", {"password": TEST_PASSWORD})
    events = audit_events(db)
    assert len(events) >= 4
    for event in events:
        for column in ("kind", "detail", "client"):
            assert "stroke pathway" not in getattr(event, column)


# --- Reading it --------------------------------------------------------------------------------


def _someaudit_events(db, people):
    now = utcnow()
    audit.record(
        db, AuditKind.SIGNED_IN, actor_id=people.participant.id, now=now - timedelta(days=3)
    )
    audit.record(
        db,
        AuditKind.ADMIN_GRANTED,
        actor_id=people.admin.id,
        subject_id=people.tutor.id,
        now=now - timedelta(days=2),
    )
    audit.record(
        db,
        AuditKind.SIGN_IN_FAILED,
        actor_id=None,
        subject_id=people.fellow.id,
        detail="=HYPERLINK(x)",
        now=now - timedelta(days=1),
    )
    db.commit()


def test_admins_read_the_log_newest_first_with_names(login, db, people):
    _someaudit_events(db, people)
    html = html_of(login(people.admin).get("/audit"))
    [header, *rows] = tables(html)["Audit events, newest first"]
    assert header == ["When", "Event", "Who", "Concerning", "Detail"]
    assert [row[1:4] for row in rows] == [
        ["Sign-in failed", "Nobody signed in", "Fay Fellow"],
        ["Made a programme admin", "Ada Admin", "Tess Tutor"],
        ["Signed in", "Pat Participant", "Nobody else"],
    ]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("kind=signed-in", ["Signed in"]),
        ("person=tess", ["Made a programme admin"]),
        ("person={admin}", ["Made a programme admin"]),
        (
            "date_from-day={d2.day}&date_from-month={d2.month}&date_from-year={d2.year}",
            ["Sign-in failed", "Made a programme admin"],
        ),
        ("date_to-day={d3.day}&date_to-month={d3.month}&date_to-year={d3.year}", ["Signed in"]),
    ],
)
def test_admins_filter_by_kind_person_and_date(login, db, people, query, expected):
    _someaudit_events(db, people)
    today = utcnow().astimezone(UK).date()
    url = "/audit?" + query.format(
        admin=people.admin.id, d2=today - timedelta(days=2), d3=today - timedelta(days=3)
    )
    [_header, *rows] = tables(html_of(login(people.admin).get(url)))["Audit events, newest first"]
    assert [row[1] for row in rows] == expected


def test_a_filter_with_mistakes_says_so_beside_the_field(login, db, people):
    browser = login(people.admin)
    response = browser.get("/audit?date_from-day=31&date_from-month=2&date_from-year=2026")
    html = text_of(response, 422)
    assert "<title>Error: Audit log" in html
    assert "From must be a real date" in html
    response = browser.get(
        "/audit?date_from-day=2&date_from-month=2&date_from-year=2026"
        "&date_to-day=1&date_to-month=2&date_to-year=2026"
    )
    assert "The end date must be the same as or after the start date" in text_of(response, 422)
    assert browser.get("/audit?kind=no-such-kind").status_code == 422
    assert browser.get("/audit?person=" + "x" * 300).status_code == 422
    # "²" is a digit to str.isdigit() but not to int(): a name to look for, not an account number.
    for path in ("/audit?person=²", "/audit.csv?person=²", "/audit?person=٣"):
        assert browser.get(path).status_code == 200


def test_the_log_is_paged_at_a_fixed_number_of_queries(login, db, people, count_queries):
    def fill_to(total: int) -> None:
        for _ in range(total - len(audit_events(db))):
            audit.record(db, AuditKind.SIGNED_IN, actor_id=people.participant.id)

    browser = login(people.admin)
    counts = queries_per_page(browser, "/audit", count_queries, db, fill_to, (3, 60))
    assert counts[0] == counts[1]


def test_the_export_holds_what_the_filter_shows_and_is_itself_recorded(login, db, people):
    _someaudit_events(db, people)
    response = login(people.admin).get("/audit.csv?kind=sign-in-failed")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["When (UTC)", "Event", "Event code", "Account"]
    [row] = rows[1:]
    assert row[1:8] == [
        "Sign-in failed",
        "sign-in-failed",
        "",
        "",
        str(people.fellow.id),
        "Fay Fellow",
        "'=HYPERLINK(x)",
    ]
    [exported] = audit_events(db, AuditKind.AUDIT_EXPORTED)
    assert exported.actor_id == people.admin.id and exported.detail == "Filtered"


@pytest.mark.parametrize("role", ["participant", "tutor", "other_tutor"])
def test_nobody_but_admins_reads_or_exports_the_log(login, db, people, role):
    _someaudit_events(db, people)
    browser = login(people.by_role(role))
    assert browser.get("/audit").status_code == 403
    assert browser.get("/audit.csv").status_code == 403
    assert audit_events(db, AuditKind.AUDIT_EXPORTED) == []


def test_a_deleted_account_is_named_by_its_number(login, db, people):
    audit.record(db, AuditKind.SIGNED_IN, actor_id=987654)
    db.commit()
    html = text_of(login(people.admin).get("/audit"))
    assert "Account 987654 (deleted)" in html


def test_purge_keeps_the_log_for_audit_retention_days(app, db, people):
    app.config["AUDIT_RETENTION_DAYS"] = 10
    now = utcnow()
    audit.record(db, AuditKind.SIGNED_IN, actor_id=1, now=now - timedelta(days=11))
    audit.record(db, AuditKind.SIGNED_IN, actor_id=2, now=now - timedelta(days=9))
    db.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0
    left = [event.actor_id for event in audit_events(db, AuditKind.SIGNED_IN)]
    assert left == [2]
    [purged] = audit_events(db, AuditKind.DATA_PURGED)
    assert purged.detail.startswith("1 item")
    assert count_rows(db, AuditEvent) == 2
