"""An excluded entry must appear nowhere: no page, list, tag, feed, sitemap, neighbour or image."""

from pathlib import Path

import pytest
from conftest import PNG, entry

from site_builder import build, load_project


def all_output(root: Path) -> bytes:
    return b"\n".join(p.read_bytes() + p.as_posix().encode()
                      for p in (root / "output").rglob("*") if p.is_file())


def secret_project(make_project, **secret_front):
    return make_project(entries={
        "2024-03/open.md": entry(title="公开的便民服务稿件", classification="public",
                                 tags=["便民服务"]),
        "2024-03/secret-piece.md": entry(
            "![现场](images/secret-photo.png)\n\n绝密正文内容。", title="内部警示教育案例通报",
            date="2024-03-13", tags=["内部专属标签"], cover="images/secret-cover.png",
            **secret_front),
        "2024-03/later.md": entry(title="之后的公开稿件", date="2024-03-14", classification="public"),
    }, files={"content/2024-03/images/secret-photo.png": PNG,
              "content/2024-03/images/secret-cover.png": PNG})


@pytest.mark.parametrize(("front", "public"), [
    ({"classification": "internal"}, True),
    ({"status": "draft", "classification": "public"}, False),
    ({"status": "review", "classification": "public"}, False),
    ({"status": "draft"}, True),
])
def test_excluded_entry_appears_nowhere(make_project, front, public):
    root = secret_project(make_project, **front)
    report = build(load_project(root), public=public)
    assert report.entries == 2
    everything = all_output(root)
    for trace in ("内部警示教育案例通报", "secret-piece", "内部专属标签", "secret-photo",
                  "secret-cover", "绝密正文内容", "nei-bu-zhuan-shu"):
        assert trace.encode() not in everything, trace


def test_neighbours_skip_the_excluded_entry(make_project):
    root = secret_project(make_project, status="draft")
    build(load_project(root))
    page = (root / "output/site/2024/03/open.html").read_text(encoding="utf-8")
    assert 'href="../../2024/03/later.html"' in page


def test_internal_entries_are_published_in_the_intranet_build(make_project):
    root = secret_project(make_project)
    report = build(load_project(root))
    assert report.entries == 3
    assert (root / "output/site/2024/03/secret-piece.html").is_file()
    assert (root / "output/site/media/2024-03/images/secret-photo.png").is_file()


def test_default_status_applies_when_an_entry_names_none(make_project):
    root = make_project(entries={"a.md": entry()}, site={"default_status": "review"})
    assert build(load_project(root)).entries == 0


def test_build_summary_says_what_was_left_out(make_project):
    root = secret_project(make_project, status="draft")
    report = build(load_project(root), public=True)
    assert "草稿 1 篇" in report.summary()
