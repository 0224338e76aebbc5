"""Learnset: monthly Unlocking Commissioning learning sets for clinical commissioners."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class LearnsetFlask(Flask):
    # The NHS.UK Jinja macros read missing nested parameters, which plain Undefined refuses.
    jinja_options = {**Flask.jinja_options, "undefined": ChainableUndefined}

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        # The NHS.UK macros (.jinja) are written for autoescaping, as Nunjucks does: their "text"
        # parameters must be escaped, and their "html" ones are marked safe. Without this, user
        # text given to a label, error message, tag or textarea reaches the page as raw HTML.
        if filename is not None and filename.endswith(".jinja"):
            return True
        return super().select_jinja_autoescape(filename)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, database, sign-in, CSRF, limits, pages and commands."""
    overrides = dict(test_config or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get(
        "INSTANCE_PATH", str(PROJECT_ROOT / "instance")
    )
    app = LearnsetFlask(
        __name__,
        instance_path=str(instance_path),
        static_url_path="/assets",
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    from learnset import config

    app.config.from_mapping(
        config.from_environment(Path(app.instance_path), need_secret="SECRET_KEY" not in overrides)
    )
    app.config.from_mapping(overrides)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PackageLoader("nhsuk_frontend_jinja", "templates"),
        ]
    )
    if app.config["TRUSTED_PROXIES"]:
        count = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]

    from learnset import cli, db, errors, ids, mail, templating
    from learnset.accounts import security
    from learnset.extensions import csrf, limiter, login_manager

    db.init_app(app)
    # Before any blueprint: their routes name ids as <id:...>.
    ids.init_app(app)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)

    from learnset.accounts.views import bp as accounts_bp
    from learnset.assessment.views import bp as assessment_bp

    # Live challenges and stories (issue 7).
    from learnset.challenges.story_views import bp as stories_bp
    from learnset.challenges.views import bp as challenges_bp
    from learnset.cohorts.views import bp as cohorts_bp
    from learnset.dashboards.views import bp as dashboards_bp
    from learnset.library.views import bp as library_bp
    from learnset.main.views import bp as main_bp
    from learnset.meetings import panels as _meeting_panels  # noqa: F401 - registers home panels
    from learnset.meetings.calendar_views import bp as calendar_bp
    from learnset.meetings.topic_views import bp as topics_bp
    from learnset.meetings.views import bp as meetings_bp
    from learnset.people.views import bp as people_bp
    from learnset.reflections.views import bp as reflections_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(assessment_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(topics_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(reflections_bp)
    app.register_blueprint(challenges_bp)
    app.register_blueprint(stories_bp)
    # Cohort dashboards, the set's growth and the programme view (issue 6).
    app.register_blueprint(dashboards_bp)
    # Everyone's accounts, for the programme's admins.
    app.register_blueprint(people_bp)
    # Last, once every route is known: reset, invitation and calendar tokens never reach a log.
    from learnset import logs

    logs.install(app)
    return app
