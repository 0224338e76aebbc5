"""Friendly error pages in the service's own layout."""

from __future__ import annotations

from flask import Flask, render_template, request
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


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return _render(400, csrf=True, back=request.referrer)


def _server_error(error: Exception) -> tuple[str, int]:
    # The request's transaction may be broken; start the error page from a clean slate.
    get_db().rollback()
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
