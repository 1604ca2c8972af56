"""The demo site in a real browser (Chromium via Playwright), served under /xuanchuan/.

Covers what only a browser shows: navigation by clicking, the offline search (unspaced
Chinese phrases, filters, every entry findable, from disk too), sub-path deployment, the narrow
phone layout, the print stylesheet, file:// opening and accessibility basics.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed; run .ci/setup")
expect = sync_api.expect

if TYPE_CHECKING:
    from .conftest import Web

PREFIX = "/xuanchuan/"  # where conftest.base_url serves the site

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
TARGET = "城关派出所反诈宣传进社区 筑牢群众“防骗墙”"
SEARCH = "search/index.html"
DONE = "() => /找到|无法|失败|不可用/.test(document.getElementById('search-status').textContent)"


# --------------------------------------------------------------------------- helpers

def entry_pages(site_dir: Path) -> dict[str, str]:
    """{relative URL: h1 title} for every published entry page (output/site/20*/MM/slug.html)."""
    pages = {}
    for path in sorted(site_dir.glob("20*/*/*.html")):
        match = re.search(r"<h1[^>]*>(.*?)</h1>", path.read_text(encoding="utf-8"), re.S)
        assert match, f"{path}: no h1"
        pages[path.relative_to(site_dir).as_posix()] = html.unescape(match.group(1)).strip()
    return pages


def search(web: Web, query: str) -> list[tuple[str, str]]:
    """Type `query` into the search page's box, submit, wait: [(title, absolute href)]."""
    page = web.page
    if not page.url.split("?")[0].endswith(SEARCH):
        web.goto(SEARCH)
    page.fill("#search-q", query)
    page.evaluate("document.getElementById('search-status').textContent = ''")
    page.press("#search-q", "Enter")
    page.wait_for_function(DONE)
    return results(web)


def results(web: Web) -> list[tuple[str, str]]:
    found = web.page.eval_on_selector_all(
        "#search-results li .result-title a", "els => els.map(a => [a.textContent, a.href])")
    return [(title, href) for title, href in found]


def status(web: Web) -> str:
    return web.page.text_content("#search-status") or ""


def h1s(web: Web) -> list[str]:
    return [t.strip() for t in web.page.locator("h1").all_text_contents()]


def link_statuses(web: Web, selector: str) -> dict[str, int]:
    """Fetch every link matched by `selector` from inside the page: {href: HTTP status}."""
    return web.page.evaluate(
        """async (sel) => {
             const out = {};
             for (const a of document.querySelectorAll(sel)) {
               out[a.href] = (await fetch(a.href)).status;
             }
             return out;
           }""", selector)


# --------------------------------------------------------------------------- 1. home page

def test_home_loads_without_errors(web: Web) -> None:
    web.goto("index.html", wait_until="networkidle")
    assert web.page.title(), "home page has no <title>"
    assert web.page.locator(".items .item-title a").count() > 0, "home page lists no entries"
    # base.html links static/emblem.svg as the icon: no favicon exception is needed
    web.assert_clean()


# --------------------------------------------------------------------------- 2. navigation

def test_click_through_entry_department_and_back_home(web: Web) -> None:
    page = web.page
    web.goto("index.html")
    first = page.locator(".items .item-title a").first
    title = first.inner_text().strip()
    first.click()
    page.wait_for_load_state()
    assert page.url.startswith(web.base) and "/20" in page.url, page.url
    assert h1s(web) == [title], f"{page.url}: h1 {h1s(web)} != [{title!r}]"

    department = page.locator(".article-meta span", has_text="供稿单位").locator("a")
    label = department.inner_text().strip()
    department.click()
    page.wait_for_load_state()
    assert "/departments/" in page.url, page.url
    assert h1s(web) == [label]
    assert title in page.locator(".items .item-title a").all_text_contents(), \
        f"department page {page.url} does not list {title!r}"

    page.locator(".breadcrumb a", has_text="首页").click()
    page.wait_for_load_state()
    assert page.url == web.url("index.html")
    expect(page.locator(".items .item-title a").first).to_have_text(title)
    web.assert_clean()


def test_list_pages_paginate(web: Web, site_dir: Path) -> None:
    page = web.page
    if not list(site_dir.glob("**/page-*.html")):
        pytest.skip("no list in the demo has more than one page")
    web.goto("index.html")
    lists = [a for a in page.eval_on_selector_all(".topnav a", "els => els.map(a => a.href)")
             if "/types/" in a or "/columns/" in a]
    for href in lists:
        page.goto(href)
        if page.locator(".pager").count():
            break
    else:
        pytest.fail(f"page-N.html files exist but no column/type list in the nav has a pager: {lists}")

    heading = h1s(web)
    total = int(re.search(r"共 (\d+) 篇", page.text_content(".page-sub") or "").group(1))
    seen: list[str] = []
    number = 1
    while True:
        sub = page.text_content(".page-sub") or ""
        assert f"第 {number}/" in sub, f"{page.url}: page-sub {sub!r}, expected page {number}"
        assert h1s(web) == heading
        titles = page.locator(".items .item-title a").all_text_contents()
        assert titles, f"{page.url} lists no entries"
        seen += titles
        following = page.locator(".pager a[rel=next]")
        if not following.count():
            break
        following.click()
        page.wait_for_load_state()
        number += 1
    assert number > 1
    assert len(seen) == total == len(set(seen)), f"{total} entries announced, pages listed {len(seen)}"

    last = page.url
    page.locator(".pager a[rel=prev]").click()
    page.wait_for_load_state()
    assert f"第 {number - 1}/" in (page.text_content(".page-sub") or ""), page.url
    page.locator(".pager").get_by_role("link", name=str(number), exact=True).click()
    page.wait_for_load_state()
    assert page.url == last, f"the pager's link {number} leads to {page.url}, not {last}"
    web.assert_clean()


# --------------------------------------------------------------------------- 3. search

def test_search_unspaced_phrase_marks_excerpt(web: Web) -> None:
    found = search(web, "反诈宣传进社区")
    titles = [t for t, _ in found]
    assert TARGET in titles, f"{TARGET!r} not among {titles} (status {status(web)!r})"
    assert "找到" in status(web)
    item = web.page.locator("#search-results li", has=web.page.locator(".result-title a", has_text=TARGET))
    marks = item.locator(".result-excerpt mark").all_text_contents()
    assert marks, f"the excerpt of {TARGET!r} has no <mark>: {item.locator('.result-excerpt').inner_html()}"
    assert "反诈宣传进社区" in marks
    href = dict(found)[TARGET]
    web.page.goto(href)
    assert h1s(web) == [TARGET], f"search result link {href} opens {h1s(web)}"
    web.assert_clean()


def test_search_finds_model_figure_by_name(web: Web, site_dir: Path) -> None:
    figures = {}
    for path in sorted(site_dir.glob("20*/*/*.html")):
        text = path.read_text(encoding="utf-8")
        name = re.search(r'<p class="figure-name">(.*?)</p>', text)
        if name:
            title = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1)
            figures[html.unescape(name.group(1)).strip()] = html.unescape(title).strip()
    assert figures, "no published entry of the demo shows a model figure (.figure-name)"
    name, title = next(iter(figures.items()))
    titles = [t for t, _ in search(web, name)]
    assert title in titles, f"searching the figure {name!r} does not find {title!r}: {titles}"
    web.assert_clean()


def test_search_type_filter_narrows(web: Web) -> None:
    page = web.page
    everything = search(web, "民警")
    assert len(everything) > 1, status(web)
    total = int(re.search(r"找到 (\d+) 篇", status(web)).group(1))
    page.evaluate("document.getElementById('search-status').textContent = ''")
    page.select_option("#search-type", label="先进典型")
    page.wait_for_function(DONE)
    narrowed = results(web)
    count = int(re.search(r"找到 (\d+) 篇", status(web)).group(1))
    assert 0 < len(narrowed) <= count < total, f"{total} → {count} with 先进典型"
    types = page.locator("#search-results .meta-type").all_text_contents()
    assert set(types) == {"先进典型"}, types
    assert "type=" in page.url, f"the filter is not kept in the address: {page.url}"
    web.assert_clean()


def test_search_nonsense_says_nothing_found(web: Web) -> None:
    assert search(web, "龘靐齉爩 qxzvjk") == []
    assert "没有找到" in status(web)
    web.assert_clean()


# --------------------------------------------------------------------------- 4. every entry

def pick_words(title: str) -> str:
    """A 4-character Chinese substring of the title: the middle of its longest Chinese run."""
    run = max(CJK_RUN.findall(title), key=len, default="")
    assert len(run) >= 2, f"title {title!r} has no Chinese word to search for"
    if len(run) <= 4:
        return run
    start = (len(run) - 4) // 2
    return run[start:start + 4]


def test_every_entry_is_found_by_a_word_of_its_title(web: Web, site_dir: Path) -> None:
    pages = entry_pages(site_dir)
    assert len(pages) >= 30, f"only {len(pages)} entry pages in the demo build"
    web.goto(SEARCH)
    missing, misdirected = [], []
    for url, title in pages.items():
        query = pick_words(title)
        found = dict(search(web, query))
        if title not in found:
            missing.append(f"{query!r} does not find {title!r} ({url}): {list(found)}, {status(web)!r}")
        elif found[title] != web.url(url):
            misdirected.append(f"{query!r} finds {title!r} but links to {found[title]}, not {web.url(url)}")
    assert not missing, f"{len(missing)} of {len(pages)} entries not found:\n  " + "\n  ".join(missing)
    assert not misdirected, (f"{len(misdirected)} of {len(pages)} results link to the wrong address:\n  "
                             + "\n  ".join(misdirected))
    web.assert_clean()


# --------------------------------------------------------------------------- 5. sub-path

def test_home_and_search_requests_stay_under_sub_path(web: Web) -> None:
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(web.base))
    web.goto("index.html", wait_until="networkidle")
    web.goto(SEARCH + "?q=" + "反诈宣传进社区", wait_until="networkidle")
    web.page.wait_for_function(DONE)
    assert TARGET in [t for t, _ in results(web)], status(web)
    same_origin = [u for u in web.requests if u.startswith(origin + "/") or u == origin]
    outside = [u for u in same_origin if not urlsplit(u).path.startswith(PREFIX)]
    assert not outside, f"requests outside {PREFIX}: {outside}"
    assert any("/search/index/" in u for u in same_origin), "the search page loaded no index shard"
    assert any("/search/text/" in u for u in same_origin), "the search page loaded no entry text"
    links = web.page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    stray = [u for u in links if u.startswith(origin) and not urlsplit(u).path.startswith(PREFIX)]
    assert not stray, f"links leaving {PREFIX}: {stray}"
    web.assert_clean()


# --------------------------------------------------------------------------- 6. phone width

def test_no_horizontal_scroll_at_375px(web: Web, site_dir: Path) -> None:
    tables = [p for p in sorted(site_dir.glob("20*/*/*.html")) if "<table" in p.read_text("utf-8")]
    assert tables, "no entry of the demo has a table"
    pages = ["index.html", tables[0].relative_to(site_dir).as_posix(), "types/briefing/index.html",
             "departments/chengguan-pcs/index.html", "archive/index.html", "tags/index.html",
             SEARCH + "?q=反诈宣传进社区"]
    web.page.set_viewport_size({"width": 375, "height": 740})
    wide = []
    for path in pages:
        web.goto(path)
        if path.startswith(SEARCH):
            web.page.wait_for_function(DONE)
        sizes = web.page.evaluate(
            """() => {
                 const w = window.innerWidth;
                 const culprits = [...document.querySelectorAll('body *')]
                   .filter(e => e.getBoundingClientRect().right > w + 0.5)
                   .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))
                   .slice(0, 5);
                 return {scroll: document.documentElement.scrollWidth, inner: w, culprits};
               }""")
        if sizes["scroll"] > sizes["inner"]:
            wide.append(f"{path}: scrollWidth {sizes['scroll']} > {sizes['inner']}"
                        f" (e.g. {sizes['culprits']})")
    assert not wide, "horizontal scrolling at 375 px:\n  " + "\n  ".join(wide)
    web.assert_clean()


# --------------------------------------------------------------------------- 7. print

def test_print_stylesheet_hides_navigation(web: Web, site_dir: Path) -> None:
    entry = next(iter(entry_pages(site_dir)))
    web.page.emulate_media(media="print")
    for path in ("index.html", entry):
        web.goto(path)
        for selector in (".topnav", ".sidebar"):
            display = web.page.eval_on_selector(selector, "e => getComputedStyle(e).display")
            assert display == "none", f"{path}: {selector} is display:{display} in print"
            expect(web.page.locator(selector)).to_be_hidden()
        assert web.page.locator("h1").first.is_visible() or path == "index.html"
    web.page.emulate_media(media="screen")
    web.goto("index.html")
    expect(web.page.locator(".topnav")).to_be_visible()


# --------------------------------------------------------------------------- 8. Chinese terms

def check_term_list(web: Web, index: str, link: str, crumb: str) -> None:
    """From the index page, open the first Chinese-named term; check it and come back."""
    page = web.page
    web.goto(index)
    index_h1 = h1s(web)
    anchor = page.locator(link).filter(has_text=CJK_RUN).first
    label = anchor.inner_text().strip()
    anchor.click()
    page.wait_for_load_state()
    assert h1s(web) == [label], f"{page.url}: h1 {h1s(web)} != [{label!r}]"
    assert page.title().startswith(label)
    statuses = link_statuses(web, ".items .item-title a")
    assert statuses, f"{page.url} lists no entries"
    broken = {u: s for u, s in statuses.items() if s != 200}
    assert not broken, f"{page.url}: broken entry links {broken}"
    count = int(re.search(r"共 (\d+) 篇", page.text_content(".page-sub") or "").group(1))
    if page.locator(".pager").count() == 0:
        assert len(statuses) == count, f"{page.url}: says 共 {count} 篇, lists {len(statuses)}"
    page.locator(".breadcrumb a", has_text=crumb).click()
    page.wait_for_load_state()
    assert page.url == web.url(index), f"breadcrumb {crumb!r} leads to {page.url}"
    assert h1s(web) == index_h1


def test_tag_department_and_month_pages(web: Web) -> None:
    check_term_list(web, "tags/index.html", ".term-list a", "标签")
    check_term_list(web, "departments/index.html", ".term-list a", "供稿单位")
    check_term_list(web, "archive/index.html", ".archive-month a", "往期归档")
    web.assert_clean()


# --------------------------------------------------------------------------- 9. file://

def test_search_works_from_disk(web: Web, site_dir: Path) -> None:
    """Opened as a file (no web server), search still finds and links the entry."""
    page = web.page
    page.goto((site_dir / SEARCH).as_uri())
    page.fill("#search-q", "反诈宣传进社区")
    page.press("#search-q", "Enter")
    page.wait_for_function(DONE, timeout=5_000)
    found = results(web)
    assert TARGET in [t for t, _ in found], status(web)
    href = dict(found)[TARGET]
    assert href.startswith("file://") and Path(urlsplit(href).path).is_file(), href


def test_search_month_filter_shows_and_loads_only_that_month(web: Web, site_dir: Path) -> None:
    """The month is a range of ids: no entry text of another month is loaded."""
    from site_builder.search import parse_text

    web.goto(SEARCH + "?q=" + "民警" + "&month=" + "2024年3月", wait_until="networkidle")
    web.page.wait_for_function(DONE)
    loaded = [urlsplit(u).path.split("/search/text/")[1] for u in web.requests if "/search/text/" in u]
    months = {row[5] for name in loaded for row in parse_text((site_dir / "search/text" / name).read_bytes())}
    assert loaded and months == {"2024-03"}, (loaded, months)
    dates = web.page.locator("#search-results .meta span:first-child").all_text_contents()
    assert dates and all(d.startswith("2024-03") for d in dates), dates


# --------------------------------------------------------------------------- 10. accessibility

A11Y = """(doc) => ({
  lang: doc.documentElement.getAttribute('lang'),
  h1: doc.querySelectorAll('h1').length,
  noalt: [...doc.querySelectorAll('img')].filter(i => !i.hasAttribute('alt')).map(i => i.getAttribute('src')),
})"""


def a11y_faults(path: str, info: dict) -> list[str]:
    faults = []
    if info["lang"] != "zh-CN":
        faults.append(f"{path}: <html lang={info['lang']!r}>")
    if info["h1"] != 1:
        faults.append(f"{path}: {info['h1']} h1 elements")
    if info["noalt"]:
        faults.append(f"{path}: img without alt {info['noalt']}")
    return faults


def test_every_page_has_lang_one_h1_and_img_alt(web: Web, site_dir: Path) -> None:
    """One page of every kind is opened for real; every page of the site is fetched and
    parsed in the browser (DOMParser) — the same markup, at a fraction of the time."""
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.glob("**/*.html"))
    assert len(pages) > 50
    entry = next(iter(entry_pages(site_dir)))
    opened = ["index.html", entry, "types/briefing/index.html", "types/briefing/page-2.html",
              "tags/index.html", "departments/index.html", "departments/chengguan-pcs/index.html",
              "archive/index.html", "archive/2024-03/index.html", "scores/index.html", SEARCH, "404.html"]
    faults = []
    for path in opened:
        if (site_dir / path).is_file():
            web.goto(path)
            faults += a11y_faults(path, web.page.evaluate(f"({A11Y})(document)"))
    parsed = web.page.evaluate(
        """async ([urls, check]) => {
             const probe = eval(check), parser = new DOMParser(), out = {};
             await Promise.all(urls.map(async (u) => {
               const text = await (await fetch(u)).text();
               out[u] = probe(parser.parseFromString(text, 'text/html'));
             }));
             return out;
           }""", [[web.url(p) for p in pages], A11Y])
    for path in pages:
        faults += a11y_faults(path, parsed[web.url(path)])
    assert not faults, f"{len(faults)} accessibility faults:\n  " + "\n  ".join(faults)


def test_search_box_reachable_by_keyboard(web: Web) -> None:
    page = web.page
    web.goto(SEARCH)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "search-q":
            break
    else:
        pytest.fail("40 Tab presses from the top of the search page never reach #search-q")
    page.keyboard.type("反诈宣传进社区")
    page.keyboard.press("Enter")
    page.wait_for_function(DONE)
    assert TARGET in [t for t, _ in results(web)], status(web)
    web.assert_clean()


# --------------------------------------------------------------------------- the guard itself

def test_offline_guard_records_non_loopback_requests(web: Web) -> None:
    web.goto("index.html")
    web.page.evaluate("fetch('http://example.com/x.js').catch(() => null)")
    web.page.wait_for_timeout(200)
    assert web.external == ["http://example.com/x.js"], web.external
    web.external.clear()  # on purpose here; anywhere else it fails the test
