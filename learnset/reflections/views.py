"""The reflective log's pages: thin views over services, queries and exports."""

from __future__ import annotations

import hmac
import secrets
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
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
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import ValidationError

from learnset import authz
from learnset.dates import UK, uk_date, uk_datetime
from learnset.db import get_db, utcnow
from learnset.errors import csrf_refused, flashed, leave_cookies_alone, shown_on
from learnset.forms import EmptyForm, render_form
from learnset.pagination import page_number
from learnset.reflections import (
    editor,
    exports,
    queries,
    rescue,
    services,
)
from learnset.reflections.filters import log_filters, small_id
from learnset.reflections.forms import (
    VISIBILITY_HINTS,
    VISIBILITY_LABELS,
    VISIBILITY_TAGS,
    CommentForm,
    PortfolioForm,
    SharingForm,
    posted_fields,
    saved_fields,
    structure_in,
    to_multidict,
)
from learnset.reflections.models import Reflection, ReflectionComment, Visibility
from learnset.reflections.rescue import Target
from learnset.reflections.structures import DEFAULT_STRUCTURE, STRUCTURES

bp = Blueprint("reflections", __name__)
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
EDITORS = {"reflections.write", "reflections.edit"}
AUTOSAVES = {"reflections.autosave_new", "reflections.autosave"}


def _today() -> date:
    return utcnow().astimezone(UK).date()


def _reflection(reflection_id: int, action: str | None = None) -> Reflection:
    return authz.get_or_404(
        get_db(), Reflection, reflection_id, current_user, "reflection:view", action
    )


def _editor_url(target: Target) -> str:
    if target.reflection_id is not None:
        return url_for("reflections.edit", reflection_id=target.reflection_id)
    return url_for("reflections.write", key=target.draft_key)


def _request_target() -> Target | None:
    """The editor a POST came from, for the endpoints whose text must survive a sign-out."""
    if request.endpoint not in EDITORS | AUTOSAVES or not request.view_args:
        return None
    if "reflection_id" in request.view_args:
        return Target(reflection_id=request.view_args["reflection_id"])
    return Target(draft_key=request.view_args["key"])


# --- Never lost: expired sign-in, stale forms (rules in rescue.py) ---------------------------


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
        editor_url=None if refusal is rescue.Refusal.NOT_YOURS else _editor_url(target),
    ), status


@bp.errorhandler(CSRFError)
def _stale_form(error: CSRFError) -> Any:
    target = _request_target()
    if target is None or request.method != "POST" or not _token_issued_here():
        return _refused()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is not None and (elsewhere := _opened_by_someone_else(target)):
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
        return redirect(url_for("accounts.sign_in", next=_editor_url(target)))
    flash(STALE_KEPT)
    return redirect(_editor_url(target))


def _keep_signed_out_text(_app: Flask, **_extra: Any) -> None:
    """Before the sign-in redirect: keep what an editor posted after the session lost its user.

    Nothing here looks anything up unless the page's signed `writer` field holds, so the
    redirect is the same for a reflection that exists and one that does not.
    """
    target = _request_target()
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


def _opened_by_someone_else(target: Target) -> Any:
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
        db.commit()
        flash(USED, "success")
        return redirect(_editor_url(target))
    return redirect(url_for("reflections.bin"))


@bp.route("/reflections/kept/<id:rescue_id>/discard", methods=["GET", "POST"])
def discard_kept(rescue_id: int) -> Any:
    kept = _kept_or_404(rescue_id)
    db = get_db()
    form = EmptyForm()
    if form.validate_on_submit():
        target = rescue.discard(db, session, current_user, kept)
        db.commit()
        flash(DISCARDED, "success")
        return redirect(_editor_url(target))
    return render_template(
        "reflections/discard_kept.html",
        form=form,
        kept=kept,
        fields=editor.readable(kept.data),
        editor_url=_editor_url(rescue.destination(db, current_user, kept)),
    )


# --- The log ---------------------------------------------------------------------------------


@bp.route("/reflections")
def log() -> tuple[str, int]:
    db = get_db()
    form, filters = log_filters(db, current_user, request.args)
    page = queries.log_page(db, current_user, filters, page_number(request.args.get("page")))
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_form(
        "reflections/log.html",
        form,
        page=page,
        filters=filters,
        args=args,
        drafts=services.unfinished_drafts(db, current_user),
        tags=VISIBILITY_TAGS,
    )


@bp.route("/reflections/shared")
def shared() -> str:
    db = get_db()
    cohort_id = small_id(request.args.get("cohort"))
    page = queries.shared_page(db, current_user, cohort_id, page_number(request.args.get("page")))
    return render_template(
        "reflections/shared.html",
        page=page,
        cohorts=db.scalars(authz.visible_cohorts(current_user)).all()
        if not current_user.is_admin
        else [],
        cohort_id=cohort_id,
        tags=VISIBILITY_TAGS,
    )


# --- Writing ---------------------------------------------------------------------------------


@bp.route("/reflections/new")
def new() -> WerkzeugResponse:
    structure = request.args.get("structure")
    challenge = small_id(request.args.get("challenge"))
    return redirect(
        url_for(
            "reflections.write",
            key=secrets.token_urlsafe(18),
            structure=structure if structure in STRUCTURES else None,
            challenge=challenge,
        )
    )


@bp.route("/reflections/new/<key>", methods=["GET", "POST"])
def write(key: str) -> Any:
    if not services.valid_draft_key(key):
        abort(404)
    target = Target(draft_key=key)
    if request.method == "POST" and (elsewhere := _opened_by_someone_else(target)):
        return elsewhere
    saved = services.reflection_from_key(get_db(), current_user, key)
    if saved is not None:
        # Already saved from this page (the back button, a second tab): carry on with it.
        endpoint = "reflections.show" if saved.in_bin else "reflections.edit"
        return redirect(url_for(endpoint, reflection_id=saved.id))
    return _editor(target)


@bp.route("/reflections/<id:reflection_id>/edit", methods=["GET", "POST"])
def edit(reflection_id: int) -> Any:
    target = Target(reflection_id=reflection_id)
    if request.method == "POST" and (elsewhere := _opened_by_someone_else(target)):
        return elsewhere
    reflection = _reflection(reflection_id, "reflection:edit")
    return _editor(target, reflection)


def _draft(target: Target, reflection: Reflection | None) -> Any:
    db = get_db()
    if reflection is not None:
        return services.draft_for_reflection(db, reflection)
    assert target.draft_key is not None
    return services.draft_for_key(db, current_user, target.draft_key)


def _editor(target: Target, reflection: Reflection | None = None) -> Any:
    db = get_db()
    if request.method == "POST":
        return _editor_post(target, reflection)
    draft = _draft(target, reflection)
    if draft is not None:
        current: dict[str, list[str]] = draft.data
    elif reflection is not None:
        current = saved_fields(reflection)
    else:
        current = {}
    formdata = to_multidict(current) if current else None
    structure = structure_in(formdata) or request.args.get("structure") or DEFAULT_STRUCTURE
    built = editor.build(
        db, current_user, structure, formdata, _today(), reflection, request.args.get("challenge")
    )
    return _render_editor(built, target, reflection, draft, current)


def _render_editor(
    built: editor.Editor,
    target: Target,
    reflection: Reflection | None,
    draft: Any,
    current: dict[str, list[str]],
    status: int = 200,
) -> tuple[str, int]:
    form = built.form
    other = next(s for name, s in STRUCTURES.items() if name != form.structure_spec.name)
    now = utcnow()
    kept = rescue.kept_for_editor(get_db(), session, current_user, target, now, reflection)
    return render_template(
        "reflections/editor.html",
        form=form,
        reflection=reflection,
        draft=draft,
        target=target,
        editor_url=_editor_url(target),
        autosave_url=url_for("reflections.autosave", reflection_id=reflection.id)
        if reflection
        else url_for("reflections.autosave_new", key=target.draft_key),
        writer=rescue.writer_token(current_app.config["SECRET_KEY"], current_user, target, now),
        kept=kept,
        kept_rows=editor.compare(kept.data, current) if kept else [],
        capability_groups=built.capability_groups,
        cohort_names=built.cohort_names,
        other_structure=other,
        visibility_labels=VISIBILITY_LABELS,
        visibility_hints=VISIBILITY_HINTS,
    ), status


def _editor_post(target: Target, reflection: Reflection | None) -> Any:
    db, now = get_db(), utcnow()
    data = posted_fields(request.form)
    action = request.form.get("action", "save")
    if action == "structure":
        data, destination = editor.restructured(data)
        editor.keep_draft(db, current_user, target, data, now, reflection)
        db.commit()
        flash(
            f"Your reflection now follows {destination.title}. Your text has moved into the "
            "new parts: check it, then save."
        )
        return redirect(_editor_url(target))
    if action == "draft":
        kept = editor.keep_draft(db, current_user, target, data, now, reflection)
        db.commit()
        if kept is not None:
            flash(f"Draft saved at {uk_datetime(now)}. Your saved reflection has not changed."
                  if reflection else f"Draft saved at {uk_datetime(now)}.", "success")  # fmt: skip
        else:
            flash("There was nothing new to save.")
        return redirect(_editor_url(target))
    built = editor.build(
        db, current_user, structure_in(request.form), request.form, _today(), reflection
    )
    form = built.form
    if form.validate():
        with shown_on(form, "title"):
            if reflection is None:
                reflection = services.create_reflection(
                    db, current_user, form.to_input(), now, draft_key=target.draft_key
                )
            else:
                services.update_reflection(db, reflection, form.to_input(), now)
            db.commit()
            flash("Your reflection has been saved.", "success")
            return redirect(url_for("reflections.show", reflection_id=reflection.id))
    # Not saved yet: keep the text as a draft while the writer puts things right.
    draft = editor.keep_draft(db, current_user, target, data, now, reflection)
    db.commit()
    return _render_editor(built, target, reflection, draft, data, status=422)


def _autosaved(kept: Any) -> Response:
    now = utcnow()
    return jsonify(
        status="saved" if kept is not None else "unchanged",
        message=f"Draft saved at {uk_datetime(now).split(' at ')[-1]}"
        if kept is not None
        else "No unsaved changes",
        # A fresh token keeps a page that is open for hours able to save.
        csrfToken=generate_csrf(),
    )


@bp.route("/reflections/new/<key>/draft", methods=["POST"])
def autosave_new(key: str) -> Any:
    if not services.valid_draft_key(key):
        abort(404)
    if elsewhere := _opened_by_someone_else(Target(draft_key=key)):
        return elsewhere
    db = get_db()
    saved = services.reflection_from_key(db, current_user, key)
    if saved is not None:
        return jsonify(status="saved-already", message="Already saved"), 409
    target = Target(draft_key=key)
    kept = editor.keep_draft(db, current_user, target, posted_fields(request.form), utcnow())
    db.commit()
    return _autosaved(kept)


@bp.route("/reflections/<id:reflection_id>/draft", methods=["POST"])
def autosave(reflection_id: int) -> Any:
    if elsewhere := _opened_by_someone_else(Target(reflection_id=reflection_id)):
        return elsewhere
    reflection = _reflection(reflection_id, "reflection:edit")
    db = get_db()
    target = Target(reflection_id=reflection.id)
    kept = editor.keep_draft(
        db, current_user, target, posted_fields(request.form), utcnow(), reflection
    )
    db.commit()
    return _autosaved(kept)


@bp.route("/reflections/new/<key>/discard", methods=["GET", "POST"])
def discard_new(key: str) -> Any:
    db = get_db()
    draft = services.draft_for_key(db, current_user, key) if services.valid_draft_key(key) else None
    if draft is None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        services.discard_draft(db, draft)
        db.commit()
        flash("The draft has been deleted.", "success")
        return redirect(url_for("reflections.log"))
    title = (draft.data.get("title") or [""])[0].strip()
    return render_template(
        "reflections/discard_new.html", form=form, draft=draft, title=title, key=key
    )


@bp.route("/reflections/<id:reflection_id>/discard", methods=["GET", "POST"])
def discard_changes(reflection_id: int) -> Any:
    reflection = _reflection(reflection_id, "reflection:edit")
    db = get_db()
    draft = services.draft_for_reflection(db, reflection)
    if draft is None:
        flash("There are no unsaved changes to this reflection.")
        return redirect(url_for("reflections.show", reflection_id=reflection.id))
    form = EmptyForm()
    if form.validate_on_submit():
        services.discard_draft(db, draft)
        db.commit()
        flash("Your unsaved changes have been thrown away.", "success")
        return redirect(url_for("reflections.show", reflection_id=reflection.id))
    return render_template(
        "reflections/discard_changes.html", form=form, reflection=reflection, draft=draft
    )


# --- Reading, sharing, comments --------------------------------------------------------------


def _show(
    reflection: Reflection, comment_form: CommentForm | None = None, status: int = 200
) -> tuple[str, int]:
    db = get_db()
    is_author = reflection.author_id == current_user.id
    comments = db.scalars(
        authz.visible_comments(current_user, reflection).options(
            joinedload(ReflectionComment.author)
        )
    ).all()
    can_comment = authz.can(current_user, "reflection:comment", reflection)
    context = {
        "reflection": reflection,
        "is_author": is_author,
        "comments": comments,
        "comment_form": comment_form or (CommentForm() if can_comment else None),
        "can_comment": can_comment,
        "hidden_comments": services.hidden_comment_count(db, reflection) if is_author else 0,
        "draft": services.draft_for_reflection(db, reflection) if is_author else None,
        "purge_on": services.purge_date(reflection),
        "tags": VISIBILITY_TAGS,
    }
    if is_author and comments and status == 200:
        services.mark_comments_seen(db, reflection, utcnow())
        db.commit()
    return render_template("reflections/show.html", **context), status


@bp.route("/reflections/<id:reflection_id>")
def show(reflection_id: int) -> Any:
    return _show(_reflection(reflection_id))


@bp.route("/reflections/<id:reflection_id>/comments", methods=["POST"])
def comment(reflection_id: int) -> Any:
    reflection = _reflection(reflection_id, "reflection:comment")
    form = CommentForm()
    if form.validate_on_submit():
        db = get_db()
        services.add_comment(db, reflection, current_user, form.body.data, utcnow())
        db.commit()
        flash("Your comment has been added.", "success")
        return redirect(url_for("reflections.show", reflection_id=reflection.id) + "#comments")
    return _show(reflection, form, status=422)


@bp.route("/reflections/<id:reflection_id>/sharing", methods=["GET", "POST"])
def sharing(reflection_id: int) -> Any:
    reflection = _reflection(reflection_id, "reflection:edit")
    form = SharingForm(data={"visibility": reflection.visibility})
    can_share = reflection.cohort_id is not None and authz.is_participant(
        current_user, reflection.cohort_id
    )
    if form.validate_on_submit():
        db = get_db()
        with shown_on(form, "visibility"):
            services.change_visibility(db, reflection, form.visibility.data, utcnow())
            db.commit()
            flash(_sharing_message(reflection), "success")
            return redirect(url_for("reflections.show", reflection_id=reflection.id))
    return render_form(
        "reflections/sharing.html",
        form,
        reflection=reflection,
        can_share=can_share,
        visibility_hints=VISIBILITY_HINTS,
        hidden_comments=services.hidden_comment_count(get_db(), reflection),
    )


def _sharing_message(reflection: Reflection) -> str:
    cohort = reflection.cohort.name if reflection.cohort else "your learning set"
    if reflection.visibility == Visibility.TUTORS:
        return f"This reflection is now shared with the tutors of {cohort}."
    if reflection.visibility == Visibility.SET:
        return f"This reflection is now shared with everyone in {cohort}."
    return "This reflection is now private. Only you can read it."


# --- History ---------------------------------------------------------------------------------


@bp.route("/reflections/<id:reflection_id>/history")
def history(reflection_id: int) -> str:
    reflection = _reflection(reflection_id, "reflection:edit")
    return render_template(
        "reflections/history.html",
        reflection=reflection,
        versions=services.versions_of(get_db(), reflection),
        form=EmptyForm(),
    )


@bp.route("/reflections/<id:reflection_id>/history/<id:version_id>/restore", methods=["POST"])
def restore_version(reflection_id: int, version_id: int) -> WerkzeugResponse:
    reflection = _reflection(reflection_id, "reflection:edit")
    db = get_db()
    version = services.version_of(db, reflection, version_id)
    if version is None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        restored = services.restore_version(db, reflection, version, utcnow())
        db.commit()
        flash(
            f"Version {version.number} has been put back. It is saved as version "
            f"{restored.number}, and the earlier versions are all still here.",
            "success",
        )
    return redirect(url_for("reflections.history", reflection_id=reflection.id))


@bp.route("/reflections/<id:reflection_id>/history/clear", methods=["GET", "POST"])
def clear_history(reflection_id: int) -> Any:
    reflection = _reflection(reflection_id, "reflection:edit")
    form = EmptyForm()
    if form.validate_on_submit():
        db = get_db()
        removed = services.clear_history(db, reflection)
        db.commit()
        flash(
            f"{removed} earlier version{'s' if removed != 1 else ''} deleted for good.",
            "success",
        )
        return redirect(url_for("reflections.history", reflection_id=reflection.id))
    return render_template("reflections/clear_history.html", reflection=reflection, form=form)


# --- The bin ---------------------------------------------------------------------------------


@bp.route("/reflections/<id:reflection_id>/delete", methods=["GET", "POST"])
def delete(reflection_id: int) -> Any:
    reflection = _reflection(reflection_id, "reflection:edit")
    form = EmptyForm()
    if form.validate_on_submit():
        db = get_db()
        services.move_to_bin(db, reflection, utcnow())
        db.commit()
        flash(
            f"\u201c{reflection.title}\u201d is in the bin. You can restore it until "
            f"{uk_date(services.purge_date(reflection))}.",
            "success",
        )
        return redirect(url_for("reflections.log"))
    return render_template(
        "reflections/delete.html", reflection=reflection, form=form, days=services.BIN_DAYS
    )


@bp.route("/reflections/bin")
def bin() -> str:
    reflections = queries.bin_contents(get_db(), current_user)
    return render_template(
        "reflections/bin.html",
        reflections=reflections,
        purge_dates={r.id: services.purge_date(r) for r in reflections},
        form=EmptyForm(),
        days=services.BIN_DAYS,
    )


@bp.route("/reflections/<id:reflection_id>/restore", methods=["POST"])
def restore(reflection_id: int) -> WerkzeugResponse:
    reflection = _reflection(reflection_id, "reflection:restore")
    form = EmptyForm()
    if form.validate_on_submit():
        db = get_db()
        services.restore_from_bin(db, reflection)
        db.commit()
        flash(f"\u201c{reflection.title}\u201d is back in your log.", "success")
    return redirect(url_for("reflections.show", reflection_id=reflection.id))


@bp.route("/reflections/<id:reflection_id>/delete-for-good", methods=["GET", "POST"])
def destroy(reflection_id: int) -> Any:
    reflection = _reflection(reflection_id, "reflection:destroy")
    form = EmptyForm()
    if form.validate_on_submit():
        db = get_db()
        title = reflection.title
        services.delete_for_good(db, reflection)
        db.commit()
        flash(f"\u201c{title}\u201d has been deleted for good.", "success")
        return redirect(url_for("reflections.bin"))
    return render_template("reflections/destroy.html", reflection=reflection, form=form)


# --- Exports ---------------------------------------------------------------------------------


@bp.route("/reflections/export.zip")
def export_markdown() -> Response:
    today = _today()
    body = exports.markdown_zip(get_db(), current_user, today)
    return Response(
        body,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="learnset-reflective-log-{today}.zip"'
        },
    )


@bp.route("/reflections/portfolio")
def portfolio() -> tuple[str, int]:
    form = PortfolioForm(request.args)
    default_from, default_to = exports.appraisal_year(_today())
    valid = form.validate() if request.args else True
    date_from = (form.date_from.data if valid else None) or default_from
    date_to = (form.date_to.data if valid else None) or default_to
    if date_from > date_to:
        form.date_to.errors = ["The end date must be the same as or after the start date"]
        date_from, date_to = default_from, default_to
    form.date_from.data, form.date_to.data = date_from, date_to
    return render_form(
        "reflections/portfolio.html",
        form,
        portfolio=exports.portfolio(get_db(), current_user, date_from, date_to),
        full_text=bool(form.full_text.data),
        activity_of=exports.activity_of,
        learned=exports.learned,
        will_change=exports.will_change,
    )
