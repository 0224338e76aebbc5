"""Failed sign-ins cannot be used to lock someone out (issue 12, item 7).

Failures count in the database, per (address typed, IP address) and per IP address, so every
server shares them; someone guessing from one place pauses only that place; the owner elsewhere
signs in as usual, a reset link works even from the paused place, and a reset forgets the
account's failures. Time moves by moving rows back, never by mocking the clock."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from learnset import create_app
from learnset.accounts import lockout, two_factor
from learnset.accounts.models import SignInFailure
from learnset.db import utcnow
from learnset.mail.models import OutgoingMail
from tests.accounts.two_factor_helpers import give_app
from tests.apps import bind_app, make_test_config
from tests.helpers import TEST_PASSWORD, count_rows, link_in, submit, text_of

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.23"
PAUSED = "Signing in is paused"
NEW_PASSWORD = "lantern river otter"


def _attempt(client, email, password, ip, **headers):
    client.environ_base["REMOTE_ADDR"] = ip
    return submit(client, "/sign-in", {"email": email, "password": password}, headers=headers)


def _fail(client, email, ip, times, **headers):
    return [
        _attempt(client, email, "wrong password", ip, **headers).status_code for _ in range(times)
    ]


def _failures(db):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(SignInFailure))


def _limits(app, per_account=None, per_ip=None):
    if per_account is not None:
        app.config["SIGN_IN_MAX_FAILURES"] = per_account
    if per_ip is not None:
        app.config["SIGN_IN_MAX_FAILURES_PER_IP"] = per_ip


def test_defaults_are_10_per_address_and_ip_and_50_per_ip_in_15_minutes(app):
    assert app.config["SIGN_IN_MAX_FAILURES"] == 10
    assert app.config["SIGN_IN_MAX_FAILURES_PER_IP"] == 50
    assert app.config["SIGN_IN_FAILURE_WINDOW_MINUTES"] == 15


def test_failures_from_one_ip_do_not_lock_the_owner_out_on_another(app, client, people):
    email = people.participant.email
    assert _fail(client, email, ATTACKER, 10) == [422] * 10
    # The guesser is paused, even with the right password, which is not checked.
    assert _attempt(client, email, TEST_PASSWORD, ATTACKER).status_code == 429
    # The owner, somewhere else, signs in as usual.
    assert _attempt(app.test_client(), email, TEST_PASSWORD, OWNER).status_code == 302


def test_the_pause_says_what_happened_when_to_retry_and_that_reset_works(app, client, people):
    _limits(app, per_account=2)
    _fail(client, people.participant.email, ATTACKER, 2)
    response = _attempt(client, people.participant.email, TEST_PASSWORD, ATTACKER)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert PAUSED in page
    assert f"too many failed attempts to sign in as {people.participant.email}" in page
    assert "Your password was not checked" in page
    assert "Try again after " in page
    assert 'href="/forgot-password">reset your password</a>' in page
    assert "Signing in from another internet connection is not affected" in page
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60 + 60


def test_unknown_addresses_are_paused_exactly_like_known_ones(app, client, people):
    """The pause must not reveal which addresses have accounts."""
    _limits(app, per_account=3)
    known = _fail(client, people.participant.email, ATTACKER, 4)
    unknown = _fail(client, "nobody@example.org", ATTACKER, 4)
    assert known == unknown == [422, 422, 422, 429]


def test_per_ip_limit_counts_every_address_tried_from_one_ip(app, client, people):
    _limits(app, per_ip=4)
    emails = [people.participant.email, people.fellow.email, people.tutor.email, "x@example.org"]
    statuses = [_fail(client, email, ATTACKER, 1)[0] for email in emails]
    assert statuses == [422] * 4
    response = _attempt(client, people.admin.email, TEST_PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "too many failed attempts to sign in from your internet connection" in (
        response.get_data(as_text=True)
    )
    # Everyone elsewhere is unaffected.
    assert _attempt(app.test_client(), people.admin.email, TEST_PASSWORD, OWNER).status_code == 302


def test_ipv6_clients_count_by_their_64_network(app, client, people):
    _limits(app, per_account=3)
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"):
        assert _fail(client, people.participant.email, host, 1) == [422]
    assert (
        _attempt(client, people.participant.email, TEST_PASSWORD, "2001:db8:1:2::9").status_code
        == 429
    )
    assert (
        _attempt(client, people.participant.email, TEST_PASSWORD, "2001:db8:1:3::1").status_code
        == 302
    )
    assert lockout.client_of("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert lockout.client_of("::ffff:203.0.113.66") == ATTACKER


def test_failures_are_shared_between_two_app_instances(
    app, client, db, people, database_url, connection, tmp_path
):
    """Two servers on one database: failures counted by one pause sign-in on the other. Nothing
    is kept in either process's memory (each app has its own limiter storage)."""
    other_server = bind_app(
        create_app(make_test_config(database_url, tmp_path / "second")), connection
    )
    for server in (app, other_server):
        server.config["SIGN_IN_MAX_FAILURES"] = 4
    email = people.participant.email
    assert _fail(client, email, ATTACKER, 2) == [422, 422]
    assert _fail(other_server.test_client(), email, ATTACKER, 2) == [422, 422]
    assert _attempt(client, email, TEST_PASSWORD, ATTACKER).status_code == 429
    assert _attempt(other_server.test_client(), email, TEST_PASSWORD, ATTACKER).status_code == 429
    assert _failures(db) == 4


def test_reset_link_works_while_paused_and_forgets_the_failures(app, client, db, outbox, people):
    _limits(app, per_account=3)
    email = people.participant.email
    _fail(app.test_client(), email, OWNER, 2)  # the owner's own typos, elsewhere
    assert _fail(client, email, ATTACKER, 4)[-1] == 429
    # Paused here, the owner asks for a link, follows it and chooses a new password.
    client.environ_base["REMOTE_ADDR"] = ATTACKER
    assert submit(client, "/forgot-password", {"email": email}).status_code == 200
    link = link_in(outbox()[0])
    response = submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    # Every failure with the address is forgotten, wherever it came from.
    assert _failures(db) == 0
    browser = app.test_client()
    assert _attempt(browser, email, NEW_PASSWORD, ATTACKER).status_code == 302


def test_a_successful_sign_in_forgets_that_ips_failures_with_the_address(app, people):
    _limits(app, per_account=3)
    browser = app.test_client()
    email = people.participant.email
    assert _fail(browser, email, OWNER, 2) == [422, 422]
    assert _attempt(browser, email, TEST_PASSWORD, OWNER).status_code == 302
    browser = app.test_client()
    assert _fail(browser, email, OWNER, 2) == [422, 422]
    assert _attempt(browser, email, TEST_PASSWORD, OWNER).status_code == 302


def test_failures_older_than_the_window_no_longer_count(app, client, db, people):
    _limits(app, per_account=3)
    email = people.participant.email
    _fail(client, email, ATTACKER, 3)
    assert _attempt(client, email, TEST_PASSWORD, ATTACKER).status_code == 429
    for row in db.scalars(select(SignInFailure)):
        row.failed_at -= timedelta(minutes=15)
    db.commit()
    assert _attempt(client, email, TEST_PASSWORD, ATTACKER).status_code == 302


def test_pause_lasts_until_the_oldest_counted_failure_leaves_the_window(db):
    now = utcnow().replace(second=0, microsecond=0)
    limits = lockout.Limits(per_account_and_client=3, per_client=50, window=timedelta(minutes=15))
    for minutes_ago in (14, 10, 5, 2):
        lockout.record_failure(
            db, "Pat@Example.org", ATTACKER, now - timedelta(minutes=minutes_ago)
        )
    paused = lockout.pause(db, "pat@example.org ", ATTACKER, now, limits)
    # Four failures, a limit of three: it ends when the one from 10 minutes ago leaves the
    # window, leaving two.
    assert paused == lockout.Pause(lockout.Scope.ACCOUNT, now + timedelta(minutes=5))
    assert lockout.pause(db, "pat@example.org", OWNER, now, limits) is None
    assert (
        lockout.pause(db, "pat@example.org", ATTACKER, now + timedelta(minutes=5), limits) is None
    )


def test_the_address_typed_is_kept_only_as_a_digest(app, client, db, people):
    _fail(client, people.participant.email, ATTACKER, 1)
    row = db.scalar(select(SignInFailure))
    assert people.participant.email not in (row.email_digest, row.client)
    assert row.client == ATTACKER


def test_per_ip_counting_uses_the_address_trusted_proxies_give(
    database_url, connection, tmp_path, people
):
    config = {**make_test_config(database_url, tmp_path), "TRUSTED_PROXIES": 1}
    behind_proxy = bind_app(create_app(config), connection)
    behind_proxy.config["SIGN_IN_MAX_FAILURES_PER_IP"] = 3
    browser = behind_proxy.test_client()
    proxy = "10.0.0.5"
    forwarded = {"X-Forwarded-For": ATTACKER}
    assert _fail(browser, "a@example.org", proxy, 3, **forwarded) == [422] * 3
    assert _attempt(browser, "b@example.org", "x", proxy, **forwarded).status_code == 429
    # Another client through the same proxy is not paused.
    owner = {"X-Forwarded-For": OWNER}
    assert (
        _attempt(browser, people.participant.email, TEST_PASSWORD, proxy, **owner).status_code
        == 302
    )


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_count(
    app, client, people
):
    _limits(app, per_ip=3)
    for n in range(3):
        _fail(client, "a@example.org", ATTACKER, 1, **{"X-Forwarded-For": f"192.0.2.{n}"})
    response = _attempt(client, "b@example.org", "x", ATTACKER, **{"X-Forwarded-For": "192.0.2.99"})
    assert response.status_code == 429


def test_concurrent_failures_are_all_counted(engine):
    """One inserted row per failure: failures recorded at the same moment from many workers
    are never lost, as a read-then-write counter would lose them."""
    email, threads, each = "concurrent@example.org", 6, 5
    limits = lockout.Limits(
        per_account_and_client=threads * each, per_client=10**6, window=timedelta(minutes=15)
    )
    start = threading.Barrier(threads)
    problems: list[BaseException] = []

    def _worker() -> None:
        try:
            start.wait()
            for _ in range(each):
                with Session(engine) as session:
                    lockout.record_failure(session, email, ATTACKER, utcnow())
                    session.commit()
        except BaseException as error:
            problems.append(error)

    workers = [threading.Thread(target=_worker) for _ in range(threads)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert problems == []
        with Session(engine) as session:
            counted = session.scalar(
                select(func.count()).where(
                    SignInFailure.email_digest == lockout.email_digest(email)
                )
            )
            assert counted == threads * each
            assert lockout.pause(session, email, ATTACKER, utcnow(), limits) is not None
    finally:
        with Session(engine) as session:
            session.execute(
                delete(SignInFailure).where(
                    SignInFailure.email_digest == lockout.email_digest(email)
                )
            )
            session.commit()


def test_purge_deletes_failures_out_of_the_window(app, db):
    now = utcnow()
    window = timedelta(minutes=15)
    lockout.record_failure(db, "old@example.org", ATTACKER, now - timedelta(minutes=16))
    lockout.record_failure(db, "new@example.org", ATTACKER, now - timedelta(minutes=1))
    db.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "     1  Failed sign-ins" in result.output
    db.expire_all()
    assert db.scalar(select(SignInFailure.email_digest)) == lockout.email_digest("new@example.org")
    assert lockout.purge(db, now, window) == 0


# Each form that asks a signed-in person for their password again: its path, the field, and
# the rest of what it sends.
PASSWORD_TYPED_AGAIN = {
    "change password": (
        "/account/password",
        "current",
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    "change email": ("/account/email", "current", {"email": "pat.new@example.org"}),
    "delete account": ("/account/delete", "password", {}),
    "turn off two-factor": ("/account/two-factor/turn-off", "proof", {}),
}


@pytest.mark.parametrize("form", PASSWORD_TYPED_AGAIN)
def test_a_signed_in_browser_cannot_guess_the_password_at_leisure(form, app, db, login, people):
    """Wrong passwords typed again while signed in count as failed sign-ins with the address
    do: after the limit even the right one is not checked, and nothing changes."""
    path, field, rest = PASSWORD_TYPED_AGAIN[form]
    give_app(db, people.participant)
    _limits(app, per_account=3)
    browser = login(people.participant)
    browser.environ_base["REMOTE_ADDR"] = ATTACKER
    for guess in range(3):
        assert submit(browser, path, {**rest, field: f"guess {guess}"}).status_code == 422
    response = submit(browser, path, {**rest, field: TEST_PASSWORD})
    assert "passwords are not being checked until" in text_of(response, 422)
    assert _failures(db) == 3
    db.refresh(people.participant)
    assert two_factor.has_second_factor(db, people.participant), "still on, account still there"
    assert count_rows(db, OutgoingMail) == 0, "no link to a new address"
    # Counted against the address: signing in with it from that client is paused too.
    assert _fail(client := app.test_client(), people.participant.email, ATTACKER, 1) == [429]
    assert _attempt(client, people.participant.email, TEST_PASSWORD, OWNER).status_code == 302
