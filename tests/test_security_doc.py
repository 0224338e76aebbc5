"""SECURITY.md names the tests that hold each promise: every one it names must exist."""

from __future__ import annotations

import re

from learnset import PROJECT_ROOT

REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+)[\w\[\]]*)?`|`::(\w+)[\w\[\]]*`")


def test_every_test_security_md_names_exists():
    text = (PROJECT_ROOT / "SECURITY.md").read_text()
    missing, named, module = [], 0, None
    for match in REFERENCE.finditer(text):
        if match.group(1):
            module = PROJECT_ROOT / match.group(1)
            if not module.exists():
                missing.append(match.group(1))
                continue
        name = match.group(2) or match.group(3)
        if name:
            named += 1
            assert module is not None, f"::{name} before any test file"
            if f"def {name}(" not in module.read_text():
                missing.append(f"{module.relative_to(PROJECT_ROOT)}::{name}")
    assert named >= 30
    assert missing == []
