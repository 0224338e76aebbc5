from types import SimpleNamespace

from tests import factories
from tests.matrix import Route

NOT_ADMIN = {"participant", "fellow", "tutor", "other_tutor", "outsider"}


def _another_admin(db, people):
    return SimpleNamespace(other_admin=factories.make_user(db, is_admin=True))


def _person(change, method, target="fellow", setup=None):
    def url(s):
        person = s.other_admin if target == "other_admin" else s.fellow
        return f"/people/{person.id}/{change}"

    return Route("people.change", url, {"admin"}, method=method, setup=setup)


ROUTES = [
    Route("people.index", lambda s: "/people", {"admin"}, forbidden=NOT_ADMIN),
    Route("people.person", lambda s: f"/people/{s.fellow.id}", {"admin"}),
    _person("deactivate", "GET"),
    _person("deactivate", "POST"),
    _person("reactivate", "POST"),
    _person("make-admin", "POST"),
    _person("sign-out", "GET"),
    _person("sign-out", "POST"),
    _person("remove-admin", "POST", target="other_admin", setup=_another_admin),
]
