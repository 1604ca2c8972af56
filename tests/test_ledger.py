"""ledger.py: content/ledger/*.yaml → LedgerEvent, every line validated and located."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import entry, load_problems, only_problem

from site_builder import load_project

# One valid ledger line; line numbers: `- date` 1, department 2, kind 3.
LINE = "- date: 2024-03-01\n  department: jiaoguan\n  kind: missed-response\n"


def ledger_project(make_project, text: str, name: str = "2024.yaml", **kwargs):
    return make_project(files={f"content/ledger/{name}": text}, **kwargs)


problems = load_problems


def where(problem):
    return problem.file.name, problem.line, problem.key, problem.code


# --- valid lines -------------------------------------------------------------------------

def test_a_valid_line_loads(make_project):
    [line] = load_project(ledger_project(make_project, LINE)).ledger
    assert (line.date, line.department, line.kind) == (dt.date(2024, 3, 1), "jiaoguan",
                                                       "missed-response")
    assert (line.person, line.level, line.negative_opinion, line.note) == ("", "", False, "")
    assert (line.source.name, line.line) == ("2024.yaml", 1)


@pytest.mark.parametrize("name", ["jiaoguan", "交管大队", "交警大队"])
def test_department_by_id_name_or_alias(make_project, name):
    text = LINE.replace("department: jiaoguan", f"department: {name}")
    [line] = load_project(ledger_project(make_project, text)).ledger
    assert line.department == "jiaoguan"


def test_correspondent_award_with_person_and_level(make_project):
    text = ("- date: 2024-01-30\n  department: 城关派出所\n  kind: correspondent-award\n"
            "  person: 周婧\n  level: city\n  note: 获评全市公安优秀通讯员\n")
    [line] = load_project(ledger_project(make_project, text)).ledger
    assert (line.department, line.kind, line.person, line.level, line.note) == \
        ("chengguan", "correspondent-award", "周婧", "city", "获评全市公安优秀通讯员")


def test_negative_opinion_flag(make_project):
    text = ("- date: 2024-06-05\n  department: xingzhen\n  kind: unapproved-account\n"
            "  negative_opinion: true\n")
    [line] = load_project(ledger_project(make_project, text)).ledger
    assert (line.kind, line.negative_opinion) == ("unapproved-account", True)


def test_each_line_knows_its_own_line_number(make_project):
    text = "# 台账\n\n" + LINE + "\n" + LINE.replace("2024-03-01", "2024-03-02")
    lines = load_project(ledger_project(make_project, text)).ledger
    assert [(e.date.day, e.line) for e in lines] == [(1, 3), (2, 7)]


def test_lines_of_several_files_are_sorted_by_date(make_project):
    root = make_project(files={
        "content/ledger/b.yaml": LINE,
        "content/ledger/a.yml": LINE.replace("2024-03-01", "2024-05-01"),
        "content/ledger/c.yaml": LINE.replace("2024-03-01", "2023-12-31")})
    assert [e.date.isoformat() for e in load_project(root).ledger] == \
        ["2023-12-31", "2024-03-01", "2024-05-01"]


def test_an_empty_ledger_file_has_no_lines(make_project):
    assert load_project(ledger_project(make_project, "# 暂无\n")).ledger == ()


# --- located problems --------------------------------------------------------------------

def test_unknown_kind_lists_the_accepted_kinds(make_project):
    problem = only_problem(ledger_project(make_project, LINE.replace("missed-response", "missed")))
    assert where(problem) == ("2024.yaml", 3, "[0].kind", "unknown-kind")
    for kind in ("missed-response", "emergency-task", "correspondent-award", "unapproved-account",
                 "missed-star-selection"):
        assert kind in problem.hint


def test_unknown_department_suggests_the_closest(make_project):
    problem = only_problem(ledger_project(make_project, LINE.replace("jiaoguan", "交管队")))
    assert where(problem) == ("2024.yaml", 2, "[0].department", "unknown-department")
    assert "是否应为「交管大队」" in problem.hint


def test_missing_department(make_project):
    problem = only_problem(ledger_project(make_project, LINE.replace("  department: jiaoguan\n", "")))
    assert (problem.key, problem.code) == ("[0].department", "missing-key")
    assert problem.line == 1


@pytest.mark.parametrize("date", ["2024-02-30", "2024/03/01", "2024-3-1", "三月一日"])
def test_bad_date(make_project, date):
    problem = only_problem(ledger_project(make_project, LINE.replace("2024-03-01", date)))
    assert where(problem) == ("2024.yaml", 1, "[0].date", "invalid-date")


def test_correspondent_award_without_person(make_project):
    text = "- date: 2024-01-30\n  department: jiaoguan\n  kind: correspondent-award\n  level: city\n"
    problem = only_problem(ledger_project(make_project, text))
    assert where(problem) == ("2024.yaml", 1, "[0].person", "missing-key")


def test_correspondent_award_without_level(make_project):
    text = "- date: 2024-01-30\n  department: jiaoguan\n  kind: correspondent-award\n  person: 李明远\n"
    problem = only_problem(ledger_project(make_project, text))
    assert (problem.key, problem.code) == ("[0].level", "missing-key")


def test_correspondent_award_with_a_bad_level(make_project):
    text = ("- date: 2024-01-30\n  department: jiaoguan\n  kind: correspondent-award\n"
            "  person: 李明远\n  level: provincial\n")
    problem = only_problem(ledger_project(make_project, text))
    assert where(problem) == ("2024.yaml", 5, "[0].level", "invalid-level")
    assert "regional" in problem.hint and "city" in problem.hint


@pytest.mark.parametrize("value", ["是", "'true'", "1"])
def test_negative_opinion_must_be_a_bool(make_project, value):
    text = LINE.replace("missed-response", "unapproved-account") + f"  negative_opinion: {value}\n"
    problem = only_problem(ledger_project(make_project, text))
    assert where(problem) == ("2024.yaml", 4, "[0].negative_opinion", "wrong-type")


def test_unknown_key_in_a_line(make_project):
    problem = only_problem(ledger_project(make_project, LINE + "  points: -0.2\n"))
    assert where(problem) == ("2024.yaml", 4, "[0].points", "unknown-key")


def test_file_not_a_list(make_project):
    problem = only_problem(ledger_project(make_project, "date: 2024-03-01\nkind: missed-response\n"))
    assert (problem.file.name, problem.line, problem.code) == ("2024.yaml", 1, "wrong-type")
    assert "- " in problem.hint


def test_a_line_not_a_mapping(make_project):
    problem = only_problem(ledger_project(make_project, LINE + "- missed-response\n"))
    assert (problem.line, problem.key, problem.code) == (4, "[1]", "wrong-type")


def test_broken_yaml(make_project):
    problem = only_problem(ledger_project(make_project, LINE.replace("kind: missed-response",
                                                                      "kind: [missed-response")))
    assert (problem.file.name, problem.code, problem.line) == ("2024.yaml", "yaml-unclosed-bracket", 3)


def test_a_bad_line_does_not_hide_the_good_ones_problems(make_project):
    text = LINE.replace("jiaoguan", "交管队") + LINE.replace("missed-response", "missed")
    assert [(p.line, p.code) for p in problems(ledger_project(make_project, text))] == \
        [(2, "unknown-department"), (6, "unknown-kind")]


def test_entry_and_ledger_problems_in_one_run(make_project):
    root = make_project(entries={"a.md": entry(department="交警队")},
                        files={"content/ledger/2024.yaml": LINE.replace("missed-response", "missed"),
                               "content/ledger/2025.yaml": "- [broken\n"})
    found = [(p.file.name, p.key, p.code) for p in problems(root)]
    assert found == [("a.md", "department", "unknown-department"),
                     ("2024.yaml", "[0].kind", "unknown-kind"),
                     ("2025.yaml", None, "yaml-unclosed-bracket")]


def test_ledger_kinds_come_from_the_project_rule_book(make_project):
    # A rule book without missed-response in ledger_kinds: the ledger may not use it.
    rules = """\
title: 只有应急任务
categories:
  - {name: 基础业务, max: 1}
ledger_kinds: {emergency-task: 临时性应急任务}
items:
  - id: achievements
    name: 创佳绩
    category: 基础业务
    mode: earn
    max: 1
    events:
      - {source: ledger, kinds: [emergency-task], points: 0.2}
"""
    root = make_project(site={"scoring": "scoring.yaml"},
                        files={"scoring.yaml": rules, "content/ledger/2024.yaml": LINE})
    problem = only_problem(root)
    assert (problem.key, problem.code) == ("[0].kind", "unknown-kind")
    assert "emergency-task" in problem.hint and "missed-response" not in problem.hint


# --- repeated lines ------------------------------------------------------------------------

def test_two_identical_lines_both_count_and_the_second_is_warned_with_both_places(make_project):
    import json

    from site_builder import build

    root = ledger_project(make_project, LINE + LINE.replace("jiaoguan", "交管大队"))
    project = load_project(root)
    assert len(project.ledger) == 2
    [warning] = [p for p in project.warnings if p.code == "duplicate-ledger-line"]
    assert (warning.file.name, warning.line, warning.level) == ("2024.yaml", 4, "warning")
    assert "ledger/2024.yaml:1" in warning.message and "note" in warning.hint
    build(project)
    scores = json.loads((root / "output/scores/2024.json").read_text(encoding="utf-8"))
    lines = [a for a in scores["audit"] if a["department"] == "jiaoguan"]
    assert [(a["points"], a["counted"]) for a in lines] == [(-0.2, True), (-0.2, True)]


def test_lines_that_differ_in_their_note_are_two_events_without_a_warning(make_project):
    text = LINE + "  note: 上午\n" + LINE + "  note: 下午\n"
    project = load_project(ledger_project(make_project, text))
    assert len(project.ledger) == 2
    assert not [p for p in project.warnings if p.code == "duplicate-ledger-line"]


def test_a_line_repeated_in_another_file_is_warned_too(make_project):
    root = make_project(files={"content/ledger/2024.yaml": LINE,
                               "content/ledger/2024-extra.yaml": LINE})
    [warning] = [p for p in load_project(root).warnings if p.code == "duplicate-ledger-line"]
    assert warning.file.name == "2024.yaml" and "2024-extra.yaml:1" in warning.message


def test_ledger_files_in_hidden_or_underscore_folders_are_not_read(make_project):
    root = make_project(files={"content/ledger/.old/2024.yaml": LINE,
                               "content/ledger/_drafts/2024.yaml": LINE,
                               "content/ledger/2024.yaml": LINE})
    assert len(load_project(root).ledger) == 1
