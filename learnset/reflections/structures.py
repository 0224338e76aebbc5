"""The reflective models a reflection can follow, their parts, and how text moves between them."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class StructureName(enum.StrEnum):
    DRISCOLL = "driscoll"
    GIBBS = "gibbs"


@dataclass(frozen=True)
class PartSpec:
    key: str
    label: str
    hint: str


@dataclass(frozen=True)
class Structure:
    name: str
    title: str
    summary: str
    parts: tuple[PartSpec, ...]
    # Which parts an appraiser reads as "what I learned" and "what I will change".
    learned: tuple[str, ...]
    change: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(part.key for part in self.parts)

    def label(self, key: str) -> str:
        return next((part.label for part in self.parts if part.key == key), key)


DRISCOLL = Structure(
    name=StructureName.DRISCOLL,
    title="What? So what? Now what?",
    summary="Three short questions (Driscoll's model). A good place to start.",
    parts=(
        PartSpec(
            "what",
            "What happened?",
            "Describe the experience briefly: what happened, who was involved and what you did. "
            "Leave out anything that could identify a patient.",
        ),
        PartSpec(
            "so_what",
            "So what?",
            "What does it mean? What did you learn about yourself, other people or the system, "
            "and why does it matter?",
        ),
        PartSpec(
            "now_what",
            "Now what?",
            "What will you do differently or try next, and how will you know it made a difference?",
        ),
    ),
    learned=("so_what",),
    change=("now_what",),
)

GIBBS = Structure(
    name=StructureName.GIBBS,
    title="Gibbs' reflective cycle",
    summary="Six stages, from what happened to an action plan. Useful for something that "
    "stirred strong feelings or did not go to plan.",
    parts=(
        PartSpec(
            "description",
            "Description",
            "What happened? Keep it brief and leave out anything that could identify a patient.",
        ),
        PartSpec("feelings", "Feelings", "What were you thinking and feeling at the time?"),
        PartSpec("evaluation", "Evaluation", "What went well, and what did not?"),
        PartSpec(
            "analysis",
            "Analysis",
            "What sense can you make of it? Draw on the theory, your set's questions or your "
            "own experience.",
        ),
        PartSpec("conclusion", "Conclusion", "What did you learn? What else could you have done?"),
        PartSpec(
            "action_plan",
            "Action plan",
            "What will you do next time, or differently from now on?",
        ),
    ),
    learned=("analysis", "conclusion"),
    change=("action_plan",),
)

STRUCTURES: dict[str, Structure] = {DRISCOLL.name: DRISCOLL, GIBBS.name: GIBBS}
DEFAULT_STRUCTURE = DRISCOLL.name
ALL_PART_KEYS = tuple(key for structure in STRUCTURES.values() for key in structure.keys)

# Where each part's text lands when the writer changes structure. Several parts can flow into
# one; nothing is dropped. "So what?" goes to Gibbs' conclusion, so "what I learned" stays put.
_MOVES: dict[tuple[str, str], dict[str, str]] = {
    (DRISCOLL.name, GIBBS.name): {
        "what": "description",
        "so_what": "conclusion",
        "now_what": "action_plan",
    },
    (GIBBS.name, DRISCOLL.name): {
        "description": "what",
        "feelings": "what",
        "evaluation": "so_what",
        "analysis": "so_what",
        "conclusion": "so_what",
        "action_plan": "now_what",
    },
}


def structure_named(name: str | None) -> Structure:
    """The structure with this name, or the default one for anything unknown."""
    return STRUCTURES.get(name or "", STRUCTURES[DEFAULT_STRUCTURE])


def convert_parts(parts: dict[str, str], source: str, target: str) -> dict[str, str]:
    """Move text from one structure's parts into another's, joining parts that share a home."""
    if source == target:
        return dict(parts)
    moves = _MOVES[(source, target)]
    source_structure, target_structure = STRUCTURES[source], STRUCTURES[target]
    gathered: dict[str, list[str]] = {key: [] for key in target_structure.keys}
    for key in source_structure.keys:
        text = (parts.get(key) or "").strip()
        if not text:
            continue
        destination = moves[key]
        shares_home = sum(1 for other in moves.values() if other == destination) > 1
        # Keep the old heading when parts are merged, so the writer can see what came from where.
        gathered[destination].append(
            f"**{source_structure.label(key)}**\n\n{text}" if shares_home else text
        )
    return {key: "\n\n".join(texts) for key, texts in gathered.items()}


def joined(parts: dict[str, str], keys: tuple[str, ...]) -> str:
    """The text of several parts, as one passage."""
    return "\n\n".join(text.strip() for key in keys if (text := parts.get(key) or "").strip())
