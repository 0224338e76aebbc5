"""Two-factor authentication's rules (issue 16, item 2): an authenticator app proved by a code
before it is kept, codes that work once, ten recovery codes kept as digests and used once,
wrong codes counted and paused, turning off and resetting. Codes are worked out from the real
secret with pyotp, at the times the service is given: no clock is mocked."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import delete, or_, select

from learnset.accounts import lockout, two_factor
from learnset.accounts.models import RecoveryCode, SignInFailure, TwoFactor, User
from learnset.audit import AuditEvent, AuditKind
from learnset.db import Database, utcnow
from learnset.errors import DomainError
from tests import factories
from tests.accounts.two_factor_helpers import give_app
from tests.helpers import audit_events, submit

LIMITS = lockout.Limits(per_account_and_client=5, per_client=50, window=timedelta(minutes=15))
IP = "198.51.100.23"


def _check(db, user, code, now, ip=IP):
    return two_factor.check_code(db, user, code, ip, now, LIMITS)


def test_tutors_and_admins_must_use_it_and_participants_may(people):
    assert two_factor.is_required(people.admin)
    assert two_factor.is_required(people.tutor)
    assert not two_factor.is_required(people.participant)


def test_an_app_is_kept_only_once_a_code_from_it_proves_it_set_up(db, people):
    secret, now = two_factor.new_secret(), utcnow()
    with pytest.raises(DomainError, match="6-digit code"):
        two_factor.set_up(db, people.participant, secret, "123", now)
    wrong = pyotp.TOTP(two_factor.new_secret()).at(now)
    with pytest.raises(DomainError, match="6-digit code"):
        two_factor.set_up(db, people.participant, secret, wrong, now)
    assert db.get(TwoFactor, people.participant.id) is None
    codes = two_factor.set_up(db, people.participant, secret, pyotp.TOTP(secret).at(now), now)
    assert db.get(TwoFactor, people.participant.id).secret == secret
    assert len(codes) == len(set(codes)) == 10
    stored = db.scalars(select(RecoveryCode.code_digest)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert len(audit_events(db, AuditKind.TWO_FACTOR_SET_UP)) == 1


def test_a_code_works_once_within_its_window_and_the_next_one_works(db, people):
    secret, _codes = give_app(db, people.participant)
    later = utcnow() + timedelta(minutes=5)
    code = pyotp.TOTP(secret).at(later)
    assert _check(db, people.participant, code, later).accepted
    again = _check(db, people.participant, code, later + timedelta(seconds=10))
    assert not again.accepted and again.problem == two_factor.CODE_TOO_OLD
    # A code of an earlier step, still inside the drift allowed, is refused too.
    earlier = pyotp.TOTP(secret).at(later - timedelta(seconds=30))
    assert not _check(db, people.participant, earlier, later).accepted
    after = later + timedelta(seconds=30)
    assert _check(db, people.participant, pyotp.TOTP(secret).at(after), after).accepted


def test_a_code_a_step_either_side_of_now_is_accepted_but_not_two(db, people):
    secret, _codes = give_app(db, people.participant)
    now = utcnow() + timedelta(minutes=10)
    totp = pyotp.TOTP(secret)
    assert _check(db, people.participant, totp.at(now - timedelta(seconds=30)), now).accepted
    far = now + timedelta(minutes=5)
    assert not _check(db, people.participant, totp.at(far - timedelta(seconds=90)), far).accepted


def test_a_recovery_code_works_once_and_says_how_many_are_left(db, people):
    _secret, codes = give_app(db, people.participant)
    now = utcnow()
    used = _check(db, people.participant, codes[3].upper().replace("-", " "), now)
    assert used.accepted and used.recovery_codes_left == 9
    assert not _check(db, people.participant, codes[3], now).accepted
    [event] = audit_events(db, AuditKind.RECOVERY_CODE_USED)
    assert event.actor_id == people.participant.id and event.detail == "9 recovery codes left"
    assert codes[3] not in event.detail


def test_someone_else_s_recovery_code_does_not_work(db, people):
    give_app(db, people.participant)
    _secret, fellows_codes = give_app(db, people.fellow)
    assert not _check(db, people.participant, fellows_codes[0], utcnow()).accepted


def test_too_many_wrong_codes_pause_checking_from_that_client_only(db, people):
    secret, _codes = give_app(db, people.participant)
    now = utcnow() + timedelta(minutes=1)
    for _ in range(5):
        assert not _check(db, people.participant, "000000", now).accepted
    right = pyotp.TOTP(secret).at(now)
    paused = _check(db, people.participant, right, now)
    assert not paused.accepted and paused.paused is not None
    assert "too many wrong codes" in paused.problem
    assert len(audit_events(db, AuditKind.TWO_FACTOR_FAILED)) == 5
    assert len(audit_events(db, AuditKind.TWO_FACTOR_PAUSED)) == 1
    # The owner elsewhere, and the same client once the window has passed, are not paused.
    assert _check(db, people.participant, right, now, ip="192.0.2.77").accepted
    later = now + LIMITS.window + timedelta(minutes=1)
    assert _check(db, people.participant, pyotp.TOTP(secret).at(later), later).accepted


def test_wrong_codes_do_not_count_against_the_password(db, people):
    give_app(db, people.participant)
    now = utcnow()
    for _ in range(5):
        _check(db, people.participant, "000000", now)
    assert lockout.pause(db, people.participant.email, IP, now, LIMITS) is None


def test_new_recovery_codes_replace_the_old_ones(db, people):
    _secret, old = give_app(db, people.participant)
    new = two_factor.new_recovery_codes(db, people.participant, utcnow())
    assert not set(old) & set(new)
    assert not _check(db, people.participant, old[0], utcnow()).accepted
    assert _check(db, people.participant, new[0], utcnow()).accepted


def test_participants_may_turn_it_off_but_tutors_may_not(db, people):
    give_app(db, people.participant)
    give_app(db, people.tutor)
    with pytest.raises(DomainError, match="cannot be turned off"):
        two_factor.turn_off(db, people.tutor, utcnow())
    two_factor.turn_off(db, people.participant, utcnow())
    assert not two_factor.has_two_factor(db, people.participant)
    assert two_factor.recovery_codes_left(db, people.participant) == 0
    assert two_factor.has_two_factor(db, people.tutor)


def test_an_admin_resets_someone_else_s_but_not_their_own(db, people):
    give_app(db, people.admin)
    give_app(db, people.tutor)
    with pytest.raises(DomainError, match="your own"):
        two_factor.reset(db, people.admin, people.admin, utcnow())
    two_factor.reset(db, people.tutor, people.admin, utcnow())
    assert not two_factor.has_two_factor(db, people.tutor)
    with pytest.raises(DomainError, match="has not set up"):
        two_factor.reset(db, people.tutor, people.admin, utcnow())
    [event] = audit_events(db, AuditKind.TWO_FACTOR_RESET)
    assert (event.actor_id, event.subject_id) == (people.admin.id, people.tutor.id)


def test_the_qr_code_is_an_svg_image_of_the_setup_address(people):
    secret = two_factor.new_secret()
    svg = two_factor.qr_code_svg(secret, people.tutor.email)
    assert svg.startswith('<svg role="img" ') and "<title>" in svg
    uri = two_factor.setup_uri(secret, people.tutor.email)
    assert uri.startswith("otpauth://totp/Learnset:") and f"secret={secret}" in uri
    assert two_factor.grouped("ABCDEFGH") == "ABCD EFGH"


def test_the_requirement_is_on_unless_turned_off_and_production_refuses_it_off(monkeypatch):
    from learnset.config import from_environment, unsafe_for_production

    monkeypatch.delenv("TWO_FACTOR_REQUIRED", raising=False)
    assert from_environment(Path("/nonexistent"), need_secret=False)["TWO_FACTOR_REQUIRED"]
    safe = {
        "PRODUCTION": True,
        "SECRET_KEY": "k" * 40,
        "MAIL_SERVER": "smtp.nhs.example",
        "TWO_FACTOR_KEY": "EK3EUZLmZ1MoMeSTC2PWJGnThD_Fr3upf1fhMgDTvag=",
    }
    assert unsafe_for_production({**safe, "TWO_FACTOR_REQUIRED": True}) == []
    [problem] = unsafe_for_production({**safe, "TWO_FACTOR_REQUIRED": False})
    assert "TWO_FACTOR_REQUIRED" in problem


def test_the_demo_s_second_tutor_signs_in_with_the_published_key(tmp_path):
    from learnset import demo
    from tests.apps import fresh_app

    app = fresh_app(tmp_path, demo=True, TWO_FACTOR_REQUIRED=True)
    browser = app.test_client()
    details = {"email": demo.TWO_FACTOR_EMAIL, "password": demo.PASSWORD}
    assert submit(browser, "/sign-in", details).location == "/sign-in/code"
    code = pyotp.TOTP(demo.TWO_FACTOR_KEY).now()
    assert submit(browser, "/sign-in/code", {"code": code}).location == "/"


@pytest.mark.parametrize("which", ["recovery code", "app code"])
def test_one_code_sent_twice_at_once_signs_in_once(which, app, engine):
    """Two sign-ins racing with the same code (a double click, or someone who saw it typed):
    the second reads the code as unused while the first has not committed, and must still
    be refused once the first has. Real commits, from two threads, on the test database."""
    sessions = Database.on(engine).writer_sessions
    with app.app_context(), sessions() as setup:
        user = factories.make_user(setup, email="racing@example.org")
        secret, codes = give_app(setup, user)
        user_id = user.id
    now = utcnow() + timedelta(minutes=1)
    code = codes[0] if which == "recovery code" else pyotp.TOTP(secret).at(now)
    first_checked, results = threading.Event(), []

    def _sign_in(first: bool) -> None:
        with app.app_context(), sessions() as session:
            check = _check(session, session.get(User, user_id), code, now)
            if first:
                first_checked.set()
                # The other sign-in reads the code, and waits on this one's lock, meanwhile.
                time.sleep(0.5)
            session.commit()
            results.append(check.accepted)

    try:
        first = threading.Thread(target=_sign_in, args=(True,))
        first.start()
        first_checked.wait(5)
        second = threading.Thread(target=_sign_in, args=(False,))
        second.start()
        first.join()
        second.join()
        assert sorted(results) == [False, True]
    finally:
        with sessions() as cleanup:
            cleanup.execute(
                delete(AuditEvent).where(
                    or_(AuditEvent.actor_id == user_id, AuditEvent.subject_id == user_id)
                )
            )
            cleanup.execute(delete(User).where(User.id == user_id))
            # The refused one counted as a wrong code.
            key = lockout.email_digest(f"second-factor:{user_id}")
            cleanup.execute(delete(SignInFailure).where(SignInFailure.email_digest == key))
            cleanup.commit()
