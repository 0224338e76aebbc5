"""Writing: the editor for a new or saved reflection, its autosave, and throwing away
unsaved drafts."""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response as WerkzeugResponse

from learnset.dates import uk_datetime
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.forms import confirm_page, confirmed, done
from learnset.reflections import drafts, editor, queries, rescue, services
from learnset.reflections.filters import small_id
from learnset.reflections.forms import (
    MAX_TITLE,
    posted_fields,
    saved_fields,
    structure_in,
    to_multidict,
)
from learnset.reflections.kept_views import opened_by_someone_else
from learnset.reflections.models import Reflection
from learnset.reflections.rescue import Target
from learnset.reflections.structures import DEFAULT_STRUCTURE, STRUCTURES
from learnset.reflections.views import WITH_WORDS, bp, editor_url, reflection_or_404, uk_today


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
            title=(request.args.get("title") or "")[:MAX_TITLE] or None,
            capability=[c for c in request.args.getlist("capability") if small_id(c)][:20],
        )
    )


@bp.route("/reflections/new/<key>", methods=["GET", "POST"])
def write(key: str) -> Any:
    if not drafts.valid_draft_key(key):
        abort(404)
    target = Target(draft_key=key)
    if request.method == "POST" and (elsewhere := opened_by_someone_else(target)):
        return elsewhere
    saved = drafts.reflection_from_key(get_db(), current_user, key)
    if saved is not None:
        # Already saved from this page (the back button, a second tab): carry on with it.
        endpoint = "reflections.show" if saved.in_bin else "reflections.edit"
        return redirect(url_for(endpoint, reflection_id=saved.id))
    return _editor(target)


@bp.route("/reflections/<id:reflection_id>/edit", methods=["GET", "POST"])
def edit(reflection_id: int) -> Any:
    target = Target(reflection_id=reflection_id)
    if request.method == "POST" and (elsewhere := opened_by_someone_else(target)):
        return elsewhere
    reflection = reflection_or_404(reflection_id, "reflection:edit", options=WITH_WORDS)
    queries.load_capabilities(get_db(), reflection)
    return _editor(target, reflection)


def _draft(target: Target, reflection: Reflection | None) -> Any:
    db = get_db()
    if reflection is not None:
        return drafts.draft_for_reflection(db, reflection)
    assert target.draft_key is not None
    return drafts.draft_for_key(db, current_user, target.draft_key)


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
        db,
        current_user,
        structure,
        formdata,
        uk_today(),
        reflection,
        request.args.get("challenge"),
        request.args.get("title"),
        request.args.getlist("capability"),
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
        editor_url=editor_url(target),
        autosave_url=url_for("reflections.autosave", reflection_id=reflection.id)
        if reflection
        else url_for("reflections.autosave_new", key=target.draft_key),
        writer=rescue.writer_token(current_app.config["SECRET_KEY"], current_user, target, now),
        kept=kept,
        kept_rows=editor.compare(kept.data, current) if kept else [],
        capability_checkboxes=editor.capability_checkboxes(
            built.capability_groups, form.capabilities.data
        ),
        cohort_names=built.cohort_names,
        other_structure=other,
    ), status


def _editor_post(target: Target, reflection: Reflection | None) -> Any:
    db, now = get_db(), utcnow()
    data = posted_fields(request.form)
    action = request.form.get("action", "save")
    if action == "structure":
        data, destination = editor.restructured(data)
        editor.keep_draft(db, current_user, target, data, now, reflection)
        return done(
            f"Your reflection now follows {destination.title}. Your text has moved into the "
            "new parts: check it, then save.",
            editor_url(target),
            category="message",
        )
    if action == "draft":
        kept = editor.keep_draft(db, current_user, target, data, now, reflection)
        db.commit()
        if kept is not None:
            flash(f"Draft saved at {uk_datetime(now)}. Your saved reflection has not changed."
                  if reflection else f"Draft saved at {uk_datetime(now)}.", "success")  # fmt: skip
        else:
            flash("There was nothing new to save.")
        return redirect(editor_url(target))
    built = editor.build(
        db, current_user, structure_in(request.form), request.form, uk_today(), reflection
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
            return done(
                "Your reflection has been saved.",
                url_for("reflections.show", reflection_id=reflection.id),
            )
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
    if not drafts.valid_draft_key(key):
        abort(404)
    if elsewhere := opened_by_someone_else(Target(draft_key=key)):
        return elsewhere
    db = get_db()
    saved = drafts.reflection_from_key(db, current_user, key)
    if saved is not None:
        return jsonify(status="saved-already", message="Already saved"), 409
    target = Target(draft_key=key)
    kept = editor.keep_draft(db, current_user, target, posted_fields(request.form), utcnow())
    db.commit()
    return _autosaved(kept)


@bp.route("/reflections/<id:reflection_id>/draft", methods=["POST"])
def autosave(reflection_id: int) -> Any:
    if elsewhere := opened_by_someone_else(Target(reflection_id=reflection_id)):
        return elsewhere
    reflection = reflection_or_404(reflection_id, "reflection:edit")
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
    draft = drafts.draft_for_key(db, current_user, key) if drafts.valid_draft_key(key) else None
    if draft is None:
        abort(404)
    if confirmed():
        drafts.discard_draft(db, draft)
        return done("The draft has been deleted.", url_for("reflections.log"))
    title = (draft.data.get("title") or [""])[0].strip()
    return confirm_page("reflections/discard_new.html", draft=draft, title=title, key=key)


@bp.route("/reflections/<id:reflection_id>/discard", methods=["GET", "POST"])
def discard_changes(reflection_id: int) -> Any:
    reflection = reflection_or_404(reflection_id, "reflection:edit")
    db = get_db()
    draft = drafts.draft_for_reflection(db, reflection)
    if draft is None:
        flash("There are no unsaved changes to this reflection.")
        return redirect(url_for("reflections.show", reflection_id=reflection.id))
    if confirmed():
        drafts.discard_draft(db, draft)
        return done(
            "Your unsaved changes have been thrown away.",
            url_for("reflections.show", reflection_id=reflection.id),
        )
    return confirm_page("reflections/discard_changes.html", reflection=reflection, draft=draft)
