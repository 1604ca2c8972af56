"""search.py: one script of rows per month, exactly the published entries, as plain text."""

import json
import re
from pathlib import Path

from conftest import entry

from site_builder import build, load_project


def months(site: Path) -> dict[str, list[list[str]]]:
    """search/data/*.js → month → rows, parsed back as JSON."""
    out = {}
    for path in sorted((site / "search/data").glob("*.js")):
        match = re.fullmatch(r'siteSearch\.add\(("[^"]+"),(.*)\);\n', path.read_text(encoding="utf-8"),
                             re.S)
        assert match, f"{path.name} is not one siteSearch.add(...) call"
        out[json.loads(match.group(1))] = json.loads(match.group(2))
    return out


def test_rows_hold_labels_names_and_plain_body_text(make_project):
    root = make_project(entries={
        "a.md": entry('会上，**张伟**讲话。<script>alert("x")</script>\n\n'
                      '| 项 | 数 |\n|---|---|\n| 案件 | 3 |',
                      title='标题含"引号"与\\反斜杠', tags=["警示教育"], authors=["李明"]),
        "b.md": entry("四月的正文。", title="四月稿件", date="2024-04-02", type="model-figure",
                      figure={"name": "王芳", "title": "民警"}),
    })
    build(load_project(root), pdf=False)
    data = months(root / "output/site")
    assert sorted(data) == ["2024-03", "2024-04"]
    [row] = data["2024-03"]
    url, title, date, dept, kind, month, extra, text = row
    assert (root / "output/site" / url).is_file()
    assert (title, date, dept, kind, month) == ('标题含"引号"与\\反斜杠', "2024-03-12", "交管大队",
                                               "工作动态", "2024-03")
    assert extra == "警示教育 李明"
    assert "张伟讲话" in text and "案件 3" in text
    assert "<" not in text and "alert" not in text and "**" not in text
    assert data["2024-04"][0][6] == "王芳"


def test_search_page_names_every_month_file_with_its_version(make_project):
    root = make_project(entries={"a.md": entry(), "b.md": entry(title="二月", date="2024-02-01")})
    build(load_project(root), pdf=False)
    page = (root / "output/site/search/index.html").read_text(encoding="utf-8")
    listed = json.loads(re.search(r"data-months='([^']*)'", page).group(1))
    assert [m["month"] for m in listed] == ["2024-03", "2024-02"]  # newest first
    assert [m["label"] for m in listed] == ["2024年3月", "2024年2月"]
    for item in listed:
        path, _, tag = item["src"].partition("?v=")
        assert (root / "output/site" / path).is_file() and re.fullmatch(r"[0-9a-f]{10}", tag)


def test_unpublished_and_internal_entries_are_not_searchable(make_project):
    root = make_project(entries={
        "a.md": entry("公开的正文。", title="公开稿件", classification="public"),
        "b.md": entry("内部的正文。", title="内部稿件", classification="internal"),
        "c.md": entry("草稿的正文。", title="草稿稿件", status="draft"),
    })
    build(load_project(root), pdf=False)
    titles = [row[1] for rows in months(root / "output/site").values() for row in rows]
    assert sorted(titles) == ["公开稿件", "内部稿件"]
    build(load_project(root), public=True, pdf=False)
    titles = [row[1] for rows in months(root / "output/public/site").values() for row in rows]
    assert titles == ["公开稿件"]
