"""The memoised NHS.UK components render exactly what the macros render."""

from collections import ChainMap
from enum import IntEnum

import pytest
from markupsafe import Markup

from learnset.components import Uncacheable, freeze, thaw


def _render(app, source):
    with app.test_request_context():
        return app.jinja_env.from_string(source).render()


def test_memoised_component_matches_and_is_reused(app):
    source = (
        '{% from "nhsuk/components/button/macro.jinja" import button %}'
        '{{ button({"text": "Save"}) }}{{ button({"text": "Save"}) }}{{ button({"text": "Go"}) }}'
    )
    html = _render(app, source)
    assert html.count(">\n  Save\n<") + html.count("Save") >= 2
    assert "Go" in html
    with app.test_request_context():
        module = app.jinja_env.get_template("nhsuk/components/button/macro.jinja").module
        info = module.button.cache.cache_info()
    assert info.hits >= 1


def test_text_is_escaped_and_html_is_not(app):
    source = (
        '{% from "nhsuk/components/inset-text/macro.jinja" import insetText %}'
        '{{ insetText({"text": "<b>bold</b>"}) }}|{{ insetText({"html": html}) }}'
    )
    with app.test_request_context():
        html = app.jinja_env.from_string(source).render(html=Markup("<b>bold</b>"))
    escaped, raw = html.split("|")
    assert "&lt;b&gt;bold&lt;/b&gt;" in escaped
    assert "<b>bold</b>" in raw


def test_freeze_keeps_markup_and_text_apart():
    assert freeze("<b>") != freeze(Markup("<b>"))
    params = {"text": "x", "items": [{"html": Markup("<i>y</i>")}], "n": 3, "flag": None}
    assert thaw(freeze(params)) == params
    assert isinstance(thaw(freeze(params))["items"][0]["html"], Markup)


def test_freeze_gives_subclasses_and_tuples_the_keys_their_bases_have():
    class Level(IntEnum):
        HIGH = 3

    class Name(str):
        pass

    assert freeze((1, "a")) == freeze([1, "a"]) == ("list", (1, "a"))
    assert freeze({"n": Level.HIGH, "s": Name("x")}) == freeze({"n": 3, "s": "x"})
    assert freeze({2: "b", 1: "a"}) == ("dict", (("1", "a"), ("2", "b")))
    with pytest.raises(Uncacheable):
        freeze({"when": object()})


def test_undefined_parameters_are_rendered_without_the_cache(app):
    source = (
        '{% from "nhsuk/components/button/macro.jinja" import button %}'
        '{{ button({"text": "Save", "name": missing.value}) }}'
    )
    assert "Save" in _render(app, source)


def test_header_carries_the_real_csrf_token(login, people):
    html = login(people.participant).get("/").get_data(as_text=True)
    assert "__csrf_token__" not in html
    assert 'name="csrf_token" value="' in html


def test_people_text_passed_to_components_is_escaped(app):
    # The NHS.UK macros live in .jinja files, which Flask would not autoescape by default.
    source = (
        '{% from "nhsuk/components/inset-text/macro.jinja" import insetText %}'
        "{{ insetText({'text': name}) }}"
    )
    with app.test_request_context():
        html = app.jinja_env.from_string(source).render(name="<script>alert(1)</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_name_with_markup_is_escaped_in_the_header(login, db, people):
    people.participant.name = '<img src=x onerror="alert(1)">'
    db.commit()
    html = login(people.participant).get("/account").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_template_globals_have_the_keys_jinja_would_give_them(app):
    """Imports compare these keys (issue 14, item 5): they must be exactly ChainMap's."""
    template = app.jinja_env.get_template("base.html")
    assert set(template.globals.keys()) == set(ChainMap(*template.globals.maps).keys())
    assert "can" in set(template.globals.keys())
