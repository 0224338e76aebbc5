"""The files kit judges a file by its bytes, refuses trouble, and names files safely."""

import io

import pytest
from PIL import Image

from learnset import files
from learnset.files import kinds
from tests.files import samples


def judged(data: bytes, name: str = "") -> str:
    return files.judge(io.BytesIO(data), name).name


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (samples.PDF, "letter.pdf", "pdf"),
        (samples.png_with_location(), "whiteboard.png", "png"),
        (samples.jpeg_with_location(), "photo.jpg", "jpeg"),
        (samples.office("docx"), "feedback.docx", "docx"),
        (samples.office("xlsx"), "figures.xlsx", "xlsx"),
        (samples.office("pptx"), "slides.pptx", "pptx"),
        (samples.CSV, "referrals.csv", "csv"),
        (samples.TEXT, "notes.txt", "txt"),
        # The name never decides the kind: a PDF named .docx is a PDF.
        (samples.PDF, "letter.docx", "pdf"),
    ],
)
def test_each_accepted_kind_is_judged_from_its_content(data, name, kind):
    assert judged(data, name) == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (samples.HTML_AS_PDF, "a web page or other markup"),
        (b"  <svg xmlns='http://www.w3.org/2000/svg'/>", "a web page or other markup"),
        (b"plain words\0with a NUL", "not one Learnset can keep"),
        (samples.TRUNCATED_PDF, "This PDF is incomplete or damaged"),
        (b"\xff\xfe\x00\x00binary", "not one Learnset can keep"),
        (b"GIF89a" + b"\0" * 20, "not one Learnset can keep"),
        (samples.png_with_location()[:60], "This picture is damaged"),
        (samples.zip_bomb(), "unpacks to far more than its size"),
        (samples.office("docx", {"word/vbaProject.bin": b"macro"}), "Files with macros"),
        (b"PK\x03\x04 not really a zip", "This Office file is damaged"),
    ],
)
def test_trouble_is_refused_with_a_clear_message(data, message):
    with pytest.raises(files.FileRefused, match=message):
        judged(data, "evidence.pdf")


def test_a_package_declaring_more_than_the_cap_is_refused_without_unpacking(monkeypatch):
    monkeypatch.setattr(kinds, "MAX_UNPACKED", 4 * 1024 * 1024)
    with pytest.raises(files.FileRefused, match="unpacks to far more"):
        judged(samples.zip_bomb(5 * 1024 * 1024))


def test_photos_lose_their_location_and_camera_when_cleaned():
    for data in (samples.png_with_location(), samples.jpeg_with_location()):
        stream = io.BytesIO(data)
        assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
        kind = files.judge(stream)
        cleaned = Image.open(files.clean_image(stream, kind))
        exif = cleaned.getexif()
        assert not exif.get_ifd(0x8825)
        assert 0x010F not in exif
        assert "exif" not in cleaned.info
        assert cleaned.size == (64, 48)


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\pat\\Letter from provider.pdf", "Letter from provider.pdf"),
        ("bad\x00na\x1bme\r\n.pdf", "bad na me.pdf"),
        ("report.exe", "report.exe.pdf"),
        ("", "file.pdf"),
        ("...", "file.pdf"),
        ('a<b>c:"d|e?.pdf', "a_b_c__d_e_.pdf"),
    ],
)
def test_names_lose_path_parts_and_control_characters(given, safe):
    assert files.safe_name(given, files.KINDS["pdf"]) == safe


def test_a_thousand_character_name_is_cut_and_keeps_its_judged_extension():
    name = files.safe_name("é" * 1000 + ".jpeg", files.KINDS["jpeg"])
    assert len(name) <= 120
    assert name.endswith("é.jpg")
