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
