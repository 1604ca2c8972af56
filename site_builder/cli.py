"""argv → library call → exit code.  0 success, 1 content errors, 2 usage errors, 130 Ctrl-C.

Only the parser lives here (in Chinese, argparse's own messages included), the search for
the project (the nearest folder upward that holds site.yaml, as git finds .git), and the
one check a `build` makes before anything else is loaded: whether its output is already
up to date (stamp.py).  What each command does is in commands.py.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from ._version import __version__
from .errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, INTERRUPTED

CONFIG_NAME = "site.yaml"  # config.CONFIG_NAME, without importing the loaders

# argparse's own messages (Python 3.11–3.13 msgids), for gettext-style lookup.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "expected one argument": "后面应跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少跟一个值",
    "expected %s argument": "后面应跟 %s 个值",
    "expected %s arguments": "后面应跟 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "选项不接受值：%r",
    "invalid %(type)s value: %(value)r": "值 %(value)r 无效",
    "invalid choice: %(value)r (choose from %(choices)s)": "不能是 %(value)r（可选：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s: 错误：%(message)s\n",
}


@contextlib.contextmanager
def chinese_argparse() -> Iterator[None]:
    """argparse looks its messages up through its module's `_` and `ngettext` when it
    makes them: answer them in Chinese while our parser works."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = lambda text: ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]
    argparse.ngettext = lambda one, many, n: ARGPARSE_ZH.get(  # type: ignore[attr-defined]
        one if n == 1 else many, one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese, suggests the command meant and exits 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with chinese_argparse():
            super().__init__(*args, **kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:  # its own "unrecognized arguments"
        with chinese_argparse():
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with chinese_argparse():
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with chinese_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese_argparse():
            return super().format_help()

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is None or value in action.choices:
            return
        import difflib  # only for a mistyped value

        choices = [str(c) for c in action.choices]
        close = difflib.get_close_matches(str(value), choices, n=1)
        if isinstance(action, argparse._SubParsersAction):
            hint = f"是否想输入 {close[0]}？" if close else "可用的命令：" + "、".join(choices)
            raise argparse.ArgumentError(None, f"没有「{value}」这个命令。{hint}")
        hint = f"是否想输入 {close[0]}？" if close else ""
        raise argparse.ArgumentError(action, f"不能是「{value}」，可选：{'、'.join(choices)}。{hint}")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 错误：{message}\n"
                              f"  提示：运行「{self.prog} -h」查看用法。\n")


def make_parser() -> argparse.ArgumentParser:
    # --project is taken before the command and after it; given after it wins.
    common = Parser(add_help=False)
    common.add_argument("--project", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="项目目录（含 site.yaml），默认为当前目录或其上级中最近的含 "
                             "site.yaml 的目录 / project directory")
    parser = Parser(
        prog="site-builder",
        description="把 content/ 中的 Markdown 稿件生成内网简报网站、月度简报和考核积分表。\n"
                    "Build an intranet bulletin site, newsletters and score tables from "
                    "Markdown entries.",
        epilog="示例：site-builder check　　site-builder build　　site-builder scores --year 2024\n"
               "每个命令的用法：site-builder 命令 -h，例如 site-builder build -h",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}",
                        help="显示版本号并退出 / show the version")
    parser.add_argument("--project", type=Path, default=None, metavar="DIR",
                        help="项目目录（含 site.yaml），默认为当前目录或其上级中最近的含 "
                             "site.yaml 的目录 / project directory")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="命令")
    p = commands.add_parser("build", parents=[common], help="生成站点到 output/ / build the site")
    p.add_argument("--public", action="store_true",
                   help="只发布 classification: public 的稿件（外网版）/ public entries only")
    p.add_argument("--no-pdf", action="store_true", help="不生成简报 PDF / skip newsletters")
    p.add_argument("--no-cache", action="store_true",
                   help="忽略 .cache/，全部重新生成 / ignore the build cache, rebuild everything")
    p.add_argument("--jobs", type=positive_int, metavar="N",
                   help="并行进程数，默认为 CPU 核数 / parallel processes (default: all cores)")

    p = commands.add_parser("serve", parents=[common],
                            help="本机预览：含草稿，保存即刷新 / preview with live reload")
    p.add_argument("--host", default="127.0.0.1",
                   help="监听地址，默认只允许本机访问 / bind address (default 127.0.0.1)")
    p.add_argument("--port", type=port_number, default=8000, help="端口，默认 8000 / port")

    p = commands.add_parser("pdf", parents=[common], help="生成某月简报 PDF / one newsletter")
    p.add_argument("--month", type=year_month, metavar="YYYY-MM", required=True,
                   help="月份，如 2024-03 / the month")
    p.add_argument("--public", action="store_true", help="只收公开稿件 / public entries only")

    p = commands.add_parser("check", parents=[common],
                            help="检查全部稿件，有错误时退出码为 1 / validate everything")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="输出格式 / output format")

    p = commands.add_parser("scores", parents=[common],
                            help="宣传考核积分表 / print the score table")
    p.add_argument("--year", type=year_number, metavar="YYYY",
                   help="考核年度，默认最近一年 / assessment year")
    p.add_argument("--month", type=year_month, metavar="YYYY-MM",
                   help="该月得分与月末排名 / points of the month and the standing at its end")
    p.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table",
                   help="输出格式 / output format")
    p.add_argument("--explain", metavar="DEPARTMENT",
                   help="列出某单位每一条加减分及累计 / every audit line of one department")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="xlsx 的保存位置，默认 output/scores/YYYY.xlsx / where to write the xlsx")

    p = commands.add_parser("stats", parents=[common],
                            help="报送与采用统计，附工作总结用的综述 / submissions, adoptions, placements",
                            description="按单位统计报送、采用、采用率、上级采用、媒体刊发、先进典型和通讯员，"
                                        "并写出可直接用于工作总结的一段综述。默认为今年。\n"
                                        "示例：site-builder stats --year 2024　　site-builder stats "
                                        "--quarter 2024Q2　　site-builder stats --from 2024-01-01 "
                                        "--to 2024-06-30",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    period = p.add_mutually_exclusive_group()
    period.add_argument("--year", type=year_number, metavar="YYYY", help="年度 / a year")
    period.add_argument("--quarter", type=year_quarter, metavar="YYYYQn",
                        help="季度，如 2024Q2 / a quarter")
    period.add_argument("--month", type=year_month, metavar="YYYY-MM", help="月份，如 2024-03 / a month")
    p.add_argument("--from", dest="start", type=iso_date, metavar="YYYY-MM-DD",
                   help="起始日期（含），与 --to 一起使用 / first day")
    p.add_argument("--to", dest="end", type=iso_date, metavar="YYYY-MM-DD",
                   help="截止日期（含）/ last day")
    p.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table",
                   help="输出格式 / output format")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="写入文件（csv、json、xlsx）；xlsx 默认为当前目录的 stats-期间.xlsx / where to write")

    p = commands.add_parser("review", parents=[common],
                            help="待审稿件（草稿、待审）按单位列出 / what awaits review")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="输出格式 / output format")

    p = commands.add_parser("import", parents=[common],
                            help="导入通讯员的 Word 稿件（.docx/.doc/.wps）为待审稿件 / import Word files",
                            description="把 .docx 稿件转为 content/YYYY-MM/<拼音>.md（status: review），"
                                        "图片存到其旁的 images/。\n"
                                        "示例：site-builder import 来稿/城关所反诈.docx"
                                        "　　site-builder import 来稿/",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE.docx|DIR",
                   help="Word 文件，或一个文件夹（导入其中全部 .docx/.doc/.wps；旧格式用 LibreOffice "
                        "转换）/ files or a folder")
    p.add_argument("--department", metavar="单位",
                   help="供稿单位（名称、简称或 id），不从文中识别 / the department")
    p.add_argument("--type", metavar="TYPE",
                   help="稿件类型，如 briefing、model-figure，不从标题判断 / the entry type")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                   help="发布日期，不从文中识别 / the entry date")
    p.add_argument("--max-side", type=positive_int, default=2000, metavar="PX",
                   help="图片长边最多多少像素，默认 2000 / longest side of an image")
    p.add_argument("--force", action="store_true",
                   help="同名稿件已存在或已导入过时，仍然导入并覆盖 / replace what is there")

    p = commands.add_parser("new", parents=[common],
                            help='新建稿件：new briefing "标题" / create an entry file')
    p.add_argument("type", metavar="TYPE", help="briefing、model-figure、work-summary 等")
    p.add_argument("title", metavar="标题", help="稿件标题 / the headline")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # also while the commands are still being imported
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    started = time.perf_counter()
    parser = make_parser()
    args = parser.parse_args(argv)  # usage errors exit 2 here
    if args.command is None:  # a bare `site-builder`: what it can do
        parser.print_help()
        return EXIT_OK
    if args.command == "stats":
        wrong = stats_usage_error(args)
        if wrong:
            command_parser(parser, "stats").error(wrong)  # exits 2, as argparse's own
    project = find_project(args.project)
    if project is None:
        print(f"site-builder: 在 {Path.cwd()} 及其上级目录中都找不到 {CONFIG_NAME}\n"
              "  提示：到项目目录（含 site.yaml 的目录）或其子目录中运行，或用 --project 指定项目目录。",
              file=sys.stderr)
        return EXIT_USAGE
    args.project = project
    stamp = None
    if args.command == "build" and not args.no_cache:
        from .editions import edition
        from .stamp import SECONDS, Stamp

        try:
            stamp = Stamp(args.project.resolve(), build_settings(args), pdf=not args.no_pdf,
                          which=edition(args.public))
            report = stamp.recorded()
        except OSError:  # e.g. the working folder is gone: let the build say what is wrong
            stamp, report = None, None
        except KeyboardInterrupt:
            print(INTERRUPTED, file=sys.stderr)
            return EXIT_INTERRUPTED
        if report is not None:
            sys.stderr.write(report["warnings"])
            print(report["summary"].replace(SECONDS, f"{time.perf_counter() - started:.2f}"))
            print(report["open"])
            return EXIT_OK
    from .commands import run

    return run(args, stamp)


def command_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The sub-parser of one command (its errors name it: 「site-builder stats: 错误：…」)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]
    return parser


def stats_usage_error(args: argparse.Namespace) -> str:
    """What is wrong in how `stats` was called beyond what argparse checks, or ""."""
    given = [name for name, value in (("--year", args.year), ("--quarter", args.quarter),
                                      ("--month", args.month)) if value]
    if given and (args.start or args.end):
        return f"{given[0]} 不能与 --from/--to 同时使用：统计期间只能指定一种"
    if bool(args.start) != bool(args.end):
        return ("--from 和 --to 要同时给出，例如 --from 2024-01-01 --to 2024-06-30"
                if args.start else "--to 和 --from 要同时给出，例如 --from 2024-01-01 --to 2024-06-30")
    if args.start and args.start > args.end:
        return f"--from {args.start} 晚于 --to {args.end}：起始日期应不晚于截止日期"
    if args.output is not None and args.format == "table":
        suffix = args.output.suffix.lower().lstrip(".")
        fmt = suffix if suffix in ("csv", "json", "xlsx") else "xlsx"
        name = args.output.name if suffix == fmt else f"统计.{fmt}"
        return ("-o 只能与 --format csv、json 或 xlsx 一起使用（表格只显示在终端上）；"
                f"要写入文件，例如：site-builder stats --format {fmt} -o {name}")
    return ""


def find_project(given: Path | None) -> Path | None:
    """The project folder: `given` (--project) as it is, else the nearest folder upward
    from the working one that holds site.yaml (the working one itself is "."); None when
    there is none."""
    if given is not None:
        return given
    try:
        here = Path.cwd()
    except OSError:  # the working folder is gone: let the command say what is wrong
        return Path(".")
    for folder in (here, *here.parents):
        try:
            if (folder / CONFIG_NAME).is_file():
                return Path(".") if folder == here else folder
        except OSError:  # an unreadable parent: look no further up
            break
    return None


def build_settings(args: argparse.Namespace) -> tuple[object, ...]:
    """What in a build's command line can change its output or its report."""
    return ("build", str(args.project), args.public, args.no_pdf)


def port_number(text: str) -> int:
    if text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    raise argparse.ArgumentTypeError(f"端口应为 1–65535 之间的整数，而不是「{text}」")


def year_number(text: str) -> int:
    if text.isdigit() and 1900 < int(text) < 3000:
        return int(text)
    raise argparse.ArgumentTypeError(f"年度应写作四位数字，例如 2024，而不是「{text}」")


def positive_int(text: str) -> int:
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"应为正整数，而不是「{text}」")


def iso_date(text: str):  # -> datetime.date; datetime is imported only when a date is given
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 YYYY-MM-DD，例如 2024-03-12，而不是「{text}」") \
            from None


def year_quarter(text: str) -> tuple[int, int]:
    import re

    match = re.fullmatch(r"(\d{4})[Qq]([1-4])", text.strip())
    if match and 1900 < int(match.group(1)) < 3000:
        return int(match.group(1)), int(match.group(2))
    raise argparse.ArgumentTypeError(f"季度应写作 YYYYQn（n 为 1–4），例如 2024Q2，而不是「{text}」")


def year_month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-"))
        if 1 <= month <= 12 and 1900 < year < 3000:
            return year, month
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"月份应写作 YYYY-MM，例如 2024-03，而不是「{text}」")
