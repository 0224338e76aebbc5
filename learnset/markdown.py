"""The only road from user or library text to HTML: Markdown, then an allow-list sanitiser."""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]


_local = threading.local()


def _converter() -> markdown_lib.Markdown:
    # Building a converter costs more than converting a short text, and a page such as a
    # challenge's timeline renders dozens; a converter is not thread-safe, so one per thread.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown_lib.Markdown(
            extensions=EXTENSIONS, output_format="html"
        )
    return converter


# Short texts (questions, comments, updates) are read again and again, by everyone in a set and
# on every visit; remembering their HTML makes a long timeline cost what its queries cost.
# Bounded: at most CACHED_TEXTS entries of at most CACHED_LENGTH characters each, per process.
CACHED_TEXTS = 2048
CACHED_LENGTH = 2000


def render(text: str | None) -> Markup:
    """Render Markdown to HTML that is safe to put in a page."""
    if not text:
        return Markup("")
    if len(text) <= CACHED_LENGTH:
        return _render_short(text)
    return _render(text)


@lru_cache(maxsize=CACHED_TEXTS)
def _render_short(text: str) -> Markup:
    return _render(text)


def _render(text: str) -> Markup:
    html = _converter().reset().convert(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above
