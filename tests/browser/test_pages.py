"""What a reader of a Chinese government site expects, in a real browser: a phone layout
with every nav item on screen, labels that never break inside a word, score tables and a
trend chart that read at 375 px; 字号 大/中/小, 打印本页, the current section marked in
the nav, a search box in the header; a home page that shows each entry once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed; run .ci/setup")

if TYPE_CHECKING:
    from .conftest import Web

PHONE = {"width": 375, "height": 740}
# Asked again and again, also while the page before is still there: no status yet is "not done".
SEARCH_DONE = ("() => { const s = document.getElementById('search-status');"
               " return !!s && /找到|无法|失败|不可用/.test(s.textContent); }")

# Elements whose text must stay on one line (at any width where they fit one).
ONE_LINE = ".meta > span, .nobreak, .kicker, .figure-kicker, .edition, .topnav a, .tag, " \
           ".score-table thead th, .score-table tbody th, .audit-table .a-item"
LINES_OF = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.offsetParent !== null && e.textContent.trim())
  .map(e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    // a rect below every earlier one starts a new line (a smaller font on the same line
    // has another top, but overlaps the line's height)
    const rects = [...range.getClientRects()].filter(r => r.width > 0).sort((a, b) => a.top - b.top);
    let lines = 0, bottom = -Infinity;
    for (const r of rects) {
      if (r.top >= bottom - 1) { lines += 1; }
      bottom = Math.max(bottom, r.bottom);
    }
    return [e.textContent.trim(), lines];
  })
  .filter(([, lines]) => lines > 1)
  .map(([text]) => text)"""


def entry_with_type(site_dir: Path, type_key: str) -> str:
    """An entry page whose type list is types/`type_key`/ (from its breadcrumb)."""
    for path in sorted(site_dir.glob("20*/*/*.html")):
        crumbs = path.read_text("utf-8").split('class="breadcrumb"')[1].split("</nav>")[0]
        if f"types/{type_key}/index.html" in crumbs:
            return path.relative_to(site_dir).as_posix()
    pytest.fail(f"the demo has no entry of type {type_key}")


def in_view(web: Web, selector: str) -> list[str]:
    """The texts of the visible elements matching `selector` that lie outside the viewport."""
    return web.page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)]
             .filter(e => e.offsetParent !== null)
             .filter(e => { const r = e.getBoundingClientRect();
                            return r.left < -0.5 || r.right > window.innerWidth + 0.5; })
             .map(e => e.textContent.trim())""", selector)


# --------------------------------------------------------------------------- phone width

def test_every_nav_item_and_the_edition_badge_are_on_screen_at_375px(web: Web) -> None:
    web.page.set_viewport_size(PHONE)
    web.goto("index.html")
    labels = [t.strip() for t in web.page.locator(".topnav a").all_text_contents()]
    assert {"考核积分", "搜索"} <= set(labels), labels
    assert in_view(web, ".topnav a") == []
    assert web.page.locator(".edition").is_visible()
    assert in_view(web, ".edition") == []


def test_labels_and_unit_names_never_break_inside_a_word_at_375px(web: Web, site_dir: Path) -> None:
    web.page.set_viewport_size(PHONE)
    broken = []
    for path in ["index.html", entry_with_type(site_dir, "model-figure"), "types/briefing/index.html",
                 "scores/2024/index.html", "scores/2024/departments/jiaoguan/index.html"]:
        web.goto(path)
        broken += [f"{path}: {text}" for text in web.page.evaluate(LINES_OF, ONE_LINE)]
    assert not broken, "broken across lines:\n  " + "\n  ".join(broken)


def test_score_table_keeps_rank_unit_and_total_in_view_at_375px(web: Web) -> None:
    web.page.set_viewport_size({"width": 375, "height": 2400})  # every row on screen
    web.goto("scores/2024/index.html")
    table = ".score-table.standings"
    kept = f"{table} th:first-child, {table} tr > :nth-child(2), {table} tr > :last-child"
    wrap = web.page.locator(".table-wrap", has=web.page.locator(table))
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth"), "the table fits: nothing to test"
    for scroll in ("0", "w.scrollWidth"):
        wrap.evaluate(f"w => {{ w.scrollLeft = {scroll}; }}")
        assert in_view(web, kept) == [], f"scrolled to {scroll}"
        assert web.page.evaluate(
            f"""() => [...document.querySelectorAll("{table} tr")].every(tr => {{
                   const rank = tr.children[0].getBoundingClientRect(),
                         unit = tr.children[1].getBoundingClientRect(),
                         total = tr.lastElementChild.getBoundingClientRect();
                   const at = (r) => document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                   return [tr.children[0], tr.children[1], tr.lastElementChild].every(
                     (cell, i) => cell.contains(at([rank, unit, total][i])));
                 }})"""), f"scrolled to {scroll}: a kept cell is covered by another column"


def test_trend_chart_labels_are_readable_at_375px_and_1280px(web: Web) -> None:
    for width in (375, 1280):
        web.page.set_viewport_size({"width": width, "height": 900})
        web.goto("scores/2024/index.html")
        sizes = web.page.evaluate(
            """() => [...document.querySelectorAll('.chart svg')]
                 .filter(svg => svg.getBoundingClientRect().width > 0)
                 .flatMap(svg => [...svg.querySelectorAll('text')].map(t =>
                   svg.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize)))""")
        assert sizes, f"{width}px: no chart is shown"
        assert min(sizes) >= 11, f"{width}px: chart labels drawn at {min(sizes):.1f}px"
        legend = web.page.locator(".chart-legend li")
        assert legend.count() >= 2 and legend.first.is_visible()


# --------------------------------------------------------------------------- article tools

def test_font_size_switch_is_remembered_across_pages(web: Web, site_dir: Path) -> None:
    page = web.page
    entries = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.glob("20*/*/*.html"))
    web.goto(entries[0])
    body = ".article-body"
    size = lambda: page.eval_on_selector(body, "e => parseFloat(getComputedStyle(e).fontSize)")  # noqa: E731
    medium = size()
    page.get_by_role("button", name="大", exact=True).click()
    large = size()
    assert large > medium
    assert page.get_by_role("button", name="大", exact=True).get_attribute("aria-pressed") == "true"
    web.goto(entries[1])
    assert size() == large, "the chosen size is not remembered on the next page"
    page.get_by_role("button", name="小", exact=True).click()
    assert size() < medium
    page.reload()
    assert size() < medium
    web.assert_clean()


def test_print_button_prints_and_is_hidden_on_paper(web: Web, site_dir: Path) -> None:
    page = web.page
    web.goto(next(iter(sorted(site_dir.glob("20*/*/*.html")))).relative_to(site_dir).as_posix())
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="打印本页").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    assert not page.locator(".page-tools").is_visible()
    assert not page.locator(".site-search").is_visible()


# --------------------------------------------------------------------------- nav and search

def test_nav_marks_the_current_section_on_every_kind_of_page(web: Web, site_dir: Path) -> None:
    """aria-current="page" on the section's own page, "true" on the pages within it."""
    expected = {"index.html": ("首页", "page"),
                entry_with_type(site_dir, "briefing"): ("工作动态", "true"),
                "types/model-figure/index.html": ("先进典型", "page"),
                "departments/index.html": ("供稿单位", "page"),
                "departments/chengguan-pcs/index.html": ("供稿单位", "true"),
                "archive/index.html": ("往期归档", "page"),
                "archive/2024-03/index.html": ("往期归档", "true"),
                "scores/index.html": ("考核积分", "page"),
                "scores/2024/departments/jiaoguan/index.html": ("考核积分", "true"),
                "search/index.html": ("搜索", "page")}
    wrong = {}
    for path, mark in expected.items():
        web.goto(path)
        marked = web.page.eval_on_selector_all(
            ".topnav a[aria-current]",
            "els => els.map(a => [a.textContent.trim(), a.getAttribute('aria-current')])")
        if [tuple(m) for m in marked] != [mark]:
            wrong[path] = marked
    assert not wrong, f"nav marks (label, aria-current): {wrong}"


def test_header_search_box_opens_the_search_page_with_the_query(web: Web) -> None:
    page = web.page
    web.goto("archive/index.html")
    page.fill("#site-search-q", "反诈")
    page.press("#site-search-q", "Enter")
    page.wait_for_function(SEARCH_DONE)
    url = urlsplit(page.url)
    assert url.path.endswith("/search/index.html") and parse_qs(url.query)["q"] == ["反诈"], page.url
    assert page.input_value("#search-q") == "反诈"
    assert page.locator("#search-results .result-title a").count() > 0
    assert page.locator("#site-search-q").count() == 0, "the search page has its own box"
    web.assert_clean()


def test_header_search_works_from_disk(web: Web, site_dir: Path) -> None:
    page = web.page
    page.goto((site_dir / "tags/index.html").as_uri())
    page.fill("#site-search-q", "反诈")
    page.press("#site-search-q", "Enter")
    page.wait_for_function(SEARCH_DONE)
    assert page.url.startswith((site_dir / "search/index.html").as_uri() + "?q=")
    assert page.locator("#search-results .result-title a").count() > 0


# --------------------------------------------------------------------------- home page

def test_home_page_shows_each_entry_once(web: Web, site_dir: Path) -> None:
    web.goto("index.html")
    links = web.page.eval_on_selector_all(  # (a cover and its title link to the same page)
        "main .featured-title a, main .item-title a", "els => els.map(a => a.getAttribute('href'))")
    entries = [href for href in links if re.fullmatch(r"20\d\d/\d\d/[^/]+\.html", href)]
    repeated = sorted({href for href in entries if entries.count(href) > 1})
    assert len(entries) >= 12 and not repeated, f"shown more than once: {repeated}"
