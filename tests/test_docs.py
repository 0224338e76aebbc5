"""The documentation stands on its own: no page points outside the repository (issue 15, item 8),
and the deployment guide names commands that exist."""

import re

from learnset import PROJECT_ROOT, create_app

PAGES = [PROJECT_ROOT / name for name in ("README.md", "CONTRIBUTING.md", "SECURITY.md")] + sorted(
    (PROJECT_ROOT / "docs").glob("*.md")
)


def test_no_page_points_outside_the_repository():
    outside = []
    for page in PAGES:
        for number, line in enumerate(page.read_text().splitlines(), 1):
            if re.search(r"(?<![\w.])\.\./|/work/|/home/", line):
                outside.append(f"{page.name}:{number}: {line.strip()}")
    assert outside == []


def test_the_deployment_guide_names_only_commands_that_exist(tmp_path):
    guide = (PROJECT_ROOT / "docs" / "deploy.md").read_text()
    named = set(re.findall(r"flask --app learnset ([a-z-]+(?: [a-z]+)?)", guide))
    named |= {f"{word}" for word in re.findall(r"^learnset ([a-z-]+)", guide, re.MULTILINE)}
    assert {"init", "purge", "remind-check-ins", "backup", "restore", "check"} <= {
        name.split()[0] for name in named
    }
    app = create_app({"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path)})
    runner = app.test_cli_runner()
    for name in sorted(named):
        result = runner.invoke(args=[*name.split(), "--help"])
        assert result.exit_code == 0, f"{name}: {result.output}"
