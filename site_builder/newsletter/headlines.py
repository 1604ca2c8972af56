"""Headlines that break only between words: a title cut into words by jieba, each word a
`<span class="w">` that the style sheet keeps whole (`white-space: nowrap`).

WeasyPrint (Pango) breaks Chinese between any two characters, and it honours neither
`word-break: keep-all` nor U+200B as the only break opportunities (measured: 「…追回被盗车 /
辆27辆」 with either); a nowrap span it does keep whole.  Punctuation sticks to its word
(“ to the next, ”：、 to the one before), a number to its measure word (27辆), a lone
character to the word after it (or before it at the end); a title of clauses parted by a
space breaks at the space when each clause fits a line; and the last
line never holds fewer than three characters: the title's tail is one unbreakable group.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

OPENING = frozenset("“‘《（〈「『【〔([")
CLOSING = frozenset("”’》）〉」』】〕、，。：；！？…—)].,:;!?%％")
PLACE_SUFFIXES = frozenset("省市州县区乡镇村")  # 青石|乡 → 青石乡: the place name's end
QUOTE_EMS = 8  # a quotation up to this long (“最美之星”) is kept whole
CLAUSE_EMS = 18  # a clause up to this long is one piece (a 22 pt line of 156 mm holds 20)
TAIL_EMS = 3  # the least the last line may hold, in em (a Chinese character is 1, a digit ½)


@lru_cache(maxsize=1)
def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict…" on the editor's terminal
    return jieba.Tokenizer()


def ems(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text if not ch.isspace())


def title_words(title: str) -> list[str]:
    """The title in pieces that a line may not break inside; spaces are pieces of their own
    (breakable) except in the tail, which is one piece of at least TAIL_EMS."""
    words: list[str] = []
    glue_next = False
    for token in _tokenizer().cut(title):
        single = len(token) == 1 and ems(token) == 1 and token not in OPENING | CLOSING
        if token.isspace():
            words.append(token)
            glue_next = False
            continue
        after_digit = single and bool(words) and words[-1][-1].isdigit()
        suffix = single and token in PLACE_SUFFIXES and bool(words) and not glue_next
        if words and not words[-1].isspace() and (glue_next or token[0] in CLOSING
                                                  or after_digit or suffix):
            words[-1] += token  # “ + 防骗, 防骗墙 + ”, 27 + 辆
        else:
            words.append(token)
        # “ opens the next word; so does a lone character (顽|瘴|痼疾: not in jieba's
        # dictionary; 的, 用, 市 lean on what follows), unless a number's measure word
        glue_next = token[-1] in OPENING or (single and not after_digit and not suffix)
    words = _whole_quotations(words)
    for i in range(len(words) - 1, 0, -1):  # a lone character before a space: 电动车案
        if ems(words[i]) == 1 and len(words[i]) == 1 and not words[i - 1].isspace() \
                and (i + 1 == len(words) or words[i + 1].isspace()):
            words[i - 1] += words.pop(i)
    words = _whole_clauses(words)
    while len(words) > 1 and (ems(words[-1]) < TAIL_EMS or words[-1].isspace()):
        tail = words.pop()
        words[-1] += tail
    return words


def _whole_clauses(words: list[str]) -> list[str]:
    """A title of clauses parted by spaces (主题 副题) breaks at the space first: each clause
    short enough for a line is one piece."""
    if not any(map(str.isspace, words)):
        return words
    out: list[str] = []
    clause: list[str] = []
    for word in [*words, " "]:
        if not word.isspace():
            clause.append(word)
            continue
        out.extend(["".join(clause)] if ems("".join(clause)) <= CLAUSE_EMS else clause)
        out.append(word)
        clause = []
    return out[:-1]


def _whole_quotations(words: list[str]) -> list[str]:
    """Pieces from an opening “ to its ” joined when the quotation is short."""
    out: list[str] = []
    start = None  # index in `out` of the piece that opened a quotation
    for word in words:
        out.append(word)
        if start is None and "“" in word and "”" not in word[word.index("“"):]:
            start = len(out) - 1
        elif start is not None and "”" in word:
            if ems("".join(out[start:])) <= QUOTE_EMS and not any(map(str.isspace, out[start:])):
                out[start:] = ["".join(out[start:])]
            start = None
    return out


def headline_html(title: str) -> Markup:
    """The title as HTML with a span per unbreakable piece (see the module's docstring)."""
    return Markup("").join(escape(word) if word.isspace() else
                           Markup('<span class="w">%s</span>') % word
                           for word in title_words(title))
