"""Shared bits for the reflective log's tests."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import CSRF_INPUT, csrf_from


def editor_fields(cohort: Any = None, **overrides: Any) -> dict[str, Any]:
    """A complete, valid Driscoll reflection as the editor posts it."""
    data: dict[str, Any] = {
        "structure": "driscoll",
        "title": "Taking the data pack to the practice meeting",
        "experienced_on-day": "5",
        "experienced_on-month": "3",
        "experienced_on-year": "2026",
        "part_what": "I shared the admissions data and asked what surprised people.",
        "part_so_what": "Data opened the conversation instead of closing it.",
        "part_now_what": "Start each locality meeting with one chart and one question.",
        "cpd_minutes": "45",
        "visibility": "private",
        "action": "save",
    }
    if cohort is not None:
        data["cohort"] = str(cohort.id)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def new_editor(client: Any) -> str:
    """The path of a fresh new-reflection editor."""
    response = client.get("/reflections/new")
    assert response.status_code == 302
    return response.location


def post_editor(client: Any, path: str, data: dict[str, Any]) -> Any:
    """Post the editor form with the page's own CSRF token, as a browser would."""
    return client.post(path, data={**data, "csrf_token": csrf_from(client, path)})


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def editor_tokens(client: Any, path: str) -> dict[str, str]:
    """The hidden fields an editor page carries: its CSRF token and its signed writer."""
    html = text(client.get(path))
    writer = re.search(r'name="writer" value="([^"]+)"', html)
    token = CSRF_INPUT.search(html)
    assert token, f"no CSRF token on {path}"
    fields = {"csrf_token": token.group(1) or token.group(2)}
    return {**fields, "writer": writer.group(1)} if writer else fields
