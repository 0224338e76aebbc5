"""An admin resets someone's two-factor authentication (a lost phone, no recovery codes left):
a confirmation page, then the reset, logged, and an email telling the person."""

from __future__ import annotations

from flask import redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learnset import authz, mail
from learnset.accounts import two_factor
from learnset.accounts.models import User
from learnset.db import get_db, utcnow
from learnset.errors import flashed
from learnset.forms import committed, confirm_page, confirmed
from learnset.people.views import bp


@bp.route("/people/<id:user_id>/reset-two-factor", methods=["GET", "POST"])
def reset_two_factor(user_id: int) -> Response | str:
    db = get_db()
    person = authz.get_or_404(db, User, user_id, current_user, "person:view", "person:manage")
    back = url_for("people.person", user_id=person.id)
    if confirmed():
        with flashed():
            two_factor.reset(db, person, current_user, utcnow())
            mail.queue_message(
                db,
                person.email,
                "Your Learnset two-factor authentication was reset",
                "email/two_factor_reset.txt",
                person=person,
                must_set_up=two_factor.is_required(person),
                sign_in_url=mail.absolute_url("accounts.sign_in"),
            )
            committed(f"{person.name}'s two-factor authentication has been reset.")
        return redirect(back)
    return confirm_page(
        "people/reset_two_factor.html",
        person=person,
        has_two_factor=two_factor.has_second_factor(db, person),
    )
