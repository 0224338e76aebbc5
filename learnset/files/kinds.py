"""What a file is, judged from its bytes alone: never from its name or the browser's word.

Each check reads the file through a seekable stream (an upload is spooled to disk by the
server), so a large file is never held whole in memory. A file that is none of the kinds below,
or that claims to be one and is damaged, is refused with a message for the person uploading.
"""

from __future__ import annotations

import codecs
import io
import warnings
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps


class FileRefused(ValueError):
    """The file cannot be kept; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    extension: str
    media_type: str

    @property
    def is_image(self) -> bool:
        return self.name in {"png", "jpeg"}


KINDS = {
    kind.name: kind
    for kind in (
        Kind("pdf", "PDF", "pdf", "application/pdf"),
        Kind("png", "PNG image", "png", "image/png"),
        Kind("jpeg", "JPEG photo", "jpg", "image/jpeg"),
        Kind(
            "docx",
            "Word document",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Kind(
            "xlsx",
            "Excel spreadsheet",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        Kind(
            "pptx",
            "PowerPoint presentation",
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        Kind("csv", "CSV file", "csv", "text/csv"),
        Kind("txt", "Text file", "txt", "text/plain"),
    )
}

ACCEPTED = "PDF, PNG, JPEG, Word, Excel, PowerPoint, plain text or CSV"
_NOT_ACCEPTED = f"This file is not one Learnset can keep. Choose a {ACCEPTED} file"

# Office packages: the part that says which of the three it is.
_OFFICE_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
# Inspecting a package never unpacks more than this, whatever the package says about itself.
MAX_UNPACKED = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 5000
# Big enough for a phone's photo; Pillow refuses anything far beyond (a decompression bomb).
MAX_PIXELS = 60_000_000
_READ = 256 * 1024


def _size(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def judge(stream: BinaryIO, name: str = "") -> Kind:
    """The kind of file the stream holds, or FileRefused. The name only chooses between the two
    text kinds (CSV or plain text), which share their content rules."""
    size = _size(stream)
    if size == 0:
        raise FileRefused("The file is empty. Choose a file with something in it")
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return _pdf(stream, size)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(stream, "PNG")
    if head.startswith(b"\xff\xd8\xff"):
        return _image(stream, "JPEG")
    if head.startswith(b"PK\x03\x04"):
        return _office(stream)
    return _text(stream, name)


def _pdf(stream: BinaryIO, size: int) -> Kind:
    stream.seek(max(0, size - 1024))
    tail = stream.read()
    stream.seek(0)
    if b"%%EOF" not in tail:
        raise FileRefused("This PDF is incomplete or damaged. Save it again and choose it again")
    return KINDS["pdf"]


def _open_image(stream: BinaryIO, expected: str) -> Image.Image:
    stream.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(stream)
        if image.format != expected:
            raise FileRefused(_NOT_ACCEPTED)
        if image.width * image.height > MAX_PIXELS:
            raise FileRefused("This picture is too large. Choose a smaller copy of it")
        return image


def _image(stream: BinaryIO, expected: str) -> Kind:
    try:
        _open_image(stream, expected).verify()
        # verify() leaves the image unusable and misses damage in the pixel data: load it too.
        _open_image(stream, expected).load()
    except FileRefused:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as error:
        raise FileRefused("This picture is damaged and cannot be opened. Choose another") from error
    finally:
        stream.seek(0)
    return KINDS["png" if expected == "PNG" else "jpeg"]


def clean_image(stream: BinaryIO, kind: Kind) -> io.BytesIO:
    """The picture drawn again from its pixels alone: no camera, location or other metadata.
    A photo's orientation tag is applied to the pixels first, so it still stands up."""
    try:
        image = _open_image(stream, "PNG" if kind.name == "png" else "JPEG")
        image = ImageOps.exif_transpose(image) or image
        out = io.BytesIO()
        if kind.name == "png":
            keep = (
                image
                if image.mode in {"1", "L", "LA", "P", "RGB", "RGBA"}
                else image.convert("RGBA")
            )
            keep.save(out, format="PNG", optimize=False)
        else:
            keep = image if image.mode in {"L", "RGB"} else image.convert("RGB")
            keep.save(out, format="JPEG", quality=90)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as error:
        raise FileRefused("This picture is damaged and cannot be opened. Choose another") from error
    out.seek(0)
    return out


def thumbnail(source: BinaryIO, kind: Kind, box: int = 320) -> bytes:
    """A small copy of a stored picture, drawn afresh on the server."""
    image = _open_image(source, "PNG" if kind.name == "png" else "JPEG")
    image.thumbnail((box, box))
    out = io.BytesIO()
    if kind.name == "png":
        image.save(out, format="PNG")
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


def _office(stream: BinaryIO) -> Kind:
    damaged = FileRefused("This Office file is damaged and cannot be opened. Choose another")
    try:
        package = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise damaged from error
    with package:
        entries = package.infolist()
        if len(entries) > MAX_ENTRIES:
            raise FileRefused(_NOT_ACCEPTED)
        # The sizes the package declares: a bomb is refused before a byte of it is unpacked.
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > MAX_UNPACKED or any(
            entry.file_size > 1024 * 1024
            and entry.file_size > MAX_RATIO * max(entry.compress_size, 1)
            for entry in entries
        ):
            raise FileRefused(
                "This file unpacks to far more than its size, so Learnset will not open it. "
                "Save it again from Word, Excel or PowerPoint and choose it again"
            )
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names:
            raise FileRefused(_NOT_ACCEPTED)
        if any(name.endswith("vbaProject.bin") for name in names):
            raise FileRefused(
                "Files with macros cannot be kept. Save it as a .docx, .xlsx or .pptx file"
            )
        found = [kind for part, kind in _OFFICE_PARTS.items() if part in names]
        if len(found) != 1:
            raise FileRefused(_NOT_ACCEPTED)
        try:
            # Read with a cap as well: the declared size may lie.
            with package.open("[Content_Types].xml") as part:
                types = part.read(1024 * 1024 + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise damaged from error
        if len(types) > 1024 * 1024 or b"<Types" not in types:
            raise damaged
    stream.seek(0)
    return KINDS[found[0]]


# Text that a browser would take for a web page or a drawing is not plain text.
_MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe")


def _text(stream: BinaryIO, name: str) -> Kind:
    start = stream.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    stream.seek(0)
    if start.startswith(_MARKUP):
        raise FileRefused(
            f"This is a web page or other markup, which Learnset does not keep. {_NOT_ACCEPTED}"
        )
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        while block := stream.read(_READ):
            if b"\x00" in block:
                raise FileRefused(_NOT_ACCEPTED)
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise FileRefused(_NOT_ACCEPTED) from error
    finally:
        stream.seek(0)
    return KINDS["csv" if name.lower().rstrip().endswith(".csv") else "txt"]
