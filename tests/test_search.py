"""search.py: one script of rows per month, exactly the published entries, as plain text."""

import json
import re
from pathlib import Path

from conftest import entry
from hypothesis import given
from hypothesis import strategies as st

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


# --------------------------------------------------------------------------- folding

def test_fold_drops_punctuation_and_spaces_and_folds_width_case_and_script():
    from site_builder.search import fold

    assert fold("看守所原创微视频《高墙内的守望》获自治区级平台展播")[0] == \
        "看守所原创微视频高墙内的守望获自治区级平台展播"
    assert fold("“社区里的贴心人”——记城东派出所")[0] == "社区里的贴心人记城东派出所"
    assert fold("千里追逃 抓获\u3000潜逃")[0] == "千里追逃抓获潜逃"
    assert fold("ＡＰＰ App １１０、2024年①")[0] == "appapp1102024年1"
    assert fold("高牆內的守望　家屬送來錦旗")[0] == "高墙内的守望家属送来锦旗"


def test_fold_says_where_each_folded_character_came_from():
    from site_builder.search import fold

    text = "《守望》获 ＡＰＰ"
    folded, origins = fold(text)
    assert folded == "守望获app"
    assert [text[i] for i in origins] == ["守", "望", "获", "Ａ", "Ｐ", "Ｐ"]


def test_the_table_is_opencc_one_character_to_one():
    from site_builder.search import fold_table

    table = fold_table()
    assert len(table) > 3000
    assert (table["後"], table["髮"], table["發"], table["乾"], table["臺"]) == ("后", "发", "发", "干", "台")
    assert all(len(k) == 1 and len(v) == 1 and k != v for k, v in table.items())


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
       st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_fold_is_character_by_character(a, b):
    """So the index and the query fold alike, wherever the query starts in the text."""
    from site_builder.search import fold

    assert fold(a + b)[0] == fold(a)[0] + fold(b)[0]


def test_the_build_writes_the_table_for_the_search_page(make_project):
    from site_builder.search import fold_table

    root = make_project(entries={"a.md": entry()})
    build(load_project(root), pdf=False)
    script = (root / "output/site/static/search-fold.js").read_text(encoding="utf-8")
    assert "Apache License 2.0" in script
    pairs = json.loads(re.search(r"window\.siteSearchFold = (\".*\");", script).group(1))
    assert dict(zip(pairs[::2], pairs[1::2], strict=True)) == fold_table()
    page = (root / "output/site/search/index.html").read_text(encoding="utf-8")
    assert page.index("static/search-fold.js") < page.index("static/search.js")
