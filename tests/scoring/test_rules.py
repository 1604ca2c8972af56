"""rules.py: scoring.yaml → RuleBook; the default rule book is seed 003's 2024 rules, and every
mistake in a project's rule book is a located problem with a stable code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import entry

from site_builder import load_project
from site_builder.errors import ContentError
from site_builder.scores import year_scores
from site_builder.scoring.rules import DEFAULT_RULES, load_rules

# A small valid rule book; the tests below change one line of it.  Line numbers on the right.
SMALL = """\
title: 测试规则
categories:
  - {name: 基础业务, max: 3}
ledger_kinds: {missed-response: 矩阵响应未完成}
items:
  - id: matrix-planning
    name: 市局矩阵策划
    category: 基础业务
    mode: earn
    max: 2
    events:
      - {source: adoption, kinds: [article], points: {city: 0.2, province: 0.3}}
  - id: matrix-response
    name: 矩阵响应
    category: 基础业务
    mode: deduct
    max: 1
    events:
      - {source: ledger, kinds: [missed-response], points: -0.2}
"""
#   1 title            6 items[0].id        12 items[0].events[0]   17 items[1].max
#   3 categories[0]    9 items[0].mode      13 items[1].id          19 items[1].events[0]
#   4 ledger_kinds    10 items[0].max       16 items[1].mode


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scoring.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def changed(old: str, new: str) -> str:
    assert SMALL.count(old) == 1, old
    return SMALL.replace(old, new)


def errors(tmp_path: Path, text: str):
    path = write_rules(tmp_path, text)
    with pytest.raises(ContentError) as err:
        load_rules(path)
    for problem in err.value.problems:
        assert problem.file == path
    return err.value.problems


def only_error(tmp_path: Path, text: str):
    [problem] = errors(tmp_path, text)
    return problem


def where(problem):
    return problem.line, problem.key, problem.code


def default_book():
    book, warnings = load_rules(None)
    assert warnings == ()
    return book


# --- the default rule book ---------------------------------------------------------------

def test_default_rule_book_loads_without_warnings():
    book = default_book()
    assert book.source == DEFAULT_RULES
    assert book.title == "2024年新闻宣传工作绩效考核细则"


@pytest.mark.parametrize(("item_id", "name", "category", "mode", "cap"), [
    ("matrix-planning", "市局矩阵策划", "基础业务", "earn", "2"),
    ("photo-video", "图片视频报送", "基础业务", "earn", "7"),
    ("matrix-response", "矩阵响应", "基础业务", "deduct", "2"),
    ("achievements", "创佳绩", "基础业务", "earn", "1"),
    ("new-media", "新媒体管理", "政务新媒体", "deduct", "1"),
    ("star-selection", "最美之星", "典型选树", "deduct", "3"),
    ("showcase", "展播", "公安文化", "earn", "1"),
    ("culture-award", "获奖", "公安文化", "earn", "1"),
    ("central-media", "中央媒体刊稿", "外宣刊稿", "earn", "10"),
])
def test_default_rule_book_has_each_item_of_the_spec(item_id, name, category, mode, cap):
    item = default_book().item(item_id)
    assert (item.name, item.category, item.mode, item.max) == (name, category, mode, Decimal(cap))


def test_default_rule_book_has_exactly_the_nine_items_in_spec_order():
    assert [i.id for i in default_book().items] == [
        "matrix-planning", "photo-video", "matrix-response", "achievements", "new-media",
        "star-selection", "showcase", "culture-award", "central-media"]


def test_default_category_maxima():
    assert [(c.name, c.max) for c in default_book().categories] == [
        ("基础业务", Decimal(12)), ("政务新媒体", Decimal(1)), ("典型选树", Decimal(3)),
        ("公安文化", Decimal(2)), ("外宣刊稿", Decimal(10))]


def test_default_deduction_total_is_six():
    # 矩阵响应 2 + 新媒体管理 1 + 最美之星 3
    assert default_book().deduction_total == Decimal(6)


def test_default_ministry_scores_as_province():
    assert dict(default_book().level_aliases) == {"ministry": "province"}


def test_default_points_are_exact_decimals():
    [rule] = default_book().item("photo-video").events
    assert dict(rule.by_key) == {"county": Decimal("0.1"), "city": Decimal("0.2"),
                                 "province": Decimal("0.3")}
    assert rule.kinds == ("photo", "video")


def test_default_new_media_doubles_on_negative_opinion():
    [rule] = default_book().item("new-media").events
    assert (rule.source, rule.kinds, rule.flat, rule.double_if) == \
        ("ledger", ("unapproved-account",), Decimal("-0.2"), "negative_opinion")


def test_default_ledger_kinds_are_the_five_of_the_spec():
    assert list(default_book().ledger_kind_labels) == [
        "missed-response", "emergency-task", "correspondent-award", "unapproved-account",
        "missed-star-selection"]


def test_default_central_outlets_and_their_points():
    [rule] = default_book().item("central-media").events
    assert dict(rule.by_key) == {
        "人民日报": Decimal(2), "新华社": Decimal(2), "求是": Decimal(2), "央视总台": Decimal(2),
        "光明日报": Decimal("1.5"), "经济日报": Decimal("1.5"), "学习强国": Decimal(1)}


def test_small_rule_book_loads(tmp_path):
    book, warnings = load_rules(write_rules(tmp_path, SMALL))
    assert warnings == ()
    assert [i.id for i in book.items] == ["matrix-planning", "matrix-response"]


# --- validation: one located problem per mistake -----------------------------------------

def test_unknown_top_level_key(tmp_path):
    problem = only_error(tmp_path, "colour: red\n" + SMALL)
    assert where(problem) == (1, "colour", "unknown-key")


def test_negative_item_max(tmp_path):
    problem = only_error(tmp_path, changed("    max: 2\n", "    max: -2\n"))
    assert where(problem) == (10, "items[0].max", "negative-cap")


def test_negative_category_max(tmp_path):
    problem = next(p for p in errors(tmp_path, changed("max: 3}", "max: -3}"))
                   if p.code == "negative-cap")
    assert where(problem) == (3, "categories[0].max", "negative-cap")


def test_mode_must_be_earn_or_deduct(tmp_path):
    problem = only_error(tmp_path, changed("mode: earn", "mode: gain"))
    assert where(problem) == (9, "items[0].mode", "invalid-mode")
    assert "earn" in problem.hint and "deduct" in problem.hint


def test_unknown_category(tmp_path):
    problem = only_error(tmp_path, changed("    category: 基础业务\n    mode: earn",
                                           "    category: 外宣\n    mode: earn"))
    assert where(problem) == (8, "items[0].category", "unknown-category")
    assert "基础业务" in problem.hint


def test_unknown_source(tmp_path):
    problem = only_error(tmp_path, changed("source: adoption", "source: feed"))
    assert where(problem) == (12, "items[0].events[0].source", "invalid-source")
    assert "adoption" in problem.hint


def test_unknown_adoption_kind(tmp_path):
    problem = only_error(tmp_path, changed("kinds: [article]", "kinds: [story]"))
    assert where(problem) == (12, "items[0].events[0].kinds[0]", "unknown-kind")
    assert "article" in problem.hint


def test_ledger_kind_consumed_by_no_item(tmp_path):
    text = changed("ledger_kinds: {missed-response: 矩阵响应未完成}",
                   "ledger_kinds: {missed-response: 矩阵响应未完成, emergency-task: 应急任务}")
    problem = only_error(tmp_path, text)
    assert where(problem) == (4, "ledger_kinds.emergency-task", "unused-kind")


def test_item_consuming_an_undeclared_ledger_kind(tmp_path):
    text = changed("kinds: [missed-response]", "kinds: [missed-star-selection]")
    problems = errors(tmp_path, text)
    problem = next(p for p in problems if p.code == "unknown-kind")
    assert where(problem) == (19, "items[1].events[0].kinds[0]", "unknown-kind")
    assert "ledger_kinds" in problem.hint
    # the declared kind is now consumed by nothing: reported too, in the same run
    assert {p.code for p in problems} == {"unknown-kind", "unused-kind"}


def test_deduct_item_with_positive_points(tmp_path):
    problem = only_error(tmp_path, changed("points: -0.2", "points: 0.2"))
    assert where(problem) == (19, "items[1].events[0].points", "wrong-sign")


def test_earn_item_with_negative_points(tmp_path):
    problem = only_error(tmp_path, changed("city: 0.2,", "city: -0.2,"))
    assert (problem.line, problem.code) == (12, "wrong-sign")
    assert problem.key.startswith("items[0].events[0].points")


@pytest.mark.parametrize("points", ["abc", "[0.2]", "true"])
def test_points_not_a_number(tmp_path, points):
    problems = errors(tmp_path, changed("points: -0.2", f"points: {points}"))
    problem = next(p for p in problems if p.code == "wrong-type")
    assert where(problem) == (19, "items[1].events[0].points", "wrong-type")


@pytest.mark.parametrize(("old", "new"), [("points: -0.2", "points: abc"),
                                          ("    max: 1\n", "    max: -1\n"),
                                          ("mode: deduct", "mode: minus")],
                         ids=["points", "max", "mode"])
def test_a_mistake_in_a_ledger_item_does_not_also_call_its_kind_unused(tmp_path, old, new):
    # items[1] still lists `kinds: [missed-response]`; only its points/max/mode are wrong.
    # Reporting "missed-response is used by no item" as well would send the editor to the
    # wrong line (4) for a problem that is not there.
    assert "unused-kind" not in [p.code for p in errors(tmp_path, changed(old, new))]


def test_level_points_not_a_number(tmp_path):
    problem = only_error(tmp_path, changed("city: 0.2,", "city: 二,"))
    assert (problem.line, problem.code) == (12, "wrong-type")


def test_item_maxima_above_the_category_max(tmp_path):
    # 2 (matrix-planning) + 1 (matrix-response) = 3 > 2.5
    problem = only_error(tmp_path, changed("max: 3}", "max: 2.5}"))
    assert where(problem) == (3, "categories[0].max", "cap-exceeds-category")
    assert "3" in problem.message and "2.5" in problem.message


def test_item_maxima_equal_to_the_category_max_are_fine(tmp_path):
    book, _ = load_rules(write_rules(tmp_path, SMALL))  # 2 + 1 == 3
    assert book.categories[0].max == sum(i.max for i in book.items)


def test_broken_yaml(tmp_path):
    problem = only_error(tmp_path, changed("kinds: [article]", "kinds: [article"))
    assert (problem.code, problem.line) == ("yaml-unclosed-bracket", 12)  # the bracket's line


def test_every_mistake_is_reported_in_one_run(tmp_path):
    text = changed("mode: earn", "mode: gain").replace("points: -0.2", "points: 0.2")
    assert [p.code for p in errors(tmp_path, text)] == ["invalid-mode", "wrong-sign"]


def test_missing_rule_file_named_in_site_yaml(make_project):
    root = make_project(site={"scoring": "rules.yaml"})
    with pytest.raises(ContentError) as err:
        load_project(root)
    [problem] = err.value.problems
    assert (problem.file.name, problem.key, problem.code) == ("rules.yaml", "scoring", "missing-file")


# --- the rule book is data ---------------------------------------------------------------

def test_a_number_changed_in_scoring_yaml_changes_the_score(make_project):
    default = DEFAULT_RULES.read_text(encoding="utf-8")
    old = "points: {county: 0.1, city: 0.2, province: 0.3}"
    assert default.count(old) == 1
    rules = default.replace(old, "points: {county: 0.1, city: 0.25, province: 0.3}")
    root = make_project(
        entries={"a.md": entry(adoptions=[{"level": "city", "date": "2024-03-14", "kind": "photo"}])},
        site={"scoring": "scoring.yaml"}, files={"scoring.yaml": rules})
    standing = year_scores(load_project(root), 2024).standing("jiaoguan")
    assert dict(standing.items)["photo-video"] == Decimal("0.25")
    assert standing.total == Decimal("6.25")  # 6 deduction marks + 0.25


def test_without_scoring_key_the_default_rule_book_is_used(make_project):
    root = make_project(
        entries={"a.md": entry(adoptions=[{"level": "city", "date": "2024-03-14", "kind": "photo"}])})
    project = load_project(root)
    assert project.rules.source == DEFAULT_RULES
    assert year_scores(project, 2024).standing("jiaoguan").total == Decimal("6.2")
