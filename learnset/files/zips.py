"""Zips made as they are sent: each entry is compressed and handed on a piece at a time, so a
download of hundreds of megabytes never sits whole in memory or on disk. With the names that
are safe to unpack anywhere (Windows included), and unique in a folder whatever the case."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator

# Names Windows gives to devices, with or without an extension: "CON", "nul.txt", "COM1.pdf".
_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)", re.IGNORECASE)
_NOT_IN_A_PART = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
MAX_PART = 120
# What the zip hands on at a time (but its last piece). Handed on as the zip wrote them, a log
# of 40 reflections went out in some 120 pieces of a few hundred bytes, each its own chunk,
# system call and packet: a fifth of the download's CPU (bench/README.md).
SEND_AT = 64 * 1024


def safe_part(name: str, fallback: str = "file") -> str:
    """One part of a path, safe on any file system: no folder separators or characters Windows
    refuses, no leading or trailing dots and spaces, and never a device's name."""
    part = _NOT_IN_A_PART.sub("_", name)
    part = " ".join(part.split()).strip(" .")
    if len(part) > MAX_PART:
        _stem, dot, extension = part.rpartition(".")
        keep = extension if dot and 0 < len(extension) <= 10 else ""
        part = part[: MAX_PART - len(keep) - 1].rstrip(" .") + (f".{keep}" if keep else "")
    part = part or fallback
    return f"_{part}" if _DEVICES.match(part) else part


class Folder:
    """Hands out names for one folder of a zip: safe parts, numbered when two would differ
    only in case (they would overwrite each other on Windows and macOS)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def name(self, wanted: str, fallback: str = "file") -> str:
        part = safe_part(wanted, fallback)
        stem, dot, extension = part.rpartition(".")
        if not dot or not stem:
            stem, extension = part, ""
        found, number = part, 1
        while found.casefold() in self._taken:
            number += 1
            found = f"{stem} ({number})" + (f".{extension}" if extension else "")
        self._taken.add(found.casefold())
        return found


class _Pending:
    """A write-only file that keeps what the zip writes until the next piece is handed on. It
    cannot seek, so the zip writes each entry's sizes after its data (a data descriptor)."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self._pieces.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        self.size = 0
        return data


def stream_zip(entries: Iterable[tuple[str, Iterable[bytes]]]) -> Iterator[bytes]:
    """A zip of the entries (a path and its bytes in pieces), yielded as it is compressed, in
    pieces of SEND_AT bytes or more (but the last): at any moment it holds about one piece of
    one entry and what is still to be handed on."""
    pending = _Pending()
    with zipfile.ZipFile(pending, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, pieces in entries:
            with archive.open(path, "w", force_zip64=True) as entry:
                for piece in pieces:
                    entry.write(piece)
                    if pending.size >= SEND_AT:
                        yield pending.take()
            if pending.size >= SEND_AT:
                yield pending.take()
    if data := pending.take():
        yield data
