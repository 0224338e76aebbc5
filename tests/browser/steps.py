"""Steps that every browser journey takes as a person would, by visible labels and roles:
signing in and out; and the accessibility check each page gets. People are made with
tests/factories.py (make_set, and RIVERSIDE below), so they all sign in with
factories.PASSWORD."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

# The set most journeys follow, for factories.make_set: Tess tutors Pat and Fay.
RIVERSIDE = {"Tess Tutor": "tutor", "Pat Participant": "participant", "Fay Fellow": "participant"}

_AXE = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation on the page as it stands."""
    results = _AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def fill_in_sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """On the sign-in page already open: type the address and password and press Sign in."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_in(
    page: Page, base_url: str, email: str, name: str | None = None, password: str = PASSWORD
) -> None:
    """Open the sign-in page, sign in and land home, greeted by name (by `name`, if given)."""
    page.goto(base_url + "/sign-in")
    fill_in_sign_in(page, email, password)
    greeting = f"Hello, {name}" if name else re.compile("^Hello, ")
    expect(page.get_by_role("heading", name=greeting)).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
