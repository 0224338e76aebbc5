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


def test_single_sign_on_settings_and_redirect_uri_are_documented(tmp_path):
    """Every single sign-on setting is in the README's table and the Entra ID guide, and the
    redirect URI the guide tells an operator to register is the callback's real path."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    guide = (PROJECT_ROOT / "docs" / "deploy.md").read_text()
    app = create_app({"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path)})
    settings = sorted(name for name in app.config if name.startswith("SSO_"))
    assert len(settings) == 7
    for name in settings:
        assert f"`{name}`" in readme, name
        if name != "SSO_TIMEOUT_SECONDS":
            assert f"{name}=" in guide, name
    sso = create_app(
        {"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path), "SSO_ISSUER": "https://id.example"}
    )
    with sso.test_request_context():
        from flask import url_for

        callback = url_for("sso.callback")
    assert f"`BASE_URL` followed by `{callback}`" in guide
    assert "openid email profile" in guide


def test_nginx_lets_through_the_largest_upload_learnset_answers_itself(tmp_path):
    """A file over the limit gets Learnset's form and message, not nginx's bare 413: nginx's
    client_max_body_size in the guide sits above the largest body an upload page accepts."""
    guide = (PROJECT_ROOT / "docs" / "deploy.md").read_text()
    (megabytes,) = re.findall(r"client_max_body_size (\d+)m;", guide)
    app = create_app({"SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path)})
    largest = max(app.config["MAX_CONTENT_LENGTH"], app.config["FILE_MAX_BYTES"] + 64 * 1024)
    assert int(megabytes) * 1024 * 1024 > largest
    assert "proxy_request_buffering on;" in guide
