"""The demo project builds, every internal link resolves, every approved entry has its page."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import copy_demo

from site_builder import build, check, load_project

REPO = Path(__file__).resolve().parent.parent


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)
            if name == "id" and value:
                self.ids.add(value)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module", params=[False, True], ids=["intranet", "public"])
def built_demo(demo, request) -> tuple[Path, bool]:
    project = load_project(demo)
    build(project, public=request.param, pdf=not request.param)
    site = demo / "output" / ("public/site" if request.param else "site")
    copy = demo.parent / f"site-{'public' if request.param else 'intranet'}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy)
    return copy, request.param


def test_demo_has_no_errors_and_no_warnings(demo):
    assert [(p.file.name, p.code) for p in check(load_project(demo))] == []


def test_demo_urls_carry_no_test_fixture_names(demo):
    """Odd encodings are in the demo on purpose (Notepad's GB18030, a BOM and CRLF), but
    its URLs are a reader's, not a test's."""
    slugs = [e.slug for e in load_project(demo).entries]
    assert not [s for s in slugs if any(w in s for w in ("gb18030", "bom", "crlf", "utf"))]
    raw = {p.name: p.read_bytes() for p in (demo / "content").rglob("*.md")}
    assert any(data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data for data in raw.values())
    assert any(not _utf8(data) for data in raw.values())  # GB18030


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_demo_is_big_enough_to_be_meaningful(demo):
    entries = load_project(demo).entries
    assert len(entries) >= 36
    assert len({e.month for e in entries}) >= 4 and len({e.department for e in entries}) >= 6
    assert {e.type for e in entries} == {"briefing", "model-figure", "work-summary"}
    assert {e.status for e in entries} == {"draft", "review", "approved"}
    assert {e.classification for e in entries} == {"internal", "public"}


def test_every_internal_link_and_asset_resolves(built_demo):
    site, _ = built_demo
    broken = []
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue  # links from base_url, checked below
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for url in collector.urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            if not parts.path:
                if parts.fragment and parts.fragment not in collector.ids:
                    broken.append((page.relative_to(site).as_posix(), url))
                continue
            assert not parts.path.startswith("/"), f"absolute link {url} in {page}"
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():  # every link points at a file, so file:// works
                broken.append((page.relative_to(site).as_posix(), url))
    assert broken == []


def test_every_approved_entry_has_its_page(built_demo, demo):
    site, public = built_demo
    for entry in load_project(demo).entries:
        page = site / f"{entry.date:%Y/%m}" / f"{entry.slug}.html"
        shown = entry.status == "approved" and (entry.classification == "public" or not public)
        assert page.is_file() == shown, entry.source.name
