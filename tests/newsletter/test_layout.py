"""Where things stand on the printed page: words and lines read back with
`pdftotext -bbox-layout` (poppler)."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import entry

from site_builder.cli import main

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is not installed (.ci/setup installs it)")

MM = 72 / 25.4  # PDF points per millimetre
NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    page: int
    x: float
    y: float
    text: str


def pdf_lines(path: Path) -> list[Line]:
    """Every text line of the PDF, in reading order, with its top-left corner in points."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    lines = []
    for number, page in enumerate(ET.fromstring(out).iter(f"{NS}page"), start=1):
        for line in page.iter(f"{NS}line"):
            words = "".join(w.text or "" for w in line.iter(f"{NS}word"))
            lines.append(Line(number, float(line.get("xMin")), float(line.get("yMin")), words))
    return lines


def print_month(root: Path, public: bool = False) -> Path:
    assert main(["pdf", "--month", "2024-03", "--project", str(root),
                 *(["--public"] if public else [])]) == 0
    return root / ("output/public/pdf" if public else "output/pdf") / "2024-03.pdf"


@pytest.fixture
def both_editions(make_project):
    root = make_project(entries={"a.md": entry(classification="public")},
                        site={"newsletter": {"title": "测试整顿简报"}})
    return print_month(root), print_month(root, public=True)


def test_an_intranet_issue_carries_the_mark_top_left_of_page_1(both_editions):
    intranet, _ = both_editions
    lines = pdf_lines(intranet)
    [mark] = [line for line in lines if line.text == "内部资料"]
    [keep] = [line for line in lines if line.text == "注意保存"]
    [title] = [line for line in lines if line.text == "测试整顿简报"]
    assert mark.page == keep.page == 1 and abs(mark.y - keep.y) < 1 and mark.x < keep.x
    assert abs(mark.x - 28 * MM) < 1 * MM  # at the type area's left edge (inner margin 28 mm)
    assert mark.y < title.y  # above the masthead title


def test_a_public_issue_has_no_mark(both_editions):
    _, public = both_editions
    lines = pdf_lines(public)
    assert any(line.text == "测试整顿简报" for line in lines)
    assert not any("内部资料" in line.text or "注意保存" in line.text for line in lines)


DEMO_HEADLINE = "刑侦大队破获系列盗窃电动车案 追回被盗车辆27辆"


def headline_lines(pdf: Path, title: str) -> list[str]:
    """The lines the article headline `title` is set in (the 目录's line has its leader)."""
    texts = [line.text for line in pdf_lines(pdf)]
    wanted = title.replace(" ", "")
    for start in range(len(texts)):
        for end in range(start + 1, min(start + 4, len(texts)) + 1):
            if "".join(texts[start:end]) == wanted:
                return texts[start:end]
    raise AssertionError(f"{title} not found in {texts}")


def word_ends(title: str) -> set[int]:
    """Offsets (spaces left out) at which a jieba word of `title` ends."""
    import jieba

    ends, at = {0}, 0
    for word in jieba.cut(title):
        at += len(word.strip())
        ends.add(at)
    return ends


@pytest.fixture(scope="module")
def headline_pdf(tmp_path_factory):
    import yaml
    from conftest import SITE, write

    root = tmp_path_factory.mktemp("headlines")
    write(root / "site.yaml", yaml.safe_dump(SITE, allow_unicode=True))
    write(root / "content/a.md", entry(title=DEMO_HEADLINE, date="2024-03-11"))
    write(root / "content/b.md", entry(title="交管大队召开警示教育大会部署专项整治工作会议",
                                       date="2024-03-12"))
    return print_month(root)


def test_the_demo_headline_breaks_only_between_jieba_words(headline_pdf):
    lines = headline_lines(headline_pdf, DEMO_HEADLINE)
    assert len(lines) == 2  # it does not fit one line of the 156 mm type area
    assert lines[0] == "刑侦大队破获系列盗窃电动车案"  # at the space between its two clauses
    ends = word_ends(DEMO_HEADLINE)
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert at in ends, (lines, at)


def test_a_headline_never_leaves_one_or_two_characters_on_its_last_line(headline_pdf):
    lines = headline_lines(headline_pdf, "交管大队召开警示教育大会部署专项整治工作会议")
    assert len(lines) == 2 and len(lines[-1]) >= 3, lines


def test_headline_pieces_keep_jieba_words_punctuation_and_quotations_whole():
    from site_builder.newsletter.headlines import title_words

    assert title_words(DEMO_HEADLINE) == ["刑侦大队破获系列盗窃电动车案", " ", "追回被盗车辆27辆"]
    assert title_words("刑侦大队破获系列盗窃电动车案追回被盗车辆27辆")[-2:] == ["被盗", "车辆27辆"]
    assert "“防骗墙”" in title_words("城关派出所反诈宣传进社区筑牢群众“防骗墙”")
    assert title_words("黄振华：城市街头的“铁骑先锋”")[0] == "黄振华："
    assert "青石乡" in title_words("河西派出所“板凳民警”调解化解青石乡邻里纠纷")
    assert "".join(title_words(DEMO_HEADLINE)) == DEMO_HEADLINE  # nothing added or lost


def page_rows(pdf: Path) -> list[list[Line]]:
    """Each page's visual lines top to bottom (pieces on one baseline joined), without
    the page number."""
    pages: dict[int, list[Line]] = {}
    for line in sorted(pdf_lines(pdf), key=lambda line: (line.page, line.y, line.x)):
        rows = pages.setdefault(line.page, [])
        if rows and abs(rows[-1].y - line.y) < 3:
            rows[-1] = Line(line.page, min(rows[-1].x, line.x), rows[-1].y, rows[-1].text + line.text)
        elif not line.text.startswith("—"):
            rows.append(line)
    return [pages[number] for number in sorted(pages)]


FILLER = "各单位认真对照问题清单逐项整改，确保整改工作落到实处、取得实效。"  # 31 characters


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    """One long article: headings 小标题N, each before a paragraph of 2 to 9 lines, so that
    headings and paragraph ends fall at every height of the page."""
    import yaml
    from conftest import SITE, write

    root = tmp_path_factory.mktemp("breaks")
    blocks = []
    for n in range(1, 41):
        blocks.append(f"## 小标题{n}")
        blocks.append(f"本段{n}。" + FILLER * ((n * 5) % 7 + 1) + "完。")
    write(root / "site.yaml", yaml.safe_dump(SITE, allow_unicode=True))
    write(root / "content/a.md", entry("\n\n".join(blocks), date="2024-03-11"))
    return print_month(root)


def article_pages(pdf: Path) -> list[list[Line]]:
    """The pages of the long article, each as its lines of body text and headings."""
    text = set(FILLER + "本段完。0123456789")
    return [[row for row in rows if row.text.startswith("小标题") or set(row.text) <= text]
            for rows in page_rows(pdf)]


def test_a_heading_keeps_at_least_two_lines_of_its_text_on_its_page(long_pdf):
    seen = 0
    for rows in article_pages(long_pdf):
        for i, row in enumerate(rows):
            if row.text.startswith("小标题"):
                seen += 1
                after = [r for r in rows[i + 1:i + 3] if not r.text.startswith("小标题")]
                assert len(after) == 2, (row.text, [r.text for r in rows[i:i + 3]])
    assert seen == 40


def test_no_paragraph_leaves_a_single_line_at_a_page_foot_or_head(long_pdf):
    """A paragraph's lines read 本段N。…完。; across a page break each page holds two or more."""
    pages, breaks = article_pages(long_pdf), 0
    for before, after in pairwise(pages):
        if not before or not after or after[0].text.startswith(("小标题", "本段")):
            continue  # the page break falls between blocks
        assert not before[-1].text.startswith("本段"), ("orphan", before[-1].text)
        assert not after[0].text.endswith("完。"), ("widow", after[0].text)
        breaks += 1
    assert breaks >= 5  # the page breaks that fell inside paragraphs


# Justification (issue 20 item 1): every full line of a body paragraph reaches the right edge.

JUSTIFIED = [  # quotation marks, bold and a link (text boxes of their own), digits, Latin words
    "工作之外，杨静还是两个孩子的母亲。因为宣传任务重，她常常早出晚归，孩子的家长会很少能参加。"
    "“孩子问我，妈妈为什么总去别的学校？我说，妈妈去保护更多的小朋友。”说这话时，她的眼里闪着泪光。",
    "教育整顿开展以来，交管大队坚持**“开门纳谏”**，通过[局门户网站](https://www.test.gov.cn/)、"
    "“警民议事厅”、12345热线和APP留言等渠道广泛征求意见建议152条，已全部办结，群众满意率达到98.6%，"
    "推动一批群众“急难愁盼”问题得到解决。" * 2,
    FILLER * 6,
]


def body_rows(pdf: Path) -> list[tuple[int, float, float, float, str]]:
    """Each page's visual lines of 16 pt text: (page, xMin, xMax, yMin, text)."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    rows = []
    for number, page in enumerate(ET.fromstring(out).iter(f"{NS}page"), start=1):
        lines = sorted(page.iter(f"{NS}line"), key=lambda line: float(line.get("yMin")))
        for line in lines:
            x0, x1 = float(line.get("xMin")), float(line.get("xMax"))
            y0, y1 = float(line.get("yMin")), float(line.get("yMax"))
            text = "".join(w.text or "" for w in line.iter(f"{NS}word"))
            if rows and rows[-1][0] == number and abs(rows[-1][3] - y0) < 2:
                _, a, b, y, t = rows[-1]
                rows[-1] = (number, min(a, x0), max(b, x1), y, t + text)
            elif 20 < y1 - y0 < 26:  # the 23 pt line box of 3号 body text
                rows.append((number, x0, x1, y0, text))
    return rows


@pytest.fixture(scope="module")
def justified_pdf(tmp_path_factory):
    import yaml
    from conftest import SITE, write

    root = tmp_path_factory.mktemp("justified")
    write(root / "site.yaml", yaml.safe_dump(SITE, allow_unicode=True))
    write(root / "content/a.md", entry("\n\n".join(JUSTIFIED), date="2024-03-11"))
    return print_month(root)


def test_every_full_line_of_a_paragraph_ends_at_the_right_edge_of_the_type_area(justified_pdf):
    full = 0
    for (page, x0, x1, y, text), (page2, next_x0, _, next_y, _) in pairwise(body_rows(justified_pdf)):
        left = (28 if page % 2 else 26) * MM  # inner margin 28 mm on right-hand pages
        if page2 != page or abs(next_x0 - left) > 1 or not 26 < next_y - y < 31 or x0 < left - 1:
            continue  # not followed by another line of the same paragraph
        full += 1
        assert abs(left + 156 * MM - x1) <= 0.5 * MM, (text, (left + 156 * MM - x1) / MM)
    assert full >= 12


def test_justified_text_reads_back_as_the_entrys_text_with_nothing_inserted(justified_pdf):
    import re

    text = subprocess.run(["pdftotext", "-raw", str(justified_pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flowed = re.sub(r"\n", "", text)
    for paragraph in JUSTIFIED:
        plain = re.sub(r"\*\*|\[|\]\([^)]*\)", "", paragraph)
        assert plain in flowed
    assert "\u200b" not in text


def test_quotation_marks_may_start_and_end_lines_as_chinese_typesetting_allows():
    from site_builder.newsletter.justify import ZWSP, breakable_quotes

    assert breakable_quotes("小朋友。”说这话时") == "小朋友。”" + ZWSP + "说这话时"
    assert breakable_quotes("坚持“开门纳谏”。") == "坚持" + ZWSP + "“开门纳谏”。"  # never ” at a line's start
    assert breakable_quotes("（“最美”）") == "（“最美”）"  # never “ after an opening bracket
    assert breakable_quotes("他说‘好’字") == "他说" + ZWSP + "‘好’" + ZWSP + "字"
    assert breakable_quotes("don’t") == "don’t"  # an apostrophe in a Latin word
    html = '<img alt="他说“好”的" src="a.png"><a title="“一”二">“一”二</a>'
    assert breakable_quotes(html) == ('<img alt="他说“好”的" src="a.png"><a title="“一”二">“一”'
                                      + ZWSP + "二</a>")


def test_the_justifier_refuses_a_weasyprint_it_was_not_written_for(monkeypatch):
    import weasyprint

    from site_builder.newsletter import justify

    monkeypatch.setattr(justify, "_installed", False)
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RuntimeError, match=r"WeasyPrint 70\.0, not 71\.0"):
        justify.install()


# Section breaks (issue 20 item 6): a type section is not sent to a new page while a third
# of the page is left.

@pytest.fixture(scope="module")
def sections_pdf(tmp_path_factory):
    import yaml
    from conftest import SITE, write

    root = tmp_path_factory.mktemp("sections")
    write(root / "site.yaml", yaml.safe_dump(SITE, allow_unicode=True))
    write(root / "content/a.md", entry("\n\n".join([FILLER * 4] * 5), date="2024-03-11"))
    write(root / "content/b.md", entry(FILLER * 3, title="最美民警张三", type="model-figure",
                                       date="2024-03-12", figure={"name": "张三", "unit": "交管大队"}))
    write(root / "content/c.md", entry(FILLER * 3, title="交管大队一季度工作总结", type="work-summary",
                                       date="2024-03-13"))
    return print_month(root)


def test_a_type_section_starts_on_the_same_page_while_a_third_of_it_is_left(sections_pdf):
    pages = page_rows(sections_pdf)
    foot = (297 - 35) * MM  # the type area's bottom edge
    labels = 0
    for number, rows in enumerate(pages):
        for i, row in enumerate(rows):
            if row.text.startswith("【") and number > 0:  # a section label (page 1 has the 目录)
                labels += 1
                if i == 0:  # at the head of its page: the page before must be nearly full
                    free = foot - pages[number - 1][-1].y - 23
                    assert free < 225 * MM / 3, (row.text, free / MM)
    assert labels >= 3  # 工作动态, 先进典型, 工作总结 (and 考核积分)
    mid_page = [row.text for rows in pages[1:] for row in rows[1:] if row.text.startswith("【")]
    assert mid_page, "every section started a new page"
