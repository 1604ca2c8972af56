#!/usr/bin/env python3
"""Time the scoring pipeline (宣传考核积分) in-process on a large corpus with a heavy ledger.

    python bench/bench_scores.py [--entries 5000] [--ledger-lines 10000] [--runs 3] [--seed 1]

The corpus is generated once (bench/gen_corpus.py) into a temporary directory and
gets one more ledger file, content/ledger/bench-scores.yaml, with --ledger-lines
valid lines of all five rule-book kinds, dated over the corpus years, for the
corpus's departments (read from its site.yaml).  Then, --runs times, in this
process: (a) load_project, (b) project_events + year_scores for every year,
(c) month_series for every year (month-end standings).  For scale, a full
`site-builder build --no-pdf` of the same corpus runs --runs times as a fresh
subprocess, so the note can say what share of a build scoring is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(REPO))

from bench_build import build_once, git_revision, text_table  # noqa: E402
from gen_corpus import FIRST_DAY, GIVEN, LAST_DAY, SURNAMES, generate  # noqa: E402

from site_builder import ContentError, load_project  # noqa: E402
from site_builder.scores import month_series, project_events, score_years, year_scores  # noqa: E402

LEDGER_NAME = "bench-scores.yaml"
# The five ledger kinds of the default rule book and how often each is drawn.
KINDS = (("missed-response", 4), ("emergency-task", 3), ("correspondent-award", 2),
         ("unapproved-account", 1), ("missed-star-selection", 1))
NOTES = {"missed-response": "市局矩阵转发任务未按时完成", "emergency-task": "高质量完成临时性应急宣传任务",
         "unapproved-account": "擅自开设短视频账号被通报"}


def department_ids(project: Path) -> list[str]:
    """The department ids registered in the project's site.yaml."""
    data = yaml.safe_load((project / "site.yaml").read_text(encoding="utf-8"))
    return [str(d["id"]) for d in data["departments"]]


def write_ledger(path: Path, count: int, departments: list[str], seed: int) -> Counter[str]:
    """`count` valid ledger lines, sorted by date; returns how many of each kind."""
    rng = random.Random(f"bench-scores-{seed}")
    span = (LAST_DAY - FIRST_DAY).days + 1
    kinds, weights = zip(*KINDS, strict=True)
    items: list[tuple[dt.date, str, list[str]]] = []
    tally: Counter[str] = Counter()
    for _ in range(count):
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(span))
        dept = rng.choice(departments)
        kind = rng.choices(kinds, weights)[0]
        extra: list[str] = []
        if kind == "correspondent-award":
            person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            extra = [f"  person: {person}", f"  level: {rng.choice(('regional', 'city'))}",
                     f"  note: 获评{day.year - 1}年度优秀通讯员"]
        elif kind == "missed-star-selection":  # the selection runs March to August
            day = day.replace(month=rng.randrange(3, 9), day=rng.randrange(1, 29))
            extra = [f"  note: {day.month}月“最美之星”推荐材料未按时报送"]
        else:
            extra = [f"  note: {NOTES[kind]}"]
            if kind == "unapproved-account" and rng.random() < 0.3:
                extra.append("  negative_opinion: true")
        tally[kind] += 1
        items.append((day, dept, [f"- date: {day.isoformat()}", f"  department: {dept}", f"  kind: {kind}",
                                  *extra]))
    items.sort(key=lambda item: (item[0], item[1]))
    lines = ["# 积分基准测试台账（由 bench/bench_scores.py 生成，虚构数据）", ""]
    for _, _, item in items:
        lines += [*item, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return tally


@dataclass
class Phases:
    load: list[float] = field(default_factory=list)
    years: list[float] = field(default_factory=list)  # project_events + year_scores
    months: list[float] = field(default_factory=list)  # month_series
    build: list[float] = field(default_factory=list)  # subprocess build --no-pdf
    events: int = 0
    entry_events: int = 0
    ledger_events: int = 0
    audit: int = 0
    standings: int = 0  # month-end standings computed
    year_list: list[int] = field(default_factory=list)
    published: int = 0

    @property
    def totals(self) -> list[float]:
        return [a + b + c for a, b, c in zip(self.load, self.years, self.months, strict=True)]

    @property
    def scoring(self) -> list[float]:
        return [b + c for b, c in zip(self.years, self.months, strict=True)]


def time_once(project_dir: Path, phases: Phases) -> None:
    started = time.perf_counter()
    project = load_project(project_dir)
    loaded = time.perf_counter()
    events = project_events(project)
    years = score_years(project, events)
    scores = [year_scores(project, year, events) for year in years]
    scored = time.perf_counter()
    series = [month_series(project, year, events) for year in years]
    done = time.perf_counter()
    phases.load.append(loaded - started)
    phases.years.append(scored - loaded)
    phases.months.append(done - scored)
    phases.events = len(events)
    phases.ledger_events = sum(1 for e in events if e.source == "ledger")
    phases.entry_events = phases.events - phases.ledger_events
    phases.audit = sum(len(s.audit) for s in scores)
    phases.standings = sum(len(s) for s in series)
    phases.year_list = years
    phases.published = sum(1 for e in project.entries if e.status == "approved")


def stats(values: list[float]) -> tuple[str, str, str]:
    if not values:
        return "-", "-", "-"
    return f"{statistics.median(values):.3f}", f"{min(values):.3f}", f"{max(values):.3f}"


def table(p: Phases) -> str:
    years = len(p.year_list)
    total = statistics.median(p.totals)
    build = statistics.median(p.build) if p.build else None
    rows = [("phase", "median s", "min s", "max s", "% of a+b+c", "% of build")]

    def row(label: str, values: list[float]) -> None:
        med = statistics.median(values)
        rows.append((label, *stats(values), f"{100 * med / total:.1f}",
                     f"{100 * med / build:.1f}" if build else "-"))

    row("(a) load_project", p.load)
    row(f"(b) project_events + year_scores ×{years}", p.years)
    row(f"(c) month_series ×{years} ({p.standings} standings)", p.months)
    row("scoring (b+c)", p.scoring)
    row("total (a+b+c)", p.totals)
    if p.build:
        rows.append(("build --no-pdf (subprocess)", *stats(p.build), "-", "100.0"))
    return text_table(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=5000, help="corpus size (default 5000)")
    parser.add_argument("--ledger-lines", type=int, default=10000,
                        help="extra ledger lines in content/ledger/bench-scores.yaml (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each measurement (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="corpus and ledger seed (default 1)")
    parser.add_argument("--departments", type=int, default=12, help="corpus departments (default 12)")
    parser.add_argument("--no-build", action="store_true", help="skip the `build --no-pdf` comparison")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project and print where")
    args = parser.parse_args(argv)
    if args.entries < 1 or args.runs < 1 or args.ledger_lines < 0:
        parser.error("--entries and --runs must be ≥ 1, --ledger-lines ≥ 0")

    tmp = Path(tempfile.mkdtemp(prefix="site-builder-bench-scores-"))
    phases = Phases()
    failed = False
    try:
        corpus = tmp / f"corpus-{args.entries}"
        started = time.perf_counter()
        info = generate(corpus, args.entries, args.seed, args.departments)
        tally = write_ledger(corpus / "content" / "ledger" / LEDGER_NAME, args.ledger_lines,
                             department_ids(corpus), args.seed)
        print(f"generated {info['entries']} entries, {info['ledger']} + {args.ledger_lines} ledger lines "
              f"({', '.join(f'{k} {n}' for k, n in sorted(tally.items()))}), {info['departments']} "
              f"departments in {time.perf_counter() - started:.2f} s", file=sys.stderr)
        try:
            project = load_project(corpus)
        except ContentError as err:
            print(f"!! the generated project does not load ({len(err.problems)} problems):", file=sys.stderr)
            for problem in err.problems[:20]:
                print(f"   {problem}", file=sys.stderr)
            return 1
        expected = info["ledger"] + args.ledger_lines
        if len(project.ledger) != expected:
            print(f"!! {len(project.ledger)} ledger lines loaded, {expected} written", file=sys.stderr)
            return 1
        del project
        for n in range(1, args.runs + 1):
            time_once(corpus, phases)
            print(f"  in-process run {n}/{args.runs}: load {phases.load[-1]:.2f} s, "
                  f"year_scores {phases.years[-1]:.2f} s, month_series {phases.months[-1]:.2f} s",
                  file=sys.stderr, flush=True)
        if not args.no_build:
            for n in range(1, args.runs + 1):
                run = build_once(corpus, ["--no-pdf"])
                print(f"  build --no-pdf run {n}/{args.runs}: {run.seconds:.2f} s, exit {run.returncode}",
                      file=sys.stderr, flush=True)
                if run.returncode != 0:
                    print(f"!! build FAILED (exit {run.returncode}):", file=sys.stderr)
                    print(run.stderr[-4000:] + run.stdout[-2000:], file=sys.stderr)
                    failed = True
                    break
                phases.build.append(run.seconds)
    finally:
        if args.keep:
            print(f"kept temporary project in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    command = ["python", "bench/bench_scores.py", "--entries", str(args.entries), "--ledger-lines",
               str(args.ledger_lines), "--runs", str(args.runs)]
    if args.seed != 1:
        command += ["--seed", str(args.seed)]
    if args.departments != 12:
        command += ["--departments", str(args.departments)]
    if args.no_build:
        command.append("--no-build")
    years = phases.year_list
    print()
    print(table(phases))
    print()
    print(f"events: {phases.events} ({phases.entry_events} from entries, "
          f"{phases.ledger_events} ledger lines); audit lines: {phases.audit} over {len(years)} years "
          f"({years[0]}–{years[-1]}); "
          f"month-end standings: {phases.standings}")
    env = (f"site-builder {git_revision()}, Python {platform.python_version()}, "
           f"{platform.system()} {platform.machine()}")
    scoring = statistics.median(phases.scoring)
    share = (f"; scoring is {100 * scoring / statistics.median(phases.build):.0f} % of a build --no-pdf "
             f"(median {statistics.median(phases.build):.2f} s)") if phases.build else ""
    print(f"Scoring ({env}): {args.entries} entries ({phases.published} approved) + "
          f"{expected} ledger lines → {phases.events} events, {phases.audit} audit lines; "
          f"load {statistics.median(phases.load):.2f} s, scoring (b+c) {scoring:.2f} s, "
          f"total {statistics.median(phases.totals):.2f} s (medians of {args.runs}){share}")
    print(f"Reproduce: cd {shlex.quote(str(REPO))} && {shlex.join(command)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
