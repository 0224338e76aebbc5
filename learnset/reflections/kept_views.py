"""Never lost: what an editor posted after its sign-in expired, on a stale form, or from
someone else's page on a shared computer is kept and offered back (rules in rescue.py)."""

from __future__ import annotations

import hmac
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, user_unauthorized
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import ValidationError

from learnset.db import get_db, utcnow
from learnset.errors import csrf_refused, flashed, leave_cookies_alone
from learnset.forms import confirm_page, confirmed, done
from learnset.reflections import editor, rescue
from learnset.reflections.forms import (
    posted_fields,
)
from learnset.reflections.rescue import Target
from learnset.reflections.views import AUTOSAVES, EDITORS, bp, editor_url, request_target

# Ids past the database's integer range would crash SQLite: such URLs simply do not match.
SIGNED_OUT_KEPT = (
    "You were signed out before your reflection was saved. We have kept what you wrote: sign "
    "in and you can choose whether to put it back."
)


STALE_KEPT = (
    "The page had been open too long to save your reflection safely, so it was not saved. "
    "We have kept what you wrote: it is shown below beside the text in the form, so you can "
    "choose which to keep."
)


USED = (
    "The text you typed before you were signed out is now in the form. Check it, then save "
    "your reflection."
)


DISCARDED = "The text you typed before you were signed out has been discarded."


SOMEONE_ELSE = (
    "That page was opened by someone who is no longer signed in on this browser. What was "
    "typed on it has not been saved to your account: it is kept for them, on this browser."
)


SOMEONE_ELSE_EMPTY = (
    "That page was opened by someone who is no longer signed in on this browser, so nothing "
    "from it was saved to your account."
)


def _token_issued_here() -> bool:
    """Whether the post carries a CSRF token this browser was given, up to KEEP_DAYS old.

    Flask-WTF's own check stops at 8 hours; this one accepts an older token for keeping text,
    and only when the signature holds and it matches this browser's session.
    """
    config = current_app.config
    token = request.form.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    for header in config.get("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"]):
        token = token or request.headers.get(header)
    try:
        validate_csrf(token, time_limit=int(rescue.KEEP_FOR.total_seconds()))
    except ValidationError:
        return False
    return True


def _client() -> str:
    """The IP address as a keyed hash: enough to count by, nothing to anyone without the key."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, (request.remote_addr or "").encode(), "sha256").hexdigest()


def _writer(target: Target) -> int | None:
    secret = current_app.config["SECRET_KEY"]
    return rescue.writer_in(secret, request.form.get(rescue.WRITER_FIELD), target, utcnow())


def _keep(target: Target, user: Any, writer: int | None) -> Any:
    return rescue.keep(
        get_db(), session, _client(), user, writer, target, posted_fields(request.form), utcnow()
    )


def _refused() -> Any:
    """A post whose token is not this browser's: 400, nothing kept, cookies as they were."""
    if request.endpoint in AUTOSAVES:
        leave_cookies_alone()
        return jsonify(
            status="expired",
            message="This page has expired and your latest changes are not saved. Copy your "
            "text, then reload the page.",
        ), 400
    return csrf_refused()


def _not_kept(refusal: rescue.Refusal, target: Target, signed_in: bool) -> Any:
    """Writing that could not be kept: say why, and give it back to copy (the token was this
    browser's, so the text on the page is the person's own)."""
    status = {
        rescue.Refusal.TOO_BIG: 413,
        rescue.Refusal.BROWSER_FULL: 429,
        rescue.Refusal.NETWORK_BUSY: 429,
        rescue.Refusal.SERVICE_BUSY: 429,
    }.get(refusal, 400)
    if request.endpoint in AUTOSAVES:
        opening = "This page has expired." if signed_in else "You have been signed out."
        return jsonify(
            status="not-kept",
            message=f"{opening} {refusal.value} Copy your text before you leave this page.",
        ), status
    return render_template(
        "reflections/not_kept.html",
        message=refusal.message,
        fields=editor.readable(posted_fields(request.form)),
        signed_in=signed_in,
        editor_url=None if refusal is rescue.Refusal.NOT_YOURS else editor_url(target),
    ), status


@bp.errorhandler(CSRFError)
def _stale_form(error: CSRFError) -> Any:
    target = request_target()
    if target is None or request.method != "POST" or not _token_issued_here():
        return _refused()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is not None and (elsewhere := opened_by_someone_else(target)):
        return elsewhere
    kept = _keep(target, user, _writer(target) if user is None else None)
    if kept is rescue.Refusal.NOTHING_TYPED:
        return _refused()
    if isinstance(kept, rescue.Refusal):
        return _not_kept(kept, target, signed_in=user is not None)
    get_db().commit()
    if request.endpoint in AUTOSAVES:
        return jsonify(
            status="signed-out" if user is None else "stale",
            message="Your sign-in has expired. Your text is kept: sign in again to carry on."
            if user is None
            else "This page has expired. Your text is kept: reload the page to carry on.",
        ), (401 if user is None else 400)
    if user is None:
        flash(SIGNED_OUT_KEPT)
        return redirect(url_for("accounts.sign_in", next=editor_url(target)))
    flash(STALE_KEPT)
    return redirect(editor_url(target))


def _keep_signed_out_text(_app: Flask, **_extra: Any) -> None:
    """Before the sign-in redirect: keep what an editor posted after the session lost its user.

    Nothing here looks anything up unless the page's signed `writer` field holds, so the
    redirect is the same for a reflection that exists and one that does not.
    """
    target = request_target()
    if target is None or request.method != "POST" or not _token_issued_here():
        return
    kept = _keep(target, None, _writer(target))
    if kept is rescue.Refusal.NOTHING_TYPED:
        return
    if isinstance(kept, rescue.Refusal):
        abort(make_response(_not_kept(kept, target, signed_in=False)))
    get_db().commit()
    if request.endpoint in EDITORS:
        flash(SIGNED_OUT_KEPT)


@bp.record_once
def _connect(state: Any) -> None:
    user_unauthorized.connect(_keep_signed_out_text, sender=state.app, weak=False)


def opened_by_someone_else(target: Target) -> Any:
    """A page opened by one account, posted while another is signed in on this browser (a
    shared computer): the writing is kept for the one who opened it, never saved to the other.
    """
    writer = _writer(target)
    if writer is None or writer == current_user.id:
        return None
    kept = _keep(target, None, writer)
    if isinstance(kept, rescue.Refusal) and kept is not rescue.Refusal.NOTHING_TYPED:
        return _not_kept(kept, target, signed_in=True)
    get_db().commit()
    message = SOMEONE_ELSE if not isinstance(kept, rescue.Refusal) else SOMEONE_ELSE_EMPTY
    if request.endpoint in AUTOSAVES:
        return jsonify(status="someone-else", message=message), 409
    flash(message)
    return redirect(url_for("main.home"))


def _kept_or_404(rescue_id: int) -> Any:
    kept = rescue.kept_text(get_db(), session, current_user, rescue_id, utcnow())
    if kept is None:
        abort(404)
    return kept


@bp.route("/reflections/kept/<id:rescue_id>/use", methods=["POST"])
def use_kept(rescue_id: int) -> WerkzeugResponse:
    kept = _kept_or_404(rescue_id)
    db = get_db()
    with flashed():
        target = rescue.use(db, session, current_user, kept, utcnow())
        return done(USED, editor_url(target))
    return redirect(url_for("reflections.bin"))


@bp.route("/reflections/kept/<id:rescue_id>/discard", methods=["GET", "POST"])
def discard_kept(rescue_id: int) -> Any:
    kept = _kept_or_404(rescue_id)
    db = get_db()
    if confirmed():
        target = rescue.discard(db, session, current_user, kept)
        return done(DISCARDED, editor_url(target))
    return confirm_page(
        "reflections/discard_kept.html",
        kept=kept,
        fields=editor.readable(kept.data),
        editor_url=editor_url(rescue.destination(db, current_user, kept)),
    )
