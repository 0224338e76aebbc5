"""A participant sets a baseline, checks in after a session, reads their growth and gaps, and
opens a recommended module; their tutor reads what was shared. axe-core checks every page."""

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from learnset import PROJECT_ROOT
from learnset.accounts.models import User
from learnset.cohorts.models import Cohort
from learnset.db import utcnow
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.models import ContentItem
from learnset.library.sync import sync_content
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import assert_accessible, refused, sign_in

# Where the participant puts themselves at the baseline: mostly 2, aiming for 4; one wide gap.
WIDE_GAP = "Co-production with citizens and communities"


def _programme(live_server: LiveServer) -> None:
    with live_server.session() as session:
        sync_content(session, PROJECT_ROOT / "content", utcnow())
        factories.make_set(
            session,
            "Riverside learning set",
            {"Priya Natarajan": "participant", "Samuel Adeyemi": "tutor"},
        )
        session.commit()


def _add_session(live_server: LiveServer) -> None:
    """Last week's session used a theory module on co-production."""
    with live_server.session() as session:
        cohort = session.scalar(select(Cohort))
        module = session.scalar(
            select(ContentItem)
            .join(ContentItem.capabilities)
            .where(Capability.name == WIDE_GAP, ContentItem.kind == "theory")
            .order_by(ContentItem.title)
        )
        factories.make_published_meeting(
            session,
            cohort,
            [module],
            number=1,
            title="Co-production in practice",
            starts_at=utcnow() - timedelta(days=7),
        )
        session.commit()


def _rate(page: Page, capability: str, current: int, target: int) -> None:
    section = page.get_by_role("region", name=capability, exact=True)
    section.get_by_role("group", name=re.compile("^Where are you now")).get_by_role(
        "radio", name=re.compile(f"^{current}: ")
    ).check()
    section.get_by_role("group", name=re.compile("^Where do you want to be")).get_by_role(
        "radio", name=str(target), exact=True
    ).check()


def _rate_every_capability_on_the_page(page: Page) -> None:
    for heading in page.locator("section.app-rating h2").all_inner_texts():
        _rate(page, heading, 1 if heading == WIDE_GAP else 2, 5 if heading == WIDE_GAP else 4)


def test_baseline_check_in_growth_and_what_to_work_on_next(
    live_server: LiveServer, page: Page, browser: Browser
):
    _programme(live_server)
    sign_in(page, live_server.url, "priya@example.org", "Priya Natarajan")
    expect(page.get_by_role("heading", level=2, name="Your capabilities")).to_be_visible()
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Your capabilities"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Your capabilities")).to_be_visible()
    expect(page.get_by_role("heading", name="Start with your baseline")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Start your baseline").click()
    expect(page.get_by_role("heading", level=1, name="Your baseline")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start your baseline").click()

    # Part 1: a forgotten answer is pointed out, and nothing already chosen is lost.
    expect(page.get_by_text("Baseline: part 1 of 3")).to_be_visible()
    # Beside the levels, examples of evidence a person could point to (issue 17, item 5).
    page.locator("summary").filter(has_text="Examples of evidence at each level").first.click()
    expect(
        page.get_by_text(
            "A note of a conversation I asked for outside a formal meeting", exact=False
        ).first
    ).to_be_visible()
    assert_accessible(page)
    _rate_every_capability_on_the_page(page)
    page.get_by_label("Evidence (optional)").first.fill("Ran a joint review with the trust")
    page.evaluate(
        "document.querySelectorAll('input[name=\"clinical-credibility-current\"]')"
        ".forEach(input => input.checked = false)"
    )
    refused(page, "Save and continue")
    expect(page).to_have_title(re.compile("^Error: "))
    page.get_by_role("link", name="Choose where you are now for Credibility").click()
    expect(page.get_by_label("Evidence (optional)").first).to_have_value(
        "Ran a joint review with the trust"
    )
    _rate(page, "Credibility with clinical colleagues", 2, 4)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("Baseline: part 2 of 3")).to_be_visible()
    _rate_every_capability_on_the_page(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Baseline: part 3 of 3")).to_be_visible()
    _rate_every_capability_on_the_page(page)
    _rate(page, "Procurement in proportion", 3, 2)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1, name="Check your answers")).to_be_visible()
    expect(page.get_by_text("Some targets are below where you are now")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes, share it with my tutors").check()
    page.get_by_role("button", name="Submit baseline").click()
    expect(page.get_by_text("Baseline saved")).to_be_visible()

    # A session happens; afterwards the participant checks in, without JavaScript this time.
    _add_session(live_server)
    no_script = browser.new_context(java_script_enabled=False, locale="en-GB")
    plain = no_script.new_page()
    plain.set_default_timeout(10_000)
    sign_in(plain, live_server.url, "priya@example.org", "Priya Natarajan")
    plain.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Your capabilities"
    ).click()
    plain.get_by_role("button", name="Check in").click()
    expect(plain.get_by_role("heading", level=1, name="Check in")).to_be_visible()
    # axe-core needs JavaScript: check the same page in the other window.
    page.goto(plain.url)
    assert_accessible(page)
    plain.get_by_label("Only some of them").check()
    plain.get_by_role("button", name="Continue").click()
    expect(plain.get_by_role("heading", level=1, name="Which capabilities")).to_be_visible()
    page.goto(plain.url)
    assert_accessible(page)
    plain.get_by_label("Productive conversations across boundaries").check()
    plain.get_by_label(WIDE_GAP).check()
    plain.get_by_role("button", name="Continue").click()
    expect(plain.get_by_text("Check-in: part 1 of 2")).to_be_visible()
    _rate(plain, "Productive conversations across boundaries", 3, 4)
    plain.get_by_label("If your level has moved, what changed? (optional)").fill(
        "Held my first joint clinic review"
    )
    plain.get_by_role("button", name="Save and continue").click()
    expect(plain.get_by_text("Check-in: part 2 of 2")).to_be_visible()
    _rate(plain, WIDE_GAP, 2, 5)
    plain.get_by_role("button", name="Save and continue").click()
    expect(plain.get_by_text("You are not rating the other 19 capabilities")).to_be_visible()
    plain.get_by_role("button", name="Submit check-in").click()
    expect(plain.get_by_text("Check-in saved")).to_be_visible()
    no_script.close()

    # Growth: a radar per domain with its figures, and the largest gaps first.
    page.goto(live_server.url + "/capabilities")
    expect(
        page.get_by_role("img", name=re.compile("^Unlocking conversations: baseline"))
    ).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("^Whole-system working: baseline"))
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="Unlocking conversations: the figures in the chart")
    ).to_be_visible()
    gaps = page.get_by_role("table", name="Your capabilities, largest gap first")
    expect(gaps.get_by_role("row").nth(1)).to_contain_text(WIDE_GAP)
    expect(gaps.get_by_role("row").nth(1)).to_contain_text("3 to go")
    assert_accessible(page)

    # What to work on next: the module used in last week's session.
    next_steps = page.get_by_role("heading", level=3, name=WIDE_GAP)
    expect(next_steps).to_be_visible()
    expect(page.get_by_text("Used in Co-production in practice")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Make this your focus")).first.click()
    expect(page.get_by_text("is your focus for this month")).to_be_visible()
    focus = page.get_by_role("heading", level=3, name="Your focus this month")
    expect(focus).to_be_visible()
    module = page.locator(".nhsuk-card--feature").get_by_role("link").first
    title = module.inner_text()
    module.click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    assert_accessible(page)

    # One capability's story over time.
    page.goto(live_server.url + "/capabilities")
    page.get_by_role("link", name="Productive conversations across boundaries").first.click()
    expect(
        page.get_by_role("img", name="Productive conversations across boundaries over time")
    ).to_be_visible()
    expect(page.get_by_text("What changed: Held my first joint clinic review")).to_be_visible()
    assert_accessible(page)

    # Home page: the focus and the largest gaps.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home").click()
    expect(page.locator(".nhsuk-card--feature").get_by_role("link", name=title)).to_be_visible()
    assert_accessible(page)


def _priya_rates_every_capability(
    live_server: LiveServer, levels: tuple[int, int], **options: Any
) -> None:
    """A self-assessment of Priya's in her set: every capability at (current, target)."""
    with live_server.session() as session:
        cohort = session.scalar(select(Cohort))
        priya = session.scalar(select(User).where(User.email == "priya@example.org"))
        capabilities = session.scalars(
            select(Capability).join(CapabilityDomain).order_by(CapabilityDomain.position)
        ).all()
        factories.make_assessment(
            session, priya, cohort, dict.fromkeys(capabilities, levels), **options
        )
        session.commit()


def test_a_tutor_reads_what_a_participant_shared(live_server: LiveServer, page: Page):
    _programme(live_server)
    _priya_rates_every_capability(live_server, (2, 4), at=utcnow() - timedelta(days=30))
    _priya_rates_every_capability(live_server, (3, 4), shared=False)
    sign_in(page, live_server.url, "samuel@example.org", "Samuel Adeyemi")
    page.get_by_role("link", name=re.compile("^Riverside learning set")).click()
    expect(page.get_by_role("heading", level=1, name="Self-assessments")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Priya Natarajan").click()
    expect(page.get_by_role("heading", level=1, name="Priya Natarajan")).to_be_visible()
    # The latest shared ratings (2, aiming for 4), not the check-in kept private (3).
    expect(page.get_by_text("2 to go").first).to_be_visible()
    expect(page.get_by_text("1 to go")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("table", name=re.compile("^Shared self-assessments")).get_by_role(
        "link"
    ).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Baseline, "))).to_be_visible()
    assert_accessible(page)


def test_what_changed_is_asked_once_the_level_moves(live_server: LiveServer, page: Page):
    _programme(live_server)
    _priya_rates_every_capability(live_server, (2, 4), at=utcnow() - timedelta(days=30))
    sign_in(page, live_server.url, "priya@example.org", "Priya Natarajan")
    page.goto(live_server.url + "/capabilities")
    page.get_by_role("button", name="Check in").click()
    page.get_by_role("button", name="Continue").click()
    section = page.get_by_role("region", name="Productive conversations across boundaries")
    what_changed = section.get_by_label("If your level has moved, what changed? (optional)")
    expect(what_changed).to_be_hidden()
    _rate(page, "Productive conversations across boundaries", 2, 4)
    expect(what_changed).to_be_hidden()
    _rate(page, "Productive conversations across boundaries", 3, 4)
    expect(what_changed).to_be_visible()
    assert_accessible(page)
