"""review/terms.py: the packaged default rules, a project's review.yaml instead, bad rules."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import entry

from site_builder import check, load_project
from site_builder.errors import ContentError
from site_builder.review.terms import DEFAULT_REVIEW, load_review_rules, scan_terms

TODAY = dt.date(2024, 6, 1)
CUSTOM = "terms:\n  - {term: 内部编号, level: error, reason: 测试用规则}\n"


def hits(text, rules):
    return [(h.text, h.line, h.column) for h in scan_terms(text, rules)]


def term_problems(root):
    return [p for p in check(load_project(root), today=TODAY) if p.code == "sensitive-term"]


def test_without_review_yaml_the_packaged_defaults_apply(make_project):
    rules = load_review_rules(make_project())
    assert rules.source == DEFAULT_REVIEW
    assert "违纪违法案例" in rules.disciplinary_tags


def test_default_rules_catch_the_informant_term(make_project):
    rules = load_review_rules(make_project())
    assert hits("第一行\n据线人反映", rules) == [("线人", 1, 2)]


def test_default_rules_leave_an_ordinary_sentence_alone(make_project):
    rules = load_review_rules(make_project())
    assert hits("本报讯 3月12日，交管大队召开警示教育大会。", rules) == []


@pytest.mark.parametrize("text", ["案件正在进一步办理中", "案件仍在侦办中", "案件正在审理中"])
def test_default_case_in_progress_pattern_is_a_warning_rule(make_project, text):
    rules = load_review_rules(make_project())
    [hit] = scan_terms(f"目前，{text}。", rules)
    assert (hit.text, hit.rule.level) == (text, "warning")


def test_default_informant_rule_is_an_error_rule(make_project):
    rules = load_review_rules(make_project())
    [hit] = scan_terms("据特情反映", rules)
    assert hit.rule.level == "error" and hit.rule.reason


def test_project_review_yaml_replaces_the_defaults(make_project):
    root = make_project(files={"review.yaml": CUSTOM})
    rules = load_review_rules(root)
    assert rules.source == root / "review.yaml"
    assert [t.label for t in rules.terms] == ["内部编号"]


def test_custom_term_is_caught_in_an_entry(make_project):
    root = make_project(entries={"a.md": entry("该案内部编号另行通知。", classification="public",
                                               reviewer="王建华")}, files={"review.yaml": CUSTOM})
    [problem] = term_problems(root)
    assert (problem.level, problem.line, problem.column) == ("error", 10, 3)
    assert "测试用规则" in problem.message


def test_default_term_is_no_longer_caught_with_a_project_review_yaml(make_project):
    root = make_project(entries={"a.md": entry("在线人配合下，民警将其抓获。", classification="public",
                                               reviewer="王建华")}, files={"review.yaml": CUSTOM})
    assert term_problems(root) == []


def test_rule_level_defaults_to_warning(make_project):
    root = make_project(files={"review.yaml": "terms:\n  - {term: 内部编号, reason: 测试}\n"})
    [rule] = load_review_rules(root).terms
    assert rule.level == "warning"


def test_pattern_rule_matches_as_a_regular_expression(make_project):
    root = make_project(files={"review.yaml": "terms:\n  - {pattern: '专案[组队]', reason: 测试}\n"})
    assert hits("成立专案组和专案队", load_review_rules(root)) == [("专案组", 0, 3), ("专案队", 0, 7)]


def test_term_rule_matches_literally_not_as_a_regular_expression(make_project):
    root = make_project(files={"review.yaml": "terms:\n  - {term: 'a.b', reason: 测试}\n"})
    rules = load_review_rules(root)
    assert hits("axb", rules) == []
    assert hits("a.b", rules) == [("a.b", 0, 1)]


def rule_problems(make_project, review: str) -> tuple:
    """The problems of loading a project whose review.yaml is `review`, which must fail."""
    root = make_project(files={"review.yaml": review})
    with pytest.raises(ContentError) as err:
        load_review_rules(root)
    return err.value.problems


def test_invalid_regex_in_review_yaml_is_invalid_pattern(make_project):
    problems = rule_problems(make_project, "terms:\n  - pattern: '线人('\n    reason: 测试\n")
    [problem] = problems
    assert (problem.code, problem.file.name, problem.line) == ("invalid-pattern", "review.yaml", 2)


def test_rule_with_neither_term_nor_pattern_is_invalid_rule(make_project):
    problems = rule_problems(make_project, "terms:\n  - {level: error, reason: 测试}\n")
    [problem] = problems
    assert (problem.code, problem.line) == ("invalid-rule", 2)


def test_rule_with_both_term_and_pattern_is_invalid_rule(make_project):
    problems = rule_problems(make_project, "terms:\n  - {term: 线人, pattern: 特情, reason: 测试}\n")
    assert [p.code for p in problems] == ["invalid-rule"]


def test_valid_rules_load_without_problems(make_project):
    review = ("terms:\n  - {pattern: '线人|特情', level: error, reason: 测试}\n"
              "  - {term: 证人, reason: 测试}\n")
    rules = load_review_rules(make_project(files={"review.yaml": review}))
    assert [t.label for t in rules.terms] == ["线人|特情", "证人"]


def test_rule_without_a_reason_is_missing_key(make_project):
    problems = rule_problems(make_project, "terms:\n  - {term: 线人}\n")
    assert [p.code for p in problems] == ["missing-key"]


def test_unknown_level_is_invalid_level(make_project):
    problems = rule_problems(make_project, "terms:\n  - {term: 线人, level: fatal, reason: 测试}\n")
    assert [p.code for p in problems] == ["invalid-level"]


def test_review_yaml_with_bad_syntax_is_a_located_yaml_error(make_project):
    problems = rule_problems(make_project, "terms:\n  - {term: 线人\n")
    [problem] = problems
    assert problem.code == "yaml-unclosed-bracket" and problem.file.name == "review.yaml"


def test_review_yaml_that_is_not_a_mapping_is_wrong_type(make_project):
    problems = rule_problems(make_project, "- 线人\n")
    assert [p.code for p in problems] == ["wrong-type"]


def test_bad_review_yaml_makes_check_report_the_problem_not_crash(make_project, capsys):
    from site_builder.cli import main

    root = make_project(entries={"a.md": entry()}, files={"review.yaml": "terms:\n  - {reason: 测试}\n"})
    assert main(["check", "--project", str(root)]) == 1
    out = capsys.readouterr().out
    assert "invalid-rule" in out and "review.yaml:2" in out
