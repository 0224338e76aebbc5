"""Files the site makes for a person to save (a CSV, a PDF, a zip of their log): the response
a browser saves under the given name rather than shows. Stored files people uploaded go out
through `files.responses`, which adds the headers that keep them from running as pages."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response


def attachment(body: str | bytes | Iterable[bytes], mimetype: str, filename: str) -> Response:
    """`body` as a download named `filename` (a name the site makes: plain ASCII, no quotes)."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def streamed_attachment(pieces: Iterable[bytes], mimetype: str, filename: str) -> Response:
    """A download made as it is sent (a zip of stored files): nothing may read it whole first."""
    response = attachment(pieces, mimetype, filename)
    response.direct_passthrough = True
    return response
