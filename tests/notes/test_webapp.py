"""The installable app: the manifest, and a service worker that keeps only static files and
the note page's shell, read back from the script the browser gets."""

import json
import re

import pytest

from tests.helpers import html_of


def _cached(client):
    script = client.get("/sw.js")
    assert script.status_code == 200
    assert script.mimetype == "text/javascript"
    assert script.headers["Cache-Control"] == "no-cache"
    body = script.get_data(as_text=True)
    return json.loads(re.search(r"const CACHED = (\[.*?\]);", body).group(1)), body


def test_the_service_worker_keeps_only_static_files_and_the_note_shell(login, people):
    cached, body = _cached(login(people.participant))
    assert "/notes/offline" in cached
    others = [url for url in cached if url != "/notes/offline"]
    assert others and all(url.startswith("/assets/") for url in others)
    # Pages ask for fingerprinted files; the worker keeps exactly those addresses.
    page = html_of(login(people.participant).get("/notes/new"))
    for asset in re.findall(r'(?:src|href)="(/assets/app/(?:app|notes)\.js\?v=[0-9a-f]+)"', page):
        assert asset in cached
    # Nothing it answers from its cache is a page about anyone, nor an answer from the server.
    for private in ("/notes/new", "/notes/status", "/notes", "/reflections", "/"):
        assert private not in cached
    assert "cache.put" not in body


def test_the_worker_is_the_same_for_everyone(login, people):
    assert _cached(login(people.participant)) == _cached(login(None))


def test_the_note_shell_names_nobody(login, people):
    page = html_of(login(people.participant).get("/notes/offline"))
    assert people.participant.name not in page
    assert "csrf_token" not in page and "Sign out" not in page
    assert 'data-user=""' in page


def test_the_manifest_makes_learnset_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.json if response.is_json else json.loads(response.data)
    assert manifest["short_name"] == "Learnset" and manifest["start_url"] == "/"
    assert manifest["display"] == "standalone" and manifest["theme_color"] == "#005eb8"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as answer:
            assert answer.status_code == 200
            assert answer.mimetype == icon["type"]
    page = html_of(client.get("/"))
    assert 'rel="manifest" href="/manifest.webmanifest"' in page


@pytest.mark.own_app  # it points the app at a static folder of its own
def test_a_change_to_a_module_imported_by_plain_address_makes_a_new_worker(app, tmp_path):
    from learnset.main import webapp

    folder = tmp_path / "static"
    for name in webapp.IMPORTED:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("// one")
    app.static_folder = str(folder)
    with app.test_request_context():
        before = webapp.version(["/assets/app/app.js?v=1"])
        (folder / webapp.IMPORTED[-1]).write_text("// two, longer")
        assert webapp.version(["/assets/app/app.js?v=1"]) != before
