#!/usr/bin/env python3
"""Time one month's 简报 PDF: WeasyPrint against headless Chromium's print-to-PDF of the same HTML.

    python bench/bench_pdf.py [--pages 12 60] [--runs 3] [--seed 1] [--cover-every 3]

A corpus is generated once (bench/gen_corpus.py) into a temporary directory.  For
each --pages target a small project is made from it: site.yaml, the ledger and
the first K approved entries of the corpus's fullest month, every --cover-every-th
with a cover image (a PNG inside the project, so the HTML has file:// image
URLs).  K is found by rendering and counting pages with pdfinfo (not timed; it
also warms WeasyPrint's font caches).  Then, --runs times: WeasyPrint
(render_issue_html + write_pdf, in this process) and, in the same run, headless
Chromium printing the SAME HTML, written to a file in the project, to PDF (a
fresh subprocess with a fresh profile, so its time includes browser start-up).
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(REPO))

from bench_build import git_revision, text_table  # noqa: E402
from gen_corpus import generate  # noqa: E402

from site_builder import load_project  # noqa: E402
from site_builder.newsletter.issue import Issue, plan_issue  # noqa: E402
from site_builder.newsletter.pdf import project_faces, render_issue_html, write_pdf  # noqa: E402
from site_builder.project import Project  # noqa: E402
from site_builder.scores import project_events  # noqa: E402
from site_builder.templates import make_environment, template_dirs  # noqa: E402

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer")
PAGES_RE = re.compile(r"^Pages:\s+(\d+)", re.MULTILINE)
PAGES_PER_ENTRY = 2.2  # first guess for K; the calibration corrects it


# ---------------------------------------------------------------- the projects


def png(width: int, height: int, seed: int) -> bytes:
    """A deterministic RGB gradient PNG (no imaging library needed)."""
    rng = random.Random(seed)
    r0, g0, b0 = (rng.randrange(40, 200) for _ in range(3))
    rows = []
    for y in range(height):
        g = (g0 + 100 * y // height) % 256
        rows.append(b"\x00" + bytes(v for x in range(width)
                                    for v in ((r0 + 120 * x // width) % 256, g, (b0 + (x ^ y) % 48) % 256)))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
            + chunk(b"IEND", b""))


def fullest_month(corpus: Path) -> tuple[str, list[Path]]:
    """The corpus month with the most approved entries, and their files in issue order."""
    by_month: dict[str, list] = defaultdict(list)
    for entry in load_project(corpus).entries:
        if entry.status == "approved":
            by_month[entry.month].append(entry)
    key = max(sorted(by_month), key=lambda k: len(by_month[k]))
    return key, [e.source for e in sorted(by_month[key], key=lambda e: (e.date, e.slug))]


def make_project(dest: Path, corpus: Path, month: str, sources: list[Path], cover_every: int) -> int:
    """site.yaml, the ledger and `sources` (some with a cover) → dest; returns the number of covers."""
    shutil.rmtree(dest, ignore_errors=True)
    folder = dest / "content" / month
    folder.mkdir(parents=True)
    shutil.copy2(corpus / "site.yaml", dest / "site.yaml")
    if (corpus / "content" / "ledger").is_dir():
        shutil.copytree(corpus / "content" / "ledger", dest / "content" / "ledger")
    covers = 0
    for index, source in enumerate(sources):
        text = source.read_text(encoding="utf-8")
        if cover_every and index % cover_every == 0:
            name = f"images/{source.stem}.png"
            (folder / "images").mkdir(exist_ok=True)
            (folder / name).write_bytes(png(800, 450, index))
            text = text.replace("---\n", f"---\ncover: {name}\n", 1)
            covers += 1
        (folder / source.name).write_text(text, encoding="utf-8")
    return covers


def pdf_pages(path: Path) -> int | None:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False).stdout
    m = PAGES_RE.search(out)
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- one issue


@dataclass
class Case:
    target: int
    root: Path
    month: str
    entries: int = 0
    covers: int = 0
    html_bytes: int = 0
    weasy: list[float] = field(default_factory=list)
    chrome: list[float] = field(default_factory=list)
    weasy_pages: int | None = None
    chrome_pages: int | None = None
    weasy_bytes: int = 0
    chrome_bytes: int = 0
    chrome_error: str = ""


def load_issue(root: Path, month: str) -> tuple[Project, Issue]:
    project = load_project(root)
    issue = plan_issue(project, int(month[:4]), int(month[5:]), False, project_events(project))
    if issue is None:
        raise SystemExit(f"!! {root}: no published entry in {month}")
    return project, issue


def weasyprint_once(project: Project, issue: Issue, target: Path) -> tuple[float, str]:
    """render_issue_html + write_pdf, timed; returns the seconds and the HTML."""
    env = make_environment(project.root)  # a fresh environment, as write_month has
    faces = project_faces(project.config)
    roots = [project.root, *template_dirs(project.root)]
    started = time.perf_counter()
    html = render_issue_html(env, project.config, issue, faces, project.rules, issue.date)
    write_pdf(html, target, roots, project.root)
    return time.perf_counter() - started, html


def chromium_once(chromium: str, html_file: Path, target: Path, scratch: Path) -> tuple[float, str]:
    """Print `html_file` with a fresh profile; returns the seconds and an error ('' when fine)."""
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=scratch))
    target.unlink(missing_ok=True)
    cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}",
           html_file.as_uri()]
    try:
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
                              check=False)
        seconds = time.perf_counter() - started
    except subprocess.TimeoutExpired:
        return 0.0, "timed out after 600 s"
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if proc.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        tail = "\n".join((proc.stderr + proc.stdout).strip().splitlines()[-15:])
        return seconds, f"exit {proc.returncode}, no PDF written\n{tail}"
    return seconds, ""


def chromium_floor(chromium: str, runs: int, scratch: Path) -> list[float]:
    """Chromium printing a one-line page: its start-up and shutdown cost."""
    blank = scratch / "blank.html"
    blank.write_text("<!doctype html><meta charset=utf-8><p>—</p>", encoding="utf-8")
    times = []
    for _ in range(runs):
        seconds, error = chromium_once(chromium, blank, scratch / "blank.pdf", scratch)
        if error:
            return []
        times.append(seconds)
    return times


def calibrate(case: Case, corpus: Path, pool: list[Path], cover_every: int, scratch: Path) -> None:
    """Find the number of entries whose issue comes closest to `case.target` pages; build it."""
    tolerance = max(1, round(case.target * 0.05))
    tried: dict[int, int] = {}
    k = max(1, round(case.target / PAGES_PER_ENTRY))
    for _ in range(6):
        k = min(max(k, 1), len(pool))
        if k in tried:
            break
        make_project(case.root, corpus, case.month, pool[:k], cover_every)
        project, issue = load_issue(case.root, case.month)
        probe = scratch / f"probe-{case.target}.pdf"
        seconds, _ = weasyprint_once(project, issue, probe)
        pages = pdf_pages(probe)
        if pages is None:
            raise SystemExit(f"!! pdfinfo could not read {probe}")
        tried[k] = pages
        print(f"  calibrating ~{case.target} pages: {k} entries → {pages} pages ({seconds:.2f} s)",
              file=sys.stderr, flush=True)
        if abs(pages - case.target) <= tolerance:
            break
        step = round(k * case.target / pages)
        k = step if step != k else k + (1 if pages < case.target else -1)
    if len(pool) in tried and tried[len(pool)] < case.target - tolerance:
        print(f"!! the fullest month has only {len(pool)} approved entries; "
              f"raise --corpus-entries for {case.target} pages", file=sys.stderr)
    best = min(tried, key=lambda n: (abs(tried[n] - case.target), n))
    case.covers = make_project(case.root, corpus, case.month, pool[:best], cover_every)


def bench_case(case: Case, runs: int, chromium: str | None, scratch: Path) -> None:
    project, issue = load_issue(case.root, case.month)
    case.entries = len(issue.entries)
    weasy_pdf = scratch / f"weasyprint-{case.target}.pdf"
    chrome_pdf = scratch / f"chromium-{case.target}.pdf"
    html_file = case.root / f"newsletter-{case.month}.html"  # inside the project: covers are file://
    for n in range(1, runs + 1):
        seconds, html = weasyprint_once(project, issue, weasy_pdf)
        case.weasy.append(seconds)
        html_file.write_text(html, encoding="utf-8")
        case.html_bytes = html_file.stat().st_size
        note = ""
        if chromium and not case.chrome_error:
            seconds, error = chromium_once(chromium, html_file, chrome_pdf, scratch)
            if error:
                case.chrome_error = error
                note = ", Chromium FAILED"
            else:
                case.chrome.append(seconds)
                note = f", Chromium {seconds:.2f} s"
        print(f"  ~{case.target} pages run {n}/{runs}: WeasyPrint {case.weasy[-1]:.2f} s{note}",
              file=sys.stderr, flush=True)
    case.weasy_pages, case.weasy_bytes = pdf_pages(weasy_pdf), weasy_pdf.stat().st_size
    if case.chrome:
        case.chrome_pages, case.chrome_bytes = pdf_pages(chrome_pdf), chrome_pdf.stat().st_size


# ---------------------------------------------------------------- report


def kib(n: int) -> str:
    return f"{n / 1024:.0f}"


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def fmt(value: int | None) -> str:
    return "?" if value is None else str(value)


def table(cases: list[Case], chromium: str | None) -> str:
    head = ["issue", "entries", "covers", "HTML KiB", "WP median s", "WP min–max", "WP pages", "WP KiB"]
    if chromium:
        head += ["Chr median s", "Chr min–max", "Chr pages", "Chr KiB", "Chr/WP time"]
    rows = [tuple(head)]
    for c in cases:
        wp = statistics.median(c.weasy)
        row = [f"~{c.target} pages ({c.month})", str(c.entries), str(c.covers), kib(c.html_bytes),
               f"{wp:.2f}", spread(c.weasy), fmt(c.weasy_pages), kib(c.weasy_bytes)]
        if chromium and c.chrome:
            cr = statistics.median(c.chrome)
            row += [f"{cr:.2f}", spread(c.chrome), fmt(c.chrome_pages), kib(c.chrome_bytes),
                    f"{cr / wp:.2f}×"]
        elif chromium:
            row += ["FAILED", "-", "-", "-", "-"]
        rows.append(tuple(row))
    return text_table(rows)


def versions(chromium: str | None) -> str:
    import weasyprint

    parts = [f"site-builder {git_revision()}", f"Python {platform.python_version()}",
             f"WeasyPrint {weasyprint.__version__}"]
    if chromium:
        out = subprocess.run([chromium, "--version"], capture_output=True, text=True, check=False).stdout
        parts.append(out.strip().split(" built")[0] or "Chromium ?")
    parts.append(f"{platform.system()} {platform.machine()}")
    return ", ".join(parts)


def summary(cases: list[Case], chromium: str | None, floor: list[float]) -> str:
    parts = []
    for c in cases:
        text = (f"{c.entries} entries ({c.covers} covers): WeasyPrint {statistics.median(c.weasy):.2f} s → "
                f"{fmt(c.weasy_pages)} pages, {kib(c.weasy_bytes)} KiB")
        if c.chrome:
            text += (f"; Chromium {statistics.median(c.chrome):.2f} s → {fmt(c.chrome_pages)} pages, "
                     f"{kib(c.chrome_bytes)} KiB")
        elif chromium:
            text += "; Chromium FAILED"
        parts.append(text)
    runs = len(cases[0].weasy) if cases else 0
    if floor:
        parts.append(f"Chromium start-up floor {statistics.median(floor):.2f} s")
    return f"Newsletter PDF ({versions(chromium)}; medians of {runs}): " + " | ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+", default=[12, 60], metavar="N",
                        help="target page counts, one issue each (default 12 60)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per issue (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--departments", type=int, default=12, help="corpus departments (default 12)")
    parser.add_argument("--corpus-entries", type=int, default=2000,
                        help="size of the source corpus; its fullest month must hold enough entries "
                             "(default 2000, about 50 approved a month)")
    parser.add_argument("--cover-every", type=int, default=3, metavar="N",
                        help="give every N-th entry a cover image; 0 for none (default 3)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium",
                        help="the Chromium binary (default: chromium on PATH, else /usr/bin/chromium)")
    parser.add_argument("--no-chromium", action="store_true", help="time WeasyPrint only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects and PDFs")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.corpus_entries < 1 or args.cover_every < 0 or min(args.pages) < 1:
        parser.error("--runs, --corpus-entries and --pages must be ≥ 1, --cover-every ≥ 0")
    if shutil.which("pdfinfo") is None:
        print("!! pdfinfo not found: it counts the pages (Debian: apt-get install poppler-utils)",
              file=sys.stderr)
        return 1
    chromium: str | None = None
    if not args.no_chromium:
        if Path(args.chromium).is_file() or shutil.which(args.chromium):
            chromium = args.chromium
        else:
            print(f"!! Chromium not found at {args.chromium}: the Chromium columns are skipped "
                  "(Debian: apt-get install chromium)", file=sys.stderr)

    tmp = Path(tempfile.mkdtemp(prefix="site-builder-bench-pdf-"))
    cases: list[Case] = []
    floor: list[float] = []
    try:
        corpus = tmp / "corpus"
        started = time.perf_counter()
        generate(corpus, args.corpus_entries, args.seed, args.departments)
        month, pool = fullest_month(corpus)
        print(f"generated {args.corpus_entries} entries in {time.perf_counter() - started:.2f} s; "
              f"using {month} ({len(pool)} approved entries)", file=sys.stderr)
        for target in args.pages:
            case = Case(target, tmp / f"issue-{target}p", month)
            calibrate(case, corpus, pool, args.cover_every, tmp)
            cases.append(case)
        for case in cases:
            bench_case(case, args.runs, chromium, tmp)
        if chromium:
            floor = chromium_floor(chromium, args.runs, tmp)
        if args.keep:  # the PDFs sit in tmp; name them beside their projects
            for case in cases:
                print(f"  ~{case.target} pages: project {case.root}, PDFs {tmp}/*-{case.target}.pdf",
                      file=sys.stderr)
    finally:
        if args.keep:
            print(f"kept temporary projects in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    failed = [c for c in cases if c.chrome_error]
    for c in failed:
        print(f"\n!! Chromium failed on the ~{c.target}-page issue: {c.chrome_error}", file=sys.stderr)
    command = ["python", "bench/bench_pdf.py", "--pages", *map(str, args.pages), "--runs", str(args.runs)]
    if args.seed != 1:
        command += ["--seed", str(args.seed)]
    if args.departments != 12:
        command += ["--departments", str(args.departments)]
    if args.corpus_entries != 2000:
        command += ["--corpus-entries", str(args.corpus_entries)]
    if args.cover_every != 3:
        command += ["--cover-every", str(args.cover_every)]
    if args.no_chromium:
        command.append("--no-chromium")
    elif chromium and chromium != parser.get_default("chromium"):
        command += ["--chromium", chromium]
    print()
    if chromium is None and not args.no_chromium:
        print(f"(Chromium not found at {args.chromium}: WeasyPrint only)")
    print(table(cases, chromium))
    if floor:
        print(f"Chromium start-up floor (a one-line page, same flags): "
              f"median {statistics.median(floor):.2f} s ({spread(floor)})")
    print()
    print(summary(cases, chromium, floor))
    print(f"Reproduce: cd {shlex.quote(str(REPO))} && {shlex.join(command)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
