"""The personal calendar feed: the page to make, show and turn off its address, and the feed."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, joinedload
from werkzeug.wrappers import Response

from learnset import authz, mail
from learnset.accounts.security import public
from learnset.db import get_db, utcnow
from learnset.forms import EmptyForm, confirm_page, confirmed, done, require_button
from learnset.meetings import calendar
from learnset.meetings.models import CalendarFeed, Meeting

bp = Blueprint("calendar", __name__)
logger = logging.getLogger(__name__)


def _feed_url(feed: CalendarFeed) -> str:
    token = calendar.feed_token(feed, current_app.config["SECRET_KEY"])
    return mail.absolute_url("calendar.feed", token=token)


@bp.route("/calendar")
def calendar_page() -> str:
    db = get_db()
    feed = calendar.feed_for(db, current_user)
    url = _feed_url(feed) if feed else None
    return render_template(
        "meetings/calendar.html",
        feed=feed,
        feed_url=url,
        webcal_url=url.replace("https://", "webcal://").replace("http://", "webcal://")
        if url
        else None,
        form=EmptyForm(),
    )


@bp.route("/calendar/address", methods=["POST"])
def make_feed() -> Response:
    db = get_db()
    require_button()
    replaced = calendar.feed_for(db, current_user) is not None
    calendar.make_feed(db, current_user, utcnow())
    return done(
        "You have a new calendar address. The old one has stopped working: update any calendar "
        "that used it."
        if replaced
        else "Your calendar address is ready. Add it to your calendar app.",
        url_for("calendar.calendar_page"),
    )


@bp.route("/calendar/address/turn-off", methods=["GET", "POST"])
def revoke_feed() -> Response | str:
    db = get_db()
    if calendar.feed_for(db, current_user) is None:
        return redirect(url_for("calendar.calendar_page"))
    if confirmed():
        calendar.revoke_feed(db, current_user)
        return done("Your calendar address has been turned off.", url_for("calendar.calendar_page"))
    return confirm_page("meetings/revoke_feed.html")


def _record_use(db: Session, feed_id: int, now: datetime) -> None:
    """The one write this GET makes, as the sign-in touch does: the feed's last use, at most
    hourly, in a transaction of its own begun by the write (so on SQLite it waits for the lock
    rather than failing after reads). If it cannot be written, the feed is served regardless."""
    db.rollback()
    try:
        calendar.record_use(db, feed_id, now)
        db.commit()
    except SQLAlchemyError as error:
        db.rollback()
        logger.warning(
            "The last use of a calendar feed was not recorded (%s); the feed is served",
            type(error).__name__,
        )


@bp.route("/calendar/<token>.ics")
@public
def feed(token: str) -> Response:
    """The feed itself: calendar apps cannot sign in, so the secret address is the key."""
    db = get_db()
    now = utcnow()
    found = calendar.find_feed(db, token, current_app.config["SECRET_KEY"])
    if found is None:
        abort(404)
    meetings = db.scalars(
        authz.calendar_meetings(found.user).options(joinedload(Meeting.cohort))
    ).all()
    body = calendar.build_calendar(
        meetings,
        current_app.config["BASE_URL"],
        lambda meeting: mail.absolute_url("meetings.meeting", meeting_id=meeting.id),
        now,
    )
    if calendar.use_due(found, now):
        _record_use(db, found.id, now)
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="learnset.ics"'
    return response
