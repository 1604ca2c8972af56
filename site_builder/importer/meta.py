"""What the front-matter can be told from a correspondent's document: its title, the
通讯员 lines, the department, the date, the type, image captions.  Plain functions of
the parsed blocks (html_md.Node) and the values they need."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from .html_md import HEADINGS, Node

MAX_TITLE = 60  # a bold first line longer than this is a lead paragraph, not a title

# 「通讯员 张三 李四」「（通讯员：张三）」「通讯员：张三、李四」; 「文/张三 图/李四」「文：张三 摄影：李四」
_ROLE = r"(?:通讯员|文|图|摄影|摄|撰稿|作者|供稿|记者)"
# A unit may come first: 「（城关派出所 通讯员 张三）」.
_CREDIT_LINE = re.compile(
    rf"^[（(\[【]?\s*(?:[\u4e00-\u9fff]{{2,12}}[\s　]+)?"
    rf"(?:{_ROLE}\s*[/／:：\s]\s*[^/／:：()（）]+?\s*)+[)）\]】]?$")
_UNIT_END = ("所", "队", "局", "处", "科", "室", "办", "中心", "支队", "大队")
_CREDIT_PART = re.compile(rf"{_ROLE}\s*[/／:：\s]\s*([^/／:：()（）]+?)\s*(?={_ROLE}\s*[/／:：\s]|$)")
_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,5}$")
_NAME_SPLIT = re.compile(r"[\s、，,;；]+")

# 「图为民警走访群众」「（摄影 周婧）」「图：…」「▲ 民警…」
_CAPTION = re.compile(r"^(?:图为|图：|图:|[▲△]|[（(]\s*(?:摄影|摄|图)[\s/／:：])")

_FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")

# 「记城关派出所民警张三」 or a subtitle 「——记…」; 「张三：守护一方平安的…」
_ABOUT_ONE = re.compile(r"^[—–\-－\s]*记\S")
_NAME_COLON = re.compile(r"^([\u4e00-\u9fff·]{2,4})\s*[：:]\s*\S*的")


def take_title(blocks: list[Node], centred: bool = False) -> tuple[str | None, list[Node]]:
    """The first heading, or a short first paragraph that is bold throughout or (`centred`)
    centred; removed."""
    for index, block in enumerate(blocks):
        text = block.text()
        if not text and not block.images():
            continue  # empty paragraphs before the title
        if block.tag in HEADINGS or (block.tag == "p" and (centred or _all_bold(block))
                                      and len(text) <= MAX_TITLE and not block.images()):
            return text, blocks[:index] + blocks[index + 1:]
        return None, blocks
    return None, blocks


def _all_bold(node: Node) -> bool:
    """Every piece of text in the paragraph is inside <strong>."""
    for child in node.children:
        if isinstance(child, str):
            if child.strip(" \u3000\u00a0\t\n"):
                return False
        elif child.tag not in ("strong", "b") and (child.tag == "img" or not _all_bold(child)):
            return False
    return bool(node.text())


def credit_names(text: str) -> list[str] | None:
    """The names a 通讯员/文/图 line gives, or None when the line is not one."""
    line = text.strip()
    if len(line) > 60 or not _CREDIT_LINE.match(line):
        return None
    inner = line.strip("（()）[]【】 ")
    names: list[str] = []
    for match in _CREDIT_PART.finditer(inner):
        for name in _NAME_SPLIT.split(match.group(1).strip()):
            if not name or name.endswith(_UNIT_END):
                continue  # 「通讯员：城关派出所 张三」: the unit is no author
            if not _NAME.match(name):
                return None  # 「文/张三」 holds names, 「通讯员 队伍建设成效显著」 does not
            names.append(name)
    return names or None


_INLINE_CREDIT = re.compile(r"^\s*(?:本报讯|本网讯|讯)\s*([（(][^（()）]{2,40}[)）])")


def inline_credit(text: str) -> tuple[list[str], str] | None:
    """「本报讯（通讯员 张三 李四）3月12日，…」: the names and the bracket, which the
    genre keeps in the body."""
    match = _INLINE_CREDIT.match(text)
    names = credit_names(match.group(1)) if match else None
    return (names, match.group(1)) if names and match else None


def take_credits(blocks: list[Node], scan: int = 4) -> tuple[list[str], list[str], list[Node]]:
    """Authors from the credit lines among the first and last `scan` paragraphs, the lines'
    texts (departments are named there too), and the blocks without them."""
    authors: list[str] = []
    lines: list[str] = []
    kept = []
    edge = {i for i in range(len(blocks)) if i < scan or i >= len(blocks) - scan}
    for index, block in enumerate(blocks):
        names = credit_names(block.text()) if block.tag == "p" and index in edge else None
        if names is None:
            kept.append(block)
            continue
        lines.append(block.text())
        authors += [n for n in names if n not in authors]
    lead = next((b for b in kept if b.tag == "p" and b.text()), None)
    found = inline_credit(lead.text()) if lead is not None else None
    if found:  # kept in the body, as the genre writes it
        lines.append(found[1])
        authors += [n for n in found[0] if n not in authors]
    return authors, lines, kept


def take_captions(blocks: list[Node]) -> tuple[int, list[Node]]:
    """A paragraph that holds only images and is followed by a caption paragraph: the
    caption becomes the images' alt text (SPEC: an image's alt text is its caption) and
    its paragraph goes.  Returns how many images got one."""
    kept: list[Node] = []
    captioned = 0
    skip = False
    for index, block in enumerate(blocks):
        if skip:
            skip = False
            continue
        kept.append(block)
        images = block.images()
        if not images or block.text():
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        caption = following.text() if following is not None and following.tag == "p" \
            and not following.images() else ""
        if caption and _CAPTION.match(caption):
            for image in images:
                image.attrs["alt"] = caption
            captioned += len(images)
            skip = True
    return captioned, kept


def match_department(texts: list[str], index: Mapping[str, str]) -> str | None:
    """The department id whose name or alias appears first in the first text that names
    one (longest name first: 「城关镇派出所」 before 「城关所」)."""
    names = sorted(index, key=len, reverse=True)
    for text in texts:
        best: tuple[int, str] | None = None
        for name in names:
            if len(name) < 2 or name.isascii():
                continue  # ids (jiaoguan) are not written in Chinese prose
            at = text.find(name)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, index[name])
        if best:
            return best[1]
    return None


def find_date(text: str, year: int) -> dt.date | None:
    """The first 「2024年3月12日」 or 「3月12日」 (in `year`) in the text that is a real day."""
    found: list[tuple[int, dt.date]] = []
    for match in _FULL_DATE.finditer(text):
        day = _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if day:
            found.append((match.start(), day))
    for match in _MONTH_DAY.finditer(text):
        day = _date(year, int(match.group(1)), int(match.group(2)))
        if day:
            found.append((match.start(), day))
    return min(found)[1] if found else None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def guess_type(title: str, subtitle: str = "") -> str:
    """`model-figure` for a piece about one person (「记…」, 「张三：…的…」), else `briefing`."""
    if _ABOUT_ONE.match(title) or _ABOUT_ONE.match(subtitle) or _NAME_COLON.match(title):
        return "model-figure"
    return "briefing"


def figure_name(title: str, subtitle: str = "") -> str:
    """The person a model-figure piece portrays, as far as the title says: 「张三：…」 or
    「——记…民警张三」 (the last two to three characters after a rank word)."""
    match = _NAME_COLON.match(title)
    if match:
        return match.group(1)
    about = re.search(r"记.*?(?:民警|辅警|警官|所长|队长|教导员|警长|同志)([\u4e00-\u9fff]{2,3})$",
                      subtitle or title)
    return about.group(1) if about else ""


# What a post ends in: 「社区民警」「副所长」「刑警大队副大队长」「交通协管员」.
_POSTS = ("民警", "辅警", "警官", "警长", "所长", "教导员", "队长", "探长", "政委", "科长",
          "主任", "指导员", "协管员", "协警", "法医", "技术员", "书记", "警务助理")
_POST_BEFORE = re.compile(r"[\u4e00-\u9fff]{2,16}$")
_NOW_HOLDS = re.compile(r"(?:现任|现为|担任)([\u4e00-\u9fff]{2,20})")


def figure_title(headings: list[str], body: str, name: str, unit_names: list[str]) -> str:
    """The post of the person portrayed (figure.title): what the title or subtitle puts
    before the name (「——记城关派出所社区民警张卫国」), else the body's 「城关派出所社区民警
    张卫国」 or 「现任…」 — the unit's names taken off the front, kept only when it ends in
    a post (民警, 所长, 教导员 …)."""
    units = sorted((u for u in unit_names if len(u) >= 2 and not u.isascii()), key=len, reverse=True)

    def before_name(text: str, need_unit: bool) -> list[str]:
        found = []
        for at in (m.start() for m in re.finditer(re.escape(name), text)) if name else ():
            before = _POST_BEFORE.search(text[:at])
            if before and (not need_unit or any(u in before.group(0) for u in units)):
                found.append(before.group(0))
        return found

    candidates = [*(c for h in headings for c in before_name(h, False)),
                  *before_name(body, True), *_NOW_HOLDS.findall(body)]
    for candidate in candidates:
        for unit in units:
            at = candidate.find(unit)
            if at >= 0:
                candidate = candidate[at + len(unit):]
                break
        candidate = candidate.removeprefix("记")
        ends = [candidate.rindex(p) + len(p) for p in _POSTS if p in candidate]
        post = candidate[:max(ends)] if ends else ""
        if 2 <= len(post) <= 10:
            return post
    return ""


# 「荣获“全国优秀人民警察”称号」「被评为全省优秀共产党员」「荣立个人二等功」「先后获评“十佳民警”“优秀党员”」
_HONOURED = re.compile(r"(?:荣获|获评|获得|被授予|授予|被评为|评为|被表彰为|荣立)了?")
_QUOTED = re.compile(r"[“「\"]([^”」\"]{2,30})[”」\"]")
_CLAUSE_END = re.compile(r"[，,。；;！？!?\n]")
_HONOUR_TAIL = re.compile(r"(?:(?:\d+|[一二两三四五六七八九十]+)次)?(?:等)?(?:荣誉称号|称号|荣誉|等)?$")
_SENTENCE = re.compile(r"[^。；;！？!?\n]+")
_HONOUR_ENDS = ("等功", "奖章", "勋章", "奖", "标兵", "能手", "模范", "警察", "党员", "卫士", "个人",
                "先锋", "之星", "工作者", "民警", "干警", "楷模", "英雄", "先进", "好人")


def figure_honors(text: str, name: str) -> list[str]:
    """The honours the text gives the person portrayed (figure.honors): in sentences that
    name them (or say 他/她), what follows 「荣获」「被评为」「荣立」…, quoted titles one by
    one, else the clause split at 「、」."""
    honours: list[str] = []
    for sentence in _SENTENCE.findall(text):
        if not (name and name in sentence) and not re.search(r"[他她]|本人", sentence):
            continue  # 「该所被评为…」: the unit's honour, not the person's
        for match in _HONOURED.finditer(sentence):
            rest = sentence[match.end():]
            end = _CLAUSE_END.search(rest)
            clause = rest[:end.start()] if end else rest
            quoted = _QUOTED.findall(clause)
            items = quoted or clause.split("、")
            for item in items:
                item = _HONOUR_TAIL.sub("", item.strip(" 　“”「」\""))
                if match.group(0).startswith("荣立") and re.fullmatch(r"[一二三]等功", item):
                    item = "个人" + item
                # Unquoted, only what reads as an honour: 「获得群众好评」 is none.
                if (quoted or item.endswith(_HONOUR_ENDS)) and 2 <= len(item) <= 30 \
                        and item not in honours:
                    honours.append(item)
    return honours
