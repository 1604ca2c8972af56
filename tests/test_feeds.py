"""feed.xml and sitemap.xml as their readers take them: feedparser, and the sitemap format
(absolute <loc>s) when site.yaml gives the sites' full addresses."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from conftest import entry

from site_builder import build, check, load_project

LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


@pytest.fixture
def addressed(make_project):
    return make_project(entries={
        "2024-03/a.md": entry(title="内部稿件", reviewer="王建华"),
        "2024-03/b.md": entry(title="公开稿件", date="2024-03-13", classification="public",
                              reviewer="王建华")},
        site={"url": "http://xc.gaj.yl/xuanchuan", "public_url": "https://www.example.gov.cn/jyzd/"})


def locs(path):
    return [loc.text for loc in ET.parse(path).getroot().iter(LOC)]


def test_the_sitemap_and_feed_are_absolute_under_each_editions_address(addressed):
    import feedparser

    build(load_project(addressed), pdf=False)
    build(load_project(addressed), public=True, pdf=False)
    intranet = locs(addressed / "output/site/sitemap.xml")
    assert intranet and all(u.startswith("http://xc.gaj.yl/xuanchuan/") for u in intranet)
    assert "http://xc.gaj.yl/xuanchuan/2024/03/a.html" in intranet
    public = locs(addressed / "output/public/site/sitemap.xml")
    assert public and all(u.startswith("https://www.example.gov.cn/jyzd/") for u in public)
    feed = feedparser.parse((addressed / "output/site/feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.link for e in feed.entries] == ["http://xc.gaj.yl/xuanchuan/2024/03/b.html",
                                              "http://xc.gaj.yl/xuanchuan/2024/03/a.html"]
    public_feed = feedparser.parse((addressed / "output/public/site/feed.xml").read_bytes())
    assert [e.link for e in public_feed.entries] == ["https://www.example.gov.cn/jyzd/2024/03/b.html"]


def test_without_addresses_check_warns_for_each(make_project):
    root = make_project(entries={"a.md": entry(reviewer="王建华")},
                        site={"url": None, "public_url": None})
    found = {(p.key, p.level, p.file.name) for p in check(load_project(root))
             if p.code == "missing-url"}
    assert found == {("url", "warning", "site.yaml"), ("public_url", "warning", "site.yaml")}


def test_with_addresses_check_is_quiet_about_them(addressed):
    assert not [p for p in check(load_project(addressed)) if p.code == "missing-url"]


@pytest.mark.parametrize("url", ["xc.gaj.yl/xuanchuan/", "ftp://x/", "http:///x", "/xuanchuan/"])
def test_an_address_that_is_not_a_full_url_is_a_located_error(make_project, url):
    from conftest import only_problem

    problem = only_problem(make_project(site={"url": url}))
    assert (problem.key, problem.code) == ("url", "invalid-url")
    assert "http://" in problem.hint
