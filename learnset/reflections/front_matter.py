"""A reflection's front matter as YAML, exactly as `yaml.safe_dump` writes it, at a fraction of
its cost.

PyYAML's pure-Python emitter takes about a millisecond and a half for one reflection's few
fields, which made most of the log zip's time; its C emitter writes other bytes (it escapes
emoji and wraps lines elsewhere). Most values are short plain text, whose YAML is the text
itself (or the text in single quotes, when YAML would read it as a date, number or yes/no), so
those are written here; anything else goes to `yaml.safe_dump`, remembered for values that
repeat (structures, sessions, capabilities). tests/reflections/test_front_matter.py compares
the two on many values.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

# Text whose YAML is the text: no indicator at its start, no ": " or " #" inside, no trailing
# space or colon, nothing outside printable ASCII (quoting and escapes start there).
_PLAIN = re.compile(r"[A-Za-z0-9(][A-Za-z0-9 ,.'()/&+:;?!-]*[A-Za-z0-9.'()/&+;?!-]|[A-Za-z0-9]")
# PyYAML breaks a line at a space past column 80 (`best_width`); a shorter line is never broken.
_WIDTH = 80
_RESOLVER = Resolver()
_STR = "tag:yaml.org,2002:str"


def _scalar(value: str, column: int) -> str | None:
    """The value as YAML written from `column`, or None if only PyYAML can say."""
    if (
        column + len(value) + 2 > _WIDTH  # room for quotes
        or not _PLAIN.fullmatch(value)
        or ": " in value
        or value.endswith(":")
    ):
        return None
    # PyYAML's resolver is untyped.
    if _RESOLVER.resolve(ScalarNode, value, (True, False)) == _STR:  # type: ignore[no-untyped-call]
        return value
    # Read as something else (a date, a number, yes): PyYAML quotes it.
    return "'" + value.replace("'", "''") + "'"


@functools.lru_cache(maxsize=1024)
def _dumped(key: str, value: Any) -> str:
    field = {key: list(value) if isinstance(value, tuple) else value}
    return yaml.safe_dump(field, sort_keys=False, allow_unicode=True)


def _field(key: str, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{key}: {value}\n"
    if isinstance(value, str):
        text = _scalar(value, len(key) + 2)
        if text is not None:
            return f"{key}: {text}\n"
    elif isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        items = [_scalar(item, 2) for item in value]
        if all(item is not None for item in items):
            return f"{key}:\n" + "".join(f"- {item}\n" for item in items)
        value = tuple(value)
    if isinstance(value, list):
        return yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True)
    return _dumped(key, value)


def front_matter(fields: dict[str, Any]) -> str:
    """`yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)`, for a mapping of names to
    text, whole numbers and lists of text."""
    if not fields:
        return yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
    return "".join(_field(key, value) for key, value in fields.items())
