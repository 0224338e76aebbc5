"""The layout's links (header, footer, stylesheets) are built once per process, as they are the
same on every page, and built afresh while templates reload."""

from __future__ import annotations

import flask

from learnset import templating
from learnset.templating import layout_url

LINKS = (
    ("static", {"filename": "app/app.css"}),
    ("main.home", {}),
    ("accounts.account", {}),
    ("feedback.give", {"from": "main.home"}),
)


def _counted(monkeypatch):
    """The endpoints layout_url builds with url_for, in order."""
    built = []

    def counted(endpoint, **values):
        built.append(endpoint)
        return flask.url_for(endpoint, **values)

    monkeypatch.setattr(templating, "url_for", counted)
    return built


def test_layout_links_are_the_addresses_url_for_gives(app):
    for root in ("", "/learnset"):
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            for endpoint, values in LINKS:
                expected = flask.url_for(endpoint, **values)
                assert expected.startswith(f"{root}/")
                assert layout_url(endpoint, **values) == expected
                assert layout_url(endpoint, **values) == expected


def test_layout_links_are_built_once(app, monkeypatch):
    built = _counted(monkeypatch)
    app.extensions["layout_urls"].clear()
    for _ in range(3):
        with app.test_request_context("/"):
            assert layout_url("main.privacy") == "/privacy"
            assert layout_url("feedback.give", **{"from": "main.home"}).endswith("from=main.home")
            assert layout_url("feedback.give", **{"from": "main.privacy"}).endswith("privacy")
    assert built == ["main.privacy", "feedback.give", "feedback.give"]


def test_layout_links_are_built_each_time_while_templates_reload(app, monkeypatch):
    built = _counted(monkeypatch)
    monkeypatch.setitem(app.config, "TEMPLATES_AUTO_RELOAD", True)
    for _ in range(2):
        with app.test_request_context("/"):
            layout_url("static", filename="app/app.css")
    assert built == ["static", "static"]


def test_every_page_links_the_layout_as_before(login, people):
    page = login(people.participant).get("/").get_data(as_text=True)
    for href in ('href="/privacy"', 'href="/account"', 'href="/notifications"', "app.css?v="):
        assert href in page


def test_mount_points_sent_by_requests_cannot_grow_the_kept_links_without_end(app):
    app.extensions["layout_urls"].clear()
    for number in range(templating.LAYOUT_URLS_KEPT + 50):
        root = f"/mount{number}"
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            assert layout_url("main.privacy") == f"{root}/privacy"
    assert len(app.extensions["layout_urls"]) == templating.LAYOUT_URLS_KEPT


def test_a_url_pattern_naming_no_other_value_is_built_once(app, monkeypatch):
    built = _counted(monkeypatch)
    app.extensions["layout_urls"].clear()
    for root in ("", "", "/learnset"):
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            assert templating.url_pattern("library.item", "slug") == f"{root}/library/{{}}"
            # A value of its own (an id) is the page's, not the layout's: built each time.
            pattern = templating.url_pattern("assessment.capability", "slug", cohort_id=7)
            assert pattern == f"{root}/cohorts/7/capabilities/{{}}"
    # "/" twice, then "/learnset": the plain pattern is built once for each mount point.
    mine = "assessment.capability"
    assert built == ["library.item", mine, mine, "library.item", mine]
