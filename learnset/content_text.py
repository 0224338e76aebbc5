"""Writing content in the files' own format: a library item's front matter and body, or a YAML
mapping, as a person editing content/ would write them.

One function per shape, used by the editor (each version is the whole text of an item), by
`flask content export` and by the sync's check that the files and the app agree. Every value is
written in the plainest YAML that reads back as the same value, checked by reading it back, so
a text written here always loads as what was written.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import yaml

# Lists of short names written on one line, as the files do: capabilities: [a, b].
FLOW_LISTS = frozenset({"capabilities", "leadership_dimensions"})
# Long text in YAML files is folded (>) and wrapped, as people wrote it.
WRAP_AT = 76


# The loader the sync reads the files with (libyaml's differs on the edges: tabs, for one).
_LOADER = yaml.SafeLoader
# Text that is certainly a plain YAML string as it stands, so needs no reading back: it starts
# with a letter, holds nothing YAML reads as structure, and is not a word YAML 1.1 turns into
# true, false or null.
_SURELY_PLAIN = re.compile(
    r"[A-Za-z(][A-Za-z0-9 ,.;()'\u2019/?!\u2013-]*[A-Za-z0-9.)?!'\u2019]|[A-Za-z]"
)
# The same for an entry of a list written on one line, where fewer marks are safe.
_SURELY_FLOW = re.compile(r"[A-Za-z][A-Za-z0-9 -]*[A-Za-z0-9]|[A-Za-z]")
_NOT_STRINGS = frozenset({"yes", "no", "true", "false", "on", "off", "null", "y", "n"})


def _surely_plain(value: str, pattern: re.Pattern[str] = _SURELY_PLAIN) -> bool:
    return value.lower() not in _NOT_STRINGS and pattern.fullmatch(value) is not None


def _reads_back(text: str, key: Any, value: Any) -> bool:
    try:
        loaded = yaml.load(textwrap.dedent(text), Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and key in loaded and loaded[key] == value


def _quoted(key: Any, value: Any, indent: str) -> str:
    dumped = yaml.safe_dump(
        {key: value}, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False
    )
    return textwrap.indent(dumped, indent)


def _scalar_line(key: Any, value: Any, indent: str) -> str:
    """`key: value` as plain text when that reads back as the value, else YAML's own quoting."""
    line = f"{indent}{key}: {value}\n"
    if isinstance(value, str) and (
        _surely_plain(value) or ("\n" not in value and _reads_back(line, key, value))
    ):
        return line
    if isinstance(value, int) and not isinstance(value, bool):
        return line
    return _quoted(key, value, indent)


def _folded(key: Any, value: str, indent: str) -> str:
    """Long prose as a folded block, wrapped; anything folding would change is quoted instead."""
    inner = indent + "  "
    lines = textwrap.wrap(
        value, width=WRAP_AT - len(inner), break_long_words=False, break_on_hyphens=False
    )
    text = f"{indent}{key}: >\n" + "".join(f"{inner}{line}\n" for line in lines)
    # Folding joins the lines with one space, so runs of spaces must be read back to be sure.
    surely = _surely_plain(value) and "  " not in value
    if lines and (surely or _reads_back(text, key, value + "\n")):
        return text
    return _scalar_line(key, value, indent)


def _entry(value: str, indent: str) -> str:
    """One entry of a block list: plain when that reads back as the value, else quoted."""
    line = f"{indent}- {value}\n"
    if _surely_plain(value):
        return line
    try:
        if yaml.load(line, Loader=_LOADER) == [value]:  # noqa: S506 - a safe loader
            return line
    except yaml.YAMLError:
        pass
    return textwrap.indent(yaml.safe_dump([value], allow_unicode=True, width=10_000), indent)


def _list(key: Any, values: list[Any], indent: str) -> str:
    if key in FLOW_LISTS and all(isinstance(v, str) for v in values):
        line = f"{indent}{key}: [{', '.join(values)}]\n"
        if all(_surely_plain(v, _SURELY_FLOW) for v in values) or _reads_back(line, key, values):
            return line
    if values and all(isinstance(v, str) and "\n" not in v for v in values):
        # A list at the top of the file starts in the first column, as YAML writes it.
        entries = indent + "  " if indent else ""
        text = f"{indent}{key}:\n" + "".join(_entry(v, entries) for v in values)
        if _reads_back(text, key, values):
            return text
    return _quoted(key, values, indent)


def mapping_text(data: dict[Any, Any], indent: str = "", fold: frozenset[Any] = frozenset()) -> str:
    """A YAML mapping in the content files' style; values under keys in `fold` are long prose
    (folded when long), as are all the values of a mapping nested under such a key."""
    parts = []
    for key, value in data.items():
        if isinstance(value, dict):
            nested = fold | frozenset(value) if key in fold else fold
            parts.append(f"{indent}{key}:\n" + mapping_text(value, indent + "  ", nested))
        elif isinstance(value, list):
            parts.append(_list(key, value, indent))
        elif (
            isinstance(value, str)
            and key in fold
            and len(indent) + len(str(key)) + len(value) > WRAP_AT
        ):
            parts.append(_folded(key, value, indent))
        else:
            parts.append(_scalar_line(key, value, indent))
    return "".join(parts)


def item_text(front_matter: dict[str, Any], body: str) -> str:
    """A library item's whole file: front matter between two '---' lines, then the Markdown."""
    return f"---\n{mapping_text(front_matter)}---\n{body.strip()}\n"


def capability_text(capability: dict[str, Any]) -> str:
    """One capability as an entry of its domain file's list: also the text of its versions."""
    block = mapping_text(capability, "    ", fold=frozenset({"description", "levels"}))
    return "  - " + block[4:]


def domain_text(domain: dict[str, Any], capabilities: list[dict[str, Any]]) -> str:
    """A framework file: the domain's fields, then its capabilities with a blank line between."""
    head = mapping_text(domain, fold=frozenset({"description"}))
    return head + "\ncapabilities:\n" + "\n".join(capability_text(c) for c in capabilities)
