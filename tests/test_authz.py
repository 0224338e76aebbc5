"""The role matrix: every endpoint in the URL map, against every role.

Routes are listed per feature in tests/<feature>/routes.py; an endpoint missing from them
fails `test_every_endpoint_is_in_the_matrix`.
"""

from __future__ import annotations

import importlib
import itertools
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import event
from werkzeug.routing import AnyConverter

from learnset import create_app
from tests.helpers import csrf_token_signed_ago
from tests.matrix import ROLES, Route, prepared_url

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


def test_every_action_has_one_rule_written_by_its_feature():
    from learnset import authz
    from learnset.authz import (
        assessment,
        certificates,
        challenges,
        cohorts,
        colleague_feedback,
        curriculum,
        meetings,
        notifications,
        programme,
        reflections,
        session_feedback,
    )

    parts = [module.RULES for module in (programme, cohorts, meetings, reflections, assessment)]
    parts += [challenges.RULES, colleague_feedback.RULES, curriculum.RULES, certificates.RULES]
    parts += [notifications.RULES, session_feedback.RULES]
    assert sum(len(part) for part in parts) == len(authz.RULES)
    assert {action for part in parts for action in part} == set(authz.RULES)
    assert all(re.fullmatch(r"[a-z_-]+:[a-z-]+", action) for action in authz.RULES)


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
    url = prepared_url(route, db, people)
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


# --- Unknown and forbidden ids answer the same (issue 12, item 6) ------------------------------

# Anonymous, a participant of another set and a tutor of another set.
STRANGERS = ["anonymous", "outsider", "other_tutor"]
BOGUS_ID = 2_000_000_001
BOGUS_TEXT = "no-such-thing-0123456789"


def _with_token(app, browser, data: dict, age: int) -> dict:
    """The posted data with this browser's own CSRF token, signed `age` seconds ago: a fresh one
    reaches sign-in, lookups and the rescue; a stale one the CSRF handlers."""
    return {**data, "csrf_token": csrf_token_signed_ago(app, browser, age)}


def _unknown_versions(app, url: str, method: str) -> list[tuple[str, str]]:
    """The URL with each object named in its path replaced, in turn, by one that does not exist."""
    path, _, query = url.partition("?")
    adapter = app.url_map.bind("localhost")
    rule, args = adapter.match(path, method=method, return_rule=True)
    endpoint = rule.endpoint
    versions = []
    for name, value in args.items():
        if isinstance(rule._converters[name], AnyConverter):
            continue  # a choice of action, not an object
        unknown = BOGUS_ID if isinstance(value, int) else BOGUS_TEXT
        built = adapter.build(endpoint, {**args, name: unknown}, method=method)
        versions.append((name, built + (f"?{query}" if query else "")))
    return versions


def _observed(response, browser, url: str, statements: list[str]) -> dict:
    """What the requester can see of the answer, with the URL itself and tokens taken out."""
    path = url.partition("?")[0]

    def scrub(value: str) -> str:
        value = value.replace(quote(path, safe=""), "{url}").replace(path, "{url}")
        value = CSRF_VALUE.sub(r"\1", value)
        return value

    with browser.session_transaction() as session:
        flashes = session.get("_flashes", [])
        keys = sorted(key for key in session if key != "csrf_token")
    return {
        "status": response.status_code,
        "location": scrub(response.location or ""),
        "body": scrub(response.get_data(as_text=True)),
        "flashes": [(category, scrub(message)) for category, message in flashes],
        "session keys": keys,
        "sql": statements,
    }


CSRF_VALUE = re.compile(
    r'(name="(?:csrf_token|writer)"(?: type="hidden")? value=")[^"]*|("csrfToken": ?")[^"]*'
)


def _answer(app, connection, browser, url, route, age) -> dict:  # type: ignore[no-untyped-def]
    """One request, inside a savepoint rolled back after it, and what it showed."""
    data = None if age is None else _with_token(app, browser, route.data, age)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    savepoint = connection.begin_nested()
    event.listen(connection.engine, "before_cursor_execute", record)
    try:
        response = browser.open(url, method=route.method, data=data)
        return _observed(response, browser, url, statements)
    finally:
        event.remove(connection.engine, "before_cursor_execute", record)
        savepoint.rollback()


@pytest.mark.parametrize("route", ROUTES, ids=[route.id for route in ROUTES])
def test_unknown_and_forbidden_ids_answer_the_same(route, app, db, people, login, connection):
    """For every endpoint with an object in its URL, each role that may not see the object gets
    exactly the answer it gets for an object that does not exist: anonymous the same sign-in
    redirect (nothing looked up first), signed-in strangers the same 404. Same status, Location,
    body (tokens aside), flashed messages and session keys. Anonymous requests also send the
    same SQL for both: nothing is looked up before signing in. (Signed in, the object is loaded
    and then checked, as authz.get_or_404 does, so the queries may differ; the answer may not.)
    """
    if route.public:
        return
    url = prepared_url(route, db, people)
    versions = _unknown_versions(app, url, route.method)
    roles = [role for role in STRANGERS if route.expected(role) in ("sign-in", "404")]
    # Posts go with a fresh token and with one past Flask-WTF's time limit (the stale-form path).
    ages = [0, 9 * 3600] if route.method == "POST" else [None]
    problems = []
    for (name, unknown), role, age in itertools.product(versions, roles, ages):
        existing, missing = (
            _answer(app, connection, login(people.by_role(role)), target, route, age)
            for target in (url, unknown)
        )
        if role != "anonymous":
            del existing["sql"], missing["sql"]
        elif existing["status"] in (403, 404):
            problems.append(f"anonymous: {existing['status']} before signing in ({name})")
        for aspect in existing:
            if existing[aspect] != missing[aspect]:
                problems.append(f"{role}, token age {age}, unknown {name}: {aspect} differs")
    assert problems == [], f"{route.method} {url}"
