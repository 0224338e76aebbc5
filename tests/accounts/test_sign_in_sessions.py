"""Sign-in sessions kept on the server (issue 12, item 9): each sign-in is a new row the server
can end; idle and absolute timeouts; and every way a session ends: signing out, a password
change or reset, deactivation, account deletion. Time moves by moving the rows back, never by
mocking the clock. The account page's list is in test_active_sessions.py; an admin's "sign out
everywhere" in tests/people/test_sign_out_everywhere.py."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from learnset.accounts import security, sign_ins
from learnset.accounts.models import SignInSession, User
from learnset.accounts.sign_ins import Ended
from learnset.authz.roles import cohort_roles
from learnset.db import utcnow
from learnset.logs import OncePerMinute
from learnset.reflections.models import ReflectionRescue
from learnset.reflections.rescue import SESSION_KEY
from learnset.tokens import hash_token
from tests import factories
from tests.accounts.helpers import (
    CHROME_ON_WINDOWS,
    SAFARI_ON_IPHONE,
    cookie_of,
    move_back,
    sessions_of,
    sign_in_from,
)
from tests.helpers import (
    TEST_PASSWORD,
    csrf_from,
    editor_fields,
    editor_tokens,
    link_in,
    new_editor,
    sent_to_sign_in_with,
    sign_out,
    signed_in,
    submit,
)

IDLE_MESSAGE = "You were signed out because you had not used Learnset for 30 minutes"
NEW_PASSWORD = "a new long passphrase"


# --- Signing in starts a new session ---------------------------------------------------------


def test_each_sign_in_starts_a_new_session_with_a_new_secret(client, db, people):
    sign_in_from(client, people.participant)
    first = cookie_of(client)["_user_id"]
    sign_out(client)
    sign_in_from(client, people.participant)
    second = cookie_of(client)["_user_id"]
    assert first != second
    [old, new] = sessions_of(db, people.participant)
    assert old.ended_reason == Ended.SIGNED_OUT
    assert new.ended_at is None
    # Only a hash of the secret is stored, and the cookie never names the user's id.
    assert new.secret_hash == hash_token(second)
    assert second not in {old.secret_hash, new.secret_hash}
    assert not second.startswith(f"{people.participant.id}.")


def test_signing_in_replaces_the_cookie_but_keeps_the_key_to_kept_text(client, db, people):
    """Session fixation: a cookie planted before signing in carries nothing into the signed-in
    session (its CSRF secret included), except the key to text kept after an expired sign-in."""
    with client.session_transaction() as cookie:
        cookie["planted"] = "by someone else"
        cookie[SESSION_KEY] = "k" * 43
    client.get("/sign-in")
    before = cookie_of(client)
    sign_in_from(client, people.participant)
    after = cookie_of(client)
    assert "planted" not in after
    assert after[SESSION_KEY] == "k" * 43
    assert "csrf_token" not in after
    csrf_from(client, "/account")
    assert cookie_of(client)["csrf_token"] != before["csrf_token"]


def test_a_session_records_the_device_and_only_the_network(client, db, people):
    sign_in_from(client, people.participant, ip="203.0.113.77", agent=SAFARI_ON_IPHONE)
    [row] = sessions_of(db, people.participant)
    assert row.device == "Safari on iPhone"
    assert row.network == "203.0.113.0/24"
    assert row.expires_at - row.created_at == timedelta(hours=12)


def test_an_unknown_or_old_style_cookie_signs_nobody_in(client, people):
    for value in (f"{people.participant.id}.old-session-token", "", "x" * 500):
        with client.session_transaction() as cookie:
            cookie["_user_id"] = value
        response = client.get("/account")
        assert response.status_code == 302
        assert response.location.startswith("/sign-in")


def test_the_cookie_is_checked_with_the_keys_in_force(app, client, people):
    # The cookie's serializer is built once (security.SignedCookies): a key rotated in must
    # be the one that counts, the old key only while it is a fallback.
    sign_in_from(client, people.participant)
    old_key = app.secret_key
    app.config["SECRET_KEY"] = "a newer secret key for the cookie"
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert signed_in(client)
    app.config["SECRET_KEY"] = "a key that signed none of this browser's cookies"
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert not signed_in(client)


def test_users_compare_by_account_whichever_session_loaded_them(db, people):
    again = db.get(User, people.participant.id)
    from_elsewhere = User(id=people.participant.id, email="x@example.org", name="X")
    assert again == people.participant == from_elsewhere
    assert people.participant != people.fellow
    assert people.participant in (people.fellow, from_elsewhere)
    assert User(email="a@example.org", name="A") != User(email="a@example.org", name="A")


# --- Idle timeout and absolute lifetime ------------------------------------------------------


def test_idle_session_is_sent_to_sign_in_with_a_message(login, db, people):
    browser = login(people.participant)
    assert signed_in(browser)
    move_back(db, browser.sign_in_id, last_seen_at=timedelta(minutes=31))
    sent_to_sign_in_with(browser, IDLE_MESSAGE)
    # Once told, the browser is simply signed out.
    assert browser.get("/account").status_code == 302


def test_idle_expiry_drops_only_the_login_from_the_cookie(login, db, people):
    """The CSRF secret and the key to kept text stay, so text typed after the sign-in ran out
    can still be kept (reflections.rescue relies on this)."""
    browser = login(people.participant)
    csrf_from(browser, "/account")
    with browser.session_transaction() as cookie:
        cookie[SESSION_KEY] = "r" * 43
    before = cookie_of(browser)
    move_back(db, browser.sign_in_id, last_seen_at=timedelta(minutes=31))
    browser.get("/account")
    after = cookie_of(browser)
    assert "_user_id" not in after
    assert after["csrf_token"] == before["csrf_token"]
    assert after[SESSION_KEY] == "r" * 43


def test_text_typed_after_an_idle_timeout_is_kept_and_restored(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    tokens = editor_tokens(browser, path)
    move_back(db, browser.sign_in_id, last_seen_at=timedelta(minutes=45))
    fields = editor_fields(people.cohort, title="Typed as the sign-in went idle")
    response = browser.post(path, data={**fields, **tokens})
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")
    assert db.scalar(select(func.count()).select_from(ReflectionRescue)) == 1
    page = browser.get(response.location).get_data(as_text=True)
    assert IDLE_MESSAGE in page
    submit(
        browser,
        f"/sign-in?next={path}",
        {"email": people.participant.email, "password": TEST_PASSWORD},
    )
    # Offered beside the editor, for the writer to choose.
    page = browser.get(path).get_data(as_text=True)
    assert "Text you typed before you were signed out" in page
    assert "Typed as the sign-in went idle" in page


def test_idle_timeout_follows_the_setting(app, login, db, people):
    app.config["SESSION_IDLE_MINUTES"] = 5
    still_in, idle = login(people.participant), login(people.participant)
    move_back(db, still_in.sign_in_id, last_seen_at=timedelta(minutes=4))
    move_back(db, idle.sign_in_id, last_seen_at=timedelta(minutes=6))
    assert signed_in(still_in)
    sent_to_sign_in_with(idle, "had not used Learnset for 5 minutes")


def test_use_keeps_a_session_alive_and_is_written_at_most_once_a_minute(
    login, db, people, count_queries
):
    browser = login(people.participant)
    move_back(db, browser.sign_in_id, last_seen_at=timedelta(minutes=20))
    with count_queries() as statements:
        assert signed_in(browser)
    assert sum(s.lstrip().upper().startswith("UPDATE") for s in statements) == 1
    db.expire_all()
    seen = db.get(SignInSession, browser.sign_in_id).last_seen_at
    assert utcnow() - seen < timedelta(seconds=30)
    # Within the minute, pages (GET) write nothing at all.
    with count_queries() as statements:
        assert signed_in(browser)
        assert browser.get("/").status_code == 200
    assert not any(s.lstrip().upper().startswith(("UPDATE", "INSERT")) for s in statements)
    # Twenty more minutes after that use, the session is still live: the clock restarted.
    move_back(db, browser.sign_in_id, last_seen_at=timedelta(minutes=20))
    assert signed_in(browser)


def test_a_failed_touch_does_not_break_the_page(login, db, people, monkeypatch, caplog):
    def _locked(*_args, **_kwargs):
        raise OperationalError("UPDATE sign_in_sessions", {}, Exception("database is locked"))

    browser = login(people.participant)
    move_back(db, browser.sign_in_id, last_seen_at=timedelta(minutes=5))
    monkeypatch.setattr(sign_ins, "touch", _locked)
    monkeypatch.setattr(security, "_untouched", OncePerMinute())
    with caplog.at_level(logging.WARNING, logger="learnset.accounts.security"):
        response = browser.get("/account")
        assert response.status_code == 200
        assert "<h1>Your account</h1>" in response.get_data(as_text=True)
        assert "was not recorded (OperationalError)" in caplog.text
        # Said once a minute, not once a request: the next two go uncounted until then.
        caplog.clear()
        for _ in range(2):
            assert browser.get("/account").status_code == 200
        assert "was not recorded" not in caplog.text
        # A minute later (the limiter's clock moved back rather than time forward).
        security._untouched.said_at["sign-in touch"] -= 61
        assert browser.get("/account").status_code == 200
    assert "2 more since the last line like this" in caplog.text


def test_absolute_lifetime_ends_a_session_in_use(login, db, people):
    browser = login(people.participant)
    # Signed in 12 hours ago and used a minute ago: the lifetime ends it regardless.
    move_back(
        db,
        browser.sign_in_id,
        created_at=timedelta(hours=12, minutes=1),
        expires_at=timedelta(hours=12, minutes=1),
    )
    sent_to_sign_in_with(browser, "because you signed in more than 12 hours ago")


def test_lifetime_follows_the_setting(app, client, db, people):
    app.config["SESSION_LIFETIME_HOURS"] = 2
    sign_in_from(client, people.participant)
    [row] = sessions_of(db, people.participant)
    assert row.expires_at - row.created_at == timedelta(hours=2)


def test_service_says_why_a_session_is_over(db, people):
    now = utcnow()
    idle = timedelta(minutes=30)
    started = sign_ins.start(
        db, people.participant, now, lifetime=timedelta(hours=12), user_agent="", ip=None
    )
    secret, row = started.secret, started.sign_in
    assert sign_ins.check(db, secret, now + timedelta(minutes=29), idle).user is not None
    assert sign_ins.check(db, secret, now + timedelta(minutes=30), idle).ended == Ended.IDLE
    row.last_seen_at = now + timedelta(hours=11, minutes=50)
    assert sign_ins.check(db, secret, now + timedelta(hours=12), idle).ended == Ended.EXPIRED
    people.participant.is_active = False
    assert sign_ins.check(db, secret, now, idle).ended == Ended.DEACTIVATED
    sign_ins.end(db, row, Ended.BY_ADMIN, now)
    assert sign_ins.check(db, secret, now, idle).ended == Ended.BY_ADMIN
    assert sign_ins.check(db, "no such secret", now, idle) == sign_ins.Check(None, None, None)


def test_check_loads_every_membership_in_its_one_statement(db, people, count_queries):
    factories.make_member(db, people.other_cohort, "participant", user=people.tutor)
    now, idle, lifetime = utcnow(), timedelta(minutes=30), timedelta(hours=12)
    tutor = sign_ins.start(db, people.tutor, now, lifetime=lifetime, user_agent="", ip=None)
    admin = sign_ins.start(db, people.admin, now, lifetime=lifetime, user_agent="", ip=None)
    db.commit()
    db.expunge_all()  # as a request's own session finds them
    with count_queries() as statements:
        found = sign_ins.check(db, tutor.secret, now, idle).user
        assert found is not None
        assert cohort_roles(found) == {
            people.cohort.id: "tutor",
            people.other_cohort.id: "participant",
        }
        nobody = sign_ins.check(db, admin.secret, now, idle).user
        assert nobody is not None and nobody.memberships == []
    assert len(statements) == 2


def test_signing_out_ends_the_session_so_a_copied_cookie_is_worthless(client, db, people):
    sign_in_from(client, people.participant)
    stolen = cookie_of(client)["_user_id"]
    sign_out(client)
    with client.session_transaction() as cookie:
        cookie["_user_id"] = stolen
    assert client.get("/account").status_code == 302
    [row] = sessions_of(db, people.participant)
    assert row.ended_reason == Ended.SIGNED_OUT


# --- Everything else that ends sessions ------------------------------------------------------


def test_password_change_ends_other_sessions_but_not_this_one(login, db, people):
    here, other = login(people.participant), login(people.participant)
    response = submit(
        here,
        "/account/password",
        {"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(here)
    sent_to_sign_in_with(other, "because your password was changed")
    assert db.get(SignInSession, here.sign_in_id).ended_at is None
    assert db.get(SignInSession, other.sign_in_id).ended_reason == Ended.PASSWORD_CHANGED


def test_password_reset_ends_every_session(client, login, db, outbox, people):
    elsewhere = [login(people.participant) for _ in range(2)]
    submit(client, "/forgot-password", {"email": people.participant.email})
    link = link_in(outbox()[0])
    response = submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    for browser in elsewhere:
        sent_to_sign_in_with(browser, "because your password was changed")
    # The browser that reset the password is signed in with a session of its own.
    assert signed_in(client)
    live = sign_ins.live_for(db, people.participant, utcnow(), timedelta(minutes=30))
    assert len(live) == 1
    assert live[0].id not in {browser.sign_in_id for browser in elsewhere}


def test_deactivation_ends_every_session(login, db, people):
    browsers = [login(people.participant) for _ in range(2)]
    admin = login(people.admin)
    response = submit(admin, f"/people/{people.participant.id}/deactivate", {})
    assert response.status_code == 302
    for browser in browsers:
        assert browser.get("/account").status_code == 302
        assert db.get(SignInSession, browser.sign_in_id).ended_reason == Ended.DEACTIVATED
    # Reactivating does not bring the old sessions back.
    submit(admin, f"/people/{people.participant.id}/reactivate", {})
    assert all(browser.get("/account").status_code == 302 for browser in browsers)


def test_deleting_the_account_ends_every_session(login, db, people):
    user_id = people.participant.id
    here, other = login(people.participant), login(people.participant)
    response = submit(here, "/account/delete", {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert other.get("/account").status_code == 302
    assert (
        db.scalar(
            select(func.count()).select_from(SignInSession).where(SignInSession.user_id == user_id)
        )
        == 0
    )


def test_download_lists_sign_ins_without_their_secrets(login, db, people):
    browser = login(people.participant)
    row = db.get(SignInSession, browser.sign_in_id)
    document = browser.get("/account/your-data.json").get_json()
    [listed] = document["account"]["sign_in_sessions"]
    assert listed["device"] == "Chrome on Windows"
    assert listed["network"] == "192.0.2.0/24"
    raw = browser.get("/account/your-data.json").get_data(as_text=True)
    assert row.secret_hash not in raw
    assert cookie_of(browser)["_user_id"] not in raw


# --- What is kept about a device ---------------------------------------------------------------


def test_devices_are_summarised_not_kept_whole():
    cases = {
        CHROME_ON_WINDOWS: "Chrome on Windows",
        SAFARI_ON_IPHONE: "Safari on iPhone",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0": (
            "Firefox on Mac"
        ),
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0": "Edge on Windows",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36": "Chrome on Android",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 Chrome/131.0.0.0": (
            "Chrome on ChromeOS"
        ),
        "curl/8.5.0": "Unknown browser",
        "": "Unknown browser",
    }
    for header, summary in cases.items():
        assert sign_ins.describe_device(header) == summary, header
    assert len(sign_ins.describe_device("Firefox/1 " + "x" * 5000)) <= 60


def test_only_the_network_is_kept_never_the_address():
    assert sign_ins.network_of("198.51.100.23") == "198.51.100.0/24"
    assert sign_ins.network_of("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert sign_ins.network_of("::ffff:198.51.100.23") == "198.51.100.0/24"
    assert sign_ins.network_of("fe80::1%eth0") == "fe80::/48"
    assert sign_ins.network_of("not an address") == "Unknown"
    assert sign_ins.network_of(None) == "Unknown"


# --- Retention ---------------------------------------------------------------------------------


def test_purge_deletes_sessions_30_days_after_they_ended(db, people):
    now = utcnow()
    idle = timedelta(minutes=30)
    day = timedelta(days=1)

    def _session(**values):
        row = sign_ins.start(
            db, people.participant, now, lifetime=timedelta(hours=12), user_agent="", ip=None
        ).sign_in
        for column, value in values.items():
            setattr(row, column, value)
        db.flush()
        return row.id

    live = _session()
    ended_recently = _session(ended_at=now - 29 * day, ended_reason=Ended.SIGNED_OUT)
    ended_long_ago = _session(ended_at=now - 31 * day, ended_reason=Ended.SIGNED_OUT)
    expired_long_ago = _session(created_at=now - 32 * day, expires_at=now - 31 * day)
    idle_long_ago = _session(last_seen_at=now - 31 * day)
    idle_recently = _session(last_seen_at=now - 29 * day)
    assert sign_ins.purge(db, now, idle) == 3
    left = set(db.scalars(select(SignInSession.id)))
    assert left == {live, ended_recently, idle_recently}
    assert not left & {ended_long_ago, expired_long_ago, idle_long_ago}


def test_flask_purge_deletes_old_sign_in_sessions(app, db, people):
    row = sign_ins.start(
        db, people.participant, utcnow(), lifetime=timedelta(hours=12), user_agent="", ip=None
    ).sign_in
    row.ended_at, row.ended_reason = utcnow() - timedelta(days=40), Ended.SIGNED_OUT
    db.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "     1  Sign-in sessions" in result.output
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(SignInSession)) == 0
