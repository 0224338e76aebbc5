"""The role matrix: every endpoint in the URL map, against every role.

Routes are listed per feature in tests/<feature>/routes.py; an endpoint missing from them
fails `test_every_endpoint_is_in_the_matrix`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from learnset import create_app
from tests.matrix import ROLES, Route

TESTS = Path(__file__).parent


def _all_routes() -> list[Route]:
    routes: list[Route] = []
    for path in sorted(TESTS.glob("*/routes.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.routes")
        routes.extend(module.ROUTES)
    return routes


ROUTES = _all_routes()
CASES = [(route, role) for route in ROUTES for role in ROLES]


def test_every_endpoint_is_in_the_matrix():
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": "sqlite://"})
    listed = {(route.endpoint, route.method) for route in ROUTES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in listed:
                missing.append(f"{method} {rule.endpoint} ({rule.rule})")
    assert missing == [], "add these to a tests/<feature>/routes.py"


def test_public_endpoints_are_exactly_the_listed_ones():
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": "sqlite://"})
    public = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "is_public", False)
    }
    assert public == {route.endpoint for route in ROUTES if route.public}


@pytest.mark.parametrize("route,role", CASES, ids=[f"{route.id}-{role}" for route, role in CASES])
def test_role_matrix(route, role, db, people, login, no_csrf):
    extra = route.setup(db, people) if route.setup else None
    db.commit()
    scenario = SimpleNamespace(**vars(people), **(vars(extra) if extra else {}))
    browser = login(people.by_role(role))
    url = route.url(scenario)
    response = browser.open(url, method=route.method, data=route.data)
    expected = route.expected(role)
    status = response.status_code
    if route.public and role == "anonymous" and expected == "sign-in":
        expected = "allowed"
    if expected == "allowed":
        assert status < 400 or status in (410, 422), f"{role} refused: {status}"
        if not route.public:
            assert not (status == 302 and response.location.startswith("/sign-in"))
    elif expected == "sign-in":
        assert status == 302 and response.location.startswith("/sign-in"), status
    else:
        assert status == int(expected), f"{role} on {url}: {status}, expected {expected}"
