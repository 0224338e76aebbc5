"""Every module of the app stays small enough to read in one sitting (issue 13)."""

from pathlib import Path

import learnset

LONGEST = 500


def test_no_module_of_the_app_is_over_500_lines():
    root = Path(learnset.__file__).parent
    longer = {
        str(path.relative_to(root)): lines
        for path in root.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
    }
    assert not longer, f"split these by job (docs/architecture.md): {longer}"
