"""What `build` and `site-builder scores` make of the scores: exports, pages, CLI."""

import csv
import io
import json

import pytest
from conftest import entry

from site_builder import build, load_project
from site_builder.cli import main

LEDGER = """\
- {date: 2024-03-01, department: xingzhen, kind: missed-response}
- {date: 2024-04-02, department: chengguan, kind: emergency-task, note: 暴雨应急}
"""


@pytest.fixture
def scored(make_project):
    return make_project(entries={
        "2024-03/photo.md": entry(adoptions=[{"level": "city", "date": "2024-03-15",
                                              "kind": "photo"}], authors=["李明远"]),
        "2024-03/rmrb.md": entry(title="人民日报刊发", date="2024-03-20", department="城关派出所",
                                 classification="public", authors=["李明远", "周婧"],
                                 placements=[{"outlet": "人民日报", "date": "2024-04-01"}]),
        "2024-03/draft.md": entry(title="草稿", status="draft", date="2024-03-21",
                                  adoptions=[{"level": "province", "date": "2024-03-22"}]),
    }, files={"content/ledger/2024.yaml": LEDGER})


def test_build_writes_json_with_the_contract_keys(scored):
    build(load_project(scored))
    data = json.loads((scored / "output/scores/2024.json").read_text(encoding="utf-8"))
    assert data["year"] == 2024
    first = data["departments"][0]
    assert set(first) >= {"id", "name", "total", "rank", "categories"}
    # 城关: 6 + 人民日报 2 + 应急 0.2 = 8.2; 交管: 6 + 0.2 = 6.2; 刑侦: 6 − 0.2 = 5.8
    assert [(d["id"], d["total"], d["rank"]) for d in data["departments"]] == [
        ("chengguan", 8.2, 1), ("jiaoguan", 6.2, 2), ("xingzhen", 5.8, 3)]
    assert first["categories"]["外宣刊稿"] == 2
    keys = {"department", "entry", "event", "item", "points", "counted", "reason"}
    assert all(keys <= set(line) for line in data["audit"])
    draft = next(line for line in data["audit"] if line["entry"] == "draft")
    assert (draft["counted"], draft["points"]) == (False, 0) and "未审核" in draft["reason"]
    ledger = next(line for line in data["audit"] if line["entry"] is None)
    assert ledger["source"].startswith("ledger/2024.yaml:")


def test_csv_has_a_bom_and_opens_as_a_table(scored):
    build(load_project(scored))
    raw = (scored / "output/scores/2024.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:2] == ["名次", "单位"] and rows[1][:2] == ["1", "城关派出所"]


def test_xlsx_reads_back_with_numbers_as_numbers(scored):
    from openpyxl import load_workbook

    build(load_project(scored))
    book = load_workbook(scored / "output/scores/2024.xlsx")
    assert book.sheetnames == ["2024年积分排名", "月度积分", "积分明细"]
    standings = book["2024年积分排名"]
    assert standings.freeze_panes == "C2"
    assert [c.value for c in standings[2]][:2] == [1, "城关派出所"]
    assert standings.cell(2, standings.max_column).value == pytest.approx(8.2)
    assert isinstance(standings.cell(2, 3).value, float)
    assert book["积分明细"].max_row == 1 + 5  # header + five events (3 in entries, 2 ledger)


def test_scores_pages_explain_each_department_and_link_entries(scored):
    build(load_project(scored))
    site = scored / "output/site"
    index = (site / "scores/2024/index.html").read_text(encoding="utf-8")
    assert "<svg" in index and "城关派出所" in index and "8.20" in index
    dept = (site / "scores/2024/departments/chengguan/index.html").read_text(encoding="utf-8")
    assert 'href="../../../../2024/03/rmrb.html"' in dept
    people = (site / "scores/2024/correspondents/index.html").read_text(encoding="utf-8")
    assert people.index("李明远") < people.index("周婧")  # 2 pieces before 1
    assert "scores/index.html" in (site / "index.html").read_text(encoding="utf-8")


def test_department_page_names_entries_by_title_linked_and_ledger_lines_by_description(scored):
    build(load_project(scored))
    site = scored / "output/site"
    dept = (site / "scores/2024/departments/chengguan/index.html").read_text(encoding="utf-8")
    assert '<a href="../../../../2024/03/rmrb.html">人民日报刊发</a>' in dept
    assert "暴雨应急" in dept  # the ledger line's note, in its description
    assert ".md:" not in dept and ".yaml:" not in dept  # no source paths on the page
    jiaoguan = (site / "scores/2024/departments/jiaoguan/index.html").read_text(encoding="utf-8")
    assert '<a href="../../../../2024/03/photo.html">交管大队召开警示教育大会</a>' in jiaoguan


def test_trend_chart_is_drawn_for_desktop_and_phone_with_a_text_legend(scored):
    build(load_project(scored))
    index = (scored / "output/site/scores/2024/index.html").read_text(encoding="utf-8")
    assert index.count("<svg") == 2
    assert 'aria-labelledby="trend-title"' in index and 'aria-labelledby="trend-narrow-title"' in index
    legend = index.split('class="chart-legend"')[1].split("</ul>")[0]
    assert "城关派出所" in legend and "8.20" in legend


def test_the_published_score_pages_only_count_the_events_of_unreviewed_entries(scored):
    """A draft's path and event fields stay in the office's own exports (marked 未审核);
    the published page says only how many such events wait."""
    (scored / "content/2024-03/review.md").write_text(entry(
        title="待审", status="review", date="2024-03-23",
        placements=[{"outlet": "某某晚报内参", "date": "2024-03-24"}]), encoding="utf-8")
    build(load_project(scored))
    site = scored / "output/site"
    page = (site / "scores/2024/departments/jiaoguan/index.html").read_text(encoding="utf-8")
    assert "另有 2 条待审稿件的事件未计分" in page
    for leak in ("draft.md", "review.md", "某某晚报内参", "未审核", "2024-03-22", "2024-03-24"):
        assert leak not in page, leak
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert "某某晚报内参".encode() not in everything and b"draft.md" not in everything
    other = (site / "scores/2024/departments/xingzhen/index.html").read_text(encoding="utf-8")
    assert "待审稿件" not in other
    exported = json.loads((scored / "output/scores/2024.json").read_text(encoding="utf-8"))
    waiting = [line for line in exported["audit"] if "未审核" in line["reason"]]
    assert {line["entry"] for line in waiting} == {"draft", "review"}
    assert "某某晚报内参" in (scored / "output/scores/2024.csv").read_text(encoding="utf-8-sig")


def test_public_build_has_no_scores_pages_or_exports(scored):
    build(load_project(scored), public=True)
    assert not (scored / "output/public/site/scores").exists()
    assert not (scored / "output/public/scores").exists()
    assert not (scored / "output/scores").exists()
    assert "scores/" not in (scored / "output/public/site/index.html").read_text(encoding="utf-8")


def test_public_build_shows_standings_only_when_site_yaml_says_so(scored):
    site_yaml = scored / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "scores_public: true\n",
                         encoding="utf-8")
    build(load_project(scored), public=True)
    index = (scored / "output/public/site/scores/2024/index.html").read_text(encoding="utf-8")
    assert "城关派出所" in index
    assert not (scored / "output/public/site/scores/2024/departments").exists()
    assert not (scored / "output/public/site/scores/2024/correspondents").exists()


def test_scores_command_prints_the_table(scored, capsys):
    assert main(["scores", "--project", str(scored)]) == 0
    out = capsys.readouterr().out
    assert "城关派出所" in out and "8.20" in out and "外宣刊稿" in out


def test_scores_month_shows_the_month_points_and_the_standing_at_its_end(scored, capsys):
    assert main(["scores", "--project", str(scored), "--month", "2024-03", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {d["id"]: d for d in data["departments"]}
    assert rows["jiaoguan"]["month_points"] == 0.2 and rows["jiaoguan"]["total"] == 6.2
    assert rows["xingzhen"]["month_points"] == -0.2
    assert rows["chengguan"]["total"] == 6  # 人民日报 on 04-01 and 应急 on 04-02 come later


def test_scores_explain_lists_every_line_with_a_running_total(scored, capsys):
    assert main(["scores", "--project", str(scored), "--explain", "城关派出所", "--format",
                 "json"]) == 0
    lines = json.loads(capsys.readouterr().out)
    assert [line["running"] for line in lines] == [8, 8.2]
    assert main(["scores", "--project", str(scored), "--explain", "城关派出所"]) == 0
    assert "起始分" in capsys.readouterr().out


def test_scores_explain_unknown_department_is_a_usage_error(scored, capsys):
    assert main(["scores", "--project", str(scored), "--explain", "交警队"]) == 2
    assert "交管大队" in capsys.readouterr().err


def test_scores_csv_and_xlsx_formats(scored, capsys, tmp_path):
    assert main(["scores", "--project", str(scored), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("名次,单位")
    target = tmp_path / "out.xlsx"
    assert main(["scores", "--project", str(scored), "--format", "xlsx", "-o", str(target)]) == 0
    assert target.stat().st_size > 0


def test_bad_month_is_a_usage_error(scored):
    with pytest.raises(SystemExit) as exit_info:
        main(["scores", "--project", str(scored), "--month", "2024-13"])
    assert exit_info.value.code == 2


def test_the_xlsx_has_the_same_bytes_in_every_build(scored, tmp_path, monkeypatch):
    import time

    build(load_project(scored), pdf=False)
    first = (scored / "output/scores/2024.xlsx").read_bytes()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86400 * 400)  # a year later, to zip
    import shutil

    shutil.rmtree(scored / "output")
    build(load_project(scored), pdf=False)
    assert (scored / "output/scores/2024.xlsx").read_bytes() == first


def test_an_xlsx_export_into_output_scores_is_what_a_build_writes(scored, capsys, tmp_path):
    """scores --format xlsx writes the intranet edition's own file; a year a build would
    not export is refused there (with -o it may go anywhere)."""
    import shutil

    assert main(["scores", "--project", str(scored), "--year", "2024", "--format", "xlsx"]) == 0
    exported = (scored / "output/scores/2024.xlsx").read_bytes()
    clean = tmp_path / "clean"
    shutil.copytree(scored, clean, ignore=shutil.ignore_patterns("output", ".cache"))
    build(load_project(clean), pdf=False)
    assert (clean / "output/scores/2024.xlsx").read_bytes() == exported
    assert main(["scores", "--project", str(scored), "--year", "2019", "--format", "xlsx"]) == 2
    assert "2019 年没有积分事件" in capsys.readouterr().err
    assert not (scored / "output/scores/2019.xlsx").exists()
    assert main(["scores", "--project", str(scored), "--year", "2019", "--format", "xlsx",
                 "-o", str(tmp_path / "2019.xlsx")]) == 0
