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
