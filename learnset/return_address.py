"""Return addresses (`?next=`, the Referer of a stale form): only ever a path on this site.

A browser reads a Location header or a link loosely: it drops tabs and newlines anywhere,
strips leading spaces and control characters, reads a backslash as a slash, and treats
`//host`, `/\\host` or `https:host` as another site. Servers and proxies on the way may
percent-decode the path once more, and some fold look-alike Unicode characters (a fullwidth
solidus) into ASCII. So an address is accepted only when every one of those readings of it
is a plain path on this site; anything doubtful gives the default instead, never an error.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit

# Far longer than any address this site builds; a longer one is not ours.
MAX_LENGTH = 2048
# Percent-decoding more often than this and still changing: nobody legitimate nests that deep.
MAX_DECODINGS = 4
# Kept as they are when the address is written back out: what a path and query may hold.
_SAFE = "/?#[]@!$&'()*+,;=:%-._~"
# Unicode categories a browser strips, ignores or may render invisibly: controls (C0, DEL,
# C1), format characters (zero-width and direction marks), surrogates, private use,
# unassigned, and line or paragraph separators.
_SUSPECT_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _suspect(character: str) -> bool:
    return unicodedata.category(character) in _SUSPECT_CATEGORIES


def _path_part(address: str) -> str:
    """The part a browser reads as scheme, host and path: everything before `?` or `#`."""
    for mark in ("?", "#"):
        address = address.partition(mark)[0]
    return address


def _is_plain_path(reading: str) -> bool:
    """One reading of the address is a path on this site, as urllib and a browser see it."""
    if any(_suspect(character) for character in reading):
        return False
    # A browser reads backslashes in the path as slashes, and folds look-alike characters.
    path = unicodedata.normalize("NFKC", _path_part(reading)).replace("\\", "/")
    if not path.startswith("/") or path.startswith("//"):
        return False
    parts = urlsplit(reading)
    return not parts.scheme and not parts.netloc


def same_site_path(target: object) -> str | None:
    """The address as a path on this site (written out in plain ASCII), or None if it might
    take a browser anywhere else."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return None
    reading = target
    for _ in range(MAX_DECODINGS):
        if not _is_plain_path(reading):
            return None
        decoded = unquote(reading)
        if decoded == reading:
            break
        reading = decoded
    else:
        return None
    # Backslashes in the path become the slashes a browser would read them as; the rest is
    # percent-encoded, so the header or link holds exactly one reading of it.
    path = _path_part(target)
    return quote(path.replace("\\", "/") + target[len(path) :], safe=_SAFE)


def safe_next(target: object, default: str) -> str:
    """A return address from the request if it stays on this site, otherwise the default."""
    return same_site_path(target) or default


def same_site_referrer(referrer: object, host: str) -> str | None:
    """The path of a Referer header when it is a page of this site (same host), else None."""
    if not isinstance(referrer, str) or not referrer or len(referrer) > MAX_LENGTH:
        return None
    if any(_suspect(character) for character in referrer):
        return None
    parts = urlsplit(referrer)
    if parts.scheme not in {"http", "https"} or parts.netloc.lower() != host.lower():
        return None
    path = parts.path or "/"
    return same_site_path(path + (f"?{parts.query}" if parts.query else ""))
