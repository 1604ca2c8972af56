from pathlib import Path

from conftest import entry

from site_builder import build, load_project


def test_a_minimal_project_builds(make_project):
    root = make_project(entries={"2024-03/a.md": entry()})
    report = build(load_project(root))
    assert report.entries == 1
    page = root / "output/site/2024/03/a.html"
    assert "交管大队召开警示教育大会" in page.read_text(encoding="utf-8")
    assert (root / "output/site/index.html").is_file()
    assert Path(root / "output/site/feed.xml").is_file()
