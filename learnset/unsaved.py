"""The answer to a request the database could not take (unreachable once the ride-through gives
up, a COMMIT lost in flight, a full disk, a read-only database, a timeout): 503 with Retry-After.

A page gets the person's own text back, in text boxes they can copy, with what was not saved and
why, and "Try again", which posts the same fields to the same address. A script that asked for
JSON (the editor's autosave) gets `{"saved": false, "retry": true, ...}` and tries again itself.

Nothing here reads the database: it is the thing that has failed. The page has no account menu
or navigation (both read it), and the form token comes from the cookie session. What is shown
comes from the request alone: the fields of the app's forms that are text boxes, never a
password or a token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from flask import Response, current_app, jsonify, make_response, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

from learnset.outages import IN_PLAIN_ENGLISH, RETRY_AFTER

NOT_SAVED_YET = "Not saved yet \u2013 will try again"
# Never echoed back, whatever the form: the form token (a fresh one is issued) and anything named
# like a secret.
_SECRET_NAME = re.compile(r"csrf|password|passphrase|token|secret", re.IGNORECASE)
# Text boxes of forms built field by field at request time, which no form class declares.
_TEXT_PATTERNS: dict[str, str] = {}


def text_boxes_named(pattern: str, label: str) -> None:
    """Fields whose whole name matches `pattern` are text boxes labelled `label` (for a form a
    feature builds at request time; the text boxes of form classes are found by themselves)."""
    _TEXT_PATTERNS[pattern] = label


def _form_classes(cls: type[FlaskForm] = FlaskForm) -> list[type[FlaskForm]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_form_classes(sub)]
    return found


@cache
def _declared() -> tuple[dict[str, str], frozenset[str]]:
    """Every form class's text boxes by field name, with a label; and its password fields."""
    labels: dict[str, set[str]] = {}
    passwords: set[str] = set()
    for form in _form_classes():
        for name in dir(form):
            field = getattr(form, name, None)
            if not isinstance(field, UnboundField):
                continue
            kind = field.field_class
            if issubclass(kind, PasswordField):
                passwords.add(name)
            elif kind is StringField or issubclass(kind, TextAreaField):
                label = field.args[0] if field.args else field.kwargs.get("label")
                labels.setdefault(name, set()).add(str(label or "").removesuffix(" (optional)"))
    return {name: _one_label(name, found) for name, found in labels.items()}, frozenset(passwords)


def _one_label(name: str, labels: set[str]) -> str:
    """A label true of every form with a text box of this name: its own if they agree, else
    the name in words if one form uses it ("Title"), else just "Your text" ("body" is a
    comment, a question, an insight ...)."""
    plain = name.replace("_", " ").capitalize()
    if len(labels) == 1 and "" not in labels:
        return next(iter(labels))
    return plain if plain in labels else "Your text"


def _label(name: str) -> str | None:
    """The label of a text box by its field name; None for any other field."""
    texts, _ = _declared()
    if name in texts:
        return texts[name]
    return next(
        (label for pattern, label in _TEXT_PATTERNS.items() if re.fullmatch(pattern, name)), None
    )


def _secret(name: str) -> bool:
    return bool(_SECRET_NAME.search(name)) or name in _declared()[1]


@dataclass(frozen=True)
class Posted:
    """What a request posted, split for the page: text boxes to show, the other fields to post
    again unseen, and whether a secret (a password) was left out, so that posting again could
    not work."""

    texts: list[tuple[str, str, str]]  # name, label, value
    others: list[tuple[str, str]]  # name, value
    secret_left_out: bool


def posted() -> Posted:
    """The request's form, as the not-saved page shows it."""
    texts, others, secret_left_out = [], [], False
    for name, values in request.form.lists():
        if name == "csrf_token":
            continue  # the page issues a fresh one
        if _secret(name):
            secret_left_out = True
            continue
        label = _label(name)
        for value in values:
            if label is not None and value.strip():
                texts.append((name, label, value))
            else:
                others.append((name, value))
    return Posted(texts, others, secret_left_out)


def answer(cause: str, unsure: bool) -> Response:
    """503 for a request the database could not take because of `cause` (outages' names);
    `unsure` when its COMMIT went unanswered, so it may have been saved after all."""
    reason = IN_PLAIN_ENGLISH[cause]
    retry_after = RETRY_AFTER[cause]
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    ):
        response = jsonify(
            saved=False,
            retry=True,
            unsure=unsure,
            reason=reason,
            message=NOT_SAVED_YET,
            retryAfter=retry_after,
            # The page's token may be old by the time the database is back.
            csrfToken=generate_csrf(),
        )
    else:
        writes = request.method not in ("GET", "HEAD")
        # Rendered without the context processors: Flask-Login's would load the person's
        # account from the database for the page's `current_user`.
        template = current_app.jinja_env.get_template("errors/503.html")
        response = make_response(
            template.render(
                reason=reason,
                unsure=unsure,
                writes=writes,
                posted=posted() if writes else None,
                address=request.full_path.rstrip("?"),
            )
        )
    response.status_code = 503
    response.headers["Retry-After"] = str(retry_after)
    return response
