"""Posting lists as short ASCII strings: sorted entry ids, delta-coded with Exp-Golomb codes.

A list of ids (ascending, distinct, each below 2**24) is written as characters of the
base64url alphabet, six bits each:

    k        one character: the Exp-Golomb order of the gaps (0–63)
    first    four characters: the first id, 24 bits
    gaps     each later id minus the one before minus one, Exp-Golomb of order k,
             bit after bit; the last character is padded with zero bits

Exp-Golomb of order k writes v as w = v + 2**k: (bit length of w) - k - 1 zero bits, then
w.  A reader that meets the end while counting zeros has read every id, so the padding
needs no count.  k is about log2 of the mean gap, so a list holding most entries costs
a few bits per entry and a rare one a few characters.  templates/static/search.js
(`decode`) reads the same format; the tests compare the two on every list of a build.

Measured on 1,000 generated entries (bench/gen_corpus.py, 886 published, 2.36 MB of plain
text): the lists as JSON arrays of decimal ids take 1.76 times the plain text, as decimal
deltas 0.84 times (with the entries' own text files, 1.06 times, over the 1.5 the index may
take), and in this format 0.38 times.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
FIRST_BITS = 24
LIMIT = 1 << FIRST_BITS  # ids are below this
_VALUE = {c: n for n, c in enumerate(ALPHABET)}


def order(ids: list[int]) -> int:
    """The Exp-Golomb order for `ids`: about log2 of their mean gap."""
    if len(ids) < 2:
        return 0
    mean = (ids[-1] - ids[0] + 1 - len(ids)) / (len(ids) - 1)
    return min(len(ALPHABET) - 1, int(mean + 1).bit_length() - 1)


def encode(ids: Iterable[int]) -> str:
    """`ids` (ascending, distinct, 0 <= id < 2**24) as a string; "" for none."""
    values = list(ids)
    if not values:
        return ""
    k = order(values)
    base = 1 << k
    acc, total, prev = values[0], FIRST_BITS, values[0]
    for value in values[1:]:
        w = value - prev - 1 + base
        prev = value
        size = 2 * w.bit_length() - k - 1
        acc = (acc << size) | w
        total += size
    pad = -total % 24  # whole bytes for base64, whole characters after
    chars = (total + 5) // 6
    data = (acc << pad).to_bytes((total + pad) // 8, "big")
    return ALPHABET[k] + base64.urlsafe_b64encode(data).decode("ascii")[:chars]


def decode(text: str) -> list[int]:
    """The ids `encode` wrote."""
    if not text:
        return []
    k = _VALUE[text[0]]
    bits = "".join(format(_VALUE[c], "06b") for c in text[1:])
    out = [int(bits[:FIRST_BITS], 2)]
    at = FIRST_BITS
    while True:
        one = bits.find("1", at)
        if one < 0:
            return out
        zeros = one - at
        end = one + zeros + k + 1
        w = int(bits[one:end], 2)
        out.append(out[-1] + w - (1 << k) + 1)
        at = end
