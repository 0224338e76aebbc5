"""Learnset: monthly Unlocking Commissioning learning sets for clinical commissioners."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import Any

from flask import Flask, Response
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from learnset import config, encryption, outages, unsaved
from learnset.components import TemplateEnvironment
from learnset.config import PROJECT_ROOT, data_dir, default_instance_path
from learnset.db import close_session
from learnset.files.bodies import LargeBlockRequest

__all__ = ["PROJECT_ROOT", "LearnsetFlask", "create_app"]


class LearnsetFlask(Flask):
    # Uploads read in 1 MB blocks rather than werkzeug's 64 KB (learnset/files/bodies.py).
    request_class = LargeBlockRequest
    # The NHS.UK Jinja macros read missing nested parameters, which plain Undefined refuses.
    jinja_options = {**Flask.jinja_options, "undefined": ChainableUndefined}
    jinja_environment = TemplateEnvironment

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        # The NHS.UK macros (.jinja) are written for autoescaping, as Nunjucks does: their "text"
        # parameters must be escaped, and their "html" ones are marked safe. Without this, user
        # text given to a label, error message, tag or textarea reaches the page as raw HTML.
        if filename is not None and filename.endswith(".jinja"):
            return True
        return super().select_jinja_autoescape(filename)

    def full_dispatch_request(self) -> Response:
        # A database restart or failover drops connections for a second or so. The whole request
        # (before-request hooks, which load the user, then the view) is the unit to run again,
        # since each of them may have touched the dead connection; this is the one place that
        # wraps exactly that, whatever the view. outages.ride_through decides when running it
        # again would repeat no write (a COMMIT that may have gone through never is).
        try:
            return outages.ride_through(
                super().full_dispatch_request, self.config["DB_RETRY_SECONDS"]
            )
        except Exception as error:
            cause = outages.cause_of(error)
            if cause is None:
                raise
            # Not the person's problem, and not to cost them their words: 503 with what they
            # sent, from a page that needs no database.
            outages.report(error)
            unsure = outages.commit_unsure()
            close_session()
            return self.finalize_request(unsaved.answer(cause, unsure), from_error_handler=True)

    def log_exception(
        self,
        exc_info: tuple[type, BaseException, TracebackType] | tuple[None, None, None],
    ) -> None:
        # An outage fails every request alike: one line per cause and minute says more to the
        # operator than a traceback for each.
        if exc_info[1] is not None and outages.report(exc_info[1]):
            return
        super().log_exception(exc_info)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, database, CSRF, limits, then every feature."""
    overrides = dict(test_config or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get(
        "INSTANCE_PATH", str(default_instance_path())
    )
    templates = str(data_dir("templates"))
    app = LearnsetFlask(
        __name__,
        instance_path=str(instance_path),
        static_url_path="/assets",
        template_folder=templates,
    )
    app.config.from_mapping(
        config.from_environment(Path(app.instance_path), need_secret="SECRET_KEY" not in overrides)
    )
    app.config.from_mapping(overrides)
    config.refuse_unsafe_production(app.config)
    encryption.init_app(app)
    outages.count_with_other_processes(Path(app.instance_path) / "said-once-a-minute")

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(templates),
            PackageLoader("nhsuk_frontend_jinja", "templates"),
        ]
    )
    if app.config["TRUSTED_PROXIES"]:
        count = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]  # Flask's way to add middleware

    from learnset import (
        accounts,
        assessment,
        assets,
        certificates,
        challenges,
        cli,
        cohorts,
        colleague_feedback,
        curriculum,
        dashboards,
        db,
        errors,
        feedback,
        governance,
        ids,
        library,
        logs,
        mail,
        main,
        meetings,
        notifications,
        people,
        reflections,
        session_feedback,
        templating,
    )
    from learnset.extensions import csrf, limiter, login_manager

    if not app.config["LOG_FORMAT"]:
        app.config["LOG_FORMAT"] = "json" if config.is_production(app.config) else "text"
    if app.config["LOG_FORMAT"] == "json":
        logs.use_json_lines(app)
    # Every response names its request (X-Request-Id); JSON logs log each request once.
    logs.install_request_ids(app, log_requests=app.config["LOG_FORMAT"] == "json")
    db.init_app(app)
    assets.init_app(app)
    # Before any blueprint: their routes name ids as <id:...>.
    ids.init_app(app)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    # Each feature registers its pages, home panels, part of "download your data" and commands.
    # The order is the order of the download's sections, and of home panels of equal rank.
    for feature in (
        main,
        accounts,
        cohorts,
        library,
        curriculum,
        assessment,
        colleague_feedback,
        challenges,
        meetings,
        session_feedback,
        reflections,
        certificates,
        dashboards,
        people,
        governance,
        feedback,
        notifications,
    ):
        feature.init_app(app)
    # Last, once every route is known: reset, invitation and calendar tokens never reach a log.
    logs.install(app)
    db.ready_shared_aliases()
    return app
