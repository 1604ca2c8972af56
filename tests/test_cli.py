import datetime as dt
import json
import subprocess
import sys

import pytest
from conftest import entry

from site_builder import load_project
from site_builder.cli import main


def test_build_exits_0_and_says_what_it_built(make_project, capsys):
    root = make_project(entries={"a.md": entry()})
    assert main(["build", "--project", str(root)]) == 0
    assert "1 篇稿件" in capsys.readouterr().out


def test_build_with_content_errors_exits_1_with_located_messages(make_project, capsys):
    root = make_project(entries={"a.md": entry(department="交警队")})
    assert main(["build", "--project", str(root)]) == 1
    err = capsys.readouterr().err
    assert "content/a.md:5" in err and "unknown-department" in err and "交管大队" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(make_project, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--nonsense"])
    assert exit_info.value.code == 2
    assert main(["build", "--project", str(tmp_path / "nowhere")]) == 2


def test_check_json_lists_problems_with_stable_keys(make_project, capsys):
    root = make_project(entries={"a.md": entry(date="2024-13-01"), "b.md": entry(title=None)})
    assert main(["check", "--project", str(root), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert {p["code"] for p in problems} == {"invalid-date", "missing-key"}
    assert set(problems[0]) == {"file", "line", "column", "key", "level", "code", "message", "hint"}
    assert {p["file"] for p in problems} == {"content/a.md", "content/b.md"}


def test_check_passes_on_a_clean_project(make_project, capsys):
    root = make_project(entries={"a.md": entry(reviewer="王建华")})
    assert main(["check", "--project", str(root)]) == 0
    assert "检查通过" in capsys.readouterr().out


def test_check_reports_a_broken_link_in_a_draft(make_project, capsys):
    root = make_project(entries={"a.md": entry("见[旧文](nope.md)。", status="draft")})
    assert main(["check", "--project", str(root), "--format", "json"]) == 0  # a warning only
    [problem] = json.loads(capsys.readouterr().out)
    assert problem["code"] == "broken-link" and problem["level"] == "warning"


def test_new_writes_a_draft_with_commented_front_matter(make_project, capsys):
    root = make_project()
    assert main(["new", "briefing", "派出所开展警示教育", "--project", str(root)]) == 0
    month = dt.date.today().strftime("%Y-%m")
    path = root / "content" / month / "pai-chu-suo-kai-zhan-jing-shi-jiao-yu.md"
    text = path.read_text(encoding="utf-8")
    assert "title: 派出所开展警示教育" in text and "status: draft" in text
    assert f"date: {dt.date.today().isoformat()}" in text and "# " in text
    assert "column: 教育整顿进行时" in text


def test_new_entry_loads_once_the_department_is_filled_in(make_project):
    root = make_project()
    main(["new", "model-figure", "最美民警：张三", "--project", str(root)])
    [path] = (root / "content").rglob("*.md")
    text = path.read_text(encoding="utf-8")
    text = text.replace("department:\n", "department: 交管大队\n").replace(
        "  name:                 # 姓名", "  name: 张三")
    path.write_text(text, encoding="utf-8")
    [loaded] = load_project(root).entries
    assert (loaded.title, loaded.status, loaded.figure.name) == ("最美民警：张三", "draft", "张三")


def test_new_refuses_to_overwrite(make_project, capsys):
    root = make_project()
    assert main(["new", "briefing", "同一标题", "--project", str(root)]) == 0
    [path] = (root / "content").rglob("*.md")
    path.write_text("编辑过的内容", encoding="utf-8")
    assert main(["new", "briefing", "同一标题", "--project", str(root)]) == 1
    assert path.read_text(encoding="utf-8") == "编辑过的内容"
    assert "已存在" in capsys.readouterr().err


def test_new_with_unknown_type_lists_the_accepted_ones_and_exits_2(make_project, capsys):
    root = make_project()
    assert main(["new", "news", "标题", "--project", str(root)]) == 2
    err = capsys.readouterr().err
    assert "briefing" in err and "model-figure" in err and "work-summary" in err


def test_python_dash_m_runs_the_cli(make_project):
    root = make_project(entries={"a.md": entry()})
    result = subprocess.run([sys.executable, "-m", "site_builder", "check", "--project", str(root)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def usage_error(argv: list[str], capsys) -> str:
    """What a usage error prints; it must exit 2."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_a_bare_site_builder_prints_help_in_chinese_and_exits_0(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：site-builder") and "命令" in out and "显示本帮助并退出" in out
    assert all(command in out for command in ("build", "serve", "check", "scores", "new"))


def test_a_mistyped_command_gets_the_closest_one(capsys):
    err = usage_error(["biuld"], capsys)
    assert "没有「biuld」这个命令。是否想输入 build？" in err


def test_an_unknown_command_far_from_all_lists_them(capsys):
    err = usage_error(["xyzzy"], capsys)
    assert "可用的命令：build、serve" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["pdf"], "缺少必需的参数：--month"),
    (["check", "--format", "xml"], "参数 --format：不能是「xml」，可选：text、json。"),
    (["check", "--format", "jsn"], "是否想输入 json？"),
    (["check", "extra"], "无法识别的参数：extra"),
    (["check", "--project"], "参数 --project：后面应跟一个值"),
    (["serve", "--port", "abc"], "端口应为 1–65535 之间的整数，而不是「abc」"),
    (["scores", "--year", "23"], "年度应写作四位数字"),
])
def test_argparse_own_errors_are_in_chinese(argv, message, capsys):
    err = usage_error(argv, capsys)
    assert message in err and "用法：site-builder" in err and "提示：运行「site-builder" in err
    assert not any(english in err for english in ("usage:", "error:", "invalid", "argument"))


def test_subcommand_help_is_in_chinese(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "-h"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：site-builder build") and "选项" in out and "show this" not in out


def test_version(capsys):
    from site_builder import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"site-builder {__version__}"


@pytest.mark.parametrize("before", [True, False])
def test_project_goes_before_or_after_the_command(make_project, capsys, before):
    root = make_project(entries={"a.md": entry(reviewer="王建华")})
    argv = ["--project", str(root), "check"] if before else ["check", "--project", str(root)]
    assert main(argv) == 0
    assert "检查通过" in capsys.readouterr().out


def test_project_after_the_command_wins_over_one_before(make_project, tmp_path, capsys):
    root = make_project(entries={"a.md": entry(reviewer="王建华")})
    assert main(["--project", str(tmp_path / "nowhere"), "check", "--project", str(root)]) == 0


def test_the_project_is_found_upward_from_a_folder_inside_it(make_project, monkeypatch, capsys):
    root = make_project(entries={"2024-03/a.md": entry(department="交警队")})
    monkeypatch.chdir(root / "content" / "2024-03")
    assert main(["check"]) == 1
    assert "content/2024-03/a.md:5" in capsys.readouterr().out
    assert main(["build", "--no-pdf"]) == 1  # the fast path looks for it the same way
    assert "content/2024-03/a.md:5" in capsys.readouterr().err


def test_no_site_yaml_upward_is_a_usage_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "somewhere").mkdir()
    monkeypatch.chdir(tmp_path / "somewhere")
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "及其上级目录中都找不到 site.yaml" in err and "--project" in err


@pytest.fixture
def adopted(make_project):
    return make_project(entries={"2024-03/a.md": entry(
        adoptions=[{"level": "city", "date": "2024-03-15", "kind": "photo"}])},
        files={"content/ledger/2024.yaml":
               "- {date: 2024-04-02, department: jiaoguan, kind: emergency-task}\n"})


def test_scores_explain_names_entries_by_title_and_ledger_lines_by_place(adopted, capsys):
    assert main(["scores", "--project", str(adopted), "--explain", "交管大队"]) == 0
    out = capsys.readouterr().out
    assert "「交管大队召开警示教育大会」" in out and "a.md" not in out
    assert "台账 ledger/2024.yaml:1" in out


def test_scores_for_a_year_without_events_says_so_above_the_table(adopted, capsys):
    assert main(["scores", "--project", str(adopted), "--year", "2023"]) == 0
    first, *rest = capsys.readouterr().out.splitlines()
    assert first == "2023 年没有任何积分事件：各单位均为起始分 6.00（扣分项满分，加分项为 0）。"
    assert "2023年宣传考核积分" in "\n".join(rest)
    assert main(["scores", "--project", str(adopted), "--year", "2024"]) == 0
    assert "没有任何积分事件" not in capsys.readouterr().out


def test_scores_json_and_csv_for_a_year_without_events_are_only_data(adopted, capsys):
    assert main(["scores", "--project", str(adopted), "--year", "2023", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {d["total"] for d in data["departments"]} == {6}
    assert main(["scores", "--project", str(adopted), "--year", "2023", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("名次,单位")


def test_ctrl_c_during_the_interpreters_shutdown_prints_no_traceback():
    """After the command has decided its exit code, a Ctrl-C (e.g. inside logging's atexit
    handler, as a state-machine run once met) changes nothing and prints nothing."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import atexit, os, runpy, signal, time
        import site_builder.cli as cli
        def late():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
        atexit.register(late)
        cli.main = lambda argv=None: 0
        runpy.run_module("site_builder", run_name="__main__")
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert (run.returncode, run.stderr) == (0, "")
