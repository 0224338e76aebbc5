"""The person's notifications (a paged list; read one, or all, by POST) and their choices of
what to be told and when (under "Your account")."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset import authz
from learnset.db import get_db, utcnow
from learnset.forms import EmptyForm, done, render_form, require_button
from learnset.notifications import services
from learnset.notifications.forms import PreferencesForm
from learnset.notifications.models import Notification
from learnset.pagination import page_number
from learnset.return_address import same_site_path

bp = Blueprint("notifications", __name__)


def _own_or_404(notification_id: int) -> Notification:
    return authz.get_or_404(
        get_db(), Notification, notification_id, current_user, "notification:view"
    )


@bp.route("/notifications")
def index() -> str:
    authz.require(current_user, "notification:list")
    result = services.notifications_page(
        get_db(), current_user, page_number(request.args.get("page"))
    )
    return render_template("notifications/index.html", result=result, form=EmptyForm())


@bp.route("/notifications/<id:notification_id>/open", methods=["POST"])
def open_one(notification_id: int) -> Response:
    """Read it and go where it points; the page there checks, as always, who may see it."""
    require_button()
    notification = _own_or_404(notification_id)
    target = same_site_path(notification.link)
    if target is None:
        abort(404)
    db = get_db()
    services.mark_read(db, notification, utcnow())
    db.commit()
    return redirect(target)


@bp.route("/notifications/<id:notification_id>/read", methods=["POST"])
def mark_read(notification_id: int) -> Response:
    require_button()
    notification = _own_or_404(notification_id)
    db = get_db()
    services.mark_read(db, notification, utcnow())
    return done(
        "The notification is marked as read.",
        url_for("notifications.index", page=request.args.get("page")),
    )


@bp.route("/notifications/read-all", methods=["POST"])
def mark_all_read() -> Response:
    require_button()
    db = get_db()
    count = services.mark_all_read(db, current_user, utcnow())
    return done(
        "Every notification is marked as read." if count else "You had no unread notifications.",
        url_for("notifications.index"),
    )


@bp.route("/account/notifications", methods=["GET", "POST"])
def preferences() -> Response | tuple[str, int]:
    db = get_db()
    form = PreferencesForm()
    if request.method == "GET":
        for kind, frequency in services.preferences(db, current_user).items():
            form[kind.value].data = frequency.value
    if form.validate_on_submit():
        services.set_preferences(db, current_user, form.chosen())
        return done(
            "Your choices about notifications have been saved.",
            url_for("notifications.preferences"),
        )
    return render_form("notifications/preferences.html", form)
