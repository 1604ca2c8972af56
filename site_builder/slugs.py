"""URL names: Chinese transliterated to pinyin, lower-case ASCII and hyphens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NON_SLUG = re.compile(r"[^a-z0-9]+")
MAX_LENGTH = 80
# slugify is a pure function and pypinyin takes 0.2 s to import: results are remembered
# here and kept in the build cache, so a rebuild of known names never imports it.
memo: dict[str, str] = {}


def slugify(text: str) -> str:
    """「派出所开展警示教育」→ "pai-chu-suo-kai-zhan-jing-shi-jiao-yu"."""
    known = memo.get(text)
    if known is None:
        known = memo[text] = _slugify(text)
    return known


def _slugify(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        parts = [text]
    else:
        from pypinyin import Style, lazy_pinyin

        # errors="default" keeps non-Chinese runs (ASCII words, digits) as they are.
        parts = lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False)
    slug = _NON_SLUG.sub("-", "-".join(parts).lower()).strip("-")
    if len(slug) > MAX_LENGTH:
        slug = slug[:MAX_LENGTH + 1].rsplit("-", 1)[0]  # whole syllables only
    return slug


def is_valid_slug(slug: str) -> bool:
    return bool(slug) and _NON_SLUG.sub("-", slug) == slug and not slug.startswith("-") \
        and not slug.endswith("-") and len(slug) <= MAX_LENGTH


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """Slugs for names that must not collide (tags, columns): homophones get -2, -3 …

    Assigned in sorted order of the names, so the result does not depend on input order.
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(names)):
        base = slugify(name) or "x"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        out[name] = slug
    return out
