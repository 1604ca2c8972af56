"""What each command does: load the project, call the library, print for the editor."""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .editions import edition, edition_lock
from .errors import (
    EXIT_CONTENT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    INTERRUPTED,
    BuildError,
    ContentError,
    Problem,
    UsageError,
    choices_hint,
    display_path,
)
from .incremental.entries import load_project as load_cached_project
from .pipeline import build, check
from .project import Project, load_project
from .scaffold import new_entry

if TYPE_CHECKING:
    import datetime as dt

    from .stamp import Stamp

LEVEL_LABELS = {"error": "错误", "warning": "警告"}
# What a command that writes no output says after the content's errors (the others: 未生成输出).
CONTENT_ERROR_ENDINGS = {"stats": "未统计：请先修正上面的错误，再运行 site-builder stats"}


def run(args: argparse.Namespace, stamp: Stamp | None = None) -> int:
    try:
        if args.command == "build":
            return run_build(args, stamp)
        if args.command == "check":
            return run_check(args)
        if args.command == "scores":
            return run_scores(args)
        if args.command == "pdf":
            return run_pdf(args)
        if args.command == "review":
            return run_review(args)
        if args.command == "stats":
            return run_stats(args)
        if args.command == "import":
            return run_import(args)
        if args.command == "serve":
            from .server import serve

            return serve(args.project, args.host, args.port,
                         say=lambda text: print(text, flush=True))
        return run_new(args)
    except UsageError as err:
        print(f"site-builder: {err}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as err:
        print_problems(err.problems, args.project)
        ending = CONTENT_ERROR_ENDINGS.get(args.command, "未生成输出（原有 output/ 保持不变）")
        print(f"\n发现 {count_errors(err.problems)} 个错误，{ending}。", file=sys.stderr)
        return EXIT_CONTENT
    except BuildError as err:
        print(f"site-builder: {err}", file=sys.stderr)
        return EXIT_CONTENT
    except OSError as err:  # the disk, not the content: say what and where, no traceback
        from .editions import os_message

        print(f"site-builder: {os_message(args.project, err)}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED


def run_build(args: argparse.Namespace, stamp: Stamp | None = None) -> int:
    import dataclasses

    from .incremental.store import BuildCache
    from .progress import BuildProgress
    from .stamp import SECONDS, forget

    which = edition(args.public)
    forget(args.project.resolve(), which)  # its output may change now: the stamp no longer holds
    # --no-cache: nothing is read from .cache/ or kept for the next build; pages are not
    # even tracked.  (Fragments are still memoised within the build, on what they read.)
    cache = None if args.no_cache else BuildCache(args.project.resolve(), edition=which)
    with BuildProgress(sys.stderr) as progress:  # a bar on a terminal, else plain lines
        project = load_cached_project(cache, args.project, progress)
        report = build(project, public=args.public, pdf=not args.no_pdf, jobs=args.jobs,
                       cache=cache, progress=progress)
    warnings = io.StringIO()
    print_problems(report.warnings, args.project, stream=warnings)
    sys.stderr.write(warnings.getvalue())
    home = which.folder(project.output, "site") / "index.html"
    opened = f"打开 {display_path(home, Path.cwd())} 查看"
    print(report.summary())
    print(opened)
    if stamp is not None:
        unchanged = dataclasses.replace(report, rendered=0)
        stamp.record({"warnings": warnings.getvalue(), "open": opened,
                      "summary": unchanged.summary(seconds=SECONDS)})
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    try:
        problems = check(load_project(args.project))
    except ContentError as err:  # count every problem: lint what did load as well
        problems = check(err.loaded) if isinstance(err.loaded, Project) else err.problems
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


def run_review(args: argparse.Namespace) -> int:
    import datetime as dt

    from rich.console import Console
    from rich.table import Table

    from .review.queue import review_queue, status_label

    project = load_project(args.project)
    config = project.config
    queue = review_queue(project.entries, config, dt.date.today())
    if args.format == "json":
        data = [w.as_dict(config) for _, waiting in queue for w in waiting]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not queue:
        print("没有待审稿件。")
        return EXIT_OK
    table = Table(title="待审稿件（按单位，最久的在前）", header_style="bold")
    for name, justify in (("单位", "left"), ("状态", "left"), ("标题", "left"), ("日期", "left"),
                          ("已等待", "right"), ("文件", "left")):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for dept_id, waiting in queue:
        for n, w in enumerate(waiting):
            table.add_row(config.department(dept_id).name if n == 0 else "",
                          status_label(w.entry.status), w.entry.title, w.entry.date.isoformat(),
                          f"{w.age} 天", display_path(w.entry.source, config.root))
    Console(width=None if sys.stdout.isatty() else 160).print(table)
    total = sum(len(w) for _, w in queue)
    drafts = sum(w.entry.status == "draft" for _, ws in queue for w in ws)
    print(f"共 {total} 篇：草稿 {drafts} 篇，待审 {total - drafts} 篇。")
    return EXIT_OK


def run_pdf(args: argparse.Namespace) -> int:
    from .newsletter.pdf import write_month
    from .stamp import forget

    project = load_project(args.project)
    year, month = args.month
    which = edition(args.public)
    target = which.folder(project.output, "pdf") / f"{year}-{month:02d}.pdf"
    word = target.with_suffix(".docx")
    with edition_lock(project.root, which):
        forget(project.root, which)
        written = write_month(project, year, month, args.public, target, docx=word)
    if not written:
        kind = "公开" if args.public else "已审核"
        print(f"site-builder: {year}年{month}月没有{kind}稿件，未生成简报。\n"
              "  提示：检查稿件的 date 和 status（只有 approved 的稿件会印发）。", file=sys.stderr)
        return EXIT_CONTENT
    print(f"已生成 {display_path(target, Path.cwd())}、{display_path(word, Path.cwd())}")
    return EXIT_OK


def run_scores(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .scores import month_series, project_events, score_years, year_scores
    from .scoring import export, terminal
    from .scoring.engine import monthly
    from .scoring.views import audit_by_department

    project = load_project(args.project)
    events = project_events(project)
    years = score_years(project, events)
    year = args.month[0] if args.month else args.year or (years[-1] if years else None)
    if year is None:
        raise UsageError("项目中还没有任何稿件或积分事件")
    if args.month and args.year and args.year != args.month[0]:
        raise UsageError(f"--year {args.year} 与 --month {args.month[0]}-{args.month[1]:02d} 不一致")
    rules, departments = project.rules, project.config.departments
    month_points = None
    if args.month:
        scores, month_points = monthly(events, rules, departments, *args.month)
    else:
        scores = year_scores(project, year, events)
    # Piped or redirected output is not cut to 80 columns: editors paste it into reports.
    console = Console(width=None if sys.stdout.isatty() else 160)

    if args.explain:
        dept_id = project.config.department_index.get(args.explain)
        if dept_id is None:
            names = [d.name for d in departments]
            raise UsageError(f"未登记的单位「{args.explain}」；{choices_hint(names, args.explain)}")
        titles = {e.slug: e.title for e in project.entries}  # lines name entries by title
        rows = audit_by_department(scores, rules, {}, titles)[dept_id]
        standing = scores.standing(dept_id)
        if args.format == "json":
            data = [r for r in export.audit_rows(scores) if r["department"] == dept_id]
            for row, audit in zip(data, rows, strict=True):
                row["running"] = export.rounded(audit.running)
            print(json.dumps(data, ensure_ascii=False, indent=2))
            return EXIT_OK
        title = (f"{standing.department.name} · {year}年积分明细（截至 {scores.until}）："
                 f"总分 {export.fmt(standing.total)}，第 {standing.rank} 名")
        console.print(terminal.explain_table(rows, title, rules.deduction_total))
        return EXIT_OK

    if args.format == "json":
        data = export.scores_json(scores, rules)
        if month_points is not None:
            data["month"] = f"{year}-{args.month[1]:02d}"
            for row in data["departments"]:
                row["month_points"] = export.rounded(month_points[row["id"]])
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(export.scores_csv(scores, rules).lstrip("\ufeff"))
    elif args.format == "xlsx":
        from .editions import INTRANET
        from .stamp import forget

        if args.output is None and year not in years:  # output/scores/ holds what a build makes
            raise UsageError(f"{year} 年没有积分事件，构建不会生成 output/scores/{year}.xlsx；"
                             f"如确需导出，用 -o 指定文件，例如 -o {year}.xlsx")
        target = args.output or INTRANET.folder(project.output, "scores") / f"{year}.xlsx"
        months = month_series(project, year, events)
        with edition_lock(project.root, INTRANET):  # output/scores/ is the intranet edition's
            forget(project.root, INTRANET)
            target.parent.mkdir(parents=True, exist_ok=True)
            export.write_xlsx(scores, [(m.month, m.scores, m.earned) for m in months], rules,
                              target)
        print(f"已写入 {display_path(target, Path.cwd())}")
    else:
        title = None
        if args.month:
            title = f"{year}年{args.month[1]}月得分与月末累计（{rules.title}）"
        if not any(e.date.year == year for e in events):  # the standing is the start, not a bug
            print(f"{year} 年没有任何积分事件：各单位均为起始分 {export.fmt(rules.deduction_total)}"
                  "（扣分项满分，加分项为 0）。")
        console.print(terminal.standings_table(scores, rules, month_points, title or ""))
    return EXIT_OK


def stats_period(args: argparse.Namespace):  # -> stats.Period
    """The period the options name (cli.stats_usage_error has checked how they combine);
    without any, the current year by the clock the import command uses
    ($SITE_BUILDER_TODAY, else the system's date)."""
    from .stats import Period

    if args.start and args.end:
        return Period(args.start, args.end)
    if args.quarter:
        return Period.quarter(*args.quarter)
    if args.month:
        return Period.month(*args.month)
    if args.year:
        return Period.year(args.year)
    from .importer import today

    return Period.year(today().year)


def run_stats(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .stats import compute_stats
    from .stats import export as stats_export
    from .stats.target import export_target
    from .stats.terminal import rich_table

    period = stats_period(args)  # usage errors before anything is loaded
    project = load_project(args.project)
    default_name = f"stats-{period.name}.{args.format}"
    target = None
    if args.output is not None or args.format == "xlsx":  # never over a source, nor in output/
        target = export_target(args.output or Path(default_name), args.format, project.config,
                               default_name)
    stats = compute_stats(project.entries, project.config, period)
    names = {d.id: d.name for d in project.config.departments}
    tables = stats_export.stats_tables(stats, names)
    if stats.empty:
        print(f"{period.phrase}（{period.start} 至 {period.end}）没有报送任何稿件。"
              + where_entries_are([e.date for e in project.entries]),
              file=sys.stderr if args.format != "table" else sys.stdout)
        if args.format == "table":
            return EXIT_OK
    if args.format == "xlsx":
        stats_export.write_xlsx(stats, tables, target)
        print(f"已写入 {display_path(target, Path.cwd())}")
        return EXIT_OK
    if args.format in ("json", "csv"):
        text = (json.dumps(stats_export.stats_json(stats), ensure_ascii=False, indent=2) + "\n"
                if args.format == "json" else stats_export.stats_csv(stats, tables))
        if target is None:
            sys.stdout.write(text.lstrip("\ufeff"))
            return EXIT_OK
        target.write_text(text, encoding="utf-8")
        print(f"已写入 {display_path(target, Path.cwd())}")
        return EXIT_OK
    console = Console(width=None if sys.stdout.isatty() else 160)
    console.print(f"[bold]报送与采用统计 · {period.phrase}[/]（{period.start} 至 {period.end}）")
    for table in tables:
        if table.rows:
            console.print(rich_table(table))
    console.print("综述（可直接用于工作总结）：", style="bold")
    print(stats.summary)
    return EXIT_OK


def where_entries_are(dates: Sequence[dt.date]) -> str:
    """For a period with nothing counted: which months hold entries, and the option that
    counts them (the latest year, or every month from the first to the last)."""
    from .stats.period import month_end

    if not dates:
        return "\n  提示：项目中还没有任何稿件。"
    first, last = min(dates), max(dates)
    span = f"{first.year}年{first.month}月"
    if (first.year, first.month) != (last.year, last.month):
        span += f"至{last.year}年{last.month}月之间"
    option = f"--year {last.year}"
    if first.year != last.year:
        option += (f"（最近一年），全部稿件用 --from {first.replace(day=1)} "
                   f"--to {month_end(last.year, last.month)}")
    return f"\n  提示：稿件日期在{span}，可用 {option}。"


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


def run_import(args: argparse.Namespace) -> int:
    from .config import load_config
    from .importer import (
        ImportFailure,
        Overrides,
        docx_files,
        import_docx,
        review_findings,
        summary,
        today,
    )

    config = load_config(args.project)
    department = None
    if args.department:
        department = config.department_index.get(args.department)
        if department is None:
            names = [d.name for d in config.departments]
            raise UsageError(f"未登记的单位「{args.department}」；{choices_hint(names, args.department)}")
    if args.type and args.type not in config.type_labels:
        accepted = "、".join(f"{k}（{v}）" for k, v in config.type_labels.items())
        raise UsageError(f"未知的稿件类型「{args.type}」，可选：{accepted}")
    overrides = Overrides(department, args.type, args.date, args.max_side, args.force)
    files = docx_files(args.files)
    if not files:
        raise UsageError("所给文件夹中没有 .docx 文件：" + "、".join(str(p) for p in args.files))
    day, here, failed = today(), Path.cwd(), 0
    for source in files:
        shown = display_path(source, here)
        try:
            done = import_docx(source, config, day, overrides)
        except ImportFailure as err:
            sys.stdout.flush()  # in the order the files were taken, also when both are piped
            print(f"✗ {shown}：{err}", file=sys.stderr)
            failed += 1
            continue
        except Exception as err:  # a file no check foresaw: say so, go on with the batch
            sys.stdout.flush()
            print(f"✗ {shown}：导入时出错（{type(err).__name__}: {err}），未写入任何文件；"
                  "请把这个文件反馈给维护人员", file=sys.stderr)
            failed += 1
            continue
        print("\n".join(summary(done, config, here)))
        findings = review_findings(done.entry, config, day)
        if findings:
            print_problems(findings, args.project, stream=sys.stdout)
    total = len(files)
    print(f"\n共 {total} 个文件：导入 {total - failed} 篇（status: review，待审），失败 {failed} 个。"
          + ("\n  下一步：补齐待补项，运行 site-builder check，审核后把 status 改为 approved。"
             if total > failed else ""))
    return EXIT_CONTENT if failed else EXIT_OK


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

