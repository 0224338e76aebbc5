"""Home page panels: each feature contributes what it shows on a signed-in user's home page.

A feature registers, in its init_app, a function taking (db, user) and returning a Panel, or
None when it has nothing to show that person: home_panel(panels.my_panel). The home page
renders the panels in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from learnset.accounts.models import User


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Lower numbers come first: 10 for what is next, 50 for what needs attention, 90 for the rest.
    order: int = 50


def list_panel(template: str, name: str, rows: Sequence[Any], order: int) -> Panel | None:
    """A panel listing `rows` (as `name` in its template), or None when there is nothing to
    list, so the home page shows no empty panel."""
    return Panel(template, {name: rows}, order=order) if rows else None


PanelSource = Callable[[Session, User], Panel | None]
_SOURCES: list[PanelSource] = []


def home_panel(source: PanelSource) -> PanelSource:
    """Register a function that builds a home page panel."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def panels_for(db: Session, user: User) -> list[Panel]:
    panels = [panel for source in _SOURCES if (panel := source(db, user)) is not None]
    return sorted(panels, key=lambda panel: panel.order)
