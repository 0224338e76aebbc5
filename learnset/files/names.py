"""Names for stored files that are safe to show and to offer as a download's name."""

from __future__ import annotations

import re
import unicodedata

from learnset.files.kinds import Kind

MAX_NAME = 120
_UNSAFE = re.compile(r'[\\/:*?"<>|]')


def safe_name(given: str | None, kind: Kind) -> str:
    """The last part of the name the browser sent, without control characters or characters a
    file system would refuse, no longer than MAX_NAME, ending in the judged kind's extension."""
    name = (given or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(char)[0] in {"C", "Z"} else char
        for char in unicodedata.normalize("NFC", name)
    )
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    matches = {kind.extension} | ({"jpeg"} if kind.name == "jpeg" else set())
    if not (dot and extension.lower() in matches):
        stem = name
    stem = stem.strip(" .") or "file"
    suffix = f".{kind.extension}"
    return stem[: MAX_NAME - len(suffix)].rstrip(" .") + suffix


def size_in_words(size: int) -> str:
    """A size as people say it: "10 MB", "2.5 MB", "320 KB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{round(size / (1024 * 1024), 1):g} MB"
