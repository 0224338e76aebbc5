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


def _verdict(route: Route, role: str, response) -> str | None:  # type: ignore[no-untyped-def]
    """What is wrong with this role's response, or None when it is as the matrix says."""
    expected = route.expected(role)
    status = response.status_code
    if route.public and role == "anonymous" and expected == "sign-in":
        expected = "allowed"
    if expected == "allowed":
        if status >= 400 and status not in (410, 422):
            return f"{role}: refused with {status}"
        if not route.public and status == 302 and response.location.startswith("/sign-in"):
            return f"{role}: sent to sign in"
        return None
    if expected == "sign-in":
        if status == 302 and response.location.startswith("/sign-in"):
            return None
        return f"{role}: {status}, expected a redirect to sign in"
    if status != int(expected):
        return f"{role}: {status}, expected {expected}"
    return None


@pytest.mark.parametrize("route", ROUTES, ids=[route.id for route in ROUTES])
def test_role_matrix(route, db, people, login, no_csrf, connection):
    """Each role in turn, each inside a savepoint rolled back after its request, so what one
    role's request changes (a POST) never reaches the next role's."""
    extra = route.setup(db, people) if route.setup else None
    db.commit()
    scenario = SimpleNamespace(**vars(people), **(vars(extra) if extra else {}))
    url = route.url(scenario)
    problems = []
    for role in ROLES:
        browser = login(people.by_role(role))
        savepoint = connection.begin_nested()
        try:
            response = browser.open(url, method=route.method, data=route.data)
            problem = _verdict(route, role, response)
        finally:
            savepoint.rollback()
        if problem:
            problems.append(problem)
    assert problems == [], f"{route.method} {url}"
