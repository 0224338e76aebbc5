"""How stored files leave the site: always as downloads, never as pages of this origin; photos
also as small server-made thumbnails. Shared by every feature that keeps files."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from flask import Flask, Response, current_app, request
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from learnset.files.kinds import Kind
from learnset.files.models import AttachedFile, FileBlob
from learnset.files.store import stream
from learnset.files.thumbnails import thumbnail_of

# A download can never run as a page of this site: no script, no plugin, no same-origin.
DOWNLOAD_POLICY = "sandbox; default-src 'none'"
# Room in an upload request for the form's other fields and the multipart boundaries.
_ENVELOPE = 64 * 1024
_UPLOAD_ENDPOINTS: set[str] = set()


def upload_endpoint(endpoint: str) -> None:
    """Let this endpoint take a request as large as one file (see allow_file_size)."""
    _UPLOAD_ENDPOINTS.add(endpoint)


def allow_file_size() -> None:
    """Upload pages accept a request as large as one file; every other page keeps the site's
    own MAX_CONTENT_LENGTH. Runs before anything reads the form (the CSRF check)."""
    if request.endpoint in _UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["FILE_MAX_BYTES"] + _ENVELOPE


def accept_uploads(app: Flask) -> None:
    """Run allow_file_size first, before the CSRF check reads the form under the site's smaller
    size limit; once, however many features keep files."""
    if allow_file_size not in app.before_request_funcs.get(None, []):
        app.before_request_funcs.setdefault(None, []).insert(0, allow_file_size)


def as_download(response: Response, name: str) -> Response:
    """Headers that make any file a download, never a page of this origin."""
    fallback = name.encode("ascii", "replace").decode().replace('"', "_").replace("\\", "_")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def download(sessions: Callable[[], Session], blob: FileBlob, kind: Kind, name: str) -> Response:
    """The whole file, streamed after the request's own session has closed, a chunk at a time."""
    response = Response(stream(sessions, blob), mimetype=kind.media_type, direct_passthrough=True)
    response.content_length = blob.size
    return as_download(response, name)


def thumbnail_download(db: Session, blob: FileBlob, kind: Kind, name: str) -> Response:
    """A small copy of a photo, made on the server, itself served as a download. Called once
    the feature has checked who may have it, so a browser's tag is compared only then: another
    person's thumbnail is a 404 whatever tag is sent. The browser may keep the copy for this
    person (private), but asks each time whether it changed (no-cache): 304 if not."""
    tag, small = thumbnail_of(db, blob, kind)
    stem = name.rsplit(".", 1)[0]
    response = as_download(
        Response(small, mimetype=kind.media_type), f"{stem} (thumbnail).{kind.extension}"
    )
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(tag)
    response.make_conditional(request)
    return response


def attached_file(sessions: Callable[[], Session], attached: AttachedFile) -> Response:
    """Any feature's attached file, once the feature has checked who may have it."""
    return download(sessions, attached.blob, attached.kind, attached.name)


def attached_thumbnail(db: Session, attached: AttachedFile) -> Response:
    """Its thumbnail, for an image; anything else has none (404)."""
    if not attached.is_image:
        raise NotFound()
    return thumbnail_download(db, attached.blob, attached.kind, attached.name)
