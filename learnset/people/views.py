"""People: the programme admin's list of every account, and each person's page, where they are
deactivated, reactivated, made an admin or no longer one, or signed out everywhere."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from learnset import audit, authz
from learnset.accounts import sign_ins, two_factor
from learnset.accounts.models import User
from learnset.accounts.security import idle_timeout
from learnset.db import get_db, utcnow
from learnset.errors import flashed
from learnset.forms import committed, confirm_page, confirmed
from learnset.pagination import page_number
from learnset.people import queries, services
from learnset.people.forms import PeopleFilterForm

bp = Blueprint("people", __name__)


@bp.route("/people")
def index() -> str:
    authz.require(current_user, "people:view")
    form = PeopleFilterForm(request.args)
    if not form.validate():
        form.q.data, form.status.data = "", ""
    search, status = form.q.data or "", form.status.data or ""
    result = queries.people_page(get_db(), search, status, page_number(request.args.get("page")))
    return render_template(
        "people/index.html", form=form, result=result, filtered=bool(search or status)
    )


def _person(user_id: int) -> User:
    return authz.get_or_404(get_db(), User, user_id, current_user, "person:view", "person:manage")


@bp.route("/people/<id:user_id>")
def person(user_id: int) -> str:
    person = _person(user_id)
    db = get_db()
    signed_in_on = sign_ins.live_count(db, person, utcnow(), idle_timeout())
    return render_template(
        "people/person.html",
        person=person,
        signed_in_on=signed_in_on,
        has_two_factor=two_factor.has_second_factor(db, person),
    )


# Each change: what its button says, what is said once it is done, and its audit entry.
CHANGES = {
    "deactivate": (
        "Deactivate",
        "{name} can no longer sign in.",
        audit.AuditKind.ACCOUNT_DEACTIVATED,
    ),
    "reactivate": ("Reactivate", "{name} can sign in again.", audit.AuditKind.ACCOUNT_REACTIVATED),
    "make-admin": (
        "Make an admin",
        "{name} is now a programme admin.",
        audit.AuditKind.ADMIN_GRANTED,
    ),
    "remove-admin": (
        "Remove admin rights",
        "{name} is no longer a programme admin.",
        audit.AuditKind.ADMIN_REMOVED,
    ),
    "sign-out": (
        "Sign out everywhere",
        "{name} has been signed out on every device.",
        audit.AuditKind.SIGNED_OUT_EVERYWHERE,
    ),
}
CHANGE_NAMES = ", ".join(f'"{name}"' for name in CHANGES)


@bp.route(f"/people/<id:user_id>/<any({CHANGE_NAMES}):change>", methods=["GET", "POST"])
def change(user_id: int, change: str) -> Response | str:
    db = get_db()
    person = _person(user_id)
    if confirmed():
        with flashed():
            _apply(db, person, change)
            committed(CHANGES[change][1].format(name=person.name))
        return redirect(url_for("people.person", user_id=person.id))
    return confirm_page(
        "people/change.html", person=person, change=change, label=CHANGES[change][0]
    )


def _apply(db: Session, person: User, change: str) -> None:
    if change == "deactivate":
        services.deactivate(db, person, current_user, utcnow())
    elif change == "sign-out":
        services.sign_out_everywhere(db, person, current_user, utcnow())
    elif change == "reactivate":
        services.reactivate(db, person)
    else:
        services.set_admin(db, person, current_user, is_admin=change == "make-admin")
    audit.record(db, CHANGES[change][2], actor_id=current_user.id, subject_id=person.id)
