"""Search matches what a reader types (issue 18, item 2) and ranks it (item 3), in Chromium.

A small project of its own (the titles the issue names, a draft, digits and Latin words),
opened from disk; and the demo served under /xuanchuan/: every published entry is found by
its whole title typed without punctuation, the traditional-character entry by its simplified
form, and no draft ever.  The page's folding is checked against search.py's, character by
character, so the index and the query can never disagree with the build's table.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import entry

from site_builder import build, load_project
from site_builder.search import fold, fold_table, parse_text

pytest.importorskip("playwright.sync_api", reason="playwright is not installed; run .ci/setup")

if TYPE_CHECKING:
    from .conftest import Web

SEARCH = "search/index.html"
DONE = "() => /找到|无法|失败|不可用/.test(document.getElementById('search-status').textContent)"

SHOWCASE = "看守所原创微视频《高墙内的守望》获自治区级平台展播"
PORTRAIT = "“社区里的贴心人”——记城东派出所社区民警林素秋"
CHASE = "刑侦大队千里追逃 抓获潜逃十二年的命案嫌疑人"
APP = "城关派出所推广“警民通”APP 110接处警更便捷"
DRAFT = "城关派出所未审稿件《秘密草稿》"
OLDER = "刑侦大队召开追逃工作部署会"


@pytest.fixture
def reader_site(make_project) -> Path:
    root = make_project(entries={
        "showcase.md": entry("本报讯 看守所民警自编自导的原创微视频在自治区级平台展播。",
                             title=SHOWCASE, date="2024-05-20", department="城关派出所"),
        "portrait.md": entry("林素秋扎根社区十二年，群众都叫她贴心人。她曾协助侦破一起命案。", title=PORTRAIT,
                             date="2024-04-02", department="城关派出所", type="model-figure",
                             figure={"name": "林素秋", "title": "社区民警"}),
        "chase.md": entry("2024年3月，刑侦大队民警千里追逃，抓获一名潜逃十二年的命案嫌疑人。",
                          title=CHASE, date="2024-03-12", department="刑侦大队"),
        "older.md": entry("会议部署千里追逃工作，要求抓获潜逃人员。", title=OLDER,
                          date="2024-01-08", department="刑侦大队"),
        "app.md": entry("群众下载ＡＰＰ后可一键报警，110接处警平均用时缩短。", title=APP,
                        date="2024-02-01", department="城关派出所"),
        "draft.md": entry("这是一篇秘密草稿，尚未审核。", title=DRAFT, date="2024-05-01",
                          department="城关派出所", status="draft"),
    })
    build(load_project(root), pdf=False)
    return root / "output/site"


def search(web: Web, query: str, site: Path | None = None) -> list[str]:
    """Type `query` into the search page's box (from disk when `site` is given): titles found."""
    page = web.page
    if site is not None and not page.url.startswith((site / SEARCH).as_uri()):
        page.goto((site / SEARCH).as_uri())
    elif site is None and not page.url.split("?")[0].endswith(SEARCH):
        web.goto(SEARCH)
    page.fill("#search-q", query)
    page.evaluate("document.getElementById('search-status').textContent = ''")
    page.press("#search-q", "Enter")
    page.wait_for_function(DONE)
    return page.eval_on_selector_all("#search-results li .result-title a",
                                     "els => els.map(a => a.textContent)")


def status(web: Web) -> str:
    return web.page.text_content("#search-status") or ""


def without_punctuation(title: str) -> str:
    return "".join(c for c in title if fold(c)[0])


# --------------------------------------------------------------------------- the queries

@pytest.mark.parametrize("title", [SHOWCASE, PORTRAIT, CHASE, APP])
def test_a_title_typed_without_punctuation_finds_it_first(web: Web, reader_site: Path, title: str) -> None:
    query = without_punctuation(title)
    assert query != title
    found = search(web, query, reader_site)
    assert found[:1] == [title], f"{query!r}: {found}, {status(web)!r}"
    web.assert_clean()


def test_digits_and_latin_words_match_in_any_width_and_case(web: Web, reader_site: Path) -> None:
    for query, title in [("2024年", CHASE), ("110", APP), ("APP", APP), ("app", APP), ("ＡＰＰ", APP)]:
        assert title in search(web, query, reader_site), f"{query!r}: {status(web)!r}"
    web.assert_clean()


def test_two_characters_search_the_text_and_one_only_titles(web: Web, reader_site: Path) -> None:
    assert SHOWCASE in search(web, "自编", reader_site)  # only in its text
    assert search(web, "编", reader_site) == []           # one character: titles only
    assert "单个字" in status(web)
    assert set(search(web, "墙", reader_site)) == {SHOWCASE}
    web.assert_clean()


def test_traditional_characters_find_simplified_text(web: Web, reader_site: Path) -> None:
    assert search(web, "高牆內的守望", reader_site)[:1] == [SHOWCASE]
    assert search(web, "潛逃十二年", reader_site)[:1] == [CHASE]
    web.assert_clean()


def test_drafts_are_never_found(web: Web, reader_site: Path) -> None:
    for query in (DRAFT, without_punctuation(DRAFT), "秘密草稿"):
        assert DRAFT not in search(web, query, reader_site), query
    assert all("秘密草稿" not in p.read_text(encoding="utf-8") for p in reader_site.rglob("*.js"))
    web.assert_clean()


# --------------------------------------------------------------------------- ranking

def test_title_then_text_then_pieces_apart_newest_first(web: Web, reader_site: Path) -> None:
    found = search(web, "千里追逃", reader_site)
    assert found == [CHASE, OLDER], found  # both in the title: newer first
    found = search(web, "潜逃十二年", reader_site)  # PORTRAIT has 十二年 only: not a match
    assert found == [CHASE], found
    found = search(web, "追逃 部署", reader_site)  # OLDER: both in the title; CHASE has no 部署
    assert found == [OLDER], found
    found = search(web, "十二年 贴心人", reader_site)  # apart, title and text
    assert found == [PORTRAIT], found
    found = search(web, "十二年 命案", reader_site)  # apart: in CHASE's title, PORTRAIT's text
    assert found == [CHASE, PORTRAIT], found           # the title first, though older
    found = search(web, "抓获 潜逃", reader_site)
    assert found[0] == CHASE and OLDER in found, found  # CHASE: 抓获潜逃 in the title
    web.assert_clean()


def test_count_excerpt_and_marks(web: Web, reader_site: Path) -> None:
    found = search(web, "潜逃十二年", reader_site)
    assert re.search(rf"找到 {len(found)} 篇", status(web)), status(web)
    item = web.page.locator("#search-results li").first
    assert item.locator(".result-title mark").all_text_contents() == ["潜逃十二年"]
    assert "潜逃十二年" in item.locator(".result-excerpt mark").all_text_contents()
    # a hit across punctuation is marked over the punctuation, not beside it
    search(web, "守望获自治区级", reader_site)
    marks = web.page.locator("#search-results li .result-title mark").all_text_contents()
    assert marks == ["守望》获自治区级"], marks
    web.assert_clean()


def test_nothing_found_says_so_with_a_hint(web: Web, reader_site: Path) -> None:
    assert search(web, "林素秋 龘靐", reader_site) == []
    text = status(web)
    assert text.startswith("没有找到") and "「龘靐」没有出现" in text, text
    web.page.select_option("#search-type", label="先进典型")
    web.page.wait_for_function(DONE)
    assert "筛选" in status(web), status(web)
    web.assert_clean()


# --------------------------------------------------------------------------- one fold

def test_the_page_folds_exactly_as_search_py(web: Web, reader_site: Path, site_dir: Path) -> None:
    """Every character of the table, of the demo's index and of the tricky ranges, one by one."""
    web.page.goto((reader_site / SEARCH).as_uri())
    demo = "".join(p.read_text(encoding="utf-8") for p in (site_dir / "search/text").glob("*.js"))
    chars = sorted(set(fold_table()) | set(fold_table().values()) | set(demo)
                   | {chr(c) for c in [*range(0x20, 0x250), *range(0x2000, 0x2070), *range(0x2460, 0x24ff),
                                       *range(0x3000, 0x3040), *range(0xF900, 0xFB00),
                                       *range(0xFE30, 0xFE70), *range(0xFF00, 0xFFF0)]})
    chars = [c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF]
    page = web.page.evaluate("chars => chars.map(c => window.siteSearch.fold(c))", chars)
    differ = [(c, f"U+{ord(c):04X}", fold(c)[0], js) for c, js in zip(chars, page, strict=True)
              if fold(c)[0] != js]
    assert not differ, f"{len(differ)} of {len(chars)} characters fold differently: {differ[:20]}"
    web.assert_clean()


# --------------------------------------------------------------------------- the demo

def demo_titles(site_dir: Path) -> list[str]:
    return [row[1] for path in sorted((site_dir / "search/text").glob("*.js"))
            for row in parse_text(path.read_bytes())]


def test_every_demo_entry_is_found_by_its_title_without_punctuation(web: Web, site_dir: Path) -> None:
    titles = demo_titles(site_dir)
    assert len(titles) >= 30
    missing = []
    for title in titles:
        query = without_punctuation(title)
        found = search(web, query)
        if found[:1] != [title]:
            missing.append(f"{query!r} → {found[:3]} ({status(web)!r})")
    assert not missing, f"{len(missing)} of {len(titles)}:\n  " + "\n  ".join(missing)
    web.assert_clean()


def test_the_traditional_demo_entry_is_found_by_its_simplified_form(web: Web, site_dir: Path) -> None:
    traditional = [t for t in demo_titles(site_dir) if fold(t)[0] != without_punctuation(t)]
    assert traditional, "no demo entry is written in traditional characters"
    for title in traditional:
        simplified = fold(title)[0]
        assert re.fullmatch(r"[\u4e00-\u9fff0-9a-z]+", simplified), simplified
        found = search(web, simplified)
        assert found[:1] == [title], f"{simplified!r}: {found} ({status(web)!r})"
    web.assert_clean()


def test_demo_drafts_are_never_found(web: Web, demo_root: Path) -> None:
    drafts = []
    for path in sorted((demo_root / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"^status: *(draft|review)\b", text, re.M):
            drafts.append(re.search(r"^title: *(.+)$", text, re.M).group(1).strip().strip("'\""))
    assert drafts, "the demo has no drafts"
    for title in drafts:
        found = search(web, without_punctuation(title))
        assert title not in found, f"the unpublished {title!r} is found"
    web.assert_clean()
