"""Ids in URLs: every route names them as <id:...>, and one outside what an INTEGER column holds
matches no route, so it is a 404 for everyone, by any method, before a view runs."""

from __future__ import annotations

import pytest

from learnset.ids import MAX_ID, id_in, is_id, number_in

OUT_OF_RANGE = [0, MAX_ID + 1, 2**63]


def _id_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.arguments and "<id:" in rule.rule]


def test_every_id_in_a_route_uses_the_id_converter(app):
    loose = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if any(name.endswith("_id") for name in rule.arguments) and "<int" in rule.rule
    ]
    assert loose == []
    assert len(_id_rules(app)) > 80


@pytest.mark.parametrize("bad", OUT_OF_RANGE)
def test_an_id_out_of_range_is_not_found_on_any_route(login, people, no_csrf, app, bad):
    admin = login(people.admin)
    for rule in _id_rules(app):
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<id:{name}>", str(bad))
        # Whatever else the route takes (a slug, a choice) is left as written: no route matches.
        method = "GET" if "GET" in rule.methods else "POST"
        response = admin.open(path, method=method)
        assert response.status_code == 404, (rule.endpoint, path, response.status_code)


def test_the_largest_id_reaches_the_view_and_is_looked_up(app, login, people):
    urls = app.url_map.bind("localhost")
    assert urls.match(f"/sessions/{MAX_ID}") == ("meetings.meeting", {"meeting_id": MAX_ID})
    # The database can look it up (PostgreSQL refuses a larger one): unknown, so a 404.
    assert login(people.tutor).get(f"/sessions/{MAX_ID}").status_code == 404


def test_is_id_for_numbers_from_forms():
    assert [is_id(value) for value in (-1, 0, 1, MAX_ID, MAX_ID + 1)] == [
        False,
        False,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("text", "number", "an_id"),
    [
        ("42", 42, 42),
        ("007", 7, 7),
        ("0", 0, None),
        (str(MAX_ID), MAX_ID, MAX_ID),
        (str(MAX_ID + 1), MAX_ID + 1, None),
        # Digits to str.isdigit(): "²" is one that int() refuses, "٣" one it reads as 3.
        ("²", None, None),
        ("٣", None, None),
        ("", None, None),
        ("-1", None, None),
        ("4.2", None, None),
        (" 4", None, None),
        ("4\n", None, None),
    ],
)
def test_text_names_a_number_or_an_id_only_in_ascii_digits(text, number, an_id):
    assert number_in(text) == number
    assert id_in(text) == an_id
