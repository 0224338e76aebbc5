"""Static files are addressed by their content, so browsers can keep them for a year.

Every `url_for("static", ...)` gets `?v=` and the first 12 hex digits of the file's SHA-256;
a request carrying the current fingerprint is answered as immutable for a year. A changed file
gets a new address, so nobody is left with an old stylesheet after a deploy; a request without
the fingerprint (or with an old one) is served as before, revalidated each time.

A page links about seven files, so each file's fingerprint is worked out once per process (a
deploy restarts the workers). While templates reload (debug, or TEMPLATES_AUTO_RELOAD) the file
is looked at on every use instead, so an edited stylesheet gets its new address at once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import cache
from typing import Any

from flask import Flask, request
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

YEAR = 365 * 24 * 60 * 60


@cache
def _digest(path: str, _changed: int, _size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:12]


def fingerprint(folder: str, filename: str) -> str | None:
    """The file's fingerprint; worked out once per version of the file (its time and size)."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    return _digest(path, found.st_mtime_ns, found.st_size)


def fingerprints(app: Flask) -> Callable[[str], str | None]:
    """The app's fingerprint of a static file: remembered once found, unless files may change."""
    found: dict[tuple[str, str], str] = {}

    def of(filename: str) -> str | None:
        folder = app.static_folder or ""
        if app.debug or app.config["TEMPLATES_AUTO_RELOAD"]:
            return fingerprint(folder, filename)
        key = (folder, filename)
        version = found.get(key)
        if version is None:
            # Only files that exist are remembered, so the dictionary is as big as the folder.
            version = fingerprint(folder, filename)
            if version is not None:
                found[key] = version
        return version

    return of


def init_app(app: Flask) -> None:
    version_of = fingerprints(app)

    @app.url_defaults
    def _add_fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = version_of(values["filename"])
            if version is not None:
                values["v"] = version

    @app.after_request
    def _keep_fingerprinted(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        version = request.args.get("v")
        # The file as it is now, looked at afresh: its request reads it anyway.
        if version and version == fingerprint(app.static_folder or "", filename):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response
