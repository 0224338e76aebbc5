"""Reading an upload's body from the server in large blocks.

Werkzeug's multipart parser reads the request body 64 KB at a time, and under gunicorn each of
those reads goes through the worker's receive buffers, which are copied on every call: a 10 MB
upload costs some 160 of them. Here the parser reads from a 1 MB buffer in front of the body,
so gunicorn is asked for 1 MB at a time, ten times for a 10 MB upload, and the CPU a worker
spends on an upload falls by about a third (bench/upload_cpu.py). Everything else is werkzeug's
own: the size limits, and a file part spooled to a temporary file past 500 KB. Memory stays
bounded by the one buffer.
"""

from __future__ import annotations

import io
from typing import IO

from flask import Request
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.formparser import FormDataParser

BLOCK_SIZE = 1024 * 1024


class LargeBlockFormParser(FormDataParser):
    """Werkzeug's form parser, its multipart bodies read BLOCK_SIZE at a time."""

    def _parse_multipart(
        self,
        stream: IO[bytes],
        mimetype: str,
        content_length: int | None,
        options: dict[str, str],
    ) -> tuple[IO[bytes], MultiDict[str, str], MultiDict[str, FileStorage]]:
        if not isinstance(stream, io.RawIOBase):
            return super()._parse_multipart(stream, mimetype, content_length, options)
        buffered = io.BufferedReader(stream, BLOCK_SIZE)
        try:
            _, form, files = super()._parse_multipart(buffered, mimetype, content_length, options)
        finally:
            # The request keeps its own stream, open: the buffer lets go of it without closing.
            buffered.detach()
        return stream, form, files


class LargeBlockRequest(Request):
    """The app's request: Flask's own, with uploads read in large blocks."""

    form_data_parser_class = LargeBlockFormParser
