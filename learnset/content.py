"""Reading the content folder's files: YAML, front matter and typed fields, every problem noted.

Nothing here touches the database. A problem names the file (relative to the content folder)
and says what is wrong in words a content editor can act on.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SLUG_FORMAT = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?\n)?---[ \t]*(?:\n|\Z)(?P<body>.*)\Z", re.S)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def used_before(slug: str, path: str, first_use: dict[str, str]) -> str | None:
    """Where a slug was used before this use, if it was (an empty slug has its own problem);
    the first use of each slug is remembered in `first_use`."""
    earlier = first_use.get(slug) if slug else None
    first_use.setdefault(slug, path)
    return earlier


class ContentError(ValueError):
    """The content folder has problems; the sync stops and changes nothing."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the content")


@dataclass(frozen=True)
class SourceFile:
    """One file's text and the hash that tells whether it changed since the last sync."""

    path: str
    text: str
    content_hash: str


def read_source(root: Path, path: Path, problems: list[Problem]) -> SourceFile | None:
    """The file's text (UTF-8, Unix line ends) and the SHA-256 of its bytes, or a problem."""
    relative = path.relative_to(root).as_posix()
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(relative, "the file is not UTF-8 text"))
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceFile(relative, text, hashlib.sha256(raw).hexdigest())


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a key given twice is an error rather than last-wins."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{key}' is given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _mapping_without_duplicates,
)


def parse_yaml(
    text: str, path: str, problems: list[Problem], first_line: int = 1
) -> dict[str, Any] | None:
    """A YAML mapping, or None with a problem giving the line (counted from first_line)."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a subclass of SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        where = f" on line {mark.line + first_line}" if mark is not None else ""
        problems.append(Problem(path, f"the YAML is not valid{where}: {reason}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(path, "the YAML must be a set of 'field: value' lines"))
        return None
    return data


def split_front_matter(
    source: SourceFile, problems: list[Problem]
) -> tuple[dict[str, Any], str] | None:
    """The front matter (as a mapping) and the Markdown body of a library file."""
    match = FRONT_MATTER.match(source.text)
    if match is None:
        problems.append(
            Problem(source.path, "the file must start with front matter between two '---' lines")
        )
        return None
    # The front matter's first line is line 2 of the file, after the opening '---'.
    data = parse_yaml(match.group("yaml") or "", source.path, problems, first_line=2)
    if data is None:
        return None
    return data, match.group("body").strip()


class Fields:
    """Typed fields read from one parsed mapping; each problem is noted, never raised."""

    def __init__(
        self, data: dict[str, Any], path: str, problems: list[Problem], where: str = ""
    ) -> None:
        self.data = data
        self.path = path
        self.problems = problems
        # Names the part of the file, such as "capability 'x'", when a file holds several.
        self.where = where

    def problem(self, message: str) -> None:
        prefix = f"{self.where}: " if self.where else ""
        self.problems.append(Problem(self.path, prefix + message))

    def only(self, allowed: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(f"unknown field '{key}' (the fields are {', '.join(allowed)})")

    def _present(self, key: str) -> Any:
        if key not in self.data or self.data[key] is None:
            self.problem(f"the field '{key}' is missing")
            return None
        return self.data[key]

    def text(self, key: str, max_length: int) -> str:
        value = self._present(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problem(f"'{key}' must be text, not {_shown(value)}")
            return ""
        # Folded YAML strings (>) end in a newline; nobody wants it in the page.
        value = value.strip()
        if not value:
            self.problem(f"'{key}' is empty")
        elif len(value) > max_length:
            self.problem(f"'{key}' must be {max_length} characters or fewer (it has {len(value)})")
        return value

    def slug(self, key: str, max_length: int) -> str:
        value = self.text(key, max_length)
        if value and not SLUG_FORMAT.match(value):
            self.problem(
                f"'{key}' must use only lowercase letters, digits and single hyphens, "
                f"not {_shown(value)}"
            )
        return value

    def whole_number(self, key: str, minimum: int, required: bool = True) -> int | None:
        if not required and self.data.get(key) is None:
            return None
        value = self._present(key)
        if value is None:
            return None
        # YAML reads "yes" and "true" as booleans, which Python counts as integers.
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            above = "above 0" if minimum == 1 else f"of {minimum} or more"
            self.problem(f"'{key}' must be a whole number {above}, not {_shown(value)}")
            return None
        return value

    def text_list(self, key: str, noun: str) -> list[str]:
        """A non-empty list of text entries, each named once; noun says what an entry is."""
        value = self._present(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
            self.problem(f"'{key}' must be a list such as [first, second], not {_shown(value)}")
            return []
        entries = [entry.strip() for entry in value]
        if not entries:
            self.problem(f"'{key}' must name at least one {noun}")
        for entry in sorted({e for e in entries if entries.count(e) > 1}):
            self.problem(f"'{key}' names '{entry}' more than once")
        return entries


def front_matter_fields(
    source: SourceFile, allowed: tuple[str, ...], problems: list[Problem]
) -> tuple[Fields, str] | None:
    """A Markdown file's front matter as typed fields (any field not `allowed` is a problem),
    and the text after it."""
    parts = split_front_matter(source, problems)
    if parts is None:
        return None
    data, body = parts
    fields = Fields(data, source.path, problems)
    fields.only(allowed)
    return fields, body


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return f"'{value}'"
