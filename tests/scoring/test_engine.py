"""engine.py: score events + rule book + year → standings and audit, checked against
hand-computed points on small projects (the default rule book unless a test says otherwise)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml
from conftest import entry

from site_builder import load_project
from site_builder.scores import month_series, year_scores

D = Decimal
FULL_DEDUCTIONS = D(6)  # 矩阵响应 2 + 新媒体管理 1 + 最美之星 3


def adopted(*adoptions: tuple[str, str, str], **front: Any) -> str:
    """An entry adopted at (level, kind, date) …"""
    return entry(adoptions=[{"level": level, "kind": kind, "date": date}
                            for level, kind, date in adoptions], **front)


def ledger(*lines: dict[str, Any]) -> dict[str, str]:
    """files= for make_project: content/ledger/2024.yaml with these lines (department jiaoguan)."""
    data = [{"department": "jiaoguan", **line} for line in lines]
    return {"content/ledger/2024.yaml": yaml.safe_dump(data, allow_unicode=True, sort_keys=False)}


def scores(root, year: int = 2024, until: dt.date | None = None):
    return year_scores(load_project(root), year, until=until)


def items(result, department: str = "jiaoguan") -> dict[str, Decimal]:
    return dict(result.standing(department).items)


def categories(result, department: str = "jiaoguan") -> dict[str, Decimal]:
    return dict(result.standing(department).categories)


def audit(result, **match: Any) -> list:
    return [line for line in result.audit
            if all(getattr(line.event, key) == value for key, value in match.items())]


def reasons(result) -> list[tuple[str | None, str, Decimal, bool, str]]:
    return [(line.event.entry, line.event.date.isoformat(), line.points, line.counted, line.reason)
            for line in result.audit]


def march(day: int) -> str:
    return f"2024-03-{day:02d}"


# --- nothing happened --------------------------------------------------------------------

def test_a_department_without_events_holds_the_deduction_marks(make_project):
    result = scores(make_project())
    standing = result.standing("xingzhen")
    assert standing.total == FULL_DEDUCTIONS
    assert categories(result, "xingzhen") == {"基础业务": D(2), "政务新媒体": D(1), "典型选树": D(3),
                                              "公安文化": D(0), "外宣刊稿": D(0)}
    assert items(result, "xingzhen") == {
        "matrix-planning": D(0), "photo-video": D(0), "matrix-response": D(2), "achievements": D(0),
        "new-media": D(1), "star-selection": D(3), "showcase": D(0), "culture-award": D(0),
        "central-media": D(0)}
    assert result.audit == ()


def test_every_registered_department_has_a_standing(make_project):
    result = scores(make_project())
    assert [s.department.id for s in result.standings] == ["jiaoguan", "xingzhen", "chengguan"]
    assert [s.rank for s in result.standings] == [1, 1, 1]


# --- earning items and their caps --------------------------------------------------------

def test_one_city_article_adoption(make_project):
    result = scores(make_project(entries={"a.md": adopted(("city", "article", march(14)))}))
    assert items(result)["matrix-planning"] == D("0.2")
    assert result.standing("jiaoguan").total == D("6.2")
    [line] = result.audit
    assert (line.item, line.category, line.nominal, line.points, line.counted, line.reason) == \
        ("市局矩阵策划", "基础业务", D("0.2"), D("0.2"), True, "counted")


def test_earn_cap_reached_exactly(make_project):
    # 10 × 0.2 = 2 = the cap of 市局矩阵策划
    entries = {f"a{day:02d}.md": adopted(("city", "article", march(day))) for day in range(1, 11)}
    result = scores(make_project(entries=entries))
    assert items(result)["matrix-planning"] == D(2)
    assert [(line.points, line.reason) for line in result.audit] == [(D("0.2"), "counted")] * 10


def test_earn_cap_overshot_the_last_line_is_not_counted(make_project):
    # 11 × 0.2 = 2.2 → capped at 2; the 11th (latest) adoption gets nothing
    entries = {f"a{day:02d}.md": adopted(("city", "article", march(day))) for day in range(1, 12)}
    result = scores(make_project(entries=entries))
    assert items(result)["matrix-planning"] == D(2)
    last = result.audit[-1]
    assert (last.event.date, last.nominal, last.points, last.counted, last.reason) == \
        (dt.date(2024, 3, 11), D("0.2"), D(0), False, "cap-reached")
    assert sum(line.points for line in result.audit) == D(2)


def test_earn_cap_crossed_the_crossing_line_is_partly_counted(make_project):
    # 6 × 0.3 = 1.8; the 7th province adoption (0.3) has only 2 − 1.8 = 0.2 of room
    entries = {f"a{day:02d}.md": adopted(("province", "article", march(day))) for day in range(1, 8)}
    result = scores(make_project(entries=entries))
    assert items(result)["matrix-planning"] == D(2)
    last = result.audit[-1]
    assert (last.nominal, last.points, last.counted, last.reason) == (D("0.3"), D("0.2"), True,
                                                                      "cap-partial")


def test_caps_are_per_department(make_project):
    # jiaoguan 11 × 0.2 → 2 (capped); xingzhen's one adoption is not affected by it
    entries = {f"a{day:02d}.md": adopted(("city", "article", march(day))) for day in range(1, 12)}
    entries["x.md"] = adopted(("city", "article", march(20)), department="刑侦大队")
    result = scores(make_project(entries=entries))
    assert items(result, "xingzhen")["matrix-planning"] == D("0.2")
    assert audit(result, department="xingzhen")[0].reason == "counted"


def test_category_is_the_sum_of_its_items(make_project):
    # 基础业务 = 市局矩阵策划 0.3 + 图片视频报送 0.2 + 矩阵响应 2 + 创佳绩 0.2 = 2.7
    root = make_project(
        entries={"a.md": adopted(("province", "article", march(1))),
                 "b.md": adopted(("city", "video", march(2)))},
        files=ledger({"date": march(3), "kind": "emergency-task"}))
    result = scores(root)
    assert categories(result)["基础业务"] == D("2.7")
    assert result.standing("jiaoguan").total == D("6.7")


def test_point_one_plus_point_two_is_exactly_point_three(make_project):
    root = make_project(entries={"a.md": adopted(("county", "photo", march(1))),
                                 "b.md": adopted(("city", "photo", march(2)))})
    result = scores(root)
    assert items(result)["photo-video"] == D("0.3")
    assert result.standing("jiaoguan").total == D("6.3")


def test_ledger_lines_earn_in_achievements_up_to_its_cap(make_project):
    # correspondent regional 0.3 + city 0.2 + emergency 0.2 × 2 = 0.9; the third emergency task
    # has 1 − 0.9 = 0.1 of room (cap-partial); a fourth gets nothing (cap-reached)
    root = make_project(files=ledger(
        {"date": march(1), "kind": "correspondent-award", "person": "李明远", "level": "regional"},
        {"date": march(2), "kind": "correspondent-award", "person": "赵晓雯", "level": "city"},
        {"date": march(3), "kind": "emergency-task"},
        {"date": march(4), "kind": "emergency-task"},
        {"date": march(5), "kind": "emergency-task"},
        {"date": march(6), "kind": "emergency-task"}))
    result = scores(root)
    assert items(result)["achievements"] == D(1)
    assert [(line.points, line.reason) for line in result.audit] == [
        (D("0.3"), "counted"), (D("0.2"), "counted"), (D("0.2"), "counted"), (D("0.2"), "counted"),
        (D("0.1"), "cap-partial"), (D(0), "cap-reached")]


def test_awards_and_showcases(make_project):
    # 创佳绩: news award national 0.3; 展播: regional 0.2; 获奖: culture award national 0.5
    root = make_project(entries={
        "a.md": entry(awards=[{"level": "national", "name": "优秀作品奖", "date": march(1)}]),
        "b.md": entry(showcases=[{"level": "regional", "platform": "云岭台", "date": march(2)}]),
        "c.md": entry(awards=[{"level": "national", "name": "微视频奖", "date": march(3),
                               "kind": "culture"}])})
    result = scores(root)
    assert (items(result)["achievements"], items(result)["showcase"],
            items(result)["culture-award"]) == (D("0.3"), D("0.2"), D("0.5"))
    assert categories(result)["公安文化"] == D("0.7")
    assert result.standing("jiaoguan").total == D("7.0")  # 6 + 0.3 + 0.2 + 0.5


def test_a_city_showcase_earns_nothing(make_project):
    # 展播 gives points only for national (0.5) and regional (0.2) platforms
    root = make_project(entries={
        "a.md": entry(showcases=[{"level": "city", "platform": "云岭台", "date": march(2)}])})
    [line] = scores(root).audit
    assert (line.item, line.points, line.counted, line.reason) == ("", D(0), False, "no-rule")


# --- deduction items ---------------------------------------------------------------------

def test_missed_response_deducts(make_project):
    root = make_project(files=ledger({"date": march(1), "kind": "missed-response"},
                                     {"date": march(2), "kind": "missed-response"}))
    result = scores(root)
    assert items(result)["matrix-response"] == D("1.6")  # 2 − 0.2 × 2
    assert result.standing("jiaoguan").total == D("5.6")


def test_deductions_stop_above_zero_while_marks_remain(make_project):
    lines = [{"date": march(day), "kind": "missed-star-selection"} for day in range(1, 6)]
    result = scores(make_project(files=ledger(*lines)))
    assert items(result)["star-selection"] == D("0.5")  # 3 − 5 × 0.5


def test_deductions_are_floored_at_zero(make_project):
    # 3 − 6 × 0.5 = 0; the 7th line finds nothing left to lose
    lines = [{"date": march(day), "kind": "missed-star-selection"} for day in range(1, 8)]
    result = scores(make_project(files=ledger(*lines)))
    assert items(result)["star-selection"] == D(0)
    assert categories(result)["典型选树"] == D(0)
    assert [(line.points, line.reason) for line in result.audit] == \
        [(D("-0.5"), "counted")] * 6 + [(D(0), "floor-reached")]
    assert result.audit[-1].counted is False


def test_a_deduction_crossing_zero_takes_only_what_is_left(make_project):
    # 新媒体管理 1: two negative-opinion lines −0.4 × 2 = −0.8 leave 0.2; the third −0.4 takes 0.2
    lines = [{"date": march(day), "kind": "unapproved-account", "negative_opinion": True}
             for day in range(1, 4)]
    result = scores(make_project(files=ledger(*lines)))
    assert items(result)["new-media"] == D(0)
    last = result.audit[-1]
    assert (last.nominal, last.points, last.counted, last.reason) == (D("-0.4"), D("-0.2"), True,
                                                                      "cap-partial")


@pytest.mark.parametrize(("negative", "left"), [(False, "0.8"), (True, "0.6")])
def test_negative_opinion_doubles_the_deduction(make_project, negative, left):
    # 1 − 0.2, or 1 − 0.2 × 2
    line = {"date": march(1), "kind": "unapproved-account", "negative_opinion": negative}
    result = scores(make_project(files=ledger(line)))
    assert items(result)["new-media"] == D(left)
    assert result.audit[0].nominal == D(left) - 1  # −0.2 or −0.4


# --- one entry earns once, at its highest event ------------------------------------------

def test_only_the_highest_event_of_an_entry_counts(make_project):
    root = make_project(entries={"a.md": adopted(("county", "photo", march(1)),
                                                 ("city", "photo", march(2)),
                                                 ("province", "article", march(3)))})
    result = scores(root)
    assert (items(result)["photo-video"], items(result)["matrix-planning"]) == (D(0), D("0.3"))
    assert [(line.nominal, line.points, line.reason) for line in result.audit] == [
        (D("0.1"), D(0), "superseded"), (D("0.2"), D(0), "superseded"), (D("0.3"), D("0.3"), "counted")]


def test_the_highest_event_counts_even_if_it_came_first(make_project):
    root = make_project(entries={"a.md": adopted(("province", "photo", march(1)),
                                                 ("city", "photo", march(5)))})
    result = scores(root)
    assert items(result)["photo-video"] == D("0.3")
    assert [line.reason for line in result.audit] == ["counted", "superseded"]


def test_a_central_placement_supersedes_an_adoption_of_the_same_entry(make_project):
    # city photo 0.2 vs 学习强国 1 → only the placement counts
    root = make_project(entries={"a.md": adopted(
        ("city", "photo", march(1)), placements=[{"outlet": "学习强国", "date": march(2)}])})
    result = scores(root)
    assert (items(result)["photo-video"], items(result)["central-media"]) == (D(0), D(1))


def test_equal_events_of_one_entry_count_once(make_project):
    # city photo 0.2 and city article 0.2 on one entry: the earlier counts, the other not
    root = make_project(entries={"a.md": adopted(("city", "article", march(2)),
                                                 ("city", "photo", march(1)))})
    result = scores(root)
    assert items(result)["photo-video"] + items(result)["matrix-planning"] == D("0.2")
    assert sorted(line.reason for line in result.audit) == ["counted", "superseded"]


def test_a_placement_without_a_rule_does_not_hide_a_scoring_event(make_project):
    # 云岭日报 has no rule: the city photo of the same entry still counts
    root = make_project(entries={"a.md": adopted(
        ("city", "photo", march(1)), placements=[{"outlet": "云岭日报", "date": march(2)}])})
    result = scores(root)
    assert items(result)["photo-video"] == D("0.2")
    assert [line.reason for line in result.audit] == ["counted", "no-rule"]


def test_each_entry_earns_separately(make_project):
    root = make_project(entries={"a.md": adopted(("city", "photo", march(1))),
                                 "b.md": adopted(("city", "photo", march(1)))})
    assert items(scores(root))["photo-video"] == D("0.4")


@pytest.mark.parametrize(("kind", "item"), [("article", "matrix-planning"), ("photo", "photo-video"),
                                            ("video", "photo-video")])
def test_ministry_adoption_scores_as_province(make_project, kind, item):
    result = scores(make_project(entries={"a.md": adopted(("ministry", kind, march(1)))}))
    assert items(result)[item] == D("0.3")
    assert result.audit[0].reason == "counted"


def test_county_article_adoption_has_no_rule(make_project):
    # 市局矩阵策划 names city 0.2 and province 0.3 only
    result = scores(make_project(entries={"a.md": adopted(("county", "article", march(1)))}))
    assert result.audit[0].reason == "no-rule"
    assert result.standing("jiaoguan").total == FULL_DEDUCTIONS


# --- only approved entries earn; ledger lines always count -------------------------------

@pytest.mark.parametrize("status", ["draft", "review"])
def test_unapproved_entries_earn_nothing(make_project, status):
    root = make_project(entries={"a.md": adopted(("province", "photo", march(1)), status=status)},
                        files=ledger({"date": march(2), "kind": "emergency-task"}))
    result = scores(root)
    assert items(result)["photo-video"] == D(0)
    assert items(result)["achievements"] == D("0.2")  # the ledger line counts regardless
    [entry_line, ledger_line] = result.audit
    assert (entry_line.nominal, entry_line.points, entry_line.counted, entry_line.reason) == \
        (D("0.3"), D(0), False, "not-approved")
    assert ledger_line.reason == "counted"


def test_an_entry_without_status_takes_the_site_default(make_project):
    root = make_project(entries={"a.md": adopted(("city", "photo", march(1)))},
                        site={"default_status": "review"})
    assert scores(root).audit[0].reason == "not-approved"


def test_an_unapproved_event_does_not_supersede(make_project):
    # approved a.md's city photo counts although draft b.md has a higher event
    root = make_project(entries={"a.md": adopted(("city", "photo", march(1))),
                                 "b.md": adopted(("province", "photo", march(2)), status="draft")})
    assert items(scores(root))["photo-video"] == D("0.2")


# --- assessment years --------------------------------------------------------------------

def test_an_event_on_new_years_eve_counts_in_its_year(make_project):
    root = make_project(entries={
        "a.md": adopted(("city", "photo", "2024-12-31"), date="2024-12-30"),
        "b.md": adopted(("province", "photo", "2025-01-01"), date="2025-01-01")})
    assert items(scores(root, 2024))["photo-video"] == D("0.2")
    assert items(scores(root, 2025))["photo-video"] == D("0.3")


def test_caps_reset_each_year(make_project):
    # 2024: 11 × 0.2 capped at 2; 2025: the first 0.2 counts again
    entries = {f"a{day:02d}.md": adopted(("city", "article", march(day))) for day in range(1, 12)}
    entries["n.md"] = adopted(("city", "article", "2025-01-02"), date="2025-01-02")
    root = make_project(entries=entries)
    assert items(scores(root, 2024))["matrix-planning"] == D(2)
    result = scores(root, 2025)
    assert items(result)["matrix-planning"] == D("0.2")
    assert [line.reason for line in result.audit] == ["counted"]


def test_deduction_marks_reset_each_year(make_project):
    lines = [{"date": f"2024-0{month}-01", "kind": "missed-star-selection"} for month in range(3, 9)]
    root = make_project(files=ledger(*lines, {"date": "2025-03-01", "kind": "missed-star-selection"}))
    assert items(scores(root, 2024))["star-selection"] == D(0)  # 3 − 6 × 0.5
    assert items(scores(root, 2025))["star-selection"] == D("2.5")  # 3 − 0.5


def test_an_adoption_in_the_next_year_is_shown_as_outside_year(make_project):
    root = make_project(entries={"a.md": adopted(("city", "photo", "2025-01-10"), date="2024-12-20")})
    result = scores(root, 2024)
    [line] = result.audit
    assert (line.event.date, line.points, line.counted, line.reason) == \
        (dt.date(2025, 1, 10), D(0), False, "outside-year")
    assert items(result)["photo-video"] == D(0)
    assert "2025" in line.reason_text
    # … and counts in 2025
    assert items(scores(root, 2025))["photo-video"] == D("0.2")


def test_a_later_event_of_an_entry_scoring_this_year_is_shown_as_outside_year(make_project):
    # 2024: the city photo counts (0.2); the 2025 province photo is listed, not counted
    root = make_project(entries={"a.md": adopted(("city", "photo", "2024-12-21"),
                                                 ("province", "photo", "2025-01-10"),
                                                 date="2024-12-20")})
    result = scores(root, 2024)
    assert items(result)["photo-video"] == D("0.2")
    assert [(line.event.date.year, line.points, line.reason) for line in result.audit] == \
        [(2024, D("0.2"), "counted"), (2025, D(0), "outside-year")]


def test_events_of_other_years_without_an_entry_this_year_are_not_in_the_audit(make_project):
    root = make_project(entries={"a.md": adopted(("city", "photo", "2023-05-01"), date="2023-05-01")},
                        files=ledger({"date": "2023-06-01", "kind": "missed-response"}))
    result = scores(root, 2024)
    assert result.audit == ()
    assert result.standing("jiaoguan").total == FULL_DEDUCTIONS


# --- ranks -------------------------------------------------------------------------------

def test_ties_share_a_rank(make_project):
    # jiaoguan 6.2, xingzhen 6.2, chengguan 6 → 1, 1, 3
    root = make_project(entries={"a.md": adopted(("city", "photo", march(1))),
                                 "b.md": adopted(("city", "photo", march(2)), department="刑侦大队")})
    result = scores(root)
    assert [(s.department.id, s.total, s.rank) for s in result.standings] == [
        ("jiaoguan", D("6.2"), 1), ("xingzhen", D("6.2"), 1), ("chengguan", D(6), 3)]


def test_standings_are_sorted_by_total(make_project):
    # chengguan 6.3 > xingzhen 6.2 > jiaoguan 6 − 0.2 = 5.8
    root = make_project(entries={"a.md": adopted(("province", "photo", march(1)), department="城关派出所"),
                                 "b.md": adopted(("city", "photo", march(2)), department="刑侦大队")},
                        files=ledger({"date": march(3), "kind": "missed-response"}))
    result = scores(root)
    assert [(s.department.id, s.total, s.rank) for s in result.standings] == [
        ("chengguan", D("6.3"), 1), ("xingzhen", D("6.2"), 2), ("jiaoguan", D("5.8"), 3)]


def test_ties_below_the_top_share_a_rank(make_project):
    # jiaoguan 6.3; xingzhen and chengguan 6.2 → 1, 2, 2
    root = make_project(entries={"a.md": adopted(("province", "photo", march(1))),
                                 "b.md": adopted(("city", "photo", march(2)), department="刑侦大队"),
                                 "c.md": adopted(("city", "photo", march(3)), department="城关派出所")})
    assert [s.rank for s in scores(root).standings] == [1, 2, 2]


# --- placements --------------------------------------------------------------------------

def test_a_placement_in_a_non_central_outlet_has_no_rule(make_project):
    root = make_project(entries={"a.md": entry(placements=[{"outlet": "云岭日报", "date": march(1)}])})
    result = scores(root)
    [line] = result.audit
    assert (line.item, line.nominal, line.points, line.counted, line.reason) == \
        ("", D(0), D(0), False, "no-rule")
    assert result.standing("jiaoguan").total == FULL_DEDUCTIONS


@pytest.mark.parametrize(("outlet", "points"), [
    ("人民日报", "2"), ("新华社", "2"), ("求是", "2"), ("央视总台", "2"),
    ("光明日报", "1.5"), ("经济日报", "1.5"), ("学习强国", "1")])
def test_central_outlets_score_per_the_rule_book(make_project, outlet, points):
    root = make_project(entries={"a.md": entry(placements=[{"outlet": outlet, "date": march(1)}])})
    result = scores(root)
    assert items(result)["central-media"] == D(points)
    assert categories(result)["外宣刊稿"] == D(points)


def test_central_media_cap(make_project):
    # 6 × 人民日报 2 = 12 → 10; the 6th placement is not counted
    entries = {f"a{day}.md": entry(placements=[{"outlet": "人民日报", "date": march(day)}])
               for day in range(1, 7)}
    result = scores(make_project(entries=entries))
    assert items(result)["central-media"] == D(10)
    assert result.standing("jiaoguan").total == D(16)
    assert result.audit[-1].reason == "cap-reached"


# --- standings up to a day, month by month -----------------------------------------------

def test_until_counts_events_up_to_and_including_the_day(make_project):
    root = make_project(entries={"a.md": adopted(("city", "photo", "2024-03-31")),
                                 "b.md": adopted(("province", "photo", "2024-04-01"))})
    result = scores(root, 2024, until=dt.date(2024, 3, 31))
    assert result.until == dt.date(2024, 3, 31)
    assert items(result)["photo-video"] == D("0.2")
    assert [line.event.date for line in result.audit] == [dt.date(2024, 3, 31)]


def test_until_past_the_year_stops_at_its_end(make_project):
    root = make_project(entries={"a.md": adopted(("city", "photo", "2024-03-31"))})
    assert scores(root, 2024, until=dt.date(2025, 6, 1)).until == dt.date(2024, 12, 31)


def test_month_series(make_project):
    # March: +0.2 (city photo); April: −0.2 (missed response); May: +0.3 (province photo)
    root = make_project(entries={"a.md": adopted(("city", "photo", "2024-03-15")),
                                 "b.md": adopted(("province", "photo", "2024-05-02"))},
                        files=ledger({"date": "2024-04-30", "kind": "missed-response"}))
    series = month_series(load_project(root), 2024)
    assert [m.month for m in series] == [1, 2, 3, 4, 5]
    assert [m.earned["jiaoguan"] for m in series] == [D(0), D(0), D("0.2"), D("-0.2"), D("0.3")]
    assert [m.scores.standing("jiaoguan").total for m in series] == \
        [D(6), D(6), D("6.2"), D("6.0"), D("6.3")]
    assert [m.scores.until for m in series][1] == dt.date(2024, 2, 29)  # leap year
    assert all(m.earned["xingzhen"] == 0 for m in series)
