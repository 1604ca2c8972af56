"""Markdown → sanitised HTML with site-relative links, and CJK-aware summaries.

Raw HTML is allowed in entries (editors paste it from Word and WeChat), so the
rendered HTML goes through nh3 (ammonia) with an allow-list: no <script>, no
event handlers, no javascript: URLs, no iframes.  The same pass rewrites every
link and image: a link to another entry's .md file becomes a relative link to
its page, an image beside the entry is copied to media/ and linked relatively.
"""

from __future__ import annotations

import errno
import html
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import nh3

from .errors import Problem
from .publish import refusal, unpublishable

EXTENSIONS = ["extra", "sane_lists", "toc"]

ALLOWED_TAGS = (nh3.ALLOWED_TAGS - {"center", "tt", "strike", "acronym"}) | {"section"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()
}
ALLOWED_ATTRIBUTES["*"] = {"id", "class", "title", "lang"}
ALLOWED_ATTRIBUTES["th"] = ALLOWED_ATTRIBUTES["th"] | {"style"}
ALLOWED_ATTRIBUTES["td"] = ALLOWED_ATTRIBUTES["td"] | {"style"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")

SUMMARY_LIMIT = 120
SENTENCE_ENDS = "。！？!?"

_local = threading.local()


def _markdown() -> Any:
    # Building a Markdown instance costs more than converting a short entry: reuse one.
    # (Imported here: a build that renders nothing never needs it.)
    md = getattr(_local, "md", None)
    if md is None:
        import markdown
        from markdown.extensions.toc import slugify_unicode

        md = _local.md = markdown.Markdown(extensions=EXTENSIONS, extension_configs={
            "toc": {"slugify": slugify_unicode, "permalink": False},
            "extra": {"footnotes": {"BACKLINK_TITLE": "返回正文第 %d 处"}},
        })
    return md


def relurl(from_page: str, target: str) -> str:
    """The relative URL from one site page (a file path) to another site path.

    Always up to the site root, then down: "2024/03/a.html" → "../../../static/x.css".
    Simple, exact, and cheap enough to call for every link of every page.
    """
    if not target or target.startswith("#") or _SCHEME.match(target):
        return target
    url = "../" * from_page.count("/") + target
    if url.isascii() and " " not in url and "%" not in url:
        return url
    return quote(url, safe="/#?=&-._~")


def media_url(path: Path, content_dir: Path) -> str:
    """Where a file of content/ (`content_dir`, a real path) is published: media/<path
    under content/> (only such files are: publish.unpublishable)."""
    return "media/" + path.relative_to(content_dir).as_posix()


NAME_MAX, PATH_MAX = 255, 4096  # bytes: a file name, a whole path with its final NUL (Linux)


def unusable_path(path: str) -> str:
    """Why the file system would refuse `path` with an exception, before it is asked:
    "bad-path" (a NUL byte), "name-too-long" (a name over NAME_MAX bytes, a path of
    PATH_MAX or more), or "" when it may be asked."""
    if "\x00" in path:
        return "bad-path"
    data = path.encode("utf-8", "surrogatepass")
    if len(data) >= PATH_MAX or any(len(name) > NAME_MAX for name in data.split(b"/")):
        return "name-too-long"
    return ""


def path_error_code(err: OSError | ValueError) -> str:
    return "name-too-long" if getattr(err, "errno", None) == errno.ENAMETOOLONG else "bad-path"


@dataclass
class Links:
    """How links in one entry resolve; collects media to copy and problems found."""

    source: Path
    page_url: str
    root: Path
    content_dir: Path
    pages: Mapping[str, str]  # published entry sources (real paths) → their page URLs
    known: frozenset[str]  # every entry source (real path), published or not
    body_md: str = ""
    body_line: int = 1
    media: dict[Path, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    for_print: bool = False  # PDF: images as file:// URIs, links to entries as plain text
    strict: bool = False  # an approved public entry: a damaged body is an error
    failure: BaseException | None = field(default=None, repr=False, compare=False)
    # What the rewriting asked of the world beyond the body: (question, path) → answer,
    # so a cached body is used again only when every answer is still the same (replay).
    seen: dict[tuple[str, str], object] = field(default_factory=dict)

    def ask(self, question: str, path: str) -> object:
        if (question, path) in self.seen:  # one rendering sees one state of the world
            return self.seen[(question, path)]
        answer = ask(question, path, self.pages, self.known)
        self.seen[(question, path)] = answer
        return answer

    def rewrite(self, tag: str, attr: str, value: str) -> str | None:
        """nh3's attribute_filter.  nh3 swallows whatever its callback raises (and drops the
        attribute), so nothing may leave this function: a path the file system refuses
        becomes a located error, and anything else — Ctrl-C, a bug — is kept in `failure`
        for `sanitise` to raise again once nh3 returns."""
        try:
            if self.failure is not None:
                return None  # the rendering is abandoned: do no more work
            try:
                return self.rewrite_url(tag, attr, value)
            except (OSError, ValueError) as err:  # the safety net: what unusable_path missed
                self.refuse(tag, value.strip(), path_error_code(err), err)
                return None
        except BaseException as err:  # raised again by sanitise
            self.failure = err
            return None

    def rewrite_url(self, tag: str, attr: str, value: str) -> str | None:
        if (tag, attr) not in (("a", "href"), ("img", "src")):
            return value
        value = value.strip()
        if not value or value.startswith("#") or _SCHEME.match(value):
            return value
        if value.startswith("/"):
            self.report(value, f"链接「{value}」以 / 开头，站点放在子路径下时会失效",
                        "写相对于本稿件的路径，例如 ../2024-03/另一篇.md 或 images/图.jpg",
                        "absolute-link")
            return value
        path_part, sep, fragment = value.partition("#")
        path_part = path_part.split("?", 1)[0]
        joined = self.source.parent / unquote(path_part)
        code = unusable_path(str(joined))
        if code:  # asked, the file system would raise: say so before asking it
            self.refuse(tag, value, code)
            return None
        target = Path(str(self.ask("resolve", str(joined))))
        what = "图片" if tag == "img" else "链接的文件"
        if not target.is_relative_to(self.root):
            self.report(value, f"「{value}」指向项目目录之外，已去除", "图片和链接的文件必须放在项目目录内",
                        "path-outside-project", "error")
            return None
        if target.suffix.lower() == ".md":
            if self.for_print:
                return None
            page = self.ask("page", str(target))
            if page is not None:
                return relurl(self.page_url, str(page)) + (sep + fragment)
            if not self.ask("known", str(target)):
                self.report(value, f"链接的稿件「{value}」不存在", "检查文件名和相对路径",
                            "broken-link")
            return None  # a link to an unpublished entry becomes plain text
        if not self.ask("file", str(target)):
            self.report(value, f"{what}「{value}」不存在", "检查文件名、大小写和相对路径",
                        "missing-file", "error" if tag == "img" else "warning")
            return None
        content_dir = Path(str(self.ask("resolve", str(self.content_dir))))
        reason = unpublishable(target, content_dir)
        if reason:
            self.report(value, *refusal(reason, what, value), "error")
            return None
        if self.for_print:
            return print_url(target, self.root)
        url = media_url(target, content_dir)
        self.media[target] = url
        return relurl(self.page_url, url) + (sep + fragment)

    def unclosed(self, tag: str, name: str) -> None:
        """A located warning (an error for an approved public entry) for raw HTML's
        `tag` that is never closed; render_markdown drops the tag and keeps the text."""
        shown = tag if len(tag) <= 40 else tag[:30] + "…>"
        if name == COMMENT:
            message = ("原始 HTML 中的注释「<!--」没有结束，之后的正文会整段丢失；"
                       "已去掉「<!--」，保留后面的文字")
            hint = "在注释末尾补上「-->」，或删去「<!--」"
        elif name == BROKEN:
            message = (f"原始 HTML 的标签「{shown}」中的引号没有闭合，之后的正文会整段丢失；"
                       "已去掉这个标签的开头，保留后面的文字")
            hint = "检查这个标签里的引号是否成对，或删去这个标签（从 Word、公众号粘贴时常带进来）"
        elif name == "plaintext":
            message = f"原始 HTML 中的 {shown} 会把之后的全部正文变成源代码，已去掉这个标签"
            hint = "删去 <plaintext>（这个标签没有结束标签）"
        else:
            message = (f"原始 HTML 中的 {shown} 没有结束标签 </{name}>，之后的正文会整段丢失；"
                       "已去掉这个标签，保留后面的文字")
            hint = f"补上 </{name}>，或删去 {shown}（从 Word、公众号粘贴的内容常带有这类标签）"
        self.report(tag, message, hint, "unclosed-html", "error" if self.strict else "warning")

    def refuse(self, tag: str, value: str, code: str, err: BaseException | None = None) -> None:
        """A located error for a reference whose path the file system cannot take."""
        shown = value if len(value) <= 60 else value[:40] + "…" + value[-12:]
        what = "图片" if tag == "img" else "链接的文件"
        if code == "name-too-long":
            self.report(value, f"{what}「{shown}」的文件名过长，无法使用",
                        f"文件名和每一级文件夹名都不能超过 {NAME_MAX} 字节（约 85 个汉字），"
                        f"整个路径不能超过 {PATH_MAX - 1} 字节：请把文件改成短一些的名字",
                        code, "error")
        elif err is None:
            self.report(value, f"链接「{shown}」含有空字符（NUL），无法使用",
                        "删去路径中的 %00（空字符），写出文件的真实名称", code, "error")
        else:
            reason = getattr(err, "strerror", None) or str(err)
            self.report(value, f"{what}「{shown}」无法读取（{reason}）",
                        "检查文件名、相对路径和文件的读取权限", code, "error")

    def report(self, value: str, message: str, hint: str, code: str,
               level: str = "warning") -> None:
        line = self.body_line
        for offset, text in enumerate(self.body_md.split("\n")):
            if value in text or unquote(value) in text:
                line = self.body_line + offset
                break
        self.problems.append(Problem(self.source, line, None, message, hint, code,
                                     level))  # type: ignore[arg-type]


PRINT_SCHEME = "site-builder"  # a project file as the newsletter's renderer is given it


def print_url(path: Path, root: Path) -> str:
    """A file of the project for WeasyPrint: named relative to the project, so that the
    PDF is the same wherever the project lies (WeasyPrint names images by their URL)."""
    try:
        return f"{PRINT_SCHEME}:" + quote(path.relative_to(root).as_posix())
    except ValueError:
        return path.as_uri()


def ask(question: str, path: str, pages: Mapping[str, str], known: frozenset[str]) -> object:
    """One question link rewriting asks beyond the body's text (see Links.seen)."""
    if question == "resolve":
        return str(Path(path).resolve())
    if question == "page":
        return pages.get(path)
    if question == "known":
        return path in known
    return Path(path).is_file()


def same_answers(seen: Mapping[tuple[str, str], object], pages: Mapping[str, str],
                 known: frozenset[str]) -> bool:
    """Would rewriting the same body now get the same answers (and so the same HTML)?"""
    try:
        return all(ask(question, path, pages, known) == answer
                   for (question, path), answer in seen.items())
    except (OSError, ValueError):
        return False


def render_markdown(text: str, links: Links | None = None) -> str:
    raw = markdown_html(text)
    spans = unclosed_elements(raw)
    if spans:  # each would take the rest of the article with it: drop the tag, keep the text
        for start, end, name in spans:
            if links is not None:
                links.unclosed(raw[start:end], name)
        # Dropped from the Markdown, so that what follows is read as paragraphs again;
        # what is not found there (or is still open after) is dropped from the HTML.
        fixed = without_tags(text, [(raw[:start].count(raw[start:end]), raw[start:end])
                                    for start, end, _ in spans])
        raw = markdown_html(fixed) if fixed is not None else raw
        spans = unclosed_elements(raw)
        cuts = [0, *[i for start, end, _ in spans for i in (start, end)], len(raw)]
        raw = "".join(raw[cuts[i]:cuts[i + 1]] for i in range(0, len(cuts), 2))
    return figures(sanitise(raw, links))


# A paragraph of images only (one, or several side by side in the Markdown); an image with
# alt text among them is a figure, its alt text its caption (SPEC).
_IMAGES_ONLY = re.compile(r'<p>\s*((?:<img\b[^>]*>\s*)+)</p>')
_IMAGE = re.compile(r'<img\b[^>]*>')
_ALT = re.compile(r'\balt="([^"]*)"')


def figures(clean: str) -> str:
    """Each image that stands alone in its paragraph (or with other images only), as a
    <figure> with its alt text as <figcaption> (photo credits such as 「（摄影 周婧）」 are
    shown, never lost); an image without alt text stays as it is.  `clean` is sanitised:
    the alt text is already escaped for use as text."""
    if "<img" not in clean:
        return clean

    def figure(image: re.Match) -> str:
        found = _ALT.search(image.group(0))
        alt = found.group(1) if found else ""
        if not alt.strip():
            return f"<p>{image.group(0)}</p>"
        return f"<figure>{image.group(0)}<figcaption>{alt}</figcaption></figure>"

    return _IMAGES_ONLY.sub(lambda m: "".join(figure(i) for i in _IMAGE.finditer(m.group(1))),
                            clean)


def markdown_html(text: str) -> str:
    md = _markdown()
    md.reset()
    # The page title is the only <h1>: an editor's "# 标题" becomes <h2>.
    return re.sub(r"<(/?)h1\b", r"<\1h2", md.convert(text))


def without_tags(text: str, tags: list[tuple[int, str]]) -> str | None:
    """`text` without the (n-th occurrence, tag) given, or None if one is not in it."""
    cuts: list[tuple[int, int]] = []
    for nth, tag in tags:
        at = -1
        for _ in range(nth + 1):
            at = text.find(tag, at + 1)
            if at < 0:
                return None
        cuts.append((at, at + len(tag)))
    for start, end in sorted(cuts, reverse=True):
        text = text[:start] + text[end:]
    return text


# Elements that, left open in raw HTML, take the rest of the article with them: the
# sanitiser drops their content, or the parser reads all that follows as their text.
RAW_TEXT = ("style", "script", "iframe", "noscript", "noembed", "noframes", "xmp", "textarea",
            "title", "plaintext")  # what follows is text up to the first </name>
NESTED = ("template", "object", "svg", "math", "select", "table", "desc", "mi", "mn", "mo",
          "ms", "mtext", "annotation-xml", "foreignobject")  # closed by their own </name>
_TAG_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?![a-zA-Z0-9-])"
                        r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
_TAG_START = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
COMMENT, BROKEN = "!--", "broken"  # an unclosed comment; a tag whose quote never closes


def unclosed_elements(raw: str) -> list[tuple[int, int, str]]:
    """The opening tags in `raw` of RAW_TEXT and NESTED elements that are never closed,
    as (start, end, name) in order ("<plaintext>" is never closed, by definition); also
    a comment that is never closed (COMMENT: its "<!--") and a tag whose attribute quote
    is never closed (BROKEN: its "<name"), which take the rest with them the same way."""
    if "<" not in raw:
        return []
    scan = _COMMENT.sub(lambda m: " " * len(m.group()), raw)  # positions kept
    found: list[tuple[int, int, str]] = []
    comment = scan.find("<!--")
    if comment >= 0:  # every closed one is masked: this one never ends
        found.append((comment, comment + 4, COMMENT))
        scan = scan[:comment]
    open_raw: tuple[int, int, str] | None = None
    stack: list[tuple[int, int, str]] = []
    at = 0
    for start in _TAG_START.finditer(scan):
        if start.start() < at:
            continue  # inside a tag already read
        match = _TAG_TOKEN.match(scan, start.start())
        if match is None:
            if open_raw is None:
                found.append((start.start(), start.end(), BROKEN))
            continue
        at = match.end()
        closing, name, selfclosing = match.group(1), match.group(2).lower(), match.group(3)
        if open_raw is not None:  # inside raw text only its own end tag counts
            if closing and name == open_raw[2] != "plaintext":
                open_raw = None
            continue
        if name in RAW_TEXT and not closing:
            open_raw = (match.start(), match.end(), name)
        elif name in NESTED:
            if not closing and not (selfclosing and name in ("svg", "math")):
                stack.append((match.start(), match.end(), name))
            elif closing:
                for i in range(len(stack) - 1, -1, -1):
                    if stack[i][2] == name:
                        del stack[i:]  # what was opened inside and not closed closes with it
                        break
    return sorted(found + stack + ([open_raw] if open_raw else []))


def sanitise(raw_html: str, links: Links | None = None) -> str:
    """`raw_html` through the allow-list, its links rewritten by `links`.

    What the rewriting raised (nh3 would have swallowed it) is raised here, as it was:
    Ctrl-C stops the build instead of leaving an <img> without its src."""
    clean = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript",
                            "template", "svg", "math"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=links.rewrite if links else None,
        url_schemes=URL_SCHEMES,
        filter_style_properties={"text-align"},
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
    if links is not None and links.failure is not None:
        failure, links.failure = links.failure, None
        raise failure
    return clean


_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
_SUP = re.compile(r"<sup\b.*?</sup>", re.S)
_TAG = re.compile(r"<[^>]+>")


def plain_text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub("", _SUP.sub("", fragment)))).strip()


def make_summary(body_html: str, limit: int = SUMMARY_LIMIT) -> str:
    """The first paragraph with text, cut on a sentence end within `limit` characters."""
    for match in _PARAGRAPH.finditer(body_html):
        text = plain_text(match.group(1))
        if text:
            return cut_summary(text, limit)
    return ""


def cut_summary(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """Cut CJK text at the last 。！？ within `limit` characters, else hard with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(mark) for mark in SENTENCE_ENDS)
    if end >= limit // 3:
        # Keep a closing quote or bracket that belongs to the sentence.
        while end + 1 < len(text) and text[end + 1] in "”’」』）)":
            end += 1
        return text[:end + 1]
    return head.rstrip("，、；：,;: ") + "……"
