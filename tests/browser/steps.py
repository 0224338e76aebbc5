"""Steps that every browser journey takes as a person would, by visible labels and roles:
signing in and out, jotting a note on a phone and saving a reflection; and the accessibility
check each page gets. People are made with
tests/factories.py (make_set, and RIVERSIDE below), so they all sign in with
factories.PASSWORD."""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.factories import PASSWORD

# The set most journeys follow, for factories.make_set: Tess tutors Pat and Fay.
RIVERSIDE = {"Tess Tutor": "tutor", "Pat Participant": "participant", "Fay Fellow": "participant"}

_AXE = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation on the page as it stands."""
    results = _AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def refused(page: Page, button: str) -> None:
    """Press `button` on a form answered wrongly: the answers are refused, and the page comes
    back headed by the error summary, "There is a problem", accessible as it stands."""
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)


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
    # The header's script rearranges the navigation once the page has loaded; a click on a
    # link before then once went nowhere (the journey's next page was never asked for).
    page.wait_for_load_state("load")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


# --- On a phone ----------------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}


def phone_context(browser: Browser) -> BrowserContext:
    """A browser window the size of a phone's, touched rather than clicked."""
    context = browser.new_context(
        locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(10_000)
    return context


def ready_offline(page: Page) -> None:
    """The service worker has installed and controls the page, so the note page's shell is
    kept for when the connection goes; and the page has finished the check for waiting notes it
    makes as it opens, so no send begun online is still under way when the connection goes.

    The page has loaded first: its scripts have then run, and the list is busy from the moment
    the check begins. Before that, a list not yet busy says nothing (the worker, registered from
    an earlier page, can already control a page whose note script has not run)."""
    page.wait_for_load_state("load")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    expect(page.locator("#note-queue")).not_to_have_attribute("aria-busy", "true")


def go_offline(page: Page) -> None:
    """The connection goes, and the page has been told: Chromium answers the order to go
    offline before the page's navigator.onLine says so, and under load a note written in
    between was sent as if online."""
    page.context.set_offline(True)
    page.wait_for_function("!navigator.onLine")


def jot_note(page: Page, words: str, photo: Path | None = None) -> None:
    """On the note page: write the note, choose a photo if given, and press Save note."""
    page.get_by_label("Your note").fill(words)
    if photo is not None:
        # The design system's control stands in front of the file input, which takes the file.
        page.locator("input[type=file][name=photo]").set_input_files(str(photo))
    page.get_by_role("button", name="Save note").click()


def save_reflection(page: Page, day: str = "2", month: str = "12", year: str = "2026") -> None:
    """In the editor: give the date of the experience and save."""
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Your reflection has been saved.")).to_be_visible()


def share_with_tutors(page: Page, set_name: str = "Riverside learning set") -> None:
    """On a reflection's sharing page: let the tutors of the learning set read it, and save."""
    page.get_by_label("You and the tutors of your learning set").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"now shared with the tutors of {set_name}")).to_be_visible()
