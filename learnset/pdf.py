"""PDFs from HTML: one road for every printable document (certificates, revalidation forms).

WeasyPrint lays the page out with the fonts installed on the machine. It never fetches
anything: every URL a template might name (an image, a stylesheet, a font) is refused, so a
document cannot reach the network or read a file, whatever text it carries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from learnset.config import data_dir

# The stylesheet every PDF shares, beside the templates that use it.
STYLESHEET = "pdf/pdf.css"


class RefusedFetch(ValueError):
    """A PDF's HTML named something outside itself."""


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class RefuseEverything(URLFetcher):
        """Nothing is fetched, local or remote: a refused image or font is left out."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise RefusedFetch(f"PDFs fetch nothing; refused {url[:80]!r}")

    return RefuseEverything(allowed_protocols=())


def stylesheet() -> str:
    return (Path(data_dir("templates")) / STYLESHEET).read_text(encoding="utf-8")


def html_to_pdf(html: str) -> bytes:
    """The PDF of a whole HTML document, laid out with the shared stylesheet."""
    # Imported here: WeasyPrint loads Pango when imported, which pages that make no PDF skip.
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    css = CSS(string=stylesheet(), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[css])
    return pdf
