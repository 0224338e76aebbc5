"""Account emails, written by the mail sender at delivery time (see learnset/mail)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from sqlalchemy.orm import Session

from learnset import mail
from learnset.accounts import email_change, required_domains, services
from learnset.accounts.models import User
from learnset.mail.models import OutgoingMail

PASSWORD_RESET = "password-reset"  # noqa: S105 - a kind of email, not a password
EMAIL_CHANGE = "email-change"


@mail.builder(PASSWORD_RESET)
def password_reset(db: Session, outgoing: OutgoingMail, now: datetime) -> mail.Composed | None:
    """A reset link for the account with the address someone typed, if there is an active one.

    The request only queued what was typed; the account is looked up here, so asking for a
    link takes the same time and answers the same way whether or not the account exists. A
    request older than a link's lifetime is dropped: whoever asked has stopped waiting."""
    config = current_app.config
    max_age = config["PASSWORD_RESET_MAX_AGE"]
    if (now - outgoing.created_at).total_seconds() > max_age:
        return None
    user = services.find_user_by_email(db, outgoing.recipient)
    if user is None or not user.is_active:
        return None
    fixed = required_domains.parse_domains(config["SSO_REQUIRED_DOMAINS"])
    if config["SSO_ISSUER"] and required_domains.must_use_single_sign_on(db, user.email, fixed):
        body = render_template(
            "email/password_reset_not_used.txt",
            user=user,
            domain=required_domains.domain_of(user.email),
            label=config["SSO_BUTTON_LABEL"],
            sign_in_url=mail.absolute_url("accounts.sign_in"),
        )
        return mail.Composed("Your Learnset account signs in with single sign-on", body)
    token = services.make_reset_token(user, config["SECRET_KEY"])
    body = render_template(
        "email/password_reset.txt",
        user=user,
        link=mail.absolute_url("accounts.reset_password", token=token),
        minutes=max_age // 60,
    )
    return mail.Composed("Reset your Learnset password", body)


@mail.builder(EMAIL_CHANGE)
def email_change_link(db: Session, outgoing: OutgoingMail, now: datetime) -> mail.Composed | None:
    """To the new address someone asked to use: a link that makes the change, or, when the
    address already belongs to an account, word that it cannot be used (the person asking is
    never told which, so nobody can find out whose an address is by asking for it)."""
    config = current_app.config
    max_age = config["EMAIL_CHANGE_MAX_AGE"]
    user = db.get(User, (outgoing.data or {}).get("user"))
    if user is None or not user.is_active or (now - outgoing.created_at).total_seconds() > max_age:
        return None
    if services.find_user_by_email(db, outgoing.recipient) is not None:
        body = render_template("email/email_change_taken.txt", email=outgoing.recipient)
        return mail.Composed("Your address is already used for Learnset", body)
    token = email_change.make_token(user, outgoing.recipient, config["SECRET_KEY"])
    body = render_template(
        "email/email_change.txt",
        user=user,
        email=outgoing.recipient,
        link=mail.absolute_url("accounts.confirm_email", token=token),
        hours=max_age // 3600,
    )
    return mail.Composed("Confirm your new email address for Learnset", body)
