"""Reading a reflection: its page, comments, sharing and earlier versions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as WerkzeugResponse

from learnset import authz, once
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.forms import EmptyForm, committed, confirm_page, confirmed, done, render_form
from learnset.pagination import page_number
from learnset.reflections import attachments, binned, comments, drafts, queries, services
from learnset.reflections.forms import (
    CommentForm,
    CommentsSeenForm,
    SharingForm,
)
from learnset.reflections.models import Reflection, Visibility
from learnset.reflections.views import WITH_WORDS, bp, reflection_or_404


def _show(
    reflection: Reflection, comment_form: CommentForm | None = None, status: int = 200
) -> tuple[str, int]:
    """The reflection with one page of its conversation. Opening it changes nothing: the
    author marks new comments as read with a POST (the button, or the page's script)."""
    db = get_db()
    is_author = reflection.author_id == current_user.id
    conversation = comments.comments_page(
        db, current_user, reflection, page_number(request.args.get("page"))
    )
    news = comments.news_for_author(db, current_user, reflection) if is_author else None
    can_comment = authz.can(current_user, "reflection:comment", reflection)
    context = {
        "reflection": reflection,
        "is_author": is_author,
        "conversation": conversation,
        "news": news,
        # Drawn from what the page shows, never from a comment that was just posted.
        "seen_form": CommentsSeenForm(formdata=None, upto=news.latest.isoformat())
        if news is not None and news.latest is not None
        else None,
        "comment_form": comment_form or (CommentForm() if can_comment else None),
        "can_comment": can_comment,
        "hidden_comments": comments.hidden_comment_count(db, reflection) if is_author else 0,
        "draft": drafts.draft_for_reflection(db, reflection) if is_author else None,
        "purge_on": binned.purge_date(reflection),
        "attachments": attachments.attachments_of(db, reflection),
    }
    return render_template("reflections/show.html", **context), status


# The page shows the reflection's set too.
_SHOWN = (joinedload(Reflection.cohort), *WITH_WORDS)


@bp.route("/reflections/<id:reflection_id>")
def show(reflection_id: int) -> Any:
    reflection = reflection_or_404(reflection_id, options=_SHOWN)
    queries.load_capabilities(get_db(), reflection)
    return _show(reflection)


@bp.route("/reflections/<id:reflection_id>/comments", methods=["POST"])
def comment(reflection_id: int) -> Any:
    reflection = reflection_or_404(reflection_id, "reflection:comment")
    form = CommentForm()
    if form.validate_on_submit():
        if (again := once.earlier(form)) is not None:
            return again
        db = get_db()
        comments.add_comment(db, reflection, current_user, form.body.data, utcnow())
        # Read before the commit: a request that fails after it cannot be run again.
        page = comments.last_page(db, current_user, reflection)
        return once.done(form, "Your comment has been added.", _comments_url(reflection, page))
    return _show(reflection, form, status=422)


def _comments_url(reflection: Reflection, page: int = 1) -> str:
    return url_for(
        "reflections.show",
        reflection_id=reflection.id,
        page=page if page > 1 else None,
        _anchor="comments",
    )


@bp.route("/reflections/<id:reflection_id>/comments/seen", methods=["POST"])
def comments_seen(reflection_id: int) -> Any:
    """The author marks the comments the page showed as read. Only the author can, and only
    while they may change the reflection: for anyone else it does not exist (404)."""
    db = get_db()
    reflection = authz.get_or_404(db, Reflection, reflection_id, current_user, "reflection:edit")
    form = CommentsSeenForm()
    if not form.validate_on_submit() or form.seen_up_to is None:
        abort(400)
    comments.mark_comments_seen(db, reflection, min(form.seen_up_to, utcnow()))
    db.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(status="seen")
    flash("The comments are marked as read.", "success")
    return redirect(_comments_url(reflection))


@bp.route("/reflections/<id:reflection_id>/sharing", methods=["GET", "POST"])
def sharing(reflection_id: int) -> Any:
    reflection = reflection_or_404(reflection_id, "reflection:edit")
    form = SharingForm(data={"visibility": reflection.visibility})
    can_share = reflection.cohort_id is not None and authz.is_participant(
        current_user, reflection.cohort_id
    )
    if form.validate_on_submit():
        db = get_db()
        with shown_on(form, "visibility"):
            services.change_visibility(db, reflection, form.visibility.data, utcnow())
            return done(
                _sharing_message(reflection),
                url_for("reflections.show", reflection_id=reflection.id),
            )
    return render_form(
        "reflections/sharing.html",
        form,
        reflection=reflection,
        can_share=can_share,
        hidden_comments=comments.hidden_comment_count(get_db(), reflection),
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
    reflection = reflection_or_404(reflection_id, "reflection:edit")
    return render_template(
        "reflections/history.html",
        reflection=reflection,
        page=services.versions_page(get_db(), reflection, page_number(request.args.get("page"))),
        form=EmptyForm(),
    )


@bp.route("/reflections/<id:reflection_id>/history/<id:version_id>/restore", methods=["POST"])
def restore_version(reflection_id: int, version_id: int) -> WerkzeugResponse:
    reflection = reflection_or_404(reflection_id, "reflection:edit")
    db = get_db()
    version = services.version_of(db, reflection, version_id)
    if version is None:
        abort(404)
    if confirmed():
        restored = services.restore_version(db, reflection, version, utcnow())
        committed(
            f"Version {version.number} has been put back. It is saved as version "
            f"{restored.number}, and the earlier versions are all still here."
        )
    return redirect(url_for("reflections.history", reflection_id=reflection.id))


@bp.route("/reflections/<id:reflection_id>/history/clear", methods=["GET", "POST"])
def clear_history(reflection_id: int) -> Any:
    reflection = reflection_or_404(reflection_id, "reflection:edit")
    if confirmed():
        removed = services.clear_history(get_db(), reflection)
        return done(
            f"{removed} earlier version{'s' if removed != 1 else ''} deleted for good.",
            url_for("reflections.history", reflection_id=reflection.id),
        )
    return confirm_page("reflections/clear_history.html", reflection=reflection)
