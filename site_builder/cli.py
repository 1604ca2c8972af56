"""argv → library call → exit code.  0 success, 1 content errors, 2 usage errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .build import build, check
from .errors import ContentError, Problem, UsageError, display_path
from .project import load_project
from .scaffold import new_entry

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
LEVEL_LABELS = {"error": "错误", "warning": "警告"}


def make_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                        help="项目目录（含 site.yaml），默认当前目录 / project directory")
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="把 content/ 中的 Markdown 稿件生成内网简报网站 / "
                    "Build an intranet bulletin site from Markdown entries.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("build", parents=[common], help="生成站点到 output/ / build the site")
    p.add_argument("--public", action="store_true",
                   help="只发布 classification: public 的稿件（外网版）/ public entries only")

    p = commands.add_parser("check", parents=[common],
                            help="检查全部稿件，有错误时退出码为 1 / validate everything")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="输出格式 / output format")

    p = commands.add_parser("new", parents=[common],
                            help='新建稿件：new briefing "标题" / create an entry file')
    p.add_argument("type", metavar="TYPE", help="briefing、model-figure、work-summary 等")
    p.add_argument("title", metavar="标题", help="稿件标题 / the headline")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)  # usage errors exit 2 here
    try:
        if args.command == "build":
            return run_build(args)
        if args.command == "check":
            return run_check(args)
        return run_new(args)
    except UsageError as err:
        print(f"site-builder: {err}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as err:
        print_problems(err.problems, args.project)
        print(f"\n发现 {count_errors(err.problems)} 个错误，未生成输出（原有 output/ 保持不变）。",
              file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("\n已中断，原有 output/ 保持不变。", file=sys.stderr)
        return 130


def run_build(args: argparse.Namespace) -> int:
    project = load_project(args.project)
    report = build(project, public=args.public)
    print_problems(report.warnings, args.project)
    print(report.summary())
    print(f"打开 {display_path(project.output / 'site' / 'index.html', Path.cwd())} 查看")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    try:
        problems = check(load_project(args.project))
    except ContentError as err:
        problems = err.problems
    if args.format == "json":
        root = args.project.resolve()
        json.dump([p.as_dict(root) for p in problems], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_problems(problems, args.project, stream=sys.stdout)
        errors, warnings = count_errors(problems), len(problems) - count_errors(problems)
        print("检查通过，没有发现问题。" if not problems else
              f"共 {errors} 个错误，{warnings} 个警告。")
    return EXIT_CONTENT if count_errors(problems) else EXIT_OK


def run_new(args: argparse.Namespace) -> int:
    from .config import load_config

    config = load_config(args.project)
    try:
        path = new_entry(config, args.type, args.title)
    except FileExistsError as err:
        print(f"site-builder: 文件已存在，未覆盖：{display_path(Path(str(err)), Path.cwd())}\n"
              "  提示：换一个标题，或直接编辑这个文件。", file=sys.stderr)
        return EXIT_CONTENT
    print(f"已新建 {display_path(path, Path.cwd())}")
    print("  下一步：填写 department（供稿单位）和正文，然后运行 site-builder check。")
    return EXIT_OK


def count_errors(problems: Sequence[Problem]) -> int:
    return sum(1 for p in problems if p.is_error)


def print_problems(problems: Sequence[Problem], project: Path, stream=None) -> None:
    stream = stream or sys.stderr
    root = project.resolve()
    for p in problems:
        place = display_path(p.file, root)
        if p.line:
            place += f":{p.line}" + (f":{p.column}" if p.column else "")
        key = f"「{p.key}」" if p.key and f"「{p.key}」" not in p.message else ""
        code = f" [{p.code}]" if p.code else ""
        print(f"{place}: {LEVEL_LABELS[p.level]}{code} {key}{p.message}", file=stream)
        if p.hint:
            for n, line in enumerate(p.hint.split("\n")):
                print(("  提示：" if n == 0 else "        ") + line, file=stream)
