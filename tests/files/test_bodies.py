"""An upload's body is read from the server in 1 MB blocks, and parsed as werkzeug parses it."""

import io

from werkzeug.test import EnvironBuilder

from learnset import create_app
from learnset.files.bodies import BLOCK_SIZE, LargeBlockRequest

FILE = bytes(range(256)) * 4096 * 3  # 3 MB


class RecordingInput:
    """A server's request body (read() alone, as gunicorn's) that notes what each read asks."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)
        self.asked: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.asked.append(size)
        return self.data.read(size)


def _upload_environ() -> tuple[dict, RecordingInput]:  # type: ignore[type-arg]
    builder = EnvironBuilder(
        method="POST",
        data={"csrf_token": "t", "file": (io.BytesIO(FILE), "Provider feedback.pdf")},
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    with environ["wsgi.input"] as sent:
        recording = RecordingInput(sent.read())
    environ["wsgi.input"] = recording
    return environ, recording


def test_the_app_reads_uploads_with_its_own_request() -> None:
    assert create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"}).request_class is (
        LargeBlockRequest
    )


def test_an_upload_is_read_from_the_server_a_megabyte_at_a_time() -> None:
    environ, recording = _upload_environ()
    with LargeBlockRequest(environ) as request:
        _read_in_blocks(request, recording)


def _read_in_blocks(request: LargeBlockRequest, recording: RecordingInput) -> None:
    assert request.form["csrf_token"] == "t"
    assert request.files["file"].read() == FILE
    assert request.files["file"].filename == "Provider feedback.pdf"
    # Three megabytes and the envelope: four reads of a block, not fifty of 64 KB.
    assert len(recording.asked) <= 5
    assert max(recording.asked) == BLOCK_SIZE
    # The request's own stream is left open, read to its end.
    assert not request.stream.closed
    assert request.stream.read() == b""


def test_a_form_without_files_is_parsed_as_before() -> None:
    environ = EnvironBuilder(method="POST", data={"reflection": "A good session"}).get_environ()
    with LargeBlockRequest(environ) as request:
        assert request.form["reflection"] == "A good session"
