"""One record for one drawing of a form: a second click, a page posted again, or two tabs
posting one page at the same instant make what the first made, once.

A form that creates something is a `OnceForm`: it carries a hidden random value made when the
form is drawn. Its view claims the value before making anything (`earlier(form)`): the claim is
a row, kept by the value's hash and the person, added in the request's own transaction, so it
commits or rolls back with what was made, and a unique index decides between two posts of one
value (the second waits for the first's commit, then finds its row). The view ends with
`done(form, message, to)`, which keeps `to` on the claim, and a second post of the value is
sent there ("This was already saved"). A form posted without a value (a page drawn before
forms carried one) is made as it always was. The daily purge forgets claims after a day: a
drawn page cannot be posted after 8 hours anyway (its CSRF token expires).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.wrappers import Response
from wtforms import HiddenField

from learnset import forms
from learnset.db import Model, delete_where, get_db, utcnow
from learnset.tokens import hash_token

KEEP_CLAIMS = timedelta(days=1)
ALREADY_SAVED = "This was already saved."


class FormSubmission(Model):
    """One drawing of a form that was posted: who posted it, when, and where what it made is."""

    __tablename__ = "form_submissions"
    __table_args__ = (UniqueConstraint("user_id", "value_hash"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    value_hash: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[datetime] = mapped_column(index=True)
    # The page of what the first post made (an address in this site), where a second goes.
    made_url: Mapped[str] = mapped_column(String(2000), default="")


def _new_value() -> str:
    return secrets.token_urlsafe(32)


class OnceField(HiddenField):
    """The hidden random value of one drawing of a form, and this post's claim of it."""

    claimed: FormSubmission | None = None


class OnceForm(FlaskForm):
    """A form that creates something: posted twice from one drawing, it makes one record."""

    once = OnceField(default=_new_value)


def claim(db: Session, user_id: int, value: str, now: datetime) -> FormSubmission | str:
    """Claim one drawing of a form for this post: the new claim, or, when a post of the same
    drawing got there first, the page of what that one made ("" if it said none). A post of
    the same drawing still in flight on another connection is waited for, by the index."""
    value_hash = hash_token(value)
    submission = FormSubmission(user_id=user_id, value_hash=value_hash, made_at=now)
    try:
        with db.begin_nested():
            db.add(submission)
    except IntegrityError:
        made_url = db.scalar(
            select(FormSubmission.made_url).where(
                FormSubmission.user_id == user_id, FormSubmission.value_hash == value_hash
            )
        )
        return made_url or ""
    return submission


def earlier(form: OnceForm) -> Response | None:
    """None when this is the first post of this drawing of the form (go on and make it); else
    the answer to a second post: to what the first made, saying it was already saved."""
    # What was posted: a page drawn before its form carried a value posts none. Someone not
    # signed in (the feedback page) has nobody to keep a claim for.
    value = form.once.raw_data[0].strip() if form.once.raw_data else ""
    if not value or not current_user.is_authenticated:
        return None
    claimed = claim(get_db(), current_user.id, value, utcnow())
    if isinstance(claimed, FormSubmission):
        form.once.claimed = claimed
        return None
    flash(ALREADY_SAVED)
    return redirect(claimed or url_for("main.home"))


def done(form: OnceForm, message: str, to: str, category: str = "success") -> Response:
    """`forms.done` for a form claimed with `earlier`: keeps `to` for a second post of it."""
    if form.once.claimed is not None:
        form.once.claimed.made_url = to
    return forms.done(message, to, category)


def purge(db: Session, now: datetime) -> int:
    """Forget the forms posted more than a day ago."""
    return delete_where(db, FormSubmission, FormSubmission.made_at < now - KEEP_CLAIMS)
