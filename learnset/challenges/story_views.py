"""Stories of emerging practice: closed challenges their owners chose to share with everyone
in the programme. Every signed-in user reads them; nothing here shows the set's discussion."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from learnset import authz
from learnset.challenges import queries
from learnset.challenges.models import Story
from learnset.db import get_db
from learnset.pagination import page_number, paginate

bp = Blueprint("stories", __name__)


@bp.route("/stories")
def index() -> str:
    db = get_db()
    result = paginate(db, queries.stories(), page_number(request.args.get("page")))
    return render_template("challenges/stories.html", result=result)


@bp.route("/stories/<id:story_id>")
def story(story_id: int) -> str:
    db = get_db()
    story = authz.get_or_404(db, Story, story_id, current_user, "story:view")
    return render_template(
        "challenges/story.html",
        story=story,
        challenge=story.challenge,
        gains=queries.gains_of(db, story.challenge_id),
    )
