
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
