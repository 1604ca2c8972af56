"""review/lint.py: personal information and sensitive terms by classification, acknowledgements,
内外有别 for disciplinary cases, the reviewer, and dates."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import entry

from site_builder import build, check, load_project
from site_builder.cli import main
from site_builder.errors import ContentError
from site_builder.review.lint import lint_entry
from site_builder.review.terms import load_review_rules

TODAY = dt.date(2024, 6, 1)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
FIRST17 = "53010219900307123"
ID18 = FIRST17 + "10X98765432"[sum(int(d) * w for d, w in zip(FIRST17, WEIGHTS, strict=True)) % 11]
MOBILE = "13812345678"
OTHER_MOBILE = "13987654321"
CARD = "6217001234567893"  # Luhn-valid
PLATE = "云A12345"
PUBLIC = {"classification": "public", "reviewer": "王建华"}
INTERNAL = {"classification": "internal", "reviewer": "王建华"}


def lints(root, today=TODAY):
    project = load_project(root)
    [only] = project.entries
    return lint_entry(only, project.config, load_review_rules(root), today)


def by_code(problems, code):
    return [p for p in problems if p.code == code]


# —— personal information ——

@pytest.mark.parametrize(("number", "code"), [(ID18, "pii-id-number"), (MOBILE, "pii-mobile"),
                                              (CARD, "pii-bank-card"), (PLATE, "pii-licence-plate")])
def test_personal_information_in_a_public_entry_is_an_error(make_project, number, code):
    root = make_project(entries={"a.md": entry(f"当事人信息：{number}。", **PUBLIC)})
    [problem] = lints(root)
    assert (problem.code, problem.level) == (code, "error")


@pytest.mark.parametrize(("number", "code"), [(ID18, "pii-id-number"), (MOBILE, "pii-mobile"),
                                              (CARD, "pii-bank-card"), (PLATE, "pii-licence-plate")])
def test_personal_information_in_an_internal_entry_is_a_warning(make_project, number, code):
    root = make_project(entries={"a.md": entry(f"当事人信息：{number}。", **INTERNAL)})
    [problem] = lints(root)
    assert (problem.code, problem.level) == (code, "warning")


def test_an_entry_without_personal_information_has_no_pii_finding(make_project):
    root = make_project(entries={"a.md": entry("报警请拨打110，或拨打12345热线。", **PUBLIC)})
    assert lints(root) == []


def test_pii_problem_has_file_line_and_column(make_project):
    # front-matter lines 2–7, closing fence 8, blank 9, the body on line 10
    root = make_project(entries={"a.md": entry(f"联系电话{MOBILE}。", **PUBLIC)})
    [problem] = lints(root)
    assert (problem.file.name, problem.line, problem.column) == ("a.md", 10, 5)


def test_pii_in_front_matter_is_located_on_its_line(make_project):
    root = make_project(entries={"a.md": entry(summary=f"联系人电话 {MOBILE}", **PUBLIC)})
    [problem] = lints(root)
    assert (problem.code, problem.line) == ("pii-mobile", 6)


@pytest.mark.parametrize("number", [ID18, MOBILE, CARD, PLATE])
def test_pii_message_and_hint_show_only_a_masked_excerpt(make_project, number):
    root = make_project(entries={"a.md": entry(f"当事人信息：{number}。", **PUBLIC)})
    [problem] = lints(root)
    assert "*" in problem.message
    assert number not in problem.message and number not in problem.hint


def test_check_json_output_never_contains_the_full_number(make_project, capsys):
    body = f"身份证{ID18}，手机{MOBILE}，卡号{CARD}，车牌{PLATE}。"
    root = make_project(entries={"a.md": entry(body, **PUBLIC)})
    assert main(["check", "--project", str(root), "--format", "json"]) == 1
    out = capsys.readouterr().out
    found = {p["code"] for p in json.loads(out)}
    assert {"pii-id-number", "pii-mobile", "pii-bank-card", "pii-licence-plate"} <= found
    for number in (ID18, MOBILE, CARD, PLATE):
        assert number not in out


def test_check_text_output_never_contains_the_full_number(make_project, capsys):
    root = make_project(entries={"a.md": entry(f"身份证{ID18}，手机{MOBILE}。", **PUBLIC)})
    assert main(["check", "--project", str(root)]) == 1
    captured = capsys.readouterr()
    assert ID18 not in captured.out + captured.err and MOBILE not in captured.out + captured.err


def test_acknowledged_number_is_not_reported(make_project):
    root = make_project(entries={"a.md": entry(f"举报电话{MOBILE}。", acknowledge=[MOBILE], **PUBLIC)})
    assert lints(root) == []


def test_acknowledged_number_written_with_spaces_matches_the_plain_number(make_project):
    root = make_project(entries={"a.md": entry(f"举报电话{MOBILE}。", acknowledge=["138 1234 5678"],
                                               **PUBLIC)})
    assert lints(root) == []


def test_acknowledging_one_number_leaves_another_reported(make_project):
    body = f"举报电话{MOBILE}，当事人电话{OTHER_MOBILE}。"
    root = make_project(entries={"a.md": entry(body, acknowledge=[MOBILE], **PUBLIC)})
    [problem] = lints(root)
    assert (problem.code, problem.level) == ("pii-mobile", "error")
    assert problem.message.endswith(f"「{OTHER_MOBILE[:3]}****{OTHER_MOBILE[-4:]}」")


# —— sensitive terms by classification ——

def test_default_error_term_in_a_public_entry_is_an_error(make_project):
    root = make_project(entries={"a.md": entry("在线人员配合下，民警将其抓获。", **PUBLIC)})
    [problem] = lints(root)
    assert (problem.code, problem.level, problem.line, problem.column) == ("sensitive-term", "error", 10, 2)


def test_default_error_term_in_an_internal_entry_is_a_warning(make_project):
    root = make_project(entries={"a.md": entry("在线人配合下，民警将其抓获。", **INTERNAL)})
    [problem] = lints(root)
    assert (problem.code, problem.level) == ("sensitive-term", "warning")


def test_everyday_case_phrase_in_a_public_entry_is_only_a_warning(make_project):
    root = make_project(entries={"a.md": entry("目前，案件正在进一步办理中。", **PUBLIC)})
    [problem] = lints(root)
    assert (problem.code, problem.level) == ("sensitive-term", "warning")


def test_public_entry_with_the_everyday_case_phrase_still_builds(make_project):
    root = make_project(entries={"a.md": entry("目前，案件正在进一步办理中。", **PUBLIC)})
    report = build(load_project(root), public=True, pdf=False, today=TODAY)
    assert report.entries == 1
    assert [p.code for p in report.warnings] == ["sensitive-term"]


def test_public_entry_with_an_error_term_does_not_build(make_project):
    root = make_project(entries={"a.md": entry("在线人配合下，民警将其抓获。", **PUBLIC)})
    with pytest.raises(ContentError) as err:
        build(load_project(root), public=True, pdf=False, today=TODAY)
    assert [p.code for p in err.value.problems] == ["sensitive-term"]


def test_acknowledged_term_is_not_reported(make_project):
    body = "目前，案件正在进一步办理中。"
    root = make_project(entries={"a.md": entry(body, acknowledge=["案件正在进一步办理中"], **PUBLIC)})
    assert lints(root) == []


# —— 内外有别: disciplinary cases ——

def test_public_disciplinary_case_without_approval_is_an_error_on_the_classification_line(make_project):
    # tags on line 6, its item on 7, classification on 8
    root = make_project(entries={"a.md": entry(tags=["违纪违法案例"], classification="public",
                                               reviewer="王建华")})
    [problem] = by_code(lints(root), "disciplinary-public")
    assert (problem.level, problem.line, problem.key) == ("error", 8, "classification")


def test_public_disciplinary_case_with_approval_has_no_disciplinary_error(make_project):
    root = make_project(entries={"a.md": entry(tags=["违纪违法案例"], classification="public",
                                               reviewer="王建华", approval="市教育整顿办 2024-03-02")})
    assert by_code(lints(root), "disciplinary-public") == []


def test_public_disciplinary_case_with_approval_has_no_error_at_all(make_project):
    root = make_project(entries={"a.md": entry(tags=["违纪违法案例"], classification="public",
                                               reviewer="王建华", approval="市教育整顿办 2024-03-02")})
    assert [p for p in lints(root) if p.is_error] == []


def test_internal_disciplinary_case_has_no_error(make_project):
    root = make_project(entries={"a.md": entry(tags=["违纪违法案例"], classification="internal",
                                               reviewer="王建华")})
    assert [p for p in lints(root) if p.is_error] == []


def test_disciplinary_type_from_review_yaml_is_treated_like_the_tag(make_project):
    review = "terms: []\ndisciplinary: {tags: [], types: [briefing]}\n"
    root = make_project(entries={"a.md": entry(classification="public", reviewer="王建华")},
                        files={"review.yaml": review})
    [problem] = lints(root)
    assert problem.code == "disciplinary-public"


# —— workflow ——

def test_approved_entry_without_reviewer_is_a_missing_reviewer_warning(make_project):
    root = make_project(entries={"a.md": entry(status="approved")})
    [problem] = lints(root)
    assert (problem.code, problem.level, problem.line) == ("missing-reviewer", "warning", 6)


def test_approved_entry_with_a_reviewer_has_no_warning(make_project):
    root = make_project(entries={"a.md": entry(status="approved", reviewer="王建华")})
    assert lints(root) == []


def test_missing_reviewer_is_an_error_when_site_requires_reviewers(make_project):
    root = make_project(entries={"a.md": entry(status="approved")}, site={"require_reviewer": True})
    [problem] = lints(root)
    assert (problem.code, problem.level) == ("missing-reviewer", "error")


@pytest.mark.parametrize("status", ["draft", "review"])
def test_unapproved_entry_needs_no_reviewer_even_when_required(make_project, status):
    root = make_project(entries={"a.md": entry(status=status)}, site={"require_reviewer": True})
    assert lints(root) == []


def test_required_reviewer_stops_the_build(make_project):
    root = make_project(entries={"a.md": entry(status="approved")}, site={"require_reviewer": True})
    with pytest.raises(ContentError) as err:
        build(load_project(root), pdf=False, today=TODAY)
    assert [p.code for p in err.value.problems] == ["missing-reviewer"]


# —— dates ——

def test_entry_dated_after_today_is_a_future_date_warning(make_project):
    root = make_project(entries={"a.md": entry(date="2024-03-12", reviewer="王建华")})
    [problem] = lints(root, today=dt.date(2024, 3, 11))
    assert (problem.code, problem.level, problem.line) == ("future-date", "warning", 3)


def test_entry_dated_today_is_not_in_the_future(make_project):
    root = make_project(entries={"a.md": entry(date="2024-03-12", reviewer="王建华")})
    assert lints(root, today=dt.date(2024, 3, 12)) == []


def test_check_takes_today_for_future_dates(make_project):
    root = make_project(entries={"a.md": entry(date="2024-03-12", reviewer="王建华")})
    assert [p.code for p in check(load_project(root), today=dt.date(2024, 3, 1))] == ["future-date"]
    assert check(load_project(root), today=dt.date(2024, 3, 12)) == ()


def test_adoption_dated_before_the_entry_is_reported_on_the_adoption_line(make_project):
    # adoptions on line 7, the first item on 8, the second on 10
    adoptions = [{"level": "city", "date": "2024-03-15"}, {"level": "province", "date": "2024-03-10"}]
    root = make_project(entries={"a.md": entry(reviewer="王建华", adoptions=adoptions)})
    [problem] = lints(root)
    assert (problem.code, problem.level, problem.line) == ("event-before-entry", "warning", 10)
    assert problem.key == "adoptions[1].date"


def test_adoption_on_or_after_the_entry_date_is_fine(make_project):
    adoptions = [{"level": "city", "date": "2024-03-12"}, {"level": "province", "date": "2024-04-01"}]
    root = make_project(entries={"a.md": entry(reviewer="王建华", adoptions=adoptions)})
    assert lints(root) == []


def test_award_dated_before_the_entry_is_reported_too(make_project):
    awards = [{"level": "city", "name": "优秀作品奖", "date": "2024-01-05"}]
    root = make_project(entries={"a.md": entry(reviewer="王建华", awards=awards)})
    [problem] = lints(root)
    assert (problem.code, problem.key) == ("event-before-entry", "awards[0].date")
