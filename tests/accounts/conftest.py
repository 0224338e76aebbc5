"""Fixtures for the accounts tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.accounts.oidc import Provider, running_provider


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    """A real OpenID Connect provider (tests/accounts/oidc.py), one for each test module that
    asks for it."""
    with running_provider() as provider:
        yield provider
