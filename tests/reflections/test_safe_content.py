"""Safe content: Markdown made inert by the real sanitiser, and NHS numbers held back."""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from learnset.markdown import render
from learnset.nhs_numbers import is_valid_nhs_number, nhs_numbers_in
from learnset.reflections.models import Reflection, ReflectionComment
from tests import factories
from tests.helpers import csrf_from, editor_fields, html_of, new_editor, submit

PAYLOADS = [
    "<script>alert('x')</script>",
    "[click me](javascript:alert('x'))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    "<img src=x onerror=alert('x')>",
    "<svg onload=alert('x')><script>alert('x')</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>',
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.example"></iframe>',
    '<p onclick="alert(1)" style="color:red">styled</p>',
    "![tracker](https://evil.example/pixel.png)",
]
FORBIDDEN_TAGS = {"script", "svg", "img", "iframe", "object", "embed", "style", "math", "form"}
UNSAFE_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.I)


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _inert(html: str) -> None:
    """No dangerous element, no event handler or style attribute, no script or data URL.

    Text that merely looks like markup (escaped as &lt;img ...&gt;) is fine: it is shown, not run.
    """
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in FORBIDDEN_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on") and name != "style", html
            if name in {"href", "src", "xlink:href", "action"}:
                assert not UNSAFE_URL.match(value or ""), html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_payloads_are_rendered_inert(payload):
    _inert(str(render(payload)))
    # Short texts are remembered after the first rendering: the second must be as inert.
    _inert(str(render(payload)))
    # Long texts are not remembered; the same payload inside one is inert too.
    _inert(str(render("Filler text. " * 200 + "\n\n" + payload)))


def test_links_get_nofollow_noopener():
    html = str(render("[the framework](https://example.org/framework)"))
    assert 'href="https://example.org/framework"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def _region(page: str, start: str, end: str) -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


def test_payloads_in_a_reflection_and_its_comments_are_inert_on_the_page(login, db, people):
    everything = "\n\n".join(PAYLOADS)
    reflection = factories.make_reflection(
        db,
        people.participant,
        visibility="set",
        parts={"what": everything, "so_what": everything, "now_what": "**Safe** words"},
    )
    factories.make_comment(db, reflection, people.fellow, body=everything)
    db.commit()
    page = html_of(login(people.tutor).get(f"/reflections/{reflection.id}"))
    _inert(_region(page, '<div class="app-reflection">', '<h2 id="comments">'))
    _inert(_region(page, '<ul class="nhsuk-list app-comments">', '<form method="post"'))
    assert "<strong>Safe</strong>" in page
    assert "click me" in page  # the words stay; only the danger goes


def test_title_is_plain_text(login, db, people):
    reflection = factories.make_reflection(
        db, people.participant, title="<script>alert(1)</script> **not bold**"
    )
    db.commit()
    page = html_of(login(people.participant).get(f"/reflections/{reflection.id}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **not bold**" in page


# --- NHS numbers -------------------------------------------------------------------------------

VALID = ["943 476 5919", "9434765919", "943-476-5919", "401 023 2137"]
INVALID = [
    "943 476 5918",  # wrong check digit
    "123 456 7890",  # check digit would be 10: no such NHS number
    "94347659190",  # eleven digits
    "07700 900123",  # a phone number
    "020 7946 0958",
]


@pytest.mark.parametrize("written", VALID)
def test_valid_nhs_numbers_are_found(written):
    assert nhs_numbers_in(f"Saw the patient ({written}) today.") == [written]
    assert is_valid_nhs_number(written.replace(" ", "").replace("-", ""))


@pytest.mark.parametrize("written", INVALID)
def test_numbers_that_fail_the_check_are_left_alone(written):
    assert nhs_numbers_in(f"Reference {written} in the minutes.") == []


def test_reflection_with_an_nhs_number_is_held_back_until_confirmed(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    fields = editor_fields(people.cohort, part_what="The referral for 943 476 5919 was late.")
    response = submit(browser, path, fields)
    assert response.status_code == 422
    page = html_of(response, 422)
    assert (
        "\u201cWhat happened?\u201d contains 943 476 5919, which looks like an NHS number" in page
    )
    assert "I confirm this is not an NHS number" in page
    assert db.scalar(select(func.count()).select_from(Reflection)) == 0
    response = submit(browser, path, {**fields, "confirm_not_nhs_number": "y"})
    assert response.status_code == 302
    assert db.scalar(select(func.count()).select_from(Reflection)) == 1


def test_a_number_with_a_wrong_check_digit_is_not_held_back(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    fields = editor_fields(people.cohort, part_what="Contract reference 943 476 5918.")
    assert submit(browser, path, fields).status_code == 302


def test_editing_the_number_out_lets_it_save(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    fields = editor_fields(people.cohort, title="Patient 9434765919")
    assert submit(browser, path, fields).status_code == 422
    assert "The title contains 9434765919" in html_of(submit(browser, path, fields), 422)
    assert submit(browser, path, {**fields, "title": "A patient"}).status_code == 302


def test_drafts_keep_the_text_even_with_a_number_in_it(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    fields = editor_fields(people.cohort, part_what="943 476 5919", action="draft")
    assert submit(browser, path, fields).status_code == 302


def test_comment_with_an_nhs_number_is_held_back(login, db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    db.commit()
    browser = login(people.tutor)
    token = csrf_from(browser, f"/reflections/{reflection.id}")
    path = f"/reflections/{reflection.id}/comments"
    response = browser.post(path, data={"body": "Is this 943 476 5919?", "csrf_token": token})
    assert response.status_code == 422
    assert "Your comment contains 943 476 5919" in html_of(response, 422)
    assert db.scalar(select(func.count()).select_from(ReflectionComment)) == 0
    response = browser.post(
        path,
        data={"body": "Is this 943 476 5919?", "confirm_not_nhs_number": "y", "csrf_token": token},
    )
    assert response.status_code == 302
