"""Across entries: duplicate titles and near-duplicate bodies (a duplicated piece would
also be scored twice).  Bodies are compared by character 5-grams: a sample of each body's
5-grams goes into an inverted index, pairs sharing many samples are candidates, and only
candidates get an exact Jaccard comparison — no million-pair loop at a thousand entries."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from ..errors import Problem, display_path
from ..model import Entry

SHINGLE = 5
SAMPLE = 8  # keep the 5-grams starting with 1 in 8 characters for the index
COMMON = 30  # a sampled shingle in more bodies than this is boilerplate: ignored
THRESHOLD = 0.8
MIN_LENGTH = 60  # shorter bodies are too short to call duplicates
_NOISE = re.compile(r"[\s\W_]+")


def normalise(text: str) -> str:
    return _NOISE.sub("", text)


def shingles(text: str) -> set[str]:
    return {text[i:i + SHINGLE] for i in range(max(len(text) - SHINGLE + 1, 0))}


def sample(text: str) -> set[str]:
    """A content-defined sample of the 5-grams (those starting with 1 in 8 characters):
    the same text always gives the same sample, in any process."""
    return {text[i:i + SHINGLE] for i in range(max(len(text) - SHINGLE + 1, 0))
            if ord(text[i]) % SAMPLE == 0}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def duplicates(entries: Sequence[Entry], root: Path) -> list[Problem]:
    problems: list[Problem] = []
    by_title: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_title[normalise(entry.title)].append(entry)
    for group in by_title.values():
        group.sort(key=lambda e: str(e.source))
        for other in group[1:]:
            problems.append(Problem(other.source, other.front_line, "title",
                                    f"标题与 {display_path(group[0].source, root)} 相同",
                                    "如是同一篇稿件，删除其中一份；否则修改标题以便区分",
                                    "duplicate-title", "warning"))
    bodies = sorted((e for e in entries if len(e.body_md) >= MIN_LENGTH), key=lambda e: str(e.source))
    texts = [normalise(e.body_md) for e in bodies]
    samples = [sample(text) for text in texts]
    index: dict[str, list[int]] = defaultdict(list)
    for number, picked in enumerate(samples):
        for gram in picked:
            index[gram].append(number)
    shared: Counter[tuple[int, int]] = Counter()
    for members in index.values():
        if 1 < len(members) <= COMMON:
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    shared[(a, b)] += 1
    for (a, b), count in sorted(shared.items()):
        if count < 0.6 * min(len(samples[a]), len(samples[b])):
            continue
        similarity = jaccard(shingles(texts[a]), shingles(texts[b]))
        if similarity >= THRESHOLD:
            problems.append(Problem(
                bodies[b].source, bodies[b].body_line, None,
                f"正文与 {display_path(bodies[a].source, root)} 高度相似（{similarity:.0%}），"
                "重复的稿件也会被重复计分",
                "如是同一篇稿件，删除其中一份；同一作品只计分一次", "duplicate-body", "warning"))
    return problems
