"""argv → library call → exit code.  0 success, 1 content errors, 2 usage errors.

Only the parser lives here, and the one check a `build` makes before anything else is
loaded: whether its output is already up to date (stamp.py).  What each command does is
in commands.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .errors import EXIT_INTERRUPTED, EXIT_OK, INTERRUPTED


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
    p.add_argument("--no-pdf", action="store_true", help="不生成简报 PDF / skip newsletters")
    p.add_argument("--no-cache", action="store_true",
                   help="忽略 .cache/，全部重新生成 / ignore the build cache, rebuild everything")
    p.add_argument("--jobs", type=positive_int, metavar="N",
                   help="并行进程数，默认为 CPU 核数 / parallel processes (default: all cores)")

    p = commands.add_parser("serve", parents=[common],
                            help="本机预览：含草稿，保存即刷新 / preview with live reload")
    p.add_argument("--host", default="127.0.0.1",
                   help="监听地址，默认只允许本机访问 / bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="端口，默认 8000 / port")

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
    p.add_argument("--year", type=int, help="考核年度，默认最近一年 / assessment year")
    p.add_argument("--month", type=year_month, metavar="YYYY-MM",
                   help="该月得分与月末排名 / points of the month and the standing at its end")
    p.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table",
                   help="输出格式 / output format")
    p.add_argument("--explain", metavar="DEPARTMENT",
                   help="列出某单位每一条加减分及累计 / every audit line of one department")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="xlsx 的保存位置，默认 output/scores/YYYY.xlsx / where to write the xlsx")

    p = commands.add_parser("review", parents=[common],
                            help="待审稿件（草稿、待审）按单位列出 / what awaits review")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="输出格式 / output format")

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
    args = make_parser().parse_args(argv)  # usage errors exit 2 here
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


def build_settings(args: argparse.Namespace) -> tuple[object, ...]:
    """What in a build's command line can change its output or its report."""
    return ("build", str(args.project), args.public, args.no_pdf)


def positive_int(text: str) -> int:
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"应为正整数，而不是「{text}」")


def year_month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-"))
        if 1 <= month <= 12 and 1900 < year < 3000:
            return year, month
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"月份应写作 YYYY-MM，例如 2024-03，而不是「{text}」")
