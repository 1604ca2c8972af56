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


# What a link may publish: files of content/ only — not the ledger, not a name or a
# folder starting with "." or "_" — whatever the path says.

PROJECT_FILES = {
    "../../.git/config": ".git/config",
    "../../site.yaml": "site.yaml",
    "../../notes.txt": "notes.txt",
    "../../.cache/intranet.pickle": ".cache/intranet.pickle",
    "../../templates/base.html": "templates/base.html",
    "../ledger/2024.yaml": "content/ledger/2024.yaml",
    ".hidden.png": "content/2024-03/.hidden.png",
    "_drafts/photo.png": "content/2024-03/_drafts/photo.png",
    "../.git/HEAD": "content/.git/HEAD",
}


def linking(make_project, href: str, kind: str = "link"):
    body = f"![图]({href})" if kind == "image" else f"见[附件]({href})。"
    root = make_project(entries={"2024-03/a.md": entry(body)})
    for name in PROJECT_FILES.values():
        path = root / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(PNG if name.endswith(".png") else b"# token = secret-123\n[]\n")
    return root


@pytest.mark.parametrize("kind", ["link", "image"])
@pytest.mark.parametrize("href", list(PROJECT_FILES))
def test_a_link_may_publish_only_files_of_content(make_project, href, kind):
    from site_builder import ContentError

    root = linking(make_project, href, kind)
    with pytest.raises(ContentError) as err:
        build(load_project(root))
    [problem] = [p for p in err.value.problems if p.is_error]
    assert (problem.code, problem.line, problem.level) == ("unpublishable-file", 8, "error")
    assert href in problem.message and "content/" in problem.hint
    assert not (root / "output").exists() or b"secret-123" not in all_output(root)


def test_a_file_of_content_is_published_beside_the_entry(make_project):
    root = make_project(entries={"2024-03/a.md": entry("![图](images/ok.png)")},
                        files={"content/2024-03/images/ok.png": PNG})
    build(load_project(root))
    assert (root / "output/site/media/2024-03/images/ok.png").read_bytes() == PNG
    assert not (root / "output/site/media/_").exists()


@pytest.mark.parametrize("cover", ["../ledger/c.png", "_private/c.png", ".c.png", "c.png~",
                                   "secret.md", "SECRET.MD"])
def test_a_cover_that_may_not_be_published_is_a_located_error(make_project, cover):
    """A cover naming another entry's source would publish a draft's or an internal
    entry's full text; a backup (~) is the editor's, not the reader's."""
    from conftest import only_problem

    root = make_project(entries={"2024-03/a.md": entry(cover=cover)},
                        files={"content/ledger/c.png": PNG, "content/2024-03/_private/c.png": PNG,
                               "content/2024-03/.c.png": PNG, "content/2024-03/c.png~": PNG,
                               "content/2024-03/SECRET.MD": "内部稿件"})
    if cover == "secret.md":
        (root / "content/2024-03/secret.md").write_text(
            entry("内部正文。", title="内部", status="review"), encoding="utf-8")
    problem = only_problem(root)
    assert (problem.line, problem.key, problem.code) == (6, "cover", "unpublishable-file")
    assert cover in problem.message


def test_the_newsletter_may_not_read_what_a_link_may_not_publish(make_project):
    """The print fetcher is the last guard: even HTML that names a ledger file by its
    site-builder: URL (as a template could) gets it refused."""
    from site_builder import ContentError
    from site_builder.newsletter.pdf import print_html

    root = make_project(entries={"2024-03/a.md": entry()},
                        files={"content/ledger/x.png": PNG, "content/2024-03/ok.png": PNG})
    project = load_project(root)
    html = ('<p>图</p><img src="site-builder:content/2024-03/ok.png">'
            '<img src="site-builder:content/ledger/x.png"><img src="site-builder:site.yaml">')
    with pytest.raises(ContentError) as err:
        print_html(project, html, root / "out.pdf")
    assert [p.message.rsplit("：", 1)[1] for p in err.value.problems] == [
        "site-builder:content/ledger/x.png", "site-builder:site.yaml"]
