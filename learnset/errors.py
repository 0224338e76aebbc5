"""Broken rules and friendly error pages, in the service's own layout.

A service says a rule was broken by raising `DomainError` (or a feature's subclass of it):
the message is for the person acting, `field` names the form field it belongs beside, and
`status` is the status of the page that shows it. Views show it in one way, with
`shown_on(form)` (beside the field, and the form is drawn again with 422) or `flashed()` (for
a button, before redirecting); one that no view expects gets a page of its own here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, flash, render_template, request, session
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from learnset.db import get_db

PAGES = {400, 403, 404, 405, 410, 413, 429, 500}


class DomainError(ValueError):
    """A rule was broken; the message says which, in words for the person acting."""

    # Unprocessable: understood, but against the rules (what a form with errors answers too).
    status = 422

    def __init__(self, message: str, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.field = field
        if status is not None:
            self.status = status

    def messages(self) -> dict[str | None, str]:
        """Each message by the form field it belongs beside (None: above the form)."""
        return {self.field: str(self)}


@contextmanager
def shown_on(form: Any, field: str | None = None) -> Iterator[None]:
    """Apply the rules inside the block; a broken one is shown beside the form field it names
    (else beside `field`, else above the form) and the view carries on after the block, to
    draw the form again (render_form answers 422)."""
    try:
        yield
    except DomainError as error:
        for name, message in error.messages().items():
            target = form._fields.get(name or "") or form._fields.get(field or "")
            if target is None:
                form.form_errors.append(message)
            else:
                target.errors = [*target.errors, message]


@contextmanager
def flashed() -> Iterator[None]:
    """Apply the rules inside the block; a broken one is flashed, and the view carries on after
    the block (to redirect to the page that shows the message)."""
    try:
        yield
    except DomainError as error:
        flash(str(error))


def link_gone(
    heading: str,
    message: str,
    *,
    more: str | None = None,
    retry_url: str | None = None,
    home: bool = True,
) -> tuple[str, int]:
    """The 410 page of an emailed link that no longer works (used, expired or withdrawn): what
    happened, and, with `retry_url`, where to ask for a new one."""
    page = render_template(
        "errors/410.html",
        heading=heading,
        message=message,
        more=more,
        retry_url=retry_url,
        home=home,
    )
    return page, 410


def _render(code: int, **context: object) -> tuple[str, int]:
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, code=code, **context), code


def _http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    if error.code is None or error.code < 400:
        return error
    return _render(error.code, error=error)


def error_page(error: HTTPException) -> tuple[str, int] | HTTPException:
    """The site's own page for an HTTP error: for a blueprint's handler that answers only some
    of its pages itself."""
    return _http_error(error)


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


def _broken_rule(error: DomainError) -> tuple[str, int]:
    # Nothing the request did is kept: the session is rolled back before the page is drawn.
    get_db().rollback()
    return render_template("errors/rule.html", message=str(error)), error.status


def _server_error(error: Exception) -> tuple[str, int]:
    # The request's transaction may be broken; start the error page from a clean slate.
    get_db().rollback()
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, _broken_rule)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
