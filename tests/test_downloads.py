"""Files the site makes are answered as downloads under the name given."""

from __future__ import annotations

import json

from learnset.downloads import attachment, json_document


def test_a_made_file_is_a_download_with_its_name(app):
    with app.test_request_context():
        response = attachment("a,b\n", "text/csv", "learnset-audit-log-2026-01-02.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="learnset-audit-log-2026-01-02.csv"'
    )
    assert response.get_data(as_text=True) == "a,b\n"


def test_a_json_document_is_written_as_json_dumps_indents_it():
    """The bytes json.dumps(indent=2, ensure_ascii=False) gave the JSON downloads before."""
    document = {
        "name": "Siân Ó Briain, lead \u2014 “quoted”",
        "empty": {"list": [], "object": {}},
        "figures": [1, 2.5, 2.3333333333333335, -0.125, None, True, False],
        "counts": {1: 3, 2: None},
        "nested": [{"a": ["x", {"b": 'é\n\t"quoted"'}]}],
    }
    assert json_document(document) == json.dumps(document, indent=2, ensure_ascii=False).encode()
