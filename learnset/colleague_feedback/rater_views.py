"""A colleague's pages, reached by the link in their email: no account, no sign-in. The link
names nothing and nobody; the page says who asked only once the link proves to be a live one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from learnset.accounts.security import carries_token, public
from learnset.colleague_feedback import services
from learnset.colleague_feedback.forms import (
    answer_form,
    answers_from,
    draft_data,
    rating_field_name,
)
from learnset.colleague_feedback.models import FeedbackRater
from learnset.colleague_feedback.views import bp
from learnset.dates import uk_date, uk_time
from learnset.db import get_db, utcnow
from learnset.errors import link_gone, shown_on
from learnset.extensions import limiter
from learnset.forms import confirm_page, confirmed, done, render_form
from learnset.framework.models import Capability

Page = Response | str | tuple[str, int]


def _rater_limit() -> str:
    limit: str = current_app.config["RATER_LIMIT_PER_IP"]
    return limit


def _gone() -> tuple[str, int]:
    # A rater has no account here, so no way home is offered.
    return link_gone(
        "This link no longer works",
        "Feedback has already been sent or declined from it, or the time for answering has "
        "passed. Each link can be used by one person, once.",
        more="If a reminder came after the first email, only the link in the reminder works.",
        home=False,
    )


def _for_raters(view: Callable[..., Any]) -> Callable[..., Any]:
    """Open to anyone with a link (no sign-in), so limited an address; the token in the URL is
    never sent on as a Referer."""
    return public(carries_token(limiter.limit(_rater_limit)(view)))


def _rater_link(view: Callable[[FeedbackRater, str], Page]) -> Callable[[str], Page]:
    """A colleague's page: the view gets the rater whose live link this is (and the token);
    a used or closed link is a 410, an unknown one 404."""

    @wraps(view)
    def with_rater(token: str) -> Page:
        rater = services.find_rater(get_db(), token)
        if rater is None:
            raise NotFound()
        if not services.link_works(rater, utcnow()):
            return _gone()
        return view(rater, token)

    return _for_raters(with_rater)


def _capabilities(rater: FeedbackRater) -> list[Capability]:
    ids = rater.round.capability_ids
    found = {c.id: c for c in get_db().scalars(select(Capability).where(Capability.id.in_(ids)))}
    return [found[cid] for cid in ids if cid in found]


@bp.route("/colleague-feedback/answer/<token>", methods=["GET", "POST"])
@_rater_link
def answer(rater: FeedbackRater, token: str) -> Page:
    db = get_db()
    capabilities = _capabilities(rater)
    form = answer_form(capabilities, data=draft_data(rater.draft))
    if form.validate_on_submit():
        answers = answers_from(form)
        if request.form.get("action") == "save":
            services.save_draft(db, rater, answers, utcnow())
            return done(
                "Your answers are saved. Come back with the same link before the end of "
                f"{uk_date(rater.round.closes_at)} to finish and send them.",
                url_for("colleague_feedback.answer", token=token),
            )
        missing = [c for c in capabilities if str(c.id) not in answers["ratings"]]
        for capability in missing:
            form[rating_field_name(capability.id)].errors = [
                f"Choose a level for \u201c{capability.name}\u201d, or \u201cI can\u2019t say\u201d"
            ]
        if not missing:
            with shown_on(form):
                services.submit(db, rater, answers, utcnow())
                db.commit()
                return redirect(url_for("colleague_feedback.thanks"))
    return render_form("colleague_feedback/answer.html", form, rater=rater)


@bp.route("/colleague-feedback/answer/<token>/draft", methods=["POST"])
@_for_raters
def autosave(token: str) -> Response | tuple[Response, int]:
    """Saves the answers as the colleague goes (autosave.js); the form's own "Save and come
    back later" button does the same without JavaScript."""
    rater = services.find_rater(get_db(), token)
    if rater is None or not services.link_works(rater, utcnow()):
        return jsonify(saved=False, message="This link no longer works"), 410
    db = get_db()
    form = answer_form(_capabilities(rater))
    form.validate()
    services.save_draft(db, rater, answers_from(form), utcnow())
    db.commit()
    return jsonify(
        saved=True, message=f"Answers saved at {uk_time(utcnow())}", csrfToken=generate_csrf()
    )


@bp.route("/colleague-feedback/answer/<token>/decline", methods=["GET", "POST"])
@_rater_link
def decline(rater: FeedbackRater, token: str) -> Page:
    if confirmed():
        db = get_db()
        services.decline(db, rater, utcnow())
        db.commit()
        return redirect(url_for("colleague_feedback.thanks", declined="yes"))
    return confirm_page("colleague_feedback/decline.html", rater=rater, token=token)


@bp.route("/colleague-feedback/answered")
@public
def thanks() -> str:
    return render_template(
        "colleague_feedback/thanks.html", declined=request.args.get("declined") == "yes"
    )
