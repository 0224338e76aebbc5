"""Spotting NHS numbers in free text, so nobody identifies a patient by accident."""

from __future__ import annotations

import re

# Ten digits on their own, written together or grouped 3-3-4 with spaces or hyphens.
_CANDIDATE = re.compile(r"(?<![\d-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d-])")


def is_valid_nhs_number(digits: str) -> bool:
    """True when ten digits pass the NHS number's modulus 11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    # A check digit of 10 means no NHS number has these first nine digits.
    return check != 10 and check == int(digits[9])


def nhs_numbers_in(text: str | None) -> list[str]:
    """The NHS numbers in the text, as written, in order and without repeats."""
    found: list[str] = []
    for match in _CANDIDATE.finditer(text or ""):
        digits = match.group(1) + match.group(3) + match.group(4)
        if is_valid_nhs_number(digits) and match.group(0) not in found:
            found.append(match.group(0))
    return found
