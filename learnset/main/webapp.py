"""Learnset as an installable web app: its manifest, and a service worker from the site's root.

The service worker keeps only static files and the note page's shell (a page with nothing
about anyone in it), so a note can be written with no connection. It never keeps a private
page or an answer from the server: `cached_urls()` is the whole list, and the tests read it
back from the script itself.
"""

from __future__ import annotations

import hashlib
import json

from flask import current_app, render_template, url_for
from werkzeug.wrappers import Response

from learnset.accounts.security import public
from learnset.assets import fingerprint
from learnset.main.views import bp

# Static files the note page needs, by their fingerprinted address (as pages ask for them).
STATIC = [
    "nhsuk/nhsuk-frontend.min.css",
    "app/app.css",
    "app/app.js",
    "app/notes.js",
    "images/favicon.ico",
    "images/favicon.svg",
    "app/icons/icon.svg",
    "app/icons/icon-192.png",
]
# Modules that app.js and notes.js import by plain address: browsers fetch them without the
# fingerprint, so they are kept under that address; their fingerprints go into the worker's
# version (`version()`), so a change to any of them makes a new worker that fetches all again.
IMPORTED = [
    "nhsuk/nhsuk-frontend.min.js",
    "app/what-changed.js",
    "app/note-store.js",
    "app/sign-out.js",
]


def cached_urls() -> list[str]:
    """Everything the service worker keeps: static files and the note page's shell."""
    urls = [url_for("static", filename=name) for name in STATIC]
    urls += [f"{current_app.static_url_path}/{name}" for name in IMPORTED]
    urls.append(url_for("reflections.jot_offline"))
    return urls


def version(urls: list[str]) -> str:
    """Changes whenever anything the worker keeps changes, the plain addresses included."""
    folder = current_app.static_folder or ""
    imported = [fingerprint(folder, name) for name in IMPORTED]
    return hashlib.sha256(json.dumps([urls, imported]).encode()).hexdigest()[:12]


@bp.route("/sw.js")
@public
def service_worker() -> Response:
    urls = cached_urls()
    body = render_template(
        "main/service-worker.js",
        version=version(urls),
        cached=urls,
        shell=url_for("reflections.jot_offline"),
        note_page=url_for("reflections.jot"),
    )
    response = Response(body, mimetype="text/javascript")
    # Browsers check for a new worker on each visit; it must never be kept stale.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
@public
def web_manifest() -> Response:
    manifest = {
        "name": "Learnset: Unlocking Commissioning learning sets",
        "short_name": "Learnset",
        "description": "Your learning set, sessions and reflective log",
        "lang": "en-GB",
        "start_url": url_for("main.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f0f4f5",
        "theme_color": "#005eb8",
        "icons": [
            {
                "src": url_for("static", filename="app/icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="app/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any maskable",
            },
            {
                "src": url_for("static", filename="app/icons/icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            },
        ],
        "shortcuts": [{"name": "Jot a note", "url": url_for("reflections.jot")}],
    }
    response = Response(json.dumps(manifest, indent=2), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response
