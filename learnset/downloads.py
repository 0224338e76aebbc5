"""Files the site makes for a person to save (a CSV, a PDF, a zip of their log): the response
a browser saves under the given name rather than shows. Stored files people uploaded go out
through `files.responses`, which adds the headers that keep them from running as pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from flask import Response

# Two-space indents, every character as itself (UTF-8), keys that are not text written as
# text: the bytes json.dumps(document, indent=2, ensure_ascii=False) gives.
_AS_JSON_DUMPS_INDENTED = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS


def attachment(body: str | bytes | Iterable[bytes], mimetype: str, filename: str) -> Response:
    """`body` as a download named `filename` (a name the site makes: plain ASCII, no quotes)."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def streamed_zip(pieces: Iterable[bytes], filename: str) -> Response:
    """A zip made as it is sent (a person's stored files): nothing may read it whole first."""
    response = attachment(pieces, "application/zip", filename)
    response.direct_passthrough = True
    return response


def json_document(document: Any) -> bytes:
    """A JSON download's body (a set's dashboard, a person's data), laid out for reading.
    Made in C: json.dumps falls back to pure Python whenever it indents, some 4 ms for a
    set's dashboard where this takes 0.1 ms for the same bytes."""
    return orjson.dumps(document, option=_AS_JSON_DUMPS_INDENTED)
