"""The programmes' pages: the list, and one programme month by month."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from learnset import authz
from learnset.cohorts.models import Cohort, CohortStatus
from learnset.curriculum import agenda, queries
from learnset.db import get_db
from learnset.framework.models import Capability

bp = Blueprint("curriculum", __name__, url_prefix="/programmes")

# A tutor usually has one or two sets; an admin sees the newest few and reaches the rest from
# each set's sessions page.
SETS_SHOWN = 12


@bp.route("")
def index() -> str:
    authz.require(current_user, "curriculum:view")
    return render_template("curriculum/index.html", programmes=queries.current_programmes(get_db()))


@bp.route("/<slug>")
def programme(slug: str) -> str:
    db = get_db()
    found = authz.checked_or_404(
        queries.programme_by_slug(db, slug), current_user, "curriculum:view"
    )
    sets: list[Cohort] = []
    if authz.can(current_user, "curriculum:facilitator-notes", found):
        sets = list(
            db.scalars(
                authz.tutored_cohorts(current_user)
                .where(Cohort.status != CohortStatus.FINISHED.value)
                .limit(SETS_SHOWN)
            )
        )
    return render_template(
        "curriculum/programme.html",
        programme=found,
        capabilities=dict(db.execute(select(Capability.slug, Capability.name)).all()),
        show_notes=authz.can(current_user, "curriculum:facilitator-notes", found),
        # Editing a session (learnset/library/programme_edit_views.py) shows its notes too.
        can_edit=authz.can(current_user, "curriculum:facilitator-notes", found)
        and authz.can(current_user, "content:edit"),
        sets=sets,
        timed_steps=agenda.timed_steps,
    )
