"""The capability framework's pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from learnset import authz
from learnset.assessment import services
from learnset.db import get_db

bp = Blueprint("assessment", __name__)


@bp.route("/framework")
def framework() -> str:
    authz.require(current_user, "framework:view")
    overview = services.framework_overview(get_db())
    return render_template(
        "assessment/framework.html",
        domains=overview,
        dimensions=services.capabilities_by_dimension(overview),
    )
