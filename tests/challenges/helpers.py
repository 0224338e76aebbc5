"""Shared bits for the live challenge tests."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import csrf_from


def text(response: Any) -> str:
    """The page's HTML with runs of whitespace made single spaces."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def post(client: Any, path: str, data: dict[str, Any] | None = None, page: str = "/") -> Any:
    """Press a button or send a form, with a CSRF token from a page the client can open."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_from(client, page)})
