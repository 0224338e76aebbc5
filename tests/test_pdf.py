"""The PDF kit: HTML in, a PDF with that text out, and nothing fetched on the way."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from learnset import pdf


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def test_a_document_becomes_a_pdf_with_its_text():
    made = pdf.html_to_pdf(
        "<!DOCTYPE html><html lang='en-GB'><body><h1>Certificate</h1>"
        "<p>Zo\u00eb O\u2019Neill \u2013 1 April 2026</p></body></html>"
    )
    text = _text(made)
    assert "Certificate" in text and "Zo\u00eb O\u2019Neill \u2013 1 April 2026" in text
    assert "Page 1 of 1" in text  # the shared stylesheet's footer


@pytest.mark.parametrize("scheme", ["file", "http", "https", "data"])
def test_nothing_is_fetched_local_or_remote(tmp_path: Path, scheme):
    local = tmp_path / "leak.css"
    local.write_text('h1::after { content: " LEAKED"; }')
    urls = {
        "file": local.as_uri(),
        "http": "http://127.0.0.1:9/leak.css",
        "https": "https://example.invalid/leak.css",
        "data": "data:text/css,h1::after%20%7B%20content:%20%22%20LEAKED%22;%20%7D",
    }
    with pytest.raises(pdf.RefusedFetch):
        pdf._fetcher().fetch(urls[scheme])
    made = pdf.html_to_pdf(
        f"<html><head><link rel='stylesheet' href='{urls[scheme]}'></head>"
        f"<body><h1>Heading</h1><img src='{urls[scheme]}' alt='picture'></body></html>"
    )
    assert "LEAKED" not in _text(made)
