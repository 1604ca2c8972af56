"""What one query fetches (issue 18 item 1): under 200 KB, and not growing with the archive.

The bench's corpus generator (bench/gen_corpus.py) writes 250 and 1,000 entries; each is
built and served by a local http.server (file:// has no network log), and each query runs
in a fresh browser context, so nothing is cached.  The bytes are the response bodies in the
network log after the page has loaded (its HTML, CSS and scripts are the page's own).
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from site_builder import build, load_project
from site_builder.search import fold, parse_text

from .conftest import QuietHandler

pytest.importorskip("playwright.sync_api", reason="playwright is not installed; run .ci/setup")

REPO = Path(__file__).resolve().parents[2]
PREFIX = "/xuanchuan/"
LIMIT = 200_000
DONE = "() => /找到|失败/.test(document.getElementById('search-status').textContent)"
# Fixed queries (the corpus's phrase banks hold them at any size) and one title of each corpus.
QUERIES = ["矛盾纠纷排查化解", "民警", "2024年", "110", "守"]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, str]]:
    """250 and 1,000 generated entries, built, each served under /xuanchuan/: size → URL."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from gen_corpus import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    servers, out = [], {}
    for size in (250, 1000):
        root = tmp_path_factory.mktemp(f"corpus{size}")
        generate(root, size, seed=3)
        build(load_project(root), pdf=False)
        docroot = tmp_path_factory.mktemp(f"docroot{size}")
        (docroot / PREFIX.strip("/")).symlink_to(root / "output/site", target_is_directory=True)
        handler = functools.partial(QuietHandler, directory=str(docroot))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        out[size] = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
        out[-size] = str(root / "output/site")
    yield out
    for server in servers:
        server.shutdown()
        server.server_close()


def query_bytes(browser: Any, base: str, query: str) -> tuple[int, str]:
    """Bytes the query loads, cold, and the status line it ends with."""
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(base + "search/index.html", wait_until="networkidle")
        sizes: list[int] = []
        page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
        page.fill("#search-q", query)
        page.press("#search-q", "Enter")
        page.wait_for_function(DONE)
        page.wait_for_load_state("networkidle")
        return sum(sizes), page.text_content("#search-status") or ""
    finally:
        context.close()


def a_title(site: str) -> str:
    """The newest entry's title, typed without punctuation."""
    last = max(Path(site, "search/text").glob("*.js"), key=lambda p: int(p.stem, 36))
    return "".join(c for c in parse_text(last.read_bytes())[0][1] if fold(c)[0])


def test_a_query_loads_under_200_kb_and_no_more_at_four_times_the_entries(browser, corpora) -> None:
    loaded = {}
    for size in (250, 1000):
        for query in [*QUERIES, a_title(corpora[-size])]:
            got, said = query_bytes(browser, corpora[size], query)
            assert "找到" in said and "失败" not in said, (size, query, said)
            loaded[size, query] = got
    worst = {size: max(n for (s, _), n in loaded.items() if s == size) for size in (250, 1000)}
    assert all(n < LIMIT for n in loaded.values()), loaded
    assert worst[1000] <= 1.5 * worst[250], (worst, loaded)
    assert all(loaded.values()), loaded  # the log did see what each query loaded
