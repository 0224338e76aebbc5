"""The application shell: settings, security headers, health, error pages, CSRF."""

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from learnset import create_app
from learnset.accounts.security import CONTENT_SECURITY_POLICY
from tests.helpers import TEST_PASSWORD, submit


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_inline_script_in_pages(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert "<script>" not in html
    assert 'type="module"' in html


def test_session_cookie_is_httponly_and_lax(client, people):
    response = submit(
        client, "/sign-in", {"email": people.participant.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_cookies_are_secure_when_base_url_is_https(monkeypatch, tmp_path):
    monkeypatch.setenv("BASE_URL", "https://learnset.example.org")
    app = create_app(
        {
            "SECRET_KEY": "k",
            "INSTANCE_PATH": str(tmp_path),
            "MAIL_SERVER": "smtp.example.org",
            "TWO_FACTOR_KEY": "EK3EUZLmZ1MoMeSTC2PWJGnThD_Fr3upf1fhMgDTvag=",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    with app.test_client() as client:
        headers = client.get("/healthz", base_url="https://learnset.example.org").headers
    assert "max-age" in headers["Strict-Transport-Security"]


def test_secret_key_generated_once_and_reused(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 40
    key_file = Path(tmp_path) / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (Path(tmp_path) / "secret_key").exists()


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db.example/learnset")
    app = create_app({"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["DATABASE_URL"] == "postgresql+psycopg://u@db.example/learnset"


def test_sqlite_is_the_default_in_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'learnset.db'}"


def test_readyz_reports_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def _bare_app(tmp_path: Path, database_file: str) -> Flask:
    """An app with only the settings it cannot start without, on a SQLite file in tmp_path."""
    return create_app(
        {
            "SECRET_KEY": "k",
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/{database_file}",
        }
    )


def test_healthz_answers_without_the_database(tmp_path):
    app = _bare_app(tmp_path, "missing/dir/x.db")
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


def test_readyz_reports_an_unmigrated_database(tmp_path):
    app = _bare_app(tmp_path, "empty.db")
    with app.app_context():
        from learnset.db import get_db

        get_db().execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        get_db().commit()
    response = app.test_client().get("/readyz")
    assert (response.status_code, response.json["database"]) == (503, "not migrated")


def test_readyz_reports_database_down(tmp_path):
    app = _bare_app(tmp_path, "missing/dir/x.db")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_oversized_request_is_a_friendly_413(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/sign-in", data={"email": "a@example.org", "password": "x" * 4096})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client, people):
    response = client.post(
        "/sign-in", data={"email": people.participant.email, "password": "correct horse battery"}
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_a_refused_form_leaves_the_browsers_cookies_alone(client, login, people):
    """A forged cross-site post arrives without cookies (SameSite=Lax); if its 400 set a session
    cookie, that would replace the victim's and sign them out (issue 12, item 2)."""
    for path in ("/sign-out", "/sign-in", "/account/delete", "/reflections/1/comments"):
        response = client.post(path, data={"body": "x"})
        assert response.status_code == 400, path
        assert "Set-Cookie" not in response.headers, path
    browser = login(people.participant)
    assert browser.post("/sign-out").status_code == 400
    assert "Hello, Pat Participant" in browser.get("/").get_data(as_text=True)


def test_a_refused_form_offers_no_way_back_to_another_site(client):
    response = client.post("/sign-in", headers={"Referer": "https://evil.example/prize"})
    assert response.status_code == 400
    assert "evil.example" not in response.get_data(as_text=True)
    response = client.post("/sign-in", headers={"Referer": "http://localhost/sign-in"})
    assert 'href="/sign-in"' in response.get_data(as_text=True)


@pytest.mark.own_app
def test_server_error_page_is_friendly(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    app.view_functions["boom"].is_public = True
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)


def test_wrong_method_is_a_friendly_405(client):
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert "cannot be used in that way" in response.get_data(as_text=True)


def test_static_assets_served_from_our_origin(client):
    response = client.get("/assets/nhsuk/nhsuk-frontend.min.css")
    assert response.status_code == 200
    assert "nhsuk" in response.get_data(as_text=True)[:2000]
    response.close()


def test_pages_require_sign_in_by_default(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")
