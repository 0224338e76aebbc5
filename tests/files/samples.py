"""Real files made in the tests: each kind accepted, and each kind of trouble."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
TRUNCATED_PDF = PDF[: len(PDF) // 2]
HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
CSV = b"Month,Referrals\nJanuary,41\nFebruary,38\n"
TEXT = "Notes from the Future Search day: café tables, three themes.\n".encode()
# GPS IFD: latitude 51° 30' N, longitude 0° 7' W, and a camera maker in the main IFD.
GPS = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Phonemaker"
    exif[0x8825] = GPS
    return exif


def png_with_location(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 94, 184)).save(out, format="PNG", exif=_exif())
    return out.getvalue()


def jpeg_with_location() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 127, 59)).save(out, format="JPEG", exif=_exif())
    return out.getvalue()


def office(kind: str = "docx", extra: dict[str, bytes] | None = None) -> bytes:
    main = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        package.writestr(main[kind], "<document>Feedback from the provider</document>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


def zip_bomb(unpacked: int = 20 * 1024 * 1024) -> bytes:
    """An .xlsx-shaped package whose one part unpacks to far more than it weighs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
        with package.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(unpacked // len(block)):
                part.write(block)
    return out.getvalue()
