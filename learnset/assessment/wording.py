"""How the self-assessment pages put a gap and a movement into words (Jinja filters: a page's
gaps table says them for every capability, where a macro call each cost more than the row)."""

from __future__ import annotations


def gap_text(gap: int | None) -> str:
    """A capability's gap to its target: "2 to go", "Target reached", "1 beyond target"."""
    if gap is None:
        return "Not rated yet"
    if gap > 0:
        return f"{gap} to go"
    if gap == 0:
        return "Target reached"
    return f"{-gap} beyond target"


def movement_text(movement: int | None) -> str:
    """How far a level has moved: "Up 2", "Down 1", "No change", or a dash with nothing to
    compare."""
    if movement is None:
        return "\u2013"  # an en dash
    if movement > 0:
        return f"Up {movement}"
    if movement < 0:
        return f"Down {-movement}"
    return "No change"
