"""Signing in and out, changing password, password rules."""

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from learnset import config
from learnset.accounts import services
from learnset.accounts.models import User
from learnset.db import utcnow
from tests.cohorts.test_invitations import NEW_ACCOUNT
from tests.helpers import TEST_PASSWORD, csrf_from, link_in, submit, text_of

FAILED = "Enter a correct email address and password"


def test_sign_in_and_out(client, people):
    response = submit(
        client, "/sign-in", {"email": people.participant.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == "/"
    home = client.get("/").get_data(as_text=True)
    assert f"Hello, {people.participant.name}" in home
    assert "Sign out" in home
    response = client.post("/sign-out", data={"csrf_token": _csrf(client)})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert client.get("/account").status_code == 302


def _csrf(client):
    return csrf_from(client, "/account")


def test_email_is_case_insensitive(client, people):
    response = submit(
        client, "/sign-in", {"email": people.participant.email.upper(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_say_the_same(client, people):
    wrong = submit(client, "/sign-in", {"email": people.participant.email, "password": "nope"})
    unknown = submit(client, "/sign-in", {"email": "nobody@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 422
    for response in (wrong, unknown):
        html = response.get_data(as_text=True)
        assert FAILED in html
        assert "There is a problem" in html
    assert client.get("/account").status_code == 302


def test_deactivated_account_cannot_sign_in(client, db, people):
    people.participant.is_active = False
    db.commit()
    response = submit(
        client, "/sign-in", {"email": people.participant.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 422


def test_deactivating_signs_out_existing_sessions(login, db, people):
    browser = login(people.participant)
    assert browser.get("/account").status_code == 200
    people.participant.is_active = False
    db.commit()
    assert browser.get("/account").status_code == 302


def test_empty_form_shows_messages_beside_fields(client):
    response = submit(client, "/sign-in", {"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter your email address" in html
    assert "Enter your password" in html
    assert 'href="#email"' in html


def test_next_only_redirects_within_the_site(client, people):
    data = {"email": people.participant.email, "password": TEST_PASSWORD}
    response = submit(client, "/sign-in?next=//evil.example/x", data)
    assert response.location == "/"


def test_next_returns_to_the_page_asked_for(client, people):
    assert client.get("/account").location == "/sign-in?next=%2Faccount"
    data = {"email": people.participant.email, "password": TEST_PASSWORD}
    response = submit(client, "/sign-in?next=%2Faccount", data)
    assert response.location == "/account"


def test_there_is_no_remember_me_and_no_lasting_cookie(client, people):
    """Remember-me is gone: a 30-day cookie cannot coexist with a 30-minute idle timeout."""
    assert "Keep me signed in" not in client.get("/sign-in").get_data(as_text=True)
    data = {"email": people.participant.email, "password": TEST_PASSWORD, "remember": "y"}
    response = submit(client, "/sign-in", data)
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token=") for c in cookies)
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "Expires=" not in session_cookie, "the sign-in cookie ends with the browser"


def test_a_remember_cookie_left_from_before_is_deleted(client, people):
    client.set_cookie("remember_token", "3.old-token|signature")
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))


def test_change_password(login, db, people):
    browser = login(people.participant)
    response = submit(
        browser,
        "/account/password",
        {
            "current": TEST_PASSWORD,
            "password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    assert browser.get("/account").status_code == 200, "still signed in here"
    db.refresh(people.participant)
    assert services.authenticate(db, people.participant.email, "a new long passphrase", utcnow())


def test_change_password_signs_out_other_devices(login, app, people):
    other_device = login(people.participant)
    this_device = login(people.participant)
    submit(
        this_device,
        "/account/password",
        {
            "current": TEST_PASSWORD,
            "password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert other_device.get("/account").status_code == 302


def test_change_password_needs_the_current_one(login, people):
    browser = login(people.participant)
    response = submit(
        browser,
        "/account/password",
        {
            "current": "wrong",
            "password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 422
    assert "Your current password is not correct" in response.get_data(as_text=True)


def test_change_password_errors_are_listed_in_page_order(login, people):
    browser = login(people.participant)
    response = submit(browser, "/account/password", {"current": "", "password": "", "confirm": ""})
    page = response.get_data(as_text=True)
    summary = page[page.index("There is a problem") :]
    order = [
        summary.index(message)
        for message in (
            "Enter your current password",
            "Enter a new password",
            "Enter the new password again",
        )
    ]
    assert order == sorted(order)


def test_password_rules_are_length_and_how_easily_guessed_only():
    """NCSC's advice (issue 16, item 4): 10 characters or more, no composition rules, and
    nothing easy to guess (the common list, then zxcvbn's score from its own lists)."""
    assert services.password_problem("short") == "Password must be 10 characters or more"
    assert "too common" in services.password_problem("Password123")
    assert "too common" in services.password_problem("qwertyuiop")
    assert services.password_problem("x" * 201) is not None
    assert services.password_problem("pat@example.org", "pat@example.org") is not None
    # Long enough, yet in zxcvbn's lists or made of a pattern: refused with one message.
    for easy in ("welcomehome", "iloveyou2026", "aaaaaaaaaaaa", "zxcvbnmasdfg", "sunshine1985"):
        assert services.password_problem(easy) == services.TOO_EASY, easy
    # The service's own words and the person's address and name are tried first.
    assert services.password_problem("Learnset2026") == services.TOO_EASY
    problem = services.password_problem("tesstutor2026", "tess.tutor@example.org", "Tess Tutor")
    assert problem == services.TOO_EASY
    # No composition rules: lowercase words with spaces are fine, and so is a long password.
    assert services.password_problem("river otter lantern") is None
    assert services.password_problem("kettle " * 9 + "moss marble harbour") is None
    assert services.password_problem("tesstutor2026") is None


def test_passwords_are_hashed_with_scrypt(db, app):
    user = services.create_user(
        db, email="new@example.org", name="New", password="river otter lantern", method="scrypt"
    )
    assert user.password_hash.startswith("scrypt:")
    assert "river otter lantern" not in user.password_hash


def test_profile_details_can_be_edited(login, db, people):
    browser = login(people.participant)
    response = submit(
        browser,
        "/account",
        {"name": "Dr Pat Participant", "job_title": "GP", "organisation": "Riverside ICB"},
    )
    assert response.status_code == 302
    user = db.get(User, people.participant.id)
    assert (user.name, user.job_title, user.organisation) == (
        "Dr Pat Participant",
        "GP",
        "Riverside ICB",
    )


def test_profile_validation_keeps_nothing_half_written(login, db, people):
    browser = login(people.participant)
    response = submit(
        browser, "/account", {"name": "", "job_title": "x" * 500, "organisation": "New org"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter your full name" in html
    assert "Job title must be 120 characters or fewer" in html
    assert db.get(User, people.participant.id).organisation == "Example ICB"


def test_profile_fields_are_one_line_and_a_name_is_more_than_spaces(login, db, people):
    """A line break pasted into a name would end up in email subjects (a colleague's feedback
    request names the participant), where no line break can go: the mail would never leave."""
    browser = login(people.participant)
    pasted = {"name": " Pat\r\nParticipant ", "job_title": "GP\tpartner", "organisation": "A\nICB"}
    assert submit(browser, "/account", pasted).status_code == 302
    db.refresh(people.participant)
    saved = people.participant
    assert (saved.name, saved.job_title, saved.organisation) == (
        "Pat Participant",
        "GP partner",
        "A ICB",
    )
    response = submit(browser, "/account", {"name": " \t\n ", "job_title": "", "organisation": ""})
    assert "Enter your full name" in text_of(response, 422)
    db.refresh(people.participant)
    assert people.participant.name == "Pat Participant"


def test_joining_by_invitation_needs_a_name_not_spaces(client, login, db, outbox, people):
    submit(
        login(people.tutor), f"/cohorts/{people.cohort.id}/invitations", {"email": "n@example.org"}
    )
    response = submit(client, link_in(outbox()[0]), {**NEW_ACCOUNT, "name": "   "})
    assert "Enter your full name" in text_of(response, 422)
    assert db.scalar(select(User).where(User.email == "n@example.org")) is None


# --- An unknown address costs what a known one does (issue 12, item 5) --------------------------


def _parameters(password_hash: str) -> str:
    """The method and its cost parameters: `scrypt:32768:8:1`, `pbkdf2:sha256:600000`."""
    return password_hash.split("$", 1)[0]


@pytest.mark.parametrize(
    "method",
    ["app's test setting", "app's default setting", "scrypt:16384:8:1", "pbkdf2:sha256:5000"],
)
def test_dummy_hash_has_the_parameters_of_a_real_hash_under_the_apps_config(
    method, app, db, tmp_path
):
    if method == "app's test setting":
        method = app.config["PASSWORD_HASH_METHOD"]
    elif method == "app's default setting":
        method = config.from_environment(tmp_path, need_secret=False)["PASSWORD_HASH_METHOD"]
    real = services.create_user(
        db, email="real@example.org", name="Real", password="river otter lantern", method=method
    )
    assert _parameters(services.dummy_hash(method)) == _parameters(real.password_hash)


def test_unknown_address_is_checked_against_a_hash_made_as_real_ones_are(
    app, client, db, people, monkeypatch
):
    """Through the sign-in page: both checks see a hash with the same method and costs."""
    method = "pbkdf2:sha256:5000"
    app.config["PASSWORD_HASH_METHOD"] = method
    people.participant.password_hash = services.hash_password("river otter lantern", method)
    db.commit()
    checked = []

    def _recording_check(password_hash: str, password: str) -> bool:
        checked.append(_parameters(password_hash))
        return check_password_hash(password_hash, password)

    monkeypatch.setattr(services, "check_password_hash", _recording_check)
    known = submit(client, "/sign-in", {"email": people.participant.email, "password": "nope"})
    unknown = submit(client, "/sign-in", {"email": "nobody@example.org", "password": "nope"})
    assert known.status_code == unknown.status_code == 422
    assert checked == [method, method]
