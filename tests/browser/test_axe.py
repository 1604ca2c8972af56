"""axe-core in the browser: no serious or critical violation on any kind of page.

axe-core is installed by .ci/setup into tests/browser/node_modules (pinned in
tests/browser/package.json) and injected from disk: nothing is fetched while testing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed; run .ci/setup")

if TYPE_CHECKING:
    from .conftest import Web

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SEARCH_DONE = "() => /找到|无法|失败|不可用/.test(document.getElementById('search-status').textContent)"

# One page of every kind (and an entry with a picture); the search page with a query, so
# its results are checked too.
PAGES = ["index.html", "types/briefing/index.html", "departments/chengguan-pcs/index.html",
         "archive/index.html", "archive/2024-03/index.html", "tags/index.html",
         "search/index.html?q=反诈宣传", "scores/index.html",
         "scores/2024/departments/jiaoguan/index.html", "scores/2024/correspondents/index.html",
         "stats/index.html"]


def axe_violations(web: Web, path: str) -> list[str]:
    """axe-core's violations on `path`: one line per rule, with its impact and a few targets."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed ({AXE} is missing); run .ci/setup")
    web.goto(path)
    if path.startswith("search/"):
        web.page.wait_for_function(SEARCH_DONE)
    web.page.add_script_tag(path=str(AXE))
    found = web.page.evaluate(
        """async () => {
             const result = await axe.run(document, {resultTypes: ['violations']});
             return result.violations.map(v => ({id: v.id, impact: v.impact,
               targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length}));
           }""")
    return [f"{path}: {v['impact']} {v['id']} ×{v['count']} (e.g. {', '.join(v['targets'])})"
            for v in found]


@pytest.fixture(scope="module")
def pages(site_dir: Path) -> list[str]:
    """PAGES, each of which must exist, and the first entry page with a picture in its text."""
    missing = [p for p in PAGES if not (site_dir / p.split("?")[0]).is_file()]
    assert not missing, f"the demo has no {missing}: update PAGES"
    entries = sorted(site_dir.glob("20*/*/*.html"))
    pictured = [p for p in entries if '<img' in p.read_text("utf-8").split('class="article-body"')[-1]]
    entry = (pictured or entries)[0].relative_to(site_dir).as_posix()
    return [PAGES[0], entry, *PAGES[1:]]


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_serious_or_critical_violation(web: Web, pages: list[str], width: int) -> None:
    web.page.set_viewport_size({"width": width, "height": 900})
    found = [line for path in pages for line in axe_violations(web, path)]
    serious = [line for line in found if " serious " in line or " critical " in line]
    assert not serious, "axe-core, serious or critical:\n  " + "\n  ".join(serious)
    web.assert_clean()


def test_axe_finds_no_heading_order_violation(web: Web, pages: list[str]) -> None:
    """heading-order is 'moderate' for axe, but a list that jumps from h1 to h3 reads badly."""
    found = [line for path in pages for line in axe_violations(web, path) if " heading-order " in line]
    assert not found, "\n  ".join(found)


def test_axe_runs_and_reports(web: Web) -> None:
    """The check can fail: a page given an image without alt is reported by axe."""
    web.goto("index.html")
    web.page.evaluate("""() => document.querySelector('main')
                           .insertAdjacentHTML('beforeend', '<img src="static/emblem.svg">')""")
    web.page.add_script_tag(path=str(AXE))
    ids = web.page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id)")
    assert "image-alt" in ids, ids
