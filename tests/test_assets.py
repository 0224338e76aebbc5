"""Static files carry their content's fingerprint and are kept a year (issue 14, item 5)."""

from __future__ import annotations

import hashlib
import re
import shutil

from learnset import create_app
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


def test_a_changed_file_gets_a_new_address(tmp_path):
    static = tmp_path / "static"
    shutil.copytree(
        create_app({"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path)}).static_folder, static
    )
    app = create_app({"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path)})
    app.static_folder = str(static)
    with app.test_request_context():
        from flask import url_for

        before = url_for("static", filename="app/app.css")
        with open(static / "app/app.css", "a") as css:
            css.write("\n/* changed */\n")
        after = url_for("static", filename="app/app.css")
    assert before != after and after.startswith("/assets/app/app.css?v=")


def test_a_path_outside_the_static_folder_has_no_fingerprint(app):
    with app.test_request_context():
        from flask import url_for

        assert "v=" not in url_for("static", filename="../../pyproject.toml")
