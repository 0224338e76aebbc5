"""The reflective log as Markdown files in a zip: one file a reflection, its attached files in
a folder beside it (linked from it), and a README.

The zip is made as it is sent (files/zips.py). What it holds is read first, in a fixed number
of queries; each attached file's bytes are then read a chunk at a time, each chunk in a short
database session of its own, so a large log is never held whole in memory and a slow download
holds no connection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from learnset import files
from learnset.accounts.models import User
from learnset.files.models import FileBlob
from learnset.files.zips import Folder, stream_zip
from learnset.reflections.exports import Exported, linked, own_log, slug
from learnset.reflections.front_matter import front_matter

README = """# Your reflective log from Learnset

Downloaded on {today}. It holds {count} reflection{plural}: one Markdown file each, named by
the date of the experience. Each file starts with a few lines of details (title, date,
learning set, session, capabilities, CPD minutes, who it was shared with) between `---` lines,
then the text under a heading for each part. Files you attached to a reflection are in a
folder with the same name as its Markdown file, and listed at its end.

Only your own writing is here: comments from others and reflections in your bin are not.
Markdown files open in any text editor. Keep them somewhere safe: they are your professional
record, and they should never identify a patient.
"""
_MARKDOWN_SPECIAL = str.maketrans({char: f"\\{char}" for char in "\\[]*_`<>"})


@dataclass(frozen=True)
class Entry:
    """One file in the zip: its path, and its text or the stored file whose bytes it is."""

    path: str
    text: str | None = None
    blob: FileBlob | None = None


def reflection_markdown(reflection: Exported, attached: Sequence[tuple[str, str]] = ()) -> str:
    """One reflection as a Markdown file with front matter; `attached` lists its files (name,
    path from the Markdown file), linked at the end."""
    front: dict[str, Any] = {
        "title": reflection.title,
        "date": reflection.experienced_on.isoformat(),
        "structure": reflection.structure_spec.title,
        **linked(reflection),
        "capabilities": reflection.capabilities,
        "cpd_minutes": reflection.cpd_minutes,
        "shared_with": reflection.visibility,
        "written": reflection.created_at.isoformat(timespec="minutes"),
        "last_changed": reflection.updated_at.isoformat(timespec="minutes"),
    }
    front = {key: value for key, value in front.items() if value not in (None, [])}
    lines = ["---", front_matter(front).strip(), "---", ""]
    lines += [f"# {reflection.title}", ""]
    text = reflection.text_by_part
    for spec in reflection.structure_spec.parts:
        lines += [f"## {spec.label}", "", (text.get(spec.key) or "").strip() or "_Nothing written_"]
        lines.append("")
    if attached:
        lines += ["## Files", ""]
        lines += [
            f"- [{name.translate(_MARKDOWN_SPECIAL)}]({quote(path)})" for name, path in attached
        ]
        lines.append("")
    return "\n".join(lines)


def entries(db: Session, user: User, today: date) -> list[Entry]:
    """What the user's log zip holds: their own reflections outside the bin, never anyone
    else's, each with its attached files. Read in a fixed number of queries."""
    reflections = own_log(db, user)
    found = [
        Entry(
            "README.md",
            README.format(
                today=today.isoformat(),
                count=len(reflections),
                plural="" if len(reflections) == 1 else "s",
            ),
        )
    ]
    used: set[str] = set()
    for reflection in reflections:
        # Dates and slugs are safe parts already (digits, lower-case letters and hyphens).
        name = f"{reflection.experienced_on.isoformat()}-{slug(reflection.title)}"
        if name in used:
            name = f"{name}-{reflection.id}"
        used.add(name)
        own = Folder()
        attached = [
            (attachment.name, f"{name}/{own.name(attachment.name)}", attachment.blob)
            for attachment in reflection.attachments
        ]
        links = [(shown, path) for shown, path, _blob in attached]
        found.append(Entry(f"reflections/{name}.md", reflection_markdown(reflection, links)))
        found += [Entry(f"reflections/{path}", blob=blob) for _shown, path, blob in attached]
    return found


def stream(sessions: Callable[[], Session], found: list[Entry]) -> Iterator[bytes]:
    """The zip, a piece at a time; each file's chunks read in sessions of their own."""
    return stream_zip(
        (
            entry.path,
            [entry.text.encode()] if entry.text is not None else _chunks(sessions, entry.blob),
        )
        for entry in found
    )


def _chunks(sessions: Callable[[], Session], blob: FileBlob | None) -> Iterator[bytes]:
    if blob is not None:
        yield from files.stream(sessions, blob)
