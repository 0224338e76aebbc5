"""Zips made as they are sent: whole and readable, handed on in pieces, with safe names."""

import io
import random
import zipfile

import pytest

from learnset.files.zips import SEND_AT, Folder, safe_part, stream_zip


def _incompressible(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def test_a_streamed_zip_unpacks_to_what_went_in():
    big = [_incompressible(100_000, n) for n in range(4)]
    pieces = list(stream_zip([("a.txt", [b"hello"]), ("folder/big.bin", iter(big))]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.testzip() is None
    assert archive.read("a.txt") == b"hello"
    assert archive.read("folder/big.bin") == b"".join(big)
    # Handed on as it is made, not at the end.
    assert len(pieces) > 2


def test_small_entries_go_out_together_and_big_ones_in_pieces_of_send_at_or_more():
    """Each piece handed on is a chunk of the response, a system call and a packet: a log of
    reflections of a few hundred bytes each goes out in a few pieces, not hundreds."""
    small = [(f"{number}.md", [_incompressible(500, number)]) for number in range(300)]
    pieces = list(stream_zip([*small, ("big.bin", [_incompressible(SEND_AT, 1)] * 3)]))
    assert all(len(piece) >= SEND_AT for piece in pieces[:-1])
    assert 4 <= len(pieces) <= 6
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.testzip() is None and len(archive.namelist()) == 301


def test_nothing_is_made_before_it_is_asked_for():
    asked: list[str] = []

    def pieces(name):
        asked.append(name)
        yield _incompressible(SEND_AT + 1, len(asked))

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
