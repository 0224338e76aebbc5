"""The file store's tests, and what the tests of features that take files share."""


def assert_limits_said(page: str, most_files: int) -> None:
    """A files page tells the limits before anything is chosen: each file's size, how many
    files, the person's whole allowance, and that photos lose their camera and location."""
    assert "smaller than 10 MB" in page
    assert f"up to {most_files} files" in page
    assert "250 MB" in page
    assert "without their camera and location details" in page
