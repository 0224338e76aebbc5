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
