"""mammoth's small HTML tag set → Markdown (python-markdown with `extra`: tables, footnotes).

mammoth writes only p, h1–h6, strong, em, u, s, sup, sub, a, img, br, ul/ol/li,
table/tr/th/td and footnotes as `<sup><a href="#footnote-1">` plus a closing
`<ol><li id="footnote-1">`.  The HTML is parsed into a small tree (`Node`), which the
importer reads (title, authors, captions) before `render_blocks` writes Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"img", "br", "hr"}
HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Spaces editors type to indent (full-width U+3000, no-break U+00A0) and ordinary ones.
BLANK = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_NOTE_ID = re.compile(r"(?:footnote|endnote)-(?:ref-)?(\d+)$")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """The node's text with every kind of space collapsed (images count as nothing)."""
        return BLANK.sub(" ", "".join(
            c if isinstance(c, str) else c.text() for c in self.children)).strip()

    def images(self) -> list[Node]:
        found = []
        for c in self.children:
            if isinstance(c, Node):
                found += [c] if c.tag == "img" else c.images()
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> list[Node]:
    """The top-level blocks of mammoth's HTML."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return [c for c in builder.root.children if isinstance(c, Node)]


def is_footnote_list(node: Node) -> bool:
    items = [c for c in node.children if isinstance(c, Node)]
    return node.tag == "ol" and bool(items) and all(
        _NOTE_ID.match(c.attrs.get("id", "")) for c in items)


def render_blocks(blocks: list[Node]) -> str:
    """Markdown for the blocks, one blank line between them; empty paragraphs dropped."""
    out = []
    # The document's highest heading level becomes ## (the page's h1 is the entry's title).
    levels = [HEADINGS[b.tag] for b in blocks if b.tag in HEADINGS]
    shift = 2 - min(levels) if levels else 0
    for block in blocks:
        text = _block(block, shift)
        if text.strip():
            out.append(text)
    return "\n\n".join(out) + "\n" if out else ""


def _block(node: Node, shift: int) -> str:
    if node.tag in HEADINGS:
        level = min(HEADINGS[node.tag] + shift, 6)
        return "#" * level + " " + _inline_text(node)
    if node.tag in ("ul", "ol"):
        return _footnotes(node) if is_footnote_list(node) else _list(node, 0)
    if node.tag == "table":
        return _table(node)
    return _inline_text(node)


def _inline_text(node: Node) -> str:
    return _tidy(_inlines(node.children))


def _tidy(text: str) -> str:
    """One line: indentation and runs of spaces gone, hard breaks kept."""
    lines = [BLANK.sub(" ", part).strip() for part in text.split("\n")]
    return "  \n".join(line for line in lines if line)


def _inlines(children: list[Node | str]) -> str:
    return "".join(escape(c) if isinstance(c, str) else _inline(c) for c in children)


def _inline(node: Node) -> str:
    tag = node.tag
    if tag == "br":
        return "\n"
    if tag == "img":
        alt = node.attrs.get("alt", "").replace("]", "\\]").replace("[", "\\[")
        return f"![{alt}]({node.attrs.get('src', '')})"
    if tag == "sup":
        note = _note_reference(node)
        if note:
            return f"[^{note}]"
    inner = _inlines(node.children)
    if not inner.strip():
        return inner
    if tag in ("strong", "b"):
        return _wrap(inner, "**")
    if tag in ("em", "i"):
        return _wrap(inner, "*")
    if tag == "a":
        href = node.attrs.get("href", "")
        if href and not href.startswith("#"):
            return f"[{inner}](<{href}>)"
    return inner  # u, s, sub, sup, span, a bookmark: their text


def _wrap(inner: str, mark: str) -> str:
    """**text** with the spaces outside the marks (CommonMark needs them there)."""
    core = inner.strip()
    lead, trail = inner[:len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"


def _note_reference(sup: Node) -> str | None:
    for child in sup.children:
        if isinstance(child, Node) and child.tag == "a":
            match = _NOTE_ID.match(child.attrs.get("href", "").lstrip("#"))
            if match:
                return match.group(1)
    return None


def _footnotes(node: Node) -> str:
    lines = []
    for item in node.children:
        if not isinstance(item, Node):
            continue
        number = _NOTE_ID.match(item.attrs["id"]).group(1)  # type: ignore[union-attr]
        body = _tidy(_inlines(_without_backlinks(item.children)))
        lines.append(f"[^{number}]: {body}")
    return "\n".join(lines)


def _without_backlinks(children: list[Node | str]) -> list[Node | str]:
    """A footnote's text without mammoth's 「↑」 link back to the reference."""
    kept: list[Node | str] = []
    for c in children:
        if isinstance(c, Node):
            if c.tag == "a" and c.attrs.get("href", "").startswith("#"):
                continue
            c = Node(c.tag, c.attrs, _without_backlinks(c.children))
        kept.append(c)
    return kept


def _list(node: Node, depth: int) -> str:
    lines = []
    number = 0
    for item in node.children:
        if not isinstance(item, Node) or item.tag != "li":
            continue
        number += 1
        marker = f"{number}." if node.tag == "ol" else "-"
        inline = [c for c in item.children if not (isinstance(c, Node) and c.tag in ("ul", "ol"))]
        text = _tidy(_inlines(_unwrap_paragraphs(inline))).replace("  \n", " ")
        lines.append("    " * depth + f"{marker} {text}")
        for sub in item.children:
            if isinstance(sub, Node) and sub.tag in ("ul", "ol"):
                lines.append(_list(sub, depth + 1))
    return "\n".join(lines)


def _unwrap_paragraphs(children: list[Node | str]) -> list[Node | str]:
    out: list[Node | str] = []
    for c in children:
        if isinstance(c, Node) and c.tag == "p":
            out += [*c.children, " "]
        else:
            out.append(c)
    return out


def _table(node: Node) -> str:
    rows = []
    for row in _rows(node):
        cells = [_tidy(_inlines(_unwrap_paragraphs(cell.children))).replace("  \n", " ")
                 .replace("|", "\\|") for cell in row]
        rows.append(cells)
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    # Markdown tables need a header row: a Word table's first row is one.
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def _rows(node: Node) -> list[list[Node]]:
    rows = []
    for child in node.children:
        if not isinstance(child, Node):
            continue
        if child.tag == "tr":
            rows.append([c for c in child.children if isinstance(c, Node) and c.tag in ("td", "th")])
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows += _rows(child)
    return rows


_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+\.)(?=\s|$)")


def escape(text: str) -> str:
    """Word text as literal Markdown: marks that would format it are backslashed."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
