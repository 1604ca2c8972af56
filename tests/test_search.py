"""search.py: the sharded index and the entries' text, exactly the published entries."""

import base64
import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

from conftest import entry
from hypothesis import given
from hypothesis import strategies as st

from site_builder import build, load_project
from site_builder.postings import LIMIT, decode, encode
from site_builder.search import (
    SHARDS,
    SLOTS,
    parse_shard,
    parse_text,
    row_tokens,
    shard_of,
    shard_path,
    version,
)


def rows(site: Path) -> dict[int, list[list[str]]]:
    """search/text/*.js → id → its rows."""
    out = {}
    for path in sorted((site / "search/text").glob("*.js")):
        ident = int(re.match(rb"siteSearch\.text\((\d+),", path.read_bytes()).group(1))
        assert path.stem == base36(ident)
        out[ident] = parse_text(path.read_bytes())
    return out


def base36(n: int) -> str:
    return "0" if n == 0 else base36(n // 36).lstrip("0") + "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]


def index(site: Path) -> dict[str, tuple[list[int], list[int]]]:
    """search/index/*.js → token → (ids anywhere, ids in a title), every shard checked."""
    out = {}
    for path in sorted((site / "search/index").glob("*.js")):
        shard = int(path.stem, 16)
        for token, lists in parse_shard(path.read_bytes()).items():
            assert shard_of(token) == shard, token
            anywhere, _, titled = lists.partition(".")
            out[token] = (decode(anywhere), decode(titled))
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
    data = sorted((row for group in rows(root / "output/site").values() for row in group),
                  key=lambda row: row[2])
    assert [row[5] for row in data] == ["2024-03", "2024-04"]
    url, title, date, dept, kind, month, extra, text = data[0]
    assert (root / "output/site" / url).is_file()
    assert (title, date, dept, kind, month) == ('标题含"引号"与\\反斜杠', "2024-03-12", "交管大队",
                                               "工作动态", "2024-03")
    assert extra == "警示教育 李明"
    assert "张伟讲话" in text and "案件 3" in text
    assert "<" not in text and "alert" not in text and "**" not in text
    assert data[1][6] == "王芳"


def test_the_index_lists_exactly_each_entrys_tokens(make_project):
    root = make_project(entries={
        "a.md": entry("群众下载ＡＰＰ后可一键报警，110接处警。", title="《警民通》上线", date="2024-03-02"),
        "b.md": entry("民警走访群众。", title="社区民警走访", date="2024-03-02", department="刑侦大队"),
        "c.md": entry("高牆內的守望。", title="看守所", date="2023-11-30", type="model-figure",
                      figure={"name": "林素秋", "title": "民警"}),
    })
    build(load_project(root), pdf=False)
    site = root / "output/site"
    expected: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for ident, group in sorted(rows(site).items()):
        anywhere, titled = set(), set()
        for row in group:
            a, t = row_tokens(row)
            anywhere |= a
            titled |= t
        for token in anywhere:
            expected[token][0].append(ident)
        for token in titled:
            expected[token][1].append(ident)
    assert index(site) == dict(expected)
    got = index(site)
    assert {"app", "110", "民警", "高墙", "#all", "#t先进典型", "#d刑侦大队"} <= got.keys()
    assert "11" in got and "10" in got and "《警" not in got and "警民" in got
    assert len(got["#all"][0]) == 3 and got["民警"][1] and got["警"][0] == []  # one character: titles


def test_an_id_is_the_entrys_day_and_a_hash_of_its_url(make_project):
    root = make_project(entries={"a.md": entry(date="2024-03-12"),
                                 "b.md": entry(title="乙", date="2024-03-13")})
    build(load_project(root), pdf=False)
    ids = sorted(rows(root / "output/site"))
    day = (dt.date(2024, 3, 12) - dt.date(1900, 1, 1)).days
    assert ids[0] // SLOTS == day and ids[1] // SLOTS == day + 1
    first = ids[0]
    (root / "content/c.md").write_text(entry(title="丙", date="2024-03-01"), encoding="utf-8")
    build(load_project(root), pdf=False)
    assert first in rows(root / "output/site")  # another entry changes no other's id


def test_search_page_names_the_index_and_its_scripts_with_their_versions(make_project):
    root = make_project(entries={"a.md": entry(), "b.md": entry(title="二月", date="2024-02-01")})
    build(load_project(root), pdf=False)
    site = root / "output/site"
    page = (site / "search/index.html").read_text(encoding="utf-8")
    info = json.loads(re.search(r"data-index='([^']*)'", page).group(1))
    assert (info["shards"], info["slots"]) == (SHARDS, SLOTS)
    assert re.fullmatch(r"[0-9a-f]{10}", info["version"])
    bits = base64.urlsafe_b64decode(info["present"] + "=" * (-len(info["present"]) % 4))
    present = {n for n in range(SHARDS) if bits[n >> 3] & (0x80 >> (n & 7))}
    assert present == {int(p.stem, 16) for p in (site / "search/index").glob("*.js")}
    assert all((site / shard_path(n)).is_file() for n in present)
    for name in ("search-fold.js", "search.js"):
        tag = re.search(rf'src="\.\./static/{re.escape(name)}\?v=([0-9a-f]{{10}})"', page)
        assert tag, f"{name} has no ?v= version"
        assert tag.group(1) == version((site / "static" / name).read_bytes())
    assert re.findall(r'<option data-key="(\d{4}-\d\d)">', page) == ["2024-03", "2024-02"]


def test_unpublished_and_internal_entries_are_not_searchable(make_project):
    root = make_project(entries={
        "a.md": entry("公开的正文。", title="公开稿件", classification="public"),
        "b.md": entry("内部的正文。", title="内部稿件", classification="internal"),
        "c.md": entry("草稿的正文。", title="草稿稿件", status="draft"),
    })
    build(load_project(root), pdf=False)
    titles = [row[1] for group in rows(root / "output/site").values() for row in group]
    assert sorted(titles) == ["公开稿件", "内部稿件"]
    assert "草稿" not in "".join(index(root / "output/site"))
    build(load_project(root), public=True, pdf=False)
    public = root / "output/public/site"
    assert [row[1] for group in rows(public).values() for row in group] == ["公开稿件"]
    assert not {"内部", "草稿"} & index(public).keys()
    assert len(index(public)["#all"][0]) == 1


@given(st.lists(st.integers(0, LIMIT - 1), unique=True, max_size=300))
def test_a_list_decodes_to_what_was_encoded(ids):
    ids.sort()
    text = encode(ids)
    assert decode(text) == ids
    assert re.fullmatch(r"[A-Za-z0-9_-]*", text)


def test_a_list_of_most_entries_costs_a_few_bits_each():
    ids = list(range(2_900_000, 2_900_000 + 64 * 1000, 16))  # every 16th slot: 4 entries a day
    assert len(encode(ids)) * 6 / len(ids) < 7


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
