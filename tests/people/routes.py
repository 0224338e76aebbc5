from types import SimpleNamespace

import pyotp

from learnset.accounts.models import RequiredSsoDomain, TwoFactor
from learnset.db import utcnow
from tests import factories
from tests.matrix import Route, page_and_form

NOT_ADMIN = {"participant", "fellow", "tutor", "other_tutor", "outsider"}


def _another_admin(db, people):
    return SimpleNamespace(other_admin=factories.make_user(db, is_admin=True))


def _person(change, method, target="fellow", setup=None):
    return Route(
        "people.change", f"/people/{{{target}.id}}/{change}", {"admin"}, method, setup=setup
    )


def _fellow_with_an_app(db, people):
    db.add(TwoFactor(user_id=people.fellow.id, secret=pyotp.random_base32(), set_up_at=utcnow()))
    db.flush()
    return SimpleNamespace()


def _a_required_domain(db, people):
    row = RequiredSsoDomain(domain="nhs.net", added_by_id=people.admin.id, added_at=utcnow())
    db.add(row)
    db.flush()
    return SimpleNamespace(required=row)


ROUTES = [
    *page_and_form("people.sso_domains", "/people/single-sign-on", {"admin"}, forbidden=NOT_ADMIN),
    *page_and_form(
        "people.remove_sso_domain",
        "/people/single-sign-on/{required.id}/remove",
        {"admin"},
        setup=_a_required_domain,
    ),
    *page_and_form(
        "people.reset_two_factor",
        "/people/{fellow.id}/reset-two-factor",
        {"admin"},
        setup=_fellow_with_an_app,
    ),
    Route("people.index", "/people", {"admin"}, forbidden=NOT_ADMIN),
    Route("people.person", "/people/{fellow.id}", {"admin"}),
    _person("deactivate", "GET"),
    _person("deactivate", "POST"),
    _person("reactivate", "POST"),
    _person("make-admin", "POST"),
    _person("sign-out", "GET"),
    _person("sign-out", "POST"),
    _person("remove-admin", "POST", target="other_admin", setup=_another_admin),
]
