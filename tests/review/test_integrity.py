"""review/integrity.py and check(): duplicate titles, near-duplicate bodies, broken references."""

from __future__ import annotations

import datetime as dt

from conftest import PNG, entry

from site_builder import check, load_project
from site_builder.review.integrity import duplicates

TODAY = dt.date(2024, 6, 1)
LONG = ("本报讯 3月12日，交管大队召开全体民警警示教育大会，通报近期发生的典型违纪案例，"
        "深入剖析案件发生的思想根源和制度漏洞。会议要求全体民警以案为鉴、以案促改，"
        "切实增强纪律意识和规矩意识，严格落实中央八项规定精神，坚决杜绝酒驾醉驾等违规行为。"
        "大队党委书记、大队长作动员讲话，要求各中队结合实际开展自查自纠，建立问题清单和整改台账，"
        "确保教育整顿各项任务落地见效。会后，全体民警签订了遵规守纪承诺书。")
OTHER = ("本报讯 4月2日，城关派出所联合社区网格员走进辖区农贸市场，开展反电信网络诈骗宣传活动。"
         "民警现场发放宣传资料四百余份，结合真实案例讲解刷单返利、冒充客服等常见诈骗手法，"
         "帮助商户和群众安装国家反诈中心应用。活动中，民警还耐心解答群众咨询，"
         "提醒大家不轻信陌生来电，不点击不明链接，不向陌生账户转账，守护好自己的钱袋子。")


def dupes(root):
    project = load_project(root)
    return duplicates(project.entries, project.root)


def codes_of(problems, code):
    return [p for p in problems if p.code == code]


def near_copy(text: str) -> str:
    """The same text with a few characters changed."""
    return text.replace("3月12日", "3月13日").replace("四百", "五百").replace("动员讲话", "重要讲话")


def test_same_title_in_two_files_is_a_duplicate_title_naming_the_other_file(make_project):
    root = make_project(entries={"a.md": entry(), "b.md": entry("另一篇正文。")})
    [problem] = dupes(root)
    assert (problem.code, problem.level, problem.file.name, problem.key) == (
        "duplicate-title", "warning", "b.md", "title")
    assert "content/a.md" in problem.message


def test_titles_differing_only_in_punctuation_and_spaces_are_duplicates(make_project):
    root = make_project(entries={"a.md": entry(title="交管大队召开警示教育大会"),
                                 "b.md": entry("另一篇正文。", title="交管大队 召开「警示教育」大会！")})
    assert [p.code for p in dupes(root)] == ["duplicate-title"]


def test_different_titles_are_not_duplicates(make_project):
    root = make_project(entries={"a.md": entry(),
                                 "b.md": entry("另一篇正文。", title="城关派出所开展反诈宣传")})
    assert dupes(root) == []


def test_near_duplicate_bodies_are_a_duplicate_body_warning_about_scoring(make_project):
    root = make_project(entries={"a.md": entry(LONG), "b.md": entry(near_copy(LONG), title="另一个标题")})
    assert near_copy(LONG) != LONG
    [problem] = dupes(root)
    assert (problem.code, problem.level, problem.file.name) == ("duplicate-body", "warning", "b.md")
    assert "计分" in problem.message and "content/a.md" in problem.message


def test_identical_bodies_in_subfolders_name_the_other_path(make_project):
    root = make_project(entries={"2024-03/a.md": entry(LONG),
                                 "2024-04/b.md": entry(LONG, title="另一个标题")})
    [problem] = dupes(root)
    assert problem.code == "duplicate-body" and "content/2024-03/a.md" in problem.message


def test_different_bodies_are_not_duplicates(make_project):
    root = make_project(entries={"a.md": entry(LONG), "b.md": entry(OTHER, title="另一个标题")})
    assert dupes(root) == []


def test_short_identical_bodies_are_not_called_duplicates(make_project):
    root = make_project(entries={"a.md": entry("会议要求全体民警严守纪律。"),
                                 "b.md": entry("会议要求全体民警严守纪律。", title="另一个标题")})
    assert dupes(root) == []


def test_check_reports_duplicates_too(make_project):
    root = make_project(entries={"a.md": entry(LONG, reviewer="王建华"),
                                 "b.md": entry(near_copy(LONG), reviewer="王建华")})
    found = {p.code for p in check(load_project(root), today=TODAY)}
    assert found == {"duplicate-title", "duplicate-body"}


def test_link_to_a_missing_entry_is_a_broken_link_warning(make_project):
    root = make_project(entries={"a.md": entry("详见[上期报道](nope.md)。", reviewer="王建华")})
    [problem] = check(load_project(root), today=TODAY)
    assert (problem.code, problem.level, problem.file.name, problem.line) == (
        "broken-link", "warning", "a.md", 9)


def test_link_to_an_existing_entry_is_fine(make_project):
    root = make_project(entries={"a.md": entry("详见[上期报道](b.md)。", reviewer="王建华"),
                                 "b.md": entry("另一篇正文。", title="另一个标题", reviewer="王建华")})
    assert check(load_project(root), today=TODAY) == ()


def test_missing_image_is_a_missing_file_error_in_an_approved_entry(make_project):
    root = make_project(entries={"a.md": entry("![现场](images/none.png)", reviewer="王建华")})
    [problem] = check(load_project(root), today=TODAY)
    assert (problem.code, problem.level, problem.line) == ("missing-file", "error", 9)


def test_missing_image_is_a_missing_file_warning_in_a_draft(make_project):
    root = make_project(entries={"a.md": entry("![现场](images/none.png)", status="draft")})
    problems = check(load_project(root), today=TODAY)
    assert [(p.code, p.level) for p in problems if p.code == "missing-file"] == [
        ("missing-file", "warning")]


def test_existing_image_is_fine(make_project):
    root = make_project(entries={"a.md": entry("![现场](images/a.png)", reviewer="王建华")},
                        files={"content/images/a.png": PNG})
    assert check(load_project(root), today=TODAY) == ()
