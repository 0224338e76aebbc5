from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from learnset.accounts.security import public
from learnset.db import get_db
from learnset.main import services
from learnset.main.panels import panels_for

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home() -> str:
    if not current_user.is_authenticated:
        return render_template("main/landing.html")
    db = get_db()
    summaries = services.cohort_summaries(db, current_user)
    admin = current_user.is_admin
    return render_template(
        "main/home.html",
        tutoring=[s for s in summaries if s.role == "tutor"],
        participating=[s for s in summaries if s.role == "participant"],
        programme=summaries[: services.PROGRAMME_SETS_ON_HOME] if admin else [],
        programme_size=services.programme_size(db) if admin else 0,
        panels=panels_for(db, current_user),
    )


@bp.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    """Liveness: the process answers. It touches nothing, so a database outage never gets a
    healthy worker restarted."""
    return jsonify(status="ok"), 200


@bp.route("/readyz")
@public
def readyz() -> tuple[Response, int]:
    """Readiness, for a load balancer: the database answers and holds a migrated schema (one
    query, on the migrations table's primary key)."""
    try:
        version = get_db().execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return jsonify(status="error", database="unavailable"), 503
    if version is None:
        return jsonify(status="error", database="not migrated"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.route("/privacy")
@public
def privacy() -> str:
    return render_template("main/privacy.html")


@bp.route("/accessibility")
@public
def accessibility() -> str:
    return render_template("main/accessibility.html")


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def cookies_set() -> list[Cookie]:
    """Every cookie Learnset sets; tests/main/test_cookies.py signs in, uses the service and
    fails if a response sets one that is not here."""
    return [
        Cookie(
            current_app.config.get("SESSION_COOKIE_NAME", "session"),
            "Keeps you signed in as you move from page to page, and protects forms from being "
            "sent by another website. It holds a reference to your sign-in, never your "
            "password.",
            "When you close your browser. You are signed out on the server after "
            f"{current_app.config['SESSION_IDLE_MINUTES']} minutes without using Learnset, "
            f"and {current_app.config['SESSION_LIFETIME_HOURS']} hours after signing in.",
        )
    ]


@bp.route("/cookies")
@public
def cookies() -> str:
    return render_template("main/cookies.html", cookies=cookies_set())
