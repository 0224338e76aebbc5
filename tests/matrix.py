"""The role matrix's vocabulary: each feature lists its routes in tests/<feature>/routes.py.

A Route names an endpoint, its URL for the standard People and any objects its `setup`
makes (a template such as "/sessions/{draft.id}/edit", filled in from them, or a function of
them), which roles may use it, and which are refused with 403 (may see, may not act) or 404
(may not even see). Every other signed-in role must get 404 unless listed. A page and the
form it posts are usually listed together with `page_and_form`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

ROLES = ["anonymous", "participant", "fellow", "tutor", "other_tutor", "outsider", "admin"]
SIGNED_IN = [role for role in ROLES if role != "anonymous"]


@dataclass
class Route:
    endpoint: str
    url: Callable[[Any], str] | str
    allowed: set[str]
    method: str = "GET"
    # Roles that can see the object but may not do this: they get 403. Everyone else: 404.
    forbidden: set[str] = field(default_factory=set)
    public: bool = False
    # Makes any extra objects the URL needs; gets (db, people) and returns a namespace.
    setup: Callable[[Any, Any], Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.url, str):
            template = self.url
            self.url = lambda scenario: template.format_map(vars(scenario))

    def expected(self, role: str) -> str:
        if role in self.allowed:
            return "allowed"
        if role == "anonymous":
            return "sign-in"
        if role in self.forbidden:
            return "403"
        return "404"

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}"


EVERYONE = set(SIGNED_IN)


def page_and_form(
    endpoint: str,
    url: Callable[[Any], str] | str,
    allowed: set[str],
    data: dict[str, Any] | None = None,
    **options: Any,
) -> list[Route]:
    """A page (GET) and the form on it (POST, sending `data`): the same roles may use both."""
    return [
        Route(endpoint, url, allowed, **options),
        Route(endpoint, url, allowed, "POST", data=data or {}, **options),
    ]


def prepared_url(route: Route, db: Any, people: Any) -> str:
    """Make the objects the route's URL needs (its `setup`), commit them, and fill in the URL
    for the standard People and those objects."""
    extra = route.setup(db, people) if route.setup else None
    db.commit()
    scenario = SimpleNamespace(**vars(people), **(vars(extra) if extra else {}))
    return route.url(scenario)  # type: ignore[operator]
