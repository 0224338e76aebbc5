"""Zips made as they are sent: whole and readable, handed on in pieces, with safe names."""

import io
import zipfile

import pytest

from learnset.files.zips import Folder, safe_part, stream_zip


def test_a_streamed_zip_unpacks_to_what_went_in():
    big = [bytes([n]) * 300_000 for n in range(4)]
    pieces = list(stream_zip([("a.txt", [b"hello"]), ("folder/big.bin", iter(big))]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.testzip() is None
    assert archive.read("a.txt") == b"hello"
    assert archive.read("folder/big.bin") == b"".join(big)
    # Handed on as it is made, not at the end.
    assert len(pieces) > 2


def test_nothing_is_made_before_it_is_asked_for():
    asked: list[str] = []

    def pieces(name):
        asked.append(name)
        yield name.encode()

    made = stream_zip((name, pieces(name)) for name in ("one", "two"))
    assert asked == []
    next(made)
    assert asked == ["one"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Letter from provider.pdf", "Letter from provider.pdf"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("a\\b/c.txt", "a_b_c.txt"),
        ("tab\there\x00.csv", "tab_here_.csv"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("Com1.pdf", "_Com1.pdf"),
        ("lpt9", "_lpt9"),
        ("console.txt", "console.txt"),
        ("  .hidden. ", "hidden"),
        ("", "file"),
        ("...", "file"),
    ],
)
def test_names_are_one_safe_part(given, expected):
    assert safe_part(given) == expected


def test_a_long_name_keeps_its_extension():
    name = safe_part("x" * 500 + ".docx")
    assert len(name) <= 120
    assert name.endswith("x.docx")


def test_names_differing_only_in_case_are_numbered():
    folder = Folder()
    assert [folder.name(n) for n in ("Photo.png", "photo.PNG", "PHOTO.png", "notes", "NOTES")] == [
        "Photo.png",
        "photo (2).PNG",
        "PHOTO (3).png",
        "notes",
        "NOTES (2)",
    ]
