"""config.py: site.yaml → SiteConfig, every problem with file, line, key and code."""

from __future__ import annotations

import pytest
from conftest import only_problem

from site_builder import load_project
from site_builder.errors import ContentError, UsageError

DEPARTMENTS = "departments:\n  - id: jiaoguan\n    name: 交管大队\n    aliases: [交警大队]\n"


def site(make_project, text):
    root = make_project()
    (root / "site.yaml").write_text(text, encoding="utf-8")
    return root




def test_title_and_departments_are_enough(make_project):
    config = load_project(site(make_project, "title: 测试简报\n" + DEPARTMENTS)).config
    assert (config.title, config.base_url, config.default_status, config.page_size) == \
        ("测试简报", "/", "approved", 20)
    assert config.columns == ("教育整顿进行时",)
    assert dict(config.types) == {"briefing": "工作动态", "model-figure": "先进典型",
                                  "work-summary": "工作总结"}


def test_departments_keep_id_name_and_aliases(make_project):
    [dept] = load_project(site(make_project, "title: 测试简报\n" + DEPARTMENTS)).config.departments
    assert (dept.id, dept.name, dept.aliases) == ("jiaoguan", "交管大队", ("交警大队",))


def test_missing_title_is_missing_key(make_project):
    problem = only_problem(site(make_project, "organization: 测试市公安局\n" + DEPARTMENTS))
    assert (problem.file.name, problem.key, problem.code) == ("site.yaml", "title", "missing-key")
    assert "title:" in problem.hint


def test_missing_departments_is_missing_key(make_project):
    problem = only_problem(site(make_project, "title: 测试简报\n"))
    assert (problem.file.name, problem.key, problem.code) == ("site.yaml", "departments", "missing-key")
    assert "id:" in problem.hint and "name:" in problem.hint


def test_empty_site_yaml_misses_title_and_departments(make_project):
    with pytest.raises(ContentError) as err:
        load_project(site(make_project, ""))
    assert sorted((p.key, p.code) for p in err.value.problems) == \
        [("departments", "missing-key"), ("title", "missing-key")]


def test_site_yaml_that_is_a_list_is_wrong_type(make_project):
    problem = only_problem(site(make_project, "- title: 测试简报\n"))
    assert (problem.file.name, problem.line, problem.code) == ("site.yaml", 1, "wrong-type")


def test_unknown_top_level_key_is_located_and_suggests_the_close_one(make_project):
    problem = only_problem(site(make_project, "title: 测试简报\ncolums: [以案促改]\n" + DEPARTMENTS))
    assert (problem.file.name, problem.line, problem.key, problem.code) == \
        ("site.yaml", 2, "colums", "unknown-key")
    assert "columns" in problem.hint


def test_departments_as_text_is_wrong_type(make_project):
    problem = only_problem(site(make_project, "title: 测试简报\ndepartments: abc\n"))
    assert (problem.line, problem.key, problem.code) == (2, "departments", "wrong-type")
    assert "id: jiaoguan" in problem.hint


def test_empty_department_list_is_wrong_type(make_project):
    problem = only_problem(site(make_project, "title: 测试简报\ndepartments: []\n"))
    assert (problem.line, problem.key, problem.code) == (2, "departments", "wrong-type")


def test_page_size_as_text_is_wrong_type(make_project):
    problem = only_problem(site(make_project, "title: 测试简报\npage_size: x\n" + DEPARTMENTS))
    assert (problem.line, problem.key, problem.code) == (2, "page_size", "wrong-type")
    assert "page_size: 20" in problem.hint


def test_negative_newsletter_copies_is_wrong_type(make_project):
    text = "title: 测试简报\nnewsletter:\n  title: 简报\n  copies: -1\n" + DEPARTMENTS
    problem = only_problem(site(make_project, text))
    assert (problem.line, problem.key, problem.code) == (4, "newsletter.copies", "wrong-type")
    assert "copies: 60" in problem.hint


def test_newsletter_settings_are_read(make_project):
    text = ("title: 测试简报\nnewsletter:\n  title: 教育整顿简报\n  copies: 60\n"
            "  distribution: {报: [市委政法委], 发: [各派出所]}\n" + DEPARTMENTS)
    news = load_project(site(make_project, text)).config.newsletter
    assert (news.title, news.copies) == ("教育整顿简报", 60)
    assert news.distribution == (("报", ("市委政法委",)), ("发", ("各派出所",)))


@pytest.mark.parametrize("dept_id", ["JiaoGuan", "交管", "jiao guan", "-jiaoguan"])
def test_department_id_must_be_lower_case_ascii(make_project, dept_id):
    text = f"title: 测试简报\ndepartments:\n  - name: 交管大队\n    id: {dept_id}\n"
    problem = only_problem(site(make_project, text))
    assert (problem.line, problem.key, problem.code) == (4, "departments[0].id", "invalid-id")
    assert "jiaoguan" in problem.hint


def test_department_without_name_is_missing_key(make_project):
    problem = only_problem(site(make_project, "title: 测试简报\ndepartments:\n  - id: jiaoguan\n"))
    assert (problem.line, problem.key, problem.code) == (3, "departments[0].name", "missing-key")


def test_two_departments_with_one_name_are_duplicates(make_project):
    text = DEPARTMENTS + "  - id: jiaoguan2\n    name: 交管大队\n"
    problem = only_problem(site(make_project, "title: 测试简报\n" + text))
    assert (problem.line, problem.key, problem.code) == (6, "departments[1]", "duplicate-department")
    assert "交管大队" in problem.message


def test_alias_that_names_another_department_is_a_duplicate(make_project):
    text = DEPARTMENTS + "  - id: xingzhen\n    name: 刑侦大队\n    aliases: [交警大队]\n"
    problem = only_problem(site(make_project, "title: 测试简报\n" + text))
    assert (problem.line, problem.key, problem.code) == (6, "departments[1]", "duplicate-department")
    assert "交警大队" in problem.message


def test_project_without_site_yaml_is_a_usage_error(tmp_path):
    (tmp_path / "content").mkdir()
    with pytest.raises(UsageError, match=r"site\.yaml"):
        load_project(tmp_path)


def test_base_url_gets_a_trailing_slash(make_project):
    root = make_project(site={"base_url": "/xuanchuan"})
    assert load_project(root).config.base_url == "/xuanchuan/"


def test_base_url_with_a_trailing_slash_is_kept(make_project):
    root = make_project(site={"base_url": "/xuanchuan/"})
    assert load_project(root).config.base_url == "/xuanchuan/"


def test_unknown_default_status_lists_the_accepted_ones(make_project):
    problem = only_problem(site(make_project, "title: 测试简报\ndefault_status: done\n" + DEPARTMENTS))
    assert (problem.line, problem.key, problem.code) == (2, "default_status", "invalid-status")
    assert all(s in problem.hint for s in ("draft", "review", "approved"))


def test_scoring_outside_the_project_is_refused(make_project):
    problem = only_problem(site(make_project, "title: 测试简报\nscoring: ../rules.yaml\n" + DEPARTMENTS))
    assert (problem.line, problem.key, problem.code) == (2, "scoring", "path-outside-project")


def test_every_config_problem_is_reported_at_once(make_project):
    text = "title: 测试简报\ncolums: [a]\npage_size: x\ndepartments:\n  - id: JG\n    name: 交管大队\n"
    with pytest.raises(ContentError) as err:
        load_project(site(make_project, text))
    assert [(p.line, p.code) for p in err.value.problems] == \
        [(2, "unknown-key"), (3, "wrong-type"), (5, "invalid-id")]
