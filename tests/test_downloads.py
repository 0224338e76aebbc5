"""Files the site makes are answered as downloads under the name given."""

from __future__ import annotations

from learnset.downloads import attachment


def test_a_made_file_is_a_download_with_its_name(app):
    with app.test_request_context():
        response = attachment("a,b\n", "text/csv", "learnset-audit-log-2026-01-02.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="learnset-audit-log-2026-01-02.csv"'
    )
    assert response.get_data(as_text=True) == "a,b\n"
