"""A programme session's whole file as the app would write it: front matter (its aims, running
order and preparation) then the facilitator notes. The editor's text, each version's text,
what `flask content export` writes and what the sync compares the files and the app by."""

from __future__ import annotations

from typing import Any

from learnset.content_text import mapping_text


def _item_slug(step: Any) -> str | None:
    # A step read from a file names its item; a stored step points at it.
    if hasattr(step, "item"):
        return step.item  # type: ignore[no-any-return]
    return step.content_item.slug if step.content_item is not None else None


def session_front_matter(session: Any) -> dict[str, Any]:
    """The front matter of a stored session, or of one read from a file, in the files' order."""
    running_order = []
    for step in session.steps:
        entry: dict[str, Any] = {"minutes": step.minutes, "activity": step.activity}
        if (slug := _item_slug(step)) is not None:
            entry["item"] = slug
        running_order.append(entry)
    values: dict[str, Any] = {
        "number": session.number,
        "title": session.title,
        "minutes": session.minutes,
        "aims": [
            {"text": aim["text"], "aim": aim["aim"], "capabilities": list(aim["capabilities"])}
            for aim in session.aims
        ],
        "running_order": running_order,
    }
    if session.preparation:
        values["prepare"] = session.preparation
    return values


def _entries(key: str, entries: list[dict[str, Any]]) -> str:
    """A list of mappings laid out as the files lay them out: each entry's first line after
    "  - ", the rest under it, short lists (capabilities) on one line."""
    if not entries:
        return f"{key}: []\n"
    return f"{key}:\n" + "".join("  - " + mapping_text(entry, "    ")[4:] for entry in entries)


def session_text(session: Any) -> str:
    front = session_front_matter(session)
    text = mapping_text({key: front[key] for key in ("number", "title", "minutes")})
    text += _entries("aims", front["aims"]) + _entries("running_order", front["running_order"])
    if "prepare" in front:
        # Long prose, folded and wrapped, as people write it.
        text += mapping_text({"prepare": front["prepare"]}, fold=frozenset({"prepare"}))
    return f"---\n{text}---\n{session.facilitator_notes.strip()}\n"
