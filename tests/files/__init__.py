"""The file store's tests, and what the tests of features that take files share."""


def assert_limits_said(page: str, most_files: int) -> None:
    """A files page tells the limits before anything is chosen: each file's size, how many
    files, the person's whole allowance, and that photos lose their camera and location."""
    assert "smaller than 10 MB" in page
    assert f"up to {most_files} files" in page
    assert "250 MB" in page
    assert "without their camera and location details" in page


def assert_served_as_download(response, mimetype: str, quoted_name: str | None = None) -> None:
    """A stored file leaves only as a download, of its checked type, that the browser will
    neither sniff nor run: an attachment (under its own name, percent-quoted), in a sandbox."""
    assert response.status_code == 200
    assert response.mimetype == mimetype
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    if quoted_name is not None:
        assert f"filename*=UTF-8''{quoted_name}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
