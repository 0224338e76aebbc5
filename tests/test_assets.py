"""Static files carry their content's fingerprint and are kept a year (issue 14, item 5)."""

from __future__ import annotations

import hashlib
import re
import shutil

from flask import url_for

from learnset import assets, create_app
from learnset.assets import YEAR


def _stylesheet(html: str) -> str:
    found = re.search(r'href="(/assets/app/app\.css\?v=[0-9a-f]{12})"', html)
    assert found, "the stylesheet has no fingerprint"
    return found.group(1)


def test_pages_link_static_files_by_their_content(client, app):
    href = _stylesheet(client.get("/sign-in").get_data(as_text=True))
    with open(f"{app.static_folder}/app/app.css", "rb") as css:
        assert href.endswith(hashlib.sha256(css.read()).hexdigest()[:12])


def test_a_fingerprinted_file_is_kept_for_a_year(client):
    href = _stylesheet(client.get("/sign-in").get_data(as_text=True))
    with client.get(href) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == YEAR
        assert response.cache_control.public and response.cache_control.immutable


def test_an_old_or_missing_fingerprint_is_not_kept(client):
    for href in ("/assets/app/app.css", "/assets/app/app.css?v=000000000000"):
        with client.get(href) as response:
            assert response.status_code == 200
            assert response.cache_control.max_age != YEAR
            assert not response.cache_control.immutable


def _app_on_a_copy(tmp_path, **settings):
    """An app serving a copy of the static folder, which the test may change."""
    static = tmp_path / "static"
    if not static.exists():
        shutil.copytree(
            create_app({"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path)}).static_folder, static
        )
    app = create_app({"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path), **settings})
    app.static_folder = str(static)
    return app, static


def _address_before_and_after_a_change(app, static):
    with app.test_request_context():
        before = url_for("static", filename="app/app.css")
        with open(static / "app/app.css", "a") as css:
            css.write("\n/* changed */\n")
        after = url_for("static", filename="app/app.css")
    return before, after


def test_a_changed_file_gets_a_new_address_while_templates_reload(tmp_path):
    for settings in ({"TEMPLATES_AUTO_RELOAD": True}, {"DEBUG": True}):
        app, static = _app_on_a_copy(tmp_path, **settings)
        before, after = _address_before_and_after_a_change(app, static)
        assert before != after and after.startswith("/assets/app/app.css?v=")


def test_a_file_is_fingerprinted_once_per_process_otherwise(tmp_path, monkeypatch):
    app, _ = _app_on_a_copy(tmp_path)
    looked_at = []
    monkeypatch.setattr(assets, "fingerprint", lambda *args: looked_at.append(args) or "1" * 12)
    with app.test_request_context():
        first = [url_for("static", filename="app/app.css") for _ in range(3)]
    with app.test_request_context():
        again = url_for("static", filename="app/app.css")
    assert first == [again] * 3 and again.endswith("?v=111111111111")
    assert len(looked_at) == 1


def test_a_deployed_file_keeps_its_address_until_the_process_restarts(tmp_path):
    app, static = _app_on_a_copy(tmp_path)
    before, after = _address_before_and_after_a_change(app, static)
    assert before == after
    # The new file is not served as the old address's immutable content.
    with app.test_client().get(before) as response:
        assert response.status_code == 200 and not response.cache_control.immutable
    restarted, _ = _app_on_a_copy(tmp_path)
    with restarted.test_request_context():
        assert url_for("static", filename="app/app.css") != before


def test_a_missing_file_is_looked_for_again(tmp_path):
    app, static = _app_on_a_copy(tmp_path)
    with app.test_request_context():
        assert "v=" not in url_for("static", filename="app/later.css")
        (static / "app/later.css").write_text("p {}")
        assert "v=" in url_for("static", filename="app/later.css")


def test_a_path_outside_the_static_folder_has_no_fingerprint(app):
    with app.test_request_context():
        assert "v=" not in url_for("static", filename="../../pyproject.toml")
