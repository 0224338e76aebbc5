"""Return addresses: every endpoint that follows `next` (or a Referer) stays on this site.

Each payload is a known open-redirect bypass, given as the value the app receives after the
query string is decoded. It is tried against every endpoint that takes a return address; the
Location header must be a path on this site as urllib reads it and as a browser does (tabs
and newlines dropped, leading spaces stripped, backslashes read as slashes, percent-decoding,
Unicode folding), and nothing may answer 500.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from learnset.return_address import same_site_path, same_site_referrer
from tests.helpers import TEST_PASSWORD

BYPASSES = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/%0D%0A/evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example",
    " //evil.example",
    "\x0b//evil.example",
    "/\x0c/evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t\\evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%252F%252Fevil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "%2F%2Fevil.example",
    "%09//evil.example",
    "//%09/evil.example",
    "/%%32%66evil.example",
    "https:evil.example",
    "https:/evil.example",
    "https://evil.example",
    "HTTPS://evil.example/",
    "http:\\\\evil.example",
    "ftp://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://127.0.0.1:5000@evil.example",
    "http://localhost@evil.example/",
    "http://localhost.evil.example/",
    "evil.example",
    "/\u3002evil.example",
    "/%E3%80%82evil.example",
    "/\uff0f/evil.example",
    "/%EF%BC%8F/evil.example",
    "/\uff3cevil.example",
    "\uff0f\uff0fevil.example",
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "\u202e//evil.example",
    "\x85//evil.example",
    "\xa0//evil.example",
    "/.evil.example",
    "/" + "a" * 5000,
    "",
]


def _problems_with(location: str) -> list[str]:
    """Why a Location header might take a browser off this site (empty when it cannot)."""
    problems = []
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        problems.append("urllib reads a scheme or host")
    if not location.startswith("/") or location.startswith("//"):
        problems.append("not a path")
    readings = {location, unquote(location), unquote(unquote(location))}
    readings |= {unicodedata.normalize("NFKC", reading) for reading in readings}
    for reading in readings:
        # The WHATWG URL parser: strip C0 controls and spaces at the ends, drop tabs and
        # newlines anywhere, read backslashes as slashes in http(s) URLs.
        cleaned = reading.strip("".join(chr(code) for code in range(0x21)))
        cleaned = re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")
        resolved = urlsplit(urljoin("http://localhost/sign-in", cleaned))
        if (resolved.scheme, resolved.netloc) != ("http", "localhost"):
            problems.append(f"a browser goes to {resolved.scheme}://{resolved.netloc}")
    return problems


def _return_address_requests(login, people):  # type: ignore[no-untyped-def]
    """Every endpoint that follows a return address, as (name, make the request)."""
    cohort = people.cohort.id
    return [
        (
            "GET /sign-in when signed in",
            lambda query: login(people.participant).get("/sign-in", query_string=query),
        ),
        (
            "POST /sign-in",
            lambda query: login(None).post(
                "/sign-in",
                query_string=query,
                data={"email": people.participant.email, "password": TEST_PASSWORD},
            ),
        ),
        (
            "POST /cohorts/<id>/focus",
            lambda query: login(people.participant).post(
                f"/cohorts/{cohort}/focus", query_string=query, data={"item": "no-such-item"}
            ),
        ),
        (
            "POST /cohorts/<id>/focus/clear",
            lambda query: login(people.participant).post(
                f"/cohorts/{cohort}/focus/clear", query_string=query
            ),
        ),
    ]


@pytest.mark.parametrize("payload", BYPASSES, ids=[repr(p)[:40] for p in BYPASSES])
def test_return_address_bypass_stays_on_this_site(payload, login, people, no_csrf):
    problems = []
    for name, request in _return_address_requests(login, people):
        response = request({"next": payload})
        if response.status_code >= 500:
            problems.append(f"{name}: {response.status_code}")
            continue
        if response.status_code not in (301, 302, 303, 307, 308):
            # Only a NUL character may stop the request, and then with a 400.
            if not (response.status_code == 400 and "\x00" in payload):
                problems.append(f"{name}: {response.status_code}, expected a redirect")
            continue
        location = response.headers["Location"]
        problems += [f"{name}: {location!r}: {problem}" for problem in _problems_with(location)]
    assert problems == []


def test_a_nul_character_in_next_is_a_400_not_a_500(login, people, no_csrf):
    for _name, request in _return_address_requests(login, people):
        assert request({"next": "/\x00//evil.example"}).status_code == 400


@pytest.mark.parametrize(
    "target",
    [
        "/account",
        "/cohorts/3/capabilities?tab=gaps&month=2026-03",
        "/reflections?q=caf%C3%A9#results",
        "/library/item-1",
    ],
)
def test_return_address_on_this_site_is_followed_with_its_query(target, login, people, no_csrf):
    for name, request in _return_address_requests(login, people):
        response = request({"next": target})
        assert response.headers["Location"] == target, name


def test_return_address_with_unicode_is_written_out_percent_encoded(login, people, no_csrf):
    response = login(people.participant).get("/sign-in", query_string={"next": "/a?q=café"})
    assert response.headers["Location"] == "/a?q=caf%C3%A9"


REFERRERS = [
    "https://evil.example/form",
    "http://evil.example/?http://localhost/account",
    "http://localhost.evil.example/account",
    "http://localhost@evil.example/account",
    "//evil.example/account",
    "/\\evil.example",
    "javascript:alert(1)",
    "http://localhost//evil.example",
    "http://localhost/%2F%2Fevil.example",
    "http://localhost/\\evil.example",
    "ftp://localhost/account",
]


@pytest.mark.parametrize("referrer", REFERRERS)
def test_stale_form_page_links_back_only_within_this_site(referrer, login, people):
    """A cross-site POST without a form token gets the expired-form page, whose "Go back"
    link comes from the Referer: it must never point at another site."""
    response = login(people.participant).post(
        "/account", data={"name": "x"}, headers={"Referer": referrer}
    )
    assert response.status_code == 400
    links = re.findall(r'<a href="([^"]*)">Go back to the form', response.get_data(as_text=True))
    assert links == []


def test_stale_form_page_links_back_to_the_form_on_this_site(login, people):
    response = login(people.participant).post(
        "/account", data={"name": "x"}, headers={"Referer": "http://localhost/account?tab=1"}
    )
    assert response.status_code == 400
    assert '<a href="/account?tab=1">Go back to the form' in response.get_data(as_text=True)


def test_same_site_path_and_referrer_directly():
    assert same_site_path("/account") == "/account"
    assert same_site_path(None) is None
    assert same_site_path(["/account"]) is None
    assert same_site_path("/a\\b") == "/a/b"
    assert same_site_referrer("http://localhost:5000/x?y=1", "localhost:5000") == "/x?y=1"
    assert same_site_referrer("http://localhost:5000/x", "localhost") is None
    assert same_site_referrer(None, "localhost") is None


def test_the_corpus_holds_at_least_30_known_bypasses():
    assert len(BYPASSES) >= 30
