"""Draw Learnset's app icons: a white note with three lines on NHS blue, as SVG and PNG.

Our own simple drawing in the NHS.UK colours, with no artwork copied. The PNGs are written with
zlib alone (no imaging library is needed for rectangles). Run from the repository's root:
`.venv/bin/python tools/make_icons.py`; the files are committed.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

BLUE = (0x00, 0x5E, 0xB8)
WHITE = (0xFF, 0xFF, 0xFF)
GREY = (0xD8, 0xDD, 0xE0)
SIZE = 512
# On a 512 grid: the note, its folded corner, and three lines of writing. Everything sits
# inside the middle 80%, so a launcher's round or squircle mask cuts nothing off.
NOTE = (144, 104, 368, 408)
FOLD = (312, 104, 368, 160)
LINES = [(184, 200, 328, 224), (184, 264, 328, 288), (184, 328, 280, 352)]
OUT = Path(__file__).resolve().parent.parent / "learnset" / "static" / "app" / "icons"


def shapes() -> list[tuple[tuple[int, int, int, int], tuple[int, int, int]]]:
    return [
        ((0, 0, SIZE, SIZE), BLUE),
        (NOTE, WHITE),
        (FOLD, GREY),
        *((line, BLUE) for line in LINES),
    ]


def svg() -> str:
    rects = "".join(
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" '
        f'fill="#{r:02x}{g:02x}{b:02x}"/>'
        for (x0, y0, x1, y1), (r, g, b) in shapes()
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'role="img" aria-label="Learnset">{rects}</svg>\n'
    )


def png(size: int) -> bytes:
    scale = size / SIZE
    pixels = [[BLUE] * size for _ in range(size)]
    for (x0, y0, x1, y1), colour in shapes():
        for y in range(round(y0 * scale), round(y1 * scale)):
            for x in range(round(x0 * scale), round(x1 * scale)):
                pixels[y][x] = colour
    raw = b"".join(b"\x00" + bytes(c for pixel in row for c in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(svg())
    for size in (180, 192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))


if __name__ == "__main__":
    main()
