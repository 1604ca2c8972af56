"""sources.py: editors' encodings and line ends, YAML syntax errors with file lines."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from conftest import entry, load_problems, only_problem

from site_builder import load_project

TITLE = "交管大队召开警示教育大会"
TEXT = entry(title=TITLE)




@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    TEXT.replace("\n", "\r\n").encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.replace("\n", "\r\n").encode("utf-8"),
    TEXT.replace("\n", "\r").encode("utf-8"),
    TEXT.encode("gb18030"),
    TEXT.replace("\n", "\r\n").encode("gb18030"),
    TEXT.encode("utf-16"),
    codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
], ids=["utf8", "utf8-bom", "crlf", "bom-crlf", "cr", "gb18030", "gb18030-crlf", "utf16", "utf16-be"])
def test_every_editor_encoding_reads_the_same_title(make_project, data):
    root = make_project(entries={"a.md": data})
    [loaded] = load_project(root).entries
    assert (loaded.title, loaded.department) == (TITLE, "jiaoguan")


def test_crlf_leaves_no_carriage_return_in_the_body(make_project):
    root = make_project(entries={"a.md": TEXT.replace("\n", "\r\n").encode("utf-8")})
    [loaded] = load_project(root).entries
    assert "\r" not in loaded.body_md


def test_gb18030_file_reports_problems_with_the_right_line(make_project):
    root = make_project(entries={"a.md": entry(department="交警队").encode("gb18030")})
    problem = only_problem(root)
    assert (problem.file.name, problem.line, problem.key, problem.code) == \
        ("a.md", 5, "department", "unknown-department")


def test_undecodable_bytes_are_a_located_encoding_error(make_project):
    root = make_project(entries={"a.md": b"---\ntitle: \x81\x30\xff\xff\n---\n"})
    problem = only_problem(root)
    assert (problem.file.name, problem.code) == ("a.md", "encoding")
    assert "UTF-8" in problem.hint


def test_broken_yaml_reports_yaml_syntax_at_its_file_line(make_project):
    text = "---\ntitle: 标题\ndate: 2024-03-12\ntype: briefing: x\ndepartment: 交管大队\n---\n\n正文\n"
    root = make_project(entries={"a.md": text})
    problem = only_problem(root)
    assert (problem.file.name, problem.line, problem.key, problem.code) == ("a.md", 4, None, "yaml-syntax")
    assert "冒号" in problem.hint


def test_broken_yaml_line_is_right_with_crlf_and_bom(make_project):
    text = "---\ntitle: 标题\ndate: 2024-03-12\ntype: briefing: x\ndepartment: 交管大队\n---\n\n正文\n"
    root = make_project(entries={"a.md": codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8")})
    problem = only_problem(root)
    assert (problem.line, problem.code) == (4, "yaml-syntax")


def test_broken_yaml_line_counts_blank_lines_before_the_front_matter(make_project):
    text = "\n\n---\ntitle: 标题\ndate: 2024-03-12\ntype: briefing: x\ndepartment: 交管大队\n---\n\n正文\n"
    root = make_project(entries={"a.md": text})
    problem = only_problem(root)
    assert (problem.line, problem.code) == (6, "yaml-syntax")


def test_key_lines_count_blank_lines_before_the_front_matter(make_project):
    root = make_project(entries={"a.md": "\n" + entry(department="交警队")})
    problem = only_problem(root)
    assert (problem.line, problem.key, problem.code) == (6, "department", "unknown-department")


def test_unclosed_quote_points_at_the_line_where_it_opens(make_project):
    text = '---\ntitle: "交管大队召开\ndate: 2024-03-12\ntype: briefing\ndepartment: 交管大队\n---\n\n正文\n'
    root = make_project(entries={"a.md": text})
    problem = only_problem(root)
    assert (problem.file.name, problem.line, problem.code) == ("a.md", 2, "yaml-syntax")


def test_impossible_date_is_a_located_error_not_an_exception(make_project):
    text = "---\ntitle: 标题\ndate: 2024-02-30\ntype: briefing\ndepartment: 交管大队\n---\n\n正文\n"
    root = make_project(entries={"a.md": text})
    problem = only_problem(root)
    assert (problem.file.name, problem.line, problem.key, problem.code) == ("a.md", 3, "date", "invalid-date")
    assert "2024-02-30" in problem.message


def test_unquoted_date_is_read_as_a_date(make_project):
    text = "---\ntitle: 标题\ndate: 2024-02-29\ntype: briefing\ndepartment: 交管大队\n---\n\n正文\n"
    root = make_project(entries={"a.md": text})
    [loaded] = load_project(root).entries
    assert loaded.date.isoformat() == "2024-02-29"


def test_broken_site_yaml_reports_yaml_syntax_at_its_line(make_project):
    root = make_project()
    (root / "site.yaml").write_text("title: 测试\ndepartments:\n  - id: a\n   name: b: c\n", encoding="utf-8")
    problem = only_problem(root)
    assert (problem.file.name, problem.line, problem.code) == ("site.yaml", 4, "yaml-syntax")


def test_site_yaml_in_gb18030_is_read(make_project):
    root = make_project()
    text = "title: 测试简报\ndepartments:\n  - {id: jiaoguan, name: 交管大队}\n"
    (root / "site.yaml").write_bytes(text.encode("gb18030"))
    assert load_project(root).config.title == "测试简报"


def test_a_yaml_file_read_again_is_the_same_document_and_a_changed_one_is_parsed(tmp_path):
    from site_builder.sources import read_yaml

    path = tmp_path / "events.yaml"
    path.write_text("- {kind: a, n: 1}\n- {kind: b, n: 2}\n", encoding="utf-8")
    first, _ = read_yaml(path)
    first.data.append("changed by a caller")  # a caller's change reaches no later read
    again, _ = read_yaml(path)
    assert again.data == [{"kind": "a", "n": 1}, {"kind": "b", "n": 2}]
    assert again.line(1, "kind") == 2
    path.write_text("- {kind: c, n: 3}\n", encoding="utf-8")
    changed, _ = read_yaml(path)
    assert changed.data == [{"kind": "c", "n": 3}]
    path.write_text("- {kind: c\n", encoding="utf-8")
    broken, problem = read_yaml(path)
    assert broken is None and problem.code == "yaml-unclosed-bracket"


# --- the mistakes editors make, named at the line to fix ---------------------------------

def scaffolded(make_project, replace: str, by: str):
    """A `site-builder new` entry with one line changed, and the number of that line."""
    import datetime as dt

    from site_builder.config import load_config
    from site_builder.scaffold import new_entry

    root = make_project()
    path = new_entry(load_config(root), "model-figure", "李四：守护平安的人", dt.date(2024, 3, 1))
    lines = path.read_text(encoding="utf-8").split("\n")
    number = lines.index(replace)
    lines[number] = by
    path.write_text("\n".join(lines), encoding="utf-8")
    return root, number + 1


def yaml_problem_of(root):
    [problem] = [p for p in load_problems(root) if p.code.startswith("yaml-")]
    return problem


@pytest.mark.parametrize(("line", "code", "says", "fix"), [
    ("tags: [警示教育, 以案促改", "yaml-unclosed-bracket", "「[」没有闭合", "tags: [警示教育, 以案促改]"),
    ("reviewer:王建华", "yaml-missing-space", "缺少空格", "reviewer: 王建华"),
    ("reviewer：王建华", "yaml-fullwidth-colon", "全角冒号", "「: 」，写作 reviewer: 王建华"),
    ("reviewer ：王建华", "yaml-fullwidth-colon", "全角冒号", "reviewer: 王建华"),
    ("\treviewer: 王建华", "yaml-tab", "Tab", "空格"),
])
def test_a_yaml_mistake_is_named_at_the_line_to_fix_with_what_to_type(make_project, line, code,
                                                                      says, fix):
    original = "tags: []" if line.startswith("tags") else "reviewer:"
    root, number = scaffolded(make_project, original, line)
    problem = yaml_problem_of(root)
    assert (problem.line, problem.code) == (number, code)  # not the comment line below it
    assert says in problem.message and fix in problem.hint


def test_a_tab_inside_the_figure_block_is_named(make_project):
    root, number = scaffolded(make_project, "  name:                 # 姓名", "\tname: 李四")
    problem = yaml_problem_of(root)
    assert (problem.line, problem.column, problem.code) == (number, 1, "yaml-tab")


@pytest.mark.parametrize("line", ["title: 李四：守护平安的人", "url: http://example.cn/a",
                                  "# 审核人：审核通过时填写", "summary: '时间:下午'"])
def test_colons_an_editor_means_are_not_diagnosed(line):
    from site_builder.sources import diagnose_line

    assert diagnose_line(line, 1) is None


def test_the_new_codes_are_documented():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for code in ("yaml-fullwidth-colon", "yaml-missing-space", "yaml-tab",
                 "yaml-unclosed-bracket"):
        assert f"`{code}`" in readme


def test_a_key_written_twice_is_a_located_error_not_a_silent_override(make_project):
    """YAML keys must be unique; PyYAML keeps the last one, so `status: draft` then
    `status: approved` published a draft without a word."""
    text = "---\ntitle: 标题\ndate: 2024-03-12\ntype: briefing\ndepartment: 交管大队\n" \
           "status: draft\nstatus: approved\n---\n\n正文\n"
    problem = only_problem(make_project(entries={"a.md": text}))
    assert (problem.file.name, problem.line, problem.code) == ("a.md", 7, "duplicate-key")
    assert "status" in problem.message and "第 6 行" in problem.message


def test_a_key_written_twice_inside_a_list_item_is_found_too(make_project):
    text = entry(adoptions=[{"level": "city", "date": "2024-03-13"}]).replace(
        "level: city", "level: city\n  level: province")
    problem = only_problem(make_project(entries={"a.md": text}))
    assert (problem.code, "level" in problem.message) == ("duplicate-key", True)


def test_a_section_written_twice_in_site_yaml_is_an_error(make_project):
    root = make_project()
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("outlets:\n  云岭日报: city\noutlets:\n  边疆日报: provincial\n")
    problem = only_problem(root)
    assert (problem.file.name, problem.code) == ("site.yaml", "duplicate-key")


def test_a_yaml_merge_key_is_not_a_duplicate():
    from site_builder.sources import parse_yaml

    doc = parse_yaml("base: &b {level: city}\na:\n  <<: *b\n  <<: *b\n  date: x\n")
    assert doc.data["a"] == {"level": "city", "date": "x"}
