"""Ids as the database holds them: whole numbers from 1 to the largest an INTEGER column takes.

Routes name an id as <id:reflection_id>: a URL whose id is outside that range matches no route,
so it is a 404 before any view runs. A number typed into a form is checked with is_id() before
it is looked up, since PostgreSQL refuses to look up a larger one; text from a form or a query
string is read with id_in() (or number_in()), never int() after str.isdigit(), which takes "²"
(that int() refuses) and "٣" (that int() reads as 3).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


def is_id(value: int) -> bool:
    """Whether a number can be a row's id."""
    return 0 < value <= MAX_ID


def number_in(text: str) -> int | None:
    """The whole number a piece of text names in ASCII digits ("42", "007"), or None for
    anything else ("", "-1", "4.2", " 4", "²", "٣")."""
    return int(text) if text.isascii() and text.isdigit() else None


def id_in(text: str) -> int | None:
    """The id a piece of text names (ASCII digits, from 1 to MAX_ID), or None."""
    number = number_in(text)
    return number if number is not None and is_id(number) else None


class IdConverter(IntegerConverter):
    """<id:name>: an id in a URL, from 1 to MAX_ID."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
