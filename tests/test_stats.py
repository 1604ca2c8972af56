"""stats/: 报送与采用 over a period, counted by hand on a small project; the CLI, its
exports, the summary paragraph and the bad input."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from conftest import entry, only_problem

from site_builder import load_project
from site_builder.cli import main
from site_builder.pipeline import check
from site_builder.stats import Period, compute_stats
from site_builder.stats.export import stats_tables

OUTLETS = {"云岭日报": "city", "省法治报": "provincial"}

# Hand-counted, for 2024-01-01 … 2024-06-30:
# a  交管 approved, 2 adoptions (city, province), 3 placements (人民日报 central, 云岭日报
#    city, 云岭晚报 unregistered → other)
# b  交管 draft: 报送, not 采用; its adoption waits for review
# c  刑侦 model figure approved, in 省法治报 (provincial); its author shares a name with a's
# d  刑侦 review
# e  城关 approved 2023-12-28 (outside), adopted by the county 2024-01-03 (inside)
# f  城关 approved 2024-07-01 (outside), placed in 人民日报 in July (outside)
ENTRIES = {
    "a.md": entry(date="2024-02-10", department="交管大队", authors=["李明远"],
                  adoptions=[{"level": "city", "date": "2024-02-12", "kind": "photo"},
                             {"level": "province", "date": "2024-02-20"}],
                  placements=[{"outlet": "人民日报", "date": "2024-02-25"},
                              {"outlet": "云岭日报", "date": "2024-03-02"},
                              {"outlet": "云岭晚报", "date": "2024-03-01"}]),
    "b.md": entry(title="交管大队草稿", date="2024-03-05", status="draft",
                  adoptions=[{"level": "city", "date": "2024-03-06"}]),
    "c.md": entry(title="刑侦大队陈立新：案子不破不收兵", date="2024-01-20", department="刑侦大队",
                  type="model-figure", authors=["李明远"],
                  figure={"name": "陈立新", "unit": "刑侦大队"},
                  placements=[{"outlet": "省法治报", "date": "2024-01-25"}]),
    "d.md": entry(title="刑侦大队待审稿", date="2024-02-01", department="刑侦大队", status="review"),
    "e.md": entry(title="城关派出所岁末走访", date="2023-12-28", department="城关派出所",
                  authors=["周婧"], adoptions=[{"level": "county", "date": "2024-01-03"}]),
    "f.md": entry(title="城关派出所七月稿", date="2024-07-01", department="城关派出所",
                  authors=["周婧"], placements=[{"outlet": "人民日报", "date": "2024-07-05"}]),
}
HALF = Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
SUMMARY = ("2024年1月至6月，全局共报送稿件4篇，采用2篇，采用率50%；被上级采用3篇次，其中省厅1篇次、"
           "市局1篇次、县局1篇次；在中央主要媒体刊发1篇次，省级媒体1篇次，市级媒体1篇次，其他媒体1篇次；"
           "编发先进典型稿件1篇，宣传先进人物1名。")


@pytest.fixture
def project(make_project):
    return make_project(entries=ENTRIES, site={"outlets": OUTLETS})


def stats_of(root, period=HALF):
    loaded = load_project(root)
    return compute_stats(loaded.entries, loaded.config, period)


def row(stats, dept_id):
    return next(r for r in stats.rows if r.department.id == dept_id)


def test_every_column_is_the_hand_count(project):
    stats = stats_of(project)
    jiaoguan, xingzhen, chengguan = (row(stats, d) for d in ("jiaoguan", "xingzhen", "chengguan"))
    # county, city, province, ministry; central, provincial, city, other
    assert (jiaoguan.submitted, jiaoguan.approved, jiaoguan.adoption_rate) == (2, 1, Decimal("0.5"))
    assert (jiaoguan.adoption_events, jiaoguan.adopted) == ((0, 1, 1, 0), (0, 0, 1, 0))
    assert jiaoguan.placements == (1, 0, 1, 1)
    assert (jiaoguan.model_figures, jiaoguan.people) == (0, ())
    assert (xingzhen.submitted, xingzhen.approved, xingzhen.adoption_events) == (2, 1, (0, 0, 0, 0))
    assert xingzhen.placements == (0, 1, 0, 0)
    assert (xingzhen.model_figures, xingzhen.people) == (1, ("陈立新",))
    assert (chengguan.submitted, chengguan.approved, chengguan.adoption_rate) == (0, 0, None)
    assert (chengguan.adoption_events, chengguan.adopted, chengguan.placements) == \
        ((1, 0, 0, 0), (1, 0, 0, 0), (0, 0, 0, 0))
    t = stats.totals
    assert (t.submitted, t.approved, t.adoption_rate, t.adoption_events, t.adopted, t.placements,
            t.model_figures, t.people) == \
        (4, 2, Decimal("0.5"), (1, 1, 1, 0), (1, 0, 1, 0), (1, 1, 1, 1), 1, ("陈立新",))
    assert [(c.name, c.department, c.approved, c.placements) for c in stats.correspondents] == \
        [("李明远", "jiaoguan", 1, 3), ("李明远", "xingzhen", 1, 1)]
    assert [(o.name, o.level, o.placements) for o in stats.outlets] == \
        [("人民日报", "central", 1), ("省法治报", "provincial", 1), ("云岭日报", "city", 1),
         ("云岭晚报", "other", 1)]


def test_the_summary_is_the_seeds_register(project):
    assert stats_of(project).summary == SUMMARY


def test_every_number_in_the_summary_is_the_table_s(project):
    stats = stats_of(project)
    t = stats.totals
    numbers = re.findall(r"\d+(?:\.\d+)?", stats.summary.split("，", 1)[1])
    expected = [t.submitted, t.approved, 50, t.adopted_events, t.events_at("province"),
                t.events_at("city"), t.events_at("county"), *t.placements, t.model_figures,
                len(t.people)]
    assert [Decimal(n) for n in numbers] == [Decimal(n) for n in expected]
    [first] = [tb for tb in stats_tables(stats, {}) if tb.title == "报送与采用"]
    assert first.shown()[-1][:4] == ("合计", "4", "2", "50%")


def test_a_part_with_nothing_is_left_out_and_one_level_is_named(make_project):
    root = make_project(entries={"a.md": entry(adoptions=[{"level": "city", "date": "2024-03-13"}]),
                                 "b.md": entry(title="另一篇", status="review")})
    assert stats_of(root, Period.month(2024, 3)).summary == \
        "2024年3月，全局共报送稿件2篇，采用1篇，采用率50%；被市局采用1篇次。"


@pytest.mark.parametrize(("period", "phrase"), [
    (Period.year(2024), "2024年"),
    (Period.quarter(2024, 2), "2024年第二季度"),
    (Period.month(2024, 3), "2024年3月"),
    (Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30)), "2024年1月至6月"),
    (Period(dt.date(2023, 11, 1), dt.date(2024, 2, 29)), "2023年11月至2024年2月"),
    (Period(dt.date(2024, 3, 5), dt.date(2024, 4, 20)), "2024年3月5日至4月20日"),
    (Period(dt.date(2024, 3, 5), dt.date(2024, 3, 5)), "2024年3月5日"),
])
def test_the_period_is_said_naturally(period, phrase):
    assert period.phrase == phrase


def test_json_has_spec_s_keys(project, capsys):
    assert main(["stats", "--project", str(project), "--from", "2024-01-01", "--to",
                 "2024-06-30", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"from", "to", "departments", "totals", "correspondents", "summary",
                         "outlets"}
    keys = {"id", "name", "submitted", "approved", "adoption_rate", "adopted", "placements",
            "model_figures", "adoption_events", "model_figure_people"}
    assert all(set(d) == keys for d in data["departments"]) and set(data["totals"]) == keys
    assert (data["from"], data["to"], data["summary"]) == ("2024-01-01", "2024-06-30", SUMMARY)
    assert data["totals"]["adoption_rate"] == 0.5
    assert data["totals"]["adopted"] == {"county": 1, "city": 0, "province": 1, "ministry": 0}
    assert data["totals"]["placements"] == {"central": 1, "provincial": 1, "city": 1, "other": 1}
    assert data["departments"][2]["adoption_rate"] is None  # 城关: nothing submitted
    assert (data["totals"]["model_figures"], data["totals"]["model_figure_people"]) == \
        (sum(d["model_figures"] for d in data["departments"]),
         [p for d in data["departments"] for p in d["model_figure_people"]])
    assert data["correspondents"][0] == {"name": "李明远", "department": "jiaoguan",
                                         "approved": 1, "placements": 3}


def test_a_rate_is_a_json_number_of_4_decimals(make_project, capsys):
    root = make_project(entries={"a.md": entry(), "b.md": entry(title="二", status="draft"),
                                 "c.md": entry(title="三", status="draft")})
    assert main(["stats", "--project", str(root), "--year", "2024", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["adoption_rate"] == 0.3333
    assert "采用率33.3%" in data["summary"]


def test_xlsx_has_a_sheet_per_table_and_reads_back(project, tmp_path, capsys):
    from openpyxl import load_workbook

    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "统计.xlsx"
    assert main(["stats", "--project", str(project), "--quarter", "2024Q1", "--format", "xlsx",
                 "-o", str(target)]) == 0
    book = load_workbook(target)
    assert book.sheetnames == ["综述", "报送与采用", "上级采用（篇次）", "上级采用稿件（按最高级别计1篇）",
                               "媒体刊发（篇次）", "刊发媒体", "通讯员"]
    assert book["综述"]["A2"].value == "2024年第一季度"
    assert book["综述"]["B2"].value.startswith("2024年第一季度，全局共报送稿件4篇")
    first = list(book["报送与采用"].iter_rows(values_only=True))
    assert first[0] == ("单位", "报送", "采用", "采用率", "先进典型", "先进人物")
    assert first[-1] == ("合计", 4, 2, 0.5, 1, 1)
    assert first[3][3] is None  # 城关: no rate, an empty cell
    assert book["报送与采用"]["D2"].number_format == "0.0%"
    outlets = list(book["刊发媒体"].iter_rows(values_only=True))
    assert outlets[0] == ("媒体", "级别", "篇次") and ("云岭晚报", "其他", 1) in outlets
    assert list(book["媒体刊发（篇次）"].iter_rows(values_only=True))[-1] == ("合计", 1, 1, 1, 1, 4)
    assert book["通讯员"]["E1"].value == "媒体刊发（篇次）"


def test_csv_writes_no_formula(make_project, capsys):
    root = make_project(entries={"a.md": entry(placements=[{"outlet": "=HYPERLINK(1)",
                                                           "date": "2024-03-13"}])})
    assert main(["stats", "--project", str(root), "--year", "2024", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "'=HYPERLINK(1),其他,1" in out and "\n=" not in out


def test_table_prints_the_summary(project, capsys):
    assert main(["stats", "--project", str(project), "--from", "2024-01-01", "--to",
                 "2024-06-30"]) == 0
    out = capsys.readouterr().out
    assert "报送与采用" in out and "通讯员" in out and out.rstrip().endswith(SUMMARY)
    assert "媒体刊发（篇次）" in out and "媒体刊发（篇）" not in out  # placements, not pieces


def test_without_a_period_it_is_this_year_by_the_import_clock(project, capsys, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", "2024-05-01")
    assert main(["stats", "--project", str(project), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["from"], data["to"]) == ("2024-01-01", "2024-12-31")
    assert data["totals"]["submitted"] == 5  # f (July) too


def test_a_period_with_no_entries_says_so(project, capsys):
    assert main(["stats", "--project", str(project), "--year", "2022"]) == 0
    assert "2022年（2022-01-01 至 2022-12-31）没有报送任何稿件" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "said"), [
    (["--from", "2024-06-30", "--to", "2024-01-01"], "晚于"),
    (["--quarter", "2024Q5"], "季度应写作 YYYYQn"),
    (["--from", "2024-02-30", "--to", "2024-03-01"], "日期应写作 YYYY-MM-DD"),
    (["--month", "2024-3x"], "月份应写作 YYYY-MM"),
    (["--year", "2024", "--quarter", "2024Q1"], "不能与参数"),
    (["--month", "2024-03", "--from", "2024-01-01", "--to", "2024-02-01"], "不能与 --from/--to"),
    (["--from", "2024-01-01"], "要同时给出"),
])
def test_bad_input_is_a_chinese_usage_error(project, capsys, args, said):
    try:
        code = main(["stats", "--project", str(project), *args])
    except SystemExit as stop:  # argparse's own
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    # every one as argparse's own: the usage, 「错误：」 and the 提示 line
    assert err.startswith("用法：site-builder stats")
    assert "site-builder stats: 错误：" in err and "提示：运行「site-builder stats -h」查看用法" in err


def test_to_without_from_is_named_so(project, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["stats", "--project", str(project), "--to", "2024-06-30"])
    assert stop.value.code == 2
    assert "--to 和 --from 要同时给出" in capsys.readouterr().err


def test_output_with_the_table_format_is_a_usage_error(project, capsys, tmp_path):
    with pytest.raises(SystemExit) as stop:
        main(["stats", "--project", str(project), "--year", "2024", "-o", str(tmp_path / "a.xlsx")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "-o 只能与 --format csv、json 或 xlsx 一起使用" in err and "--format xlsx -o a.xlsx" in err
    assert not (tmp_path / "a.xlsx").exists()


@pytest.mark.parametrize(("fmt", "where", "said"), [
    ("csv", "content/x.csv", "在项目的 content/ 中"),
    ("csv", "content/a.md", "在项目的 content/ 中"),
    ("json", "templates/x.json", "在项目的 templates/ 中"),
    ("json", "site.yaml", "是项目的网站配置文件"),
    ("csv", "scoring.yaml", "是项目的积分规则文件"),
    ("xlsx", "output/stats.xlsx", "下次构建会重建 output/"),
    ("xlsx", "output/site/stats.xlsx", "下次构建会重建 output/"),
    ("json", "notes.txt", "已存在，且不是 .json 文件"),
    ("xlsx", "missing/x.xlsx", "文件夹「missing」不存在"),
    ("csv", "folder", "是一个文件夹，不是文件"),
])
def test_output_never_replaces_a_source_nor_makes_a_folder(project, capsys, monkeypatch, fmt,
                                                           where, said):
    for name in ("templates/x.json", "scoring.yaml", "output/site/stats.xlsx", "notes.txt"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("原有内容", encoding="utf-8")
    (project / "folder").mkdir()
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    monkeypatch.chdir(project)
    assert main(["stats", "--year", "2024", "--format", fmt, "-o", where]) == 2
    err = capsys.readouterr().err
    assert said in err and "错误：" in err and "提示：" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
    assert not (project / "missing").exists()


def test_an_existing_export_of_the_same_kind_is_replaced(project, capsys, monkeypatch):
    (project / "old.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(project)
    assert main(["stats", "--year", "2024", "--format", "json", "-o", "old.json"]) == 0
    assert json.loads((project / "old.json").read_text(encoding="utf-8"))["from"] == "2024-01-01"


def test_a_year_with_no_entries_says_where_they_are(project, capsys, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", "2026-03-01")
    assert main(["stats", "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert "2026年（2026-01-01 至 2026-12-31）没有报送任何稿件。" in out
    assert "稿件日期在2023年12月至2024年7月之间，可用 --year 2024（最近一年）" in out
    assert "--from 2023-12-01 --to 2024-07-31" in out


def test_content_errors_end_with_what_stats_did_not_do(make_project, capsys):
    root = make_project(entries={"a.md": entry(department="不存在的单位")})
    assert main(["stats", "--project", str(root), "--year", "2024"]) == 1
    err = capsys.readouterr().err
    assert "个错误，未统计：请先修正上面的错误" in err and "未生成输出" not in err


def test_an_outlet_level_must_be_one_of_the_four(make_project):
    problem = only_problem(make_project(site={"outlets": {"云岭日报": "provinical"}}))
    assert (problem.key, problem.code) == ("outlets.云岭日报", "invalid-level")
    assert "provinical" in problem.message
    assert "是否应为「provincial」" in problem.hint and "central、provincial、city、other" in problem.hint


@pytest.mark.parametrize(("level", "meant"), [
    ("市级", "city（市级）"), ("中央", "central（中央）"), ("中央级", "central（中央）"),
    ("省级", "provincial（省级）"), ("其他", "other（其他）"),
])
def test_an_outlet_level_in_chinese_is_hinted_with_its_key(make_project, level, meant):
    problem = only_problem(make_project(site={"outlets": {"云岭晚报": level}}))
    assert (problem.key, problem.code) == ("outlets.云岭晚报", "invalid-level")
    assert f"是否应为 {meant}？" in problem.hint


def test_an_outlet_level_as_a_list_is_shown_as_written(make_project):
    problem = only_problem(make_project(site={"outlets": {"云岭晚报": ["provincial"]}}))
    assert "「[provincial]」" in problem.message and "['provincial']" not in problem.message
    assert "云岭晚报: provincial" in problem.hint


def test_a_central_outlet_cannot_be_registered_lower(make_project):
    problem = only_problem(make_project(site={"outlets": {"人民日报": "city"}}))
    assert (problem.key, problem.code) == ("outlets.人民日报", "invalid-level")


def test_check_warns_of_an_unregistered_outlet_with_the_closest_names(project):
    [warning] = [p for p in check(load_project(project)) if p.code == "unknown-outlet"]
    assert (warning.file.name, warning.level, warning.key) == ("a.md", "warning",
                                                              "placements[2].outlet")
    assert "云岭晚报" in warning.message and "「云岭日报」" in warning.hint
    assert "经济日报" not in warning.hint  # sharing 日报 is not being alike


def test_the_intranet_site_has_a_stats_page_and_the_public_one_none(project):
    from site_builder import build

    root = project
    for entry_file in ("a.md", "c.md", "e.md", "f.md"):  # public entries: the public site has pages
        path = root / "content" / entry_file
        path.write_text(path.read_text(encoding="utf-8").replace(
            "type:", "classification: public\ntype:", 1), encoding="utf-8")
    build(load_project(root), pdf=False)
    page = (root / "output/site/stats/2024/index.html").read_text(encoding="utf-8")
    latest = (root / "output/site/stats/index.html").read_text(encoding="utf-8")
    loaded = load_project(root)
    whole = compute_stats(loaded.entries, loaded.config, Period.year(2024))
    assert whole.summary in page and whole.summary in latest
    assert "第一季度" in page and '<svg class="bars"' in page
    # a chart for the year and for each quarter with anything counted (Q1, Q3: f in July)
    ids = re.findall(r'<svg class="bars"[^>]*aria-labelledby="([^"]+)-title"', page)
    assert ids == ["bars", "bars-narrow", "bars-q1", "bars-q1-narrow", "bars-q3", "bars-q3-narrow"]
    assert "2024年第一季度各单位报送与采用稿件数" in page
    assert "媒体刊发（篇次）" in page and "媒体刊发（篇）" not in page
    assert 'href="../stats/index.html"' in (root / "output/site/scores/index.html").read_text(
        encoding="utf-8")
    build(load_project(root), public=True, pdf=False)
    public = root / "output/public/site"
    assert (public / "index.html").is_file() and not (public / "stats").exists()
    assert not [p for p in public.rglob("*.html") if "stats/" in p.read_text(encoding="utf-8")
                or ">统计<" in p.read_text(encoding="utf-8")]


def test_the_pages_count_from_the_entries_touching_the_period_with_the_same_figures(project):
    from site_builder import load_project
    from site_builder.stats import compute_stats
    from site_builder.stats.period import Period
    from site_builder.stats.views import stats_views, touching

    loaded = load_project(project)
    entries, fewer = tuple(loaded.entries), 0
    for view in stats_views(entries, loaded.config):
        for period in (Period.year(view.year), *Period.year(view.year).quarters):
            assert compute_stats(touching(entries, period), loaded.config, period) == \
                compute_stats(entries, loaded.config, period)
            fewer += len(touching(entries, period)) < len(entries)
    assert fewer >= 4  # the quarters at least leave entries out
