"""Friendly error pages in the service's own layout."""

from __future__ import annotations

from flask import Flask, render_template, request, session
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from learnset.db import get_db

PAGES = {400, 403, 404, 405, 410, 413, 429, 500}


def _render(code: int, **context: object) -> tuple[str, int]:
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, code=code, **context), code


def _http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    if error.code is None or error.code < 400:
        return error
    return _render(error.code, error=error)


def leave_cookies_alone() -> None:
    """This response must not change the browser's session cookie.

    A forged cross-site post arrives without the victim's cookies (SameSite=Lax). Anything
    the refusal wrote to the session (even the CSRF token the page renders) would come back as
    a new session cookie that replaces the victim's, signing them out or planting a session.
    """
    session.modified = False


def csrf_refused(**context: object) -> tuple[str, int]:
    """400 for a post whose token is not this browser's: nothing done, and nothing changed."""
    referrer = request.referrer or ""
    # Only a page of this site is offered as the way back; a forged post's referrer is not.
    back = referrer if referrer.startswith(request.host_url) else None
    page = _render(400, csrf=True, back=back, **context)
    leave_cookies_alone()
    return page


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return csrf_refused()


def _server_error(error: Exception) -> tuple[str, int]:
    # The request's transaction may be broken; start the error page from a clean slate.
    get_db().rollback()
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
