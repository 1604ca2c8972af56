"""Browser-test fixtures: the demo site built once, served under a sub-path, one Chromium.

The demo (site.yaml, scoring.yaml, content/, templates/) is copied into a temporary
directory and built there once per session, so the repository's own output/ is never
touched.  The site is served by Python's http.server at http://127.0.0.1:PORT/xuanchuan/
— a sub-path, as on the intranet server — and anything outside /xuanchuan/ is a 404.

Chromium is the Debian package (/usr/bin/chromium), driven by Playwright; no browser is
downloaded.  The machine is offline: a request to any host other than loopback is aborted
and recorded, and fails the test.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
PREFIX = "/xuanchuan/"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


# --------------------------------------------------------------------------- the site

@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo project, built once (without PDFs); returns the project root."""
    from conftest import copy_demo

    from site_builder import build, load_project

    root = copy_demo(tmp_path_factory.mktemp("demo"))
    build(load_project(root), pdf=False)
    assert (root / "output/site/index.html").is_file(), "the demo build wrote no output/site/index.html"
    return root


@pytest.fixture(scope="session")
def site_dir(demo_root: Path) -> Path:
    return demo_root / "output" / "site"


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files; 404 for anything outside the /xuanchuan/ sub-path."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _inside(self) -> bool:
        if urlsplit(self.path).path.startswith(PREFIX):
            return True
        self.send_error(404, "outside " + PREFIX)
        return False

    def do_GET(self) -> None:
        if self._inside():
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._inside():
            super().do_HEAD()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a page left mid-load closes its connections: nothing to report


@pytest.fixture(scope="session")
def base_url(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """http://127.0.0.1:PORT/xuanchuan/ serving output/site (through a symlink)."""
    docroot = tmp_path_factory.mktemp("docroot")
    (docroot / PREFIX.strip("/")).symlink_to(site_dir, target_is_directory=True)
    handler = functools.partial(QuietHandler, directory=str(docroot))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        pytest.skip(f"playwright is not importable ({err}); run .ci/setup")
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium is not installed (no `chromium` on PATH, no /usr/bin/chromium); run .ci/setup")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Any http(s)/ws(s) URL whose host is not loopback.
NOT_LOOPBACK = re.compile(r"^(https?|wss?)://(?!(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$))")


@dataclass
class Web:
    """One browser context and page, with everything that went wrong recorded."""

    base: str
    context: Any
    page: Any
    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def goto(self, path: str = "", wait_until: str = "load") -> Any:
        response = self.page.goto(self.url(path), wait_until=wait_until)
        assert response is not None and response.ok, f"{self.url(path)}: HTTP {response and response.status}"
        return response

    def reset(self) -> None:
        for bucket in (self.requests, self.external, self.console_errors, self.page_errors,
                       self.failed, self.bad_status):
            bucket.clear()

    def problems(self) -> list[str]:
        return ([f"request to a non-loopback host: {u}" for u in self.external]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"page error: {m}" for m in self.page_errors]
                + [f"request failed: {m}" for m in self.failed]
                + [f"HTTP error: {m}" for m in self.bad_status])

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "problems while browsing:\n  " + "\n  ".join(problems)


@pytest.fixture
def web(browser: Any, base_url: str) -> Iterator[Web]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    web = Web(base_url, context, page)

    def block(route: Any) -> None:
        web.external.append(route.request.url)
        route.abort()

    # A regex (unlike a Python predicate) is matched inside the browser: loopback requests
    # are never routed through Python, so they stay fast and cacheable.
    context.route(NOT_LOOPBACK, block)
    context.on("request", lambda r: web.requests.append(r.url))
    page.on("console", lambda m: web.console_errors.append(f"{m.text} ({page.url})")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: web.page_errors.append(f"{e} ({page.url})"))
    # net::ERR_ABORTED is a load cut short by the next navigation (or the route above)
    page.on("requestfailed", lambda r: web.failed.append(f"{r.url}: {r.failure}")
            if r.failure != "net::ERR_ABORTED" else None)
    page.on("response", lambda r: web.bad_status.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        yield web
    finally:
        external = list(web.external)
        context.close()
    assert not external, f"requests to non-loopback hosts (the machine is offline): {external}"
