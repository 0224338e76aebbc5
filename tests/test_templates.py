"""Every template compiles, so a typo fails here rather than in front of a user."""

from pathlib import Path

import pytest

from learnset import PROJECT_ROOT

TEMPLATES = sorted(
    str(path.relative_to(PROJECT_ROOT / "templates"))
    for path in (PROJECT_ROOT / "templates").rglob("*")
    if path.is_file()
)


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_compiles(app, name):
    app.jinja_env.get_template(name)


def test_no_inline_styles_or_scripts_in_templates():
    for name in TEMPLATES:
        text = Path(PROJECT_ROOT / "templates" / name).read_text()
        assert "style=" not in text, name
        assert "<script>" not in text, name
        assert "onclick" not in text.lower(), name


def test_nhs_components_escape_the_text_they_are_given(app):
    """The NHS.UK macros are .jinja files: they must autoescape, as the package expects, or user
    text in a label, tag, error message or textarea becomes markup."""
    template = app.jinja_env.from_string(
        '{% from "nhsuk/components/textarea/macro.jinja" import textarea %}'
        '{% from "nhsuk/components/tag/macro.jinja" import tag %}'
        '{{ textarea({"name": "a", "id": "a", "label": {"text": "<b>Label</b>"},'
        ' "errorMessage": {"text": "<i>Error</i>"}, "value": "</textarea><script>x</script>"}) }}'
        '{{ tag({"text": "<em>Tag</em>"}) }}'
    )
    html = template.render()
    for raw in ("<b>", "<i>", "<script>", "<em>"):
        assert raw not in html
    assert "&lt;/textarea&gt;&lt;script&gt;" in html
