"""Personal information in text: resident ID numbers, mobile numbers, bank cards, plates.

Each finding carries its line and column and a masked excerpt — the full number is
never echoed back to the editor's terminal or a CI log.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PROVINCE_CODES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                  45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

# Digit runs not glued to other digits (or ID letters): 110, 12345 and dates stay quiet.
_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_DIGITS = re.compile(r"(?<![0-9A-Za-z])(\d(?:[ -]?\d){11,22})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?!\d)")
# Ordinary plates have 5 characters after the letter, new-energy plates 6 (云A·D12345).
_PLATE = re.compile(rf"([{PLATE_PROVINCES}][A-HJ-NP-Z][·•・ ]?[A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳])"
                    rf"(?![A-Za-z0-9])")

KINDS = {
    "pii-id-number": "居民身份证号码",
    "pii-mobile": "手机号码",
    "pii-bank-card": "银行卡号",
    "pii-licence-plate": "机动车号牌",
}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # a key of KINDS
    value: str  # the number as written (never shown; used for acknowledgements)
    line: int  # 0-based line within the scanned text
    column: int  # 1-based

    @property
    def masked(self) -> str:
        return mask(self.value)


def mask(value: str) -> str:
    """「530102199003071234」→「5301**********1234」; keeps just enough to find it again."""
    chars = [c for c in value if c not in " -·•・"]
    if len(chars) <= 7:
        return chars[0] + "*" * (len(chars) - 2) + chars[-1] if len(chars) > 2 else "**"
    keep = 4 if len(chars) >= 15 else 3
    return "".join(chars[:keep]) + "*" * (len(chars) - keep - 4) + "".join(chars[-4:])


def valid_id18(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if int(number[:2]) not in PROVINCE_CODES or not _valid_birth(number[6:14]):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17].upper()


def valid_id15(number: str) -> bool:
    return (len(number) == 15 and number.isdigit() and int(number[:2]) in PROVINCE_CODES
            and _valid_birth("19" + number[6:12]))


def _valid_birth(text: str) -> bool:
    try:
        born = dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date(2100, 1, 1)


def luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


# Cheap first look: a long run of digits, or a province character followed by a letter.
_MAYBE = re.compile(rf"\d(?:[ -]?\d){{10,}}|[{PLATE_PROVINCES}][A-HJ-NP-Z]")


def scan(text: str) -> Iterator[Finding]:
    """Every piece of personal information in `text`, in reading order."""
    if not _MAYBE.search(text):
        return
    for index, line in enumerate(text.split("\n")):
        taken: list[tuple[int, int]] = []

        def free(start: int, end: int, taken: list[tuple[int, int]] = taken) -> bool:
            return all(end <= a or start >= b for a, b in taken)

        found: list[Finding] = []
        for m in _ID18.finditer(line):
            if valid_id18(m.group(1)):
                taken.append(m.span(1))
                found.append(Finding("pii-id-number", m.group(1), index, m.start(1) + 1))
        for m in _DIGITS.finditer(line):
            raw = m.group(1)
            digits = re.sub(r"[ -]", "", raw)
            if not free(*m.span(1)):
                continue
            if (len(digits) == 15 and valid_id15(digits)) or valid_id18(digits):
                code = "pii-id-number"  # also written in groups: 530102 19900307 1238
            elif 16 <= len(digits) <= 19 and luhn(digits) and not valid_id18(digits):
                code = "pii-bank-card"
            else:
                continue
            taken.append(m.span(1))
            found.append(Finding(code, raw, index, m.start(1) + 1))
        for m in _MOBILE.finditer(line):
            if free(*m.span(1)):
                taken.append(m.span(1))
                found.append(Finding("pii-mobile", m.group(1), index, m.start(1) + 1))
        for m in _PLATE.finditer(line):
            found.append(Finding("pii-licence-plate", m.group(1), index, m.start(1) + 1))
        yield from sorted(found, key=lambda f: f.column)
