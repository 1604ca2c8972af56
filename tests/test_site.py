import os

from conftest import PNG, entry

from site_builder import check, load_project


def test_image_without_alt_text_is_a_warning_on_its_line(make_project):
    root = make_project(entries={"a.md": entry("第一段。\n\n![](p.png)\n", reviewer="王")},
                        files={"content/p.png": PNG})
    [problem] = [p for p in check(load_project(root)) if p.code == "missing-alt"]
    assert (problem.level, problem.line) == ("warning", 11)


def test_image_with_alt_text_is_fine(make_project):
    root = make_project(entries={"a.md": entry("![现场照片](p.png)", reviewer="王")},
                        files={"content/p.png": PNG})
    assert not [p for p in check(load_project(root)) if p.code == "missing-alt"]


def test_resolver_agrees_with_realpath_for_links_and_plain_files(tmp_path):
    from site_builder.site import Resolver

    (tmp_path / "real").mkdir()
    (tmp_path / "real/a.md").write_text("a", encoding="utf-8")
    (tmp_path / "real/b.md").write_text("b", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real/c.md").symlink_to(tmp_path / "real/b.md")
    real = Resolver()
    for path in ("real/a.md", "real/c.md", "linked/a.md", "linked/c.md", "real/../real/b.md",
                 "real/missing.md", "nowhere/x.md", "real/.."):
        assert real(tmp_path / path) == os.path.realpath(tmp_path / path), path


def test_a_link_to_an_entry_that_a_folder_link_brings_in_reaches_its_page(make_project):
    from site_builder import build

    root = make_project(entries={"a.md": entry("另见[共享稿件](shared/b.md)。", reviewer="王")})
    (root / "shared").mkdir()
    (root / "shared/b.md").write_text(entry(title="共享目录的稿件", date="2024-03-13"), encoding="utf-8")
    (root / "content/shared").symlink_to(root / "shared")
    report = build(load_project(root), pdf=False)
    assert not [p for p in report.warnings if p.code == "broken-link"]
    page = (root / "output/site/2024/03/a.html").read_text(encoding="utf-8")
    assert 'href="../../2024/03/b.html"' in page


def test_a_site_whose_entries_changed_only_in_body_is_laid_out_as_if_from_scratch(make_project):
    """same_layout() puts the new entries into last build's lists and neighbours: the Site
    must equal one sorted and grouped again (lay_out), with untouched lists kept."""
    from site_builder.cache import BuildCache
    from site_builder.publish import select
    from site_builder.site import assemble_site

    units = ("交管大队", "刑侦大队", "城关派出所")
    entries = {f"2024-0{m}/e{m}{n}.md": entry(f"第{m}月第{n}篇正文。", title=f"{m}月稿件{n}",
                                              date=f"2024-0{m}-1{n}", department=units[n % 3],
                                              tags=[f"标签{n % 2}", f"标签{m}"], reviewer="王")
               for m in (1, 2, 3) for n in (1, 2, 3, 4)}
    root = make_project(entries=entries)
    cache = BuildCache(root, deferred=True)

    def site_of(from_scratch: bool = False):
        project = load_project(root, cache)
        if from_scratch:
            cache.layout = None
        return assemble_site(project.config, project.entries,
                             select(project.entries, False, False), False, project.warnings, cache)

    first = site_of()
    for name in ("2024-02/e22.md", "2024-02/e23.md", "2024-03/e34.md"):  # neighbours, a newest
        text = (root / "content" / name).read_text(encoding="utf-8")
        (root / "content" / name).write_text(text + "\n追加的一句。\n", encoding="utf-8")
    patched = site_of()
    assert patched == site_of(from_scratch=True)
    assert patched.term("month", "2024-01") is first.term("month", "2024-01")  # untouched: kept
    assert patched.term("month", "2024-02") is not first.term("month", "2024-02")
    assert [e.body_md for e in patched.term("tag", "标签1").entries] != \
        [e.body_md for e in first.term("tag", "标签1").entries]
    # a title is on the cards: laid out from scratch, equal all the same
    (root / "content/2024-01/e11.md").write_text(
        entries["2024-01/e11.md"].replace("1月稿件1", "新标题"), encoding="utf-8")
    assert site_of() == site_of(from_scratch=True)
