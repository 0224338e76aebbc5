"""The emails asking colleagues for feedback, written by the mail sender at delivery time, so a
working link never waits in the queue (see learnset/mail)."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from sqlalchemy.orm import Session

from learnset import mail
from learnset.colleague_feedback import services
from learnset.colleague_feedback.models import FeedbackRater
from learnset.mail.models import OutgoingMail

REQUEST = "colleague-feedback-request"


def queue_request(db: Session, rater: FeedbackRater, reminder: bool = False) -> None:
    """Queue the email asking a colleague (or reminding them), in the same transaction."""
    assert rater.email is not None
    mail.queue_built(db, REQUEST, rater.email, rater_id=rater.id, reminder=reminder)


@mail.builder(REQUEST)
def request_email(db: Session, outgoing: OutgoingMail, now: datetime) -> mail.Composed | None:
    """The request with a link made now (the link sent before stops working), or nothing if
    the colleague has answered or declined, or the round has closed."""
    rater_id = outgoing.data.get("rater_id")
    rater = db.get(FeedbackRater, rater_id) if isinstance(rater_id, int) else None
    if rater is None or rater.email is None or rater.has_answered:
        return None
    if not rater.round.is_open(now):
        return None
    token = services.new_link(db, rater)
    feedback_round = rater.round
    reminder = bool(outgoing.data.get("reminder"))
    body = render_template(
        "email/colleague_feedback_request.txt",
        feedback_round=feedback_round,
        participant=feedback_round.participant,
        reminder=reminder,
        questions=len(feedback_round.capability_ids),
        link=mail.absolute_url("colleague_feedback.answer", token=token),
    )
    name = feedback_round.participant.name
    subject = (
        f"Reminder: {name} would value your feedback"
        if reminder
        else f"{name} would value your feedback"
    )
    return mail.Composed(subject, body)
