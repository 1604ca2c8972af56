#!/usr/bin/env python3
"""Build speed against a floor: cold, parallel, cached and incremental builds, and serve's reload.

    python bench/bench_fast.py [--entries 1000 5000] [--runs 3] [--jobs N] [--seed 1] [--keep]

For each size, one corpus is generated (bench/gen_corpus.py) into a temporary directory,
and every phase below runs on it in the same run, each as a fresh subprocess, so wall
time and peak RSS (ru_maxrss from wait4) are per child:

  floor        a small script, written to the temp dir: yaml (CSafeLoader) front-matter +
               Python-Markdown (extra, sane_lists, toc) + a one-line Jinja2 template,
               one HTML file per entry.  Nothing else.
  cold 1 proc  build --no-pdf --no-cache --jobs 1     (output/ and .cache/ removed first)
  cold N proc  build --no-pdf --no-cache --jobs N     (N = --jobs, default os.cpu_count())
  no change    build --no-pdf, after a build, nothing changed
  one edit     build --no-pdf, after appending a sentence to one entry (another each run)
  serve        serve --port P: time from an appended sentence to `event: reload` on the
               SSE stream (/__site-builder/events); then SIGINT, and the server must exit.

Floor, cold 1 and cold N runs are interleaved round by round, so background load hits
them alike.  site_builder/ is byte-compiled first and PYTHONDONTWRITEBYTECODE is unset for
the children, so start-up is that of an installed package, not of compiling its source.
Medians are reported; the ratios the issue sets as targets are computed from median wall
times, which include interpreter start-up and imports (what a user sees).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import platform
import queue
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from bench_build import git_revision, print_output_tail, rss_kib, text_table  # noqa: E402
from gen_corpus import generate  # noqa: E402

EVENTS = "/__site-builder/events"
STATUS = "/__site-builder/status"
PAGES_RE = re.compile(r"(\d+)\s*个页面")
RENDERED_RE = re.compile(r"重新生成\s*(\d+)\s*个")
ENTRIES_RE = re.compile(r"(\d+)\s*篇稿件")
BUILD_SECONDS_RE = re.compile(r"用时\s*([\d.]+)\s*秒")
FLOOR_RE = re.compile(r"floor: (\d+) entries in ([\d.]+) s")
MIB = 1024
GIB_MIB = 1024
SERVE_TIMEOUT = 900.0  # seconds for the first preview build / one reload
STOP_TIMEOUT = 20.0  # seconds for serve to exit after SIGINT

FLOOR_SCRIPT = '''\
"""The floor: front-matter + Markdown + a minimal template, one HTML file per entry."""
import sys
import time
from pathlib import Path

import jinja2
import markdown
import yaml
from markdown.extensions.toc import slugify_unicode

started = time.perf_counter()
content, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
md = markdown.Markdown(  # the same extensions and settings as site_builder/markup.py
    extensions=["extra", "sane_lists", "toc"],
    extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False},
                       "extra": {"footnotes": {"BACKLINK_TITLE": "返回正文第 %d 处"}}})
page = jinja2.Environment(autoescape=True).from_string(
    "<html><body><h1>{{ title }}</h1>{{ body|safe }}</body></html>")
count = 0
for path in sorted(content.rglob("*.md")):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\\n", 2)
    data = yaml.load(front, Loader=yaml.CSafeLoader)
    html = md.reset().convert(body)
    (out / (path.stem + ".html")).write_text(page.render(title=data["title"], body=html),
                                             encoding="utf-8")
    count += 1
print(f"floor: {count} entries in {time.perf_counter() - started:.3f} s")
'''


# ---------------------------------------------------------------- child processes


@dataclass
class Run:
    seconds: float
    returncode: int
    max_rss_kib: int
    stdout: str = ""
    stderr: str = ""
    reported: float | None = None  # the child's own timing, if it prints one
    rendered: int | None = None  # pages (re)rendered, or entries written by the floor


class Failed(Exception):
    def __init__(self, label: str, run: Run | None, message: str = ""):
        super().__init__(label)
        self.label, self.run, self.message = label, run, message


def run_child(cmd: list[str]) -> Run:
    """Run one command to completion; wall time and this child's own rusage (wait4).

    On Linux wait4's ru_maxrss is the larger of the child and of the largest descendant
    it waited for (pool workers): the largest single process, not a sum."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=REPO, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, proc.returncode, rss_kib(usage.ru_maxrss),
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def site_builder(*args: str) -> list[str]:
    return [sys.executable, "-m", "site_builder", *args]


# ---------------------------------------------------------------- phases


@dataclass
class Phase:
    label: str
    runs: list[Run] = field(default_factory=list)
    rss: bool = True  # show peak RSS for this row

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mib(self) -> float:
        return max((r.max_rss_kib for r in self.runs), default=0) / MIB

    def reported(self) -> str:
        values = [r.reported for r in self.runs if r.reported is not None]
        return f"{statistics.median(values):.2f}" if values else "-"

    def rendered(self) -> str:
        values = {r.rendered for r in self.runs if r.rendered is not None}
        if not values:
            return "-"
        return str(values.pop()) if len(values) == 1 else f"{min(values)}–{max(values)}"


def progress(label: str, n: int, total: int, run: Run) -> None:
    rss = f", {run.max_rss_kib / MIB:.0f} MiB" if run.max_rss_kib else ""
    print(f"  {time.strftime('%H:%M:%S')} {label} run {n}/{total}: {run.seconds:.2f} s{rss}",
          file=sys.stderr, flush=True)


def parse_build(run: Run) -> Run:
    text = run.stdout + run.stderr
    if (m := BUILD_SECONDS_RE.search(text)) is not None:
        run.reported = float(m.group(1))
    if (m := RENDERED_RE.search(text) or PAGES_RE.search(text)) is not None:
        run.rendered = int(m.group(1))
    return run


def timed_build(phase: Phase, project: Path, args: list[str], n: int, total: int,
                before: Callable[[], None] | None = None) -> Run:
    if before is not None:
        before()
    run = run_child(site_builder("build", "--project", str(project), *args))
    if run.returncode != 0:
        raise Failed(phase.label, run)
    phase.runs.append(parse_build(run))
    progress(phase.label, n, total, run)
    return run


def floor_once(phase: Phase, script: Path, project: Path, out: Path, n: int, total: int) -> None:
    shutil.rmtree(out, ignore_errors=True)
    run = run_child([sys.executable, str(script), str(project / "content"), str(out)])
    if run.returncode != 0:
        raise Failed(phase.label, run)
    if (m := FLOOR_RE.search(run.stdout)) is not None:
        run.rendered, run.reported = int(m.group(1)), float(m.group(2))
    phase.runs.append(run)
    progress(phase.label, n, total, run)


def clean(project: Path) -> Callable[[], None]:
    def remove() -> None:
        shutil.rmtree(project / "output", ignore_errors=True)
        shutil.rmtree(project / ".cache", ignore_errors=True)
    return remove


def approved_entries(project: Path) -> list[Path]:
    """Approved entries (their pages are on the site), in a stable order."""
    found = []
    for path in sorted((project / "content").rglob("*.md")):
        front = path.read_text(encoding="utf-8").split("---\n", 2)[1]
        if re.search(r"^status:\s*approved\s*$", front, re.M):
            found.append(path)
    return found


def spread(paths: list[Path], count: int) -> list[Path]:
    """`count` different paths spread evenly over the list."""
    step = max(1, len(paths) // (count + 1))
    return [paths[(i + 1) * step % len(paths)] for i in range(count)]


def append_sentence(path: Path, n: int) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\n基准测试第{n}次修改：本段为追加的一句话，用于检验增量生成。\n")


# ---------------------------------------------------------------- serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EventStream:
    """The SSE stream, read line by line in a thread; events land in a queue with their time."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", EVENTS)
        self.sock = self.conn.sock  # http.client lets go of it once a close-delimited body starts
        assert self.sock is not None
        response = self.conn.getresponse()
        if response.status != 200:
            raise OSError(f"{EVENTS} answered HTTP {response.status}")
        self.sock.settimeout(None)  # the server pings every second; close() ends the read
        self.events: queue.Queue[tuple[float, str]] = queue.Queue()
        self.thread = threading.Thread(target=self.read, args=(response,), daemon=True)
        self.thread.start()

    def read(self, response: http.client.HTTPResponse) -> None:
        try:
            for raw in iter(response.fp.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if line.startswith("event:"):
                    self.events.put((time.perf_counter(), line[6:].strip()))
        except (OSError, ValueError, AttributeError):
            pass  # closed by us, or the server went away
        self.events.put((time.perf_counter(), ""))  # end of stream

    def wait_for(self, event: str, timeout: float) -> float:
        """The arrival time of the next `event`; raises on another event's failure or timeout."""
        deadline = time.perf_counter() + timeout
        while True:
            try:
                at, name = self.events.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                raise TimeoutError(f"no `event: {event}` within {timeout:.0f} s") from None
            if name == event:
                return at
            if name == "":
                raise ConnectionError("the event stream closed")
            if name == "problems":
                raise RuntimeError("the server reported content errors instead of reloading")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()


def exited(pid: int) -> tuple[int, int] | None:
    """(exit code, ru_maxrss KiB) if the child has exited, else None; never blocks."""
    got, status, usage = os.wait4(pid, os.WNOHANG)
    if got == 0:
        return None
    return os.waitstatus_to_exitcode(status), rss_kib(usage.ru_maxrss)


def wait_until_answers(port: int, pid: int, timeout: float) -> tuple[int, int] | None:
    """Poll until the server answers HTTP; returns the child's exit if it died first."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if (done := exited(pid)) is not None:
            return done
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            conn.connect()  # accepted as soon as the port is bound …
            assert conn.sock is not None
            conn.sock.settimeout(max(1.0, deadline - time.perf_counter()))
            conn.request("GET", STATUS)
            conn.getresponse().read()  # … answered once the first preview is built
            return None
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    raise TimeoutError(f"serve did not answer HTTP within {timeout:.0f} s")


@dataclass
class ServeResult:
    startup: Phase
    reload: Phase
    stop_note: str = ""


def default_sigint() -> None:
    """In the serve child: SIGINT as a terminal's Ctrl-C delivers it.  A script started in
    the background (`&`) has SIGINT ignored, the child would inherit that, and Python
    then never raises KeyboardInterrupt: the stop below would time out for no fault of serve."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def bench_serve(project: Path, edits: list[Path], gap: float, tag: str) -> ServeResult:
    port = free_port()
    startup, reload = Phase("serve start-up (first preview)", rss=False), Phase("serve edit → reload")
    cmd = site_builder("serve", "--port", str(port), "--project", str(project))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=REPO, stdin=subprocess.DEVNULL,
                                preexec_fn=default_sigint)
        stream: EventStream | None = None
        done: tuple[int, int] | None = None
        latencies: list[float] = []
        problem = ""
        try:
            done = wait_until_answers(port, proc.pid, SERVE_TIMEOUT)
            if done is None:
                startup.runs.append(Run(time.perf_counter() - started, 0, 0))
                progress(startup.label, 1, 1, startup.runs[0])
                stream = EventStream(port)
                for n, path in enumerate(edits, 1):
                    time.sleep(gap)  # since the last reload (or the first preview)
                    append_sentence(path, n + 1000)
                    written = time.perf_counter()
                    latencies.append(stream.wait_for("reload", SERVE_TIMEOUT) - written)
                    print(f"  {time.strftime('%H:%M:%S')} {reload.label} {n}/{len(edits)}: "
                          f"{latencies[-1]:.2f} s ({tag})", file=sys.stderr, flush=True)
        except (OSError, TimeoutError, RuntimeError) as error:
            problem = f"{type(error).__name__}: {error}"
        finally:
            if stream is not None:
                stream.close()
            stop_note = ""
            if done is None:
                os.kill(proc.pid, signal.SIGINT)
                interrupted = time.perf_counter()
                deadline = interrupted + STOP_TIMEOUT
                while (done := exited(proc.pid)) is None and time.perf_counter() < deadline:
                    time.sleep(0.05)
                if done is None:
                    os.kill(proc.pid, signal.SIGKILL)
                    _, status, usage = os.wait4(proc.pid, 0)
                    done = (os.waitstatus_to_exitcode(status), rss_kib(usage.ru_maxrss))
                    stop_note = f"did NOT exit within {STOP_TIMEOUT:.0f} s of SIGINT; killed"
                else:
                    stop_note = (f"exited {time.perf_counter() - interrupted:.2f} s after SIGINT "
                                 f"with status {done[0]}")
            proc.returncode = done[0]
            out.seek(0)
            err.seek(0)
            stdout, stderr = (f.read().decode("utf-8", "replace") for f in (out, err))
    rebuilt = [float(m.group(1)) for m in re.finditer(r"已更新预览.*?用时\s*([\d.]+)\s*秒", stdout)]
    if problem or len(latencies) < len(edits):
        raise Failed("serve", Run(0, done[0], done[1], stdout, stderr),
                     problem or f"serve exited with status {done[0]} before the edits were done")
    for n, latency in enumerate(latencies):
        reported = rebuilt[n + 1] if n + 1 < len(rebuilt) else None
        reload.runs.append(Run(latency, 0, done[1], reported=reported))
    if rebuilt:
        startup.runs[0].reported = rebuilt[0]
    if (m := PAGES_RE.search(stdout)) is not None:
        startup.runs[0].rendered = int(m.group(1))
    return ServeResult(startup, reload, stop_note)


# ---------------------------------------------------------------- one size


@dataclass
class SizeResult:
    entries: int
    published: int | None
    pages: int | None
    phases: dict[str, Phase]
    serve: ServeResult
    jobs: int


def bench_size(tmp: Path, entries: int, args: argparse.Namespace, script: Path) -> SizeResult:
    project = tmp / f"corpus-{entries}"
    started = time.perf_counter()
    stats = generate(project, entries, args.seed, args.departments)
    print(f"generated {stats['entries']} entries, {stats['ledger']} ledger lines "
          f"({stats['bytes'] / 1e6:.1f} MB) in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    jobs = args.jobs
    floor = Phase("floor (yaml + markdown + jinja2)")
    cold1 = Phase("cold build --jobs 1")
    coldn = Phase(f"cold build --jobs {jobs}")
    prime = Phase("first build, empty .cache/")
    nochange = Phase("no-change rebuild")
    edit = Phase("one-edit rebuild")
    cold_args = ["--no-pdf", "--no-cache", "--jobs"]
    for n in range(1, args.runs + 1):  # interleaved, so load drifts hit all three alike
        floor_once(floor, script, project, tmp / "floor-out", n, args.runs)
        timed_build(cold1, project, [*cold_args, "1"], n, args.runs, clean(project))
        timed_build(coldn, project, [*cold_args, str(jobs)], n, args.runs, clean(project))
    text = cold1.runs[-1].stdout
    published = int(m.group(1)) if (m := ENTRIES_RE.search(text)) else None
    pages = int(m.group(1)) if (m := PAGES_RE.search(text)) else None

    timed_build(prime, project, ["--no-pdf"], 1, 1, clean(project))
    for n in range(1, args.runs + 1):
        timed_build(nochange, project, ["--no-pdf"], n, args.runs)
    targets = spread(approved_entries(project), 2 * args.runs)
    for n, path in enumerate(targets[:args.runs], 1):
        timed_build(edit, project, ["--no-pdf"], n, args.runs,
                    lambda path=path, n=n: append_sentence(path, n))
    serve = bench_serve(project, targets[args.runs:], args.serve_gap, f"{entries} entries")
    phases = {"floor": floor, "cold1": cold1, "coldn": coldn, "prime": prime, "nochange": nochange,
              "edit": edit}
    return SizeResult(entries, published, pages, phases, serve, jobs)


# ---------------------------------------------------------------- report


def table(result: SizeResult) -> str:
    head = ("phase", "runs", "median s", "min s", "max s", "own s", "pages", "peak RSS MiB")
    rows = [head]
    phases = [*result.phases.values(), result.serve.startup, result.serve.reload]
    for p in phases:
        t = p.times
        rows.append((p.label, str(len(t)), f"{statistics.median(t):.2f}", f"{min(t):.2f}",
                     f"{max(t):.2f}", p.reported(), p.rendered(),
                     f"{p.peak_mib:.0f}" if p.rss else "-"))
    return text_table(rows)


def verdict(value: float, limit: float, applies: bool, below: bool = False) -> str:
    if not applies:
        return "(target is at 5,000 entries)"
    ok = value < limit if below else value <= limit
    return "PASS" if ok else "MISS"


def ratios(result: SizeResult) -> list[tuple[str, str, str]]:
    p = result.phases
    floor, cold1, coldn = p["floor"].median, p["cold1"].median, p["coldn"].median
    at_5000 = result.entries == 5000
    reload = result.serve.reload.median
    peak = max(max(ph.peak_mib for ph in p.values() if ph is not p["floor"]), result.serve.reload.peak_mib)
    n = result.jobs
    rows = [
        ("cold --jobs 1 / floor", f"{cold1 / floor:.2f}", f"≤ 1.3   {verdict(cold1 / floor, 1.3, True)}"),
        (f"cold --jobs {n} / floor", f"{coldn / floor:.2f}",
         f"≤ 0.75  {verdict(coldn / floor, 0.75, True)}"),
        (f"no-change / cold --jobs {n}", f"{p['nochange'].median / coldn:.3f}",
         f"≤ 0.1   {verdict(p['nochange'].median / coldn, 0.1, True)}"),
        (f"one-edit rebuild / cold --jobs {n}", f"{p['edit'].median / coldn:.3f}", "(no target)"),
        (f"serve edit → reload / cold --jobs {n}", f"{reload / coldn:.3f}",
         f"≤ 0.03  {verdict(reload / coldn, 0.03, at_5000)}"),
        ("peak RSS of any site-builder process", f"{peak:.0f} MiB",
         f"< 1 GiB {verdict(peak, GIB_MIB, at_5000, below=True)}"),
    ]
    return rows


def ratio_lines(result: SizeResult) -> str:
    rows = ratios(result)
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    return "\n".join(f"  {a.ljust(w0)}  {b.rjust(w1)}  {c}" for a, b, c in rows)


def start_up(runs: int) -> str:
    """What every child pays before doing any work: the interpreter, and the CLI's imports."""
    bare = statistics.median(run_child([sys.executable, "-c", "pass"]).seconds for _ in range(runs))
    cli = statistics.median(run_child(site_builder("--help")).seconds for _ in range(runs))
    floor = statistics.median(run_child([sys.executable, "-c", "import yaml, markdown, jinja2"]).seconds
                              for _ in range(runs))
    return (f"start-up inside every timing (median of {runs}): python -c pass {bare:.2f} s, "
            f"floor's imports {floor:.2f} s, site-builder --help {cli:.2f} s")


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def summary(results: list[SizeResult], load_before: float, revision: str) -> str:
    env = (f"site-builder {revision}, Python {platform.python_version()}, "
           f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
           f"load {load_before:.1f} → {load_average():.1f}")
    parts = []
    for r in results:
        p = r.phases
        cold1, coldn, floor = p["cold1"].median, p["coldn"].median, p["floor"].median
        peak = max(max(ph.peak_mib for k, ph in p.items() if k != "floor"), r.serve.reload.peak_mib)
        parts.append(f"{r.entries} entries: floor {floor:.2f} s, cold {cold1:.2f} s "
                     f"({cold1 / floor:.2f}× floor), --jobs {r.jobs} {coldn:.2f} s "
                     f"({coldn / floor:.2f}×), no-change {p['nochange'].median:.2f} s, "
                     f"one edit {p['edit'].median:.2f} s, serve reload {r.serve.reload.median:.2f} s, "
                     f"peak {peak:.0f} MiB")
    return f"Fast ({env}; wall-time medians): " + "; ".join(parts)


def show_failure(error: Failed, kept: bool, tmp: Path) -> None:
    where = f"projects kept in {tmp}" if kept else "projects removed — rerun with --keep to inspect"
    print(f"\n!! {error.label}: FAILED ({where})", file=sys.stderr)
    if error.message:
        print(f"   {error.message}", file=sys.stderr)
    run = error.run
    if run is None:
        return
    print(f"   exit status {run.returncode}", file=sys.stderr)
    print_output_tail(run.stderr, run.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, nargs="+", default=[1000, 5000],
                        help="corpus sizes (default 1000 5000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per phase (default 3)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                        help=f"processes for the parallel cold build (default os.cpu_count() = "
                             f"{os.cpu_count()})")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--departments", type=int, default=12, help="corpus departments (default 12)")
    parser.add_argument("--serve-gap", type=float, default=3.0,
                        help="seconds between edits while serving (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects and print where")
    args = parser.parse_args(argv)
    if min(args.entries) < 1 or args.runs < 1 or args.jobs < 1:
        parser.error("--entries, --runs and --jobs must be ≥ 1")

    command = ["python", "bench/bench_fast.py", "--entries", *map(str, args.entries),
               "--runs", str(args.runs)]
    if args.jobs != os.cpu_count():
        command += ["--jobs", str(args.jobs)]
    for name, default in (("seed", 1), ("departments", 12), ("serve_gap", 3.0)):
        if getattr(args, name) != default:
            command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]

    # Time the package as pip leaves it installed: with its bytecode compiled and cached.
    # (Some shells set PYTHONDONTWRITEBYTECODE; then every run would compile ~6,000 lines.)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "site_builder")], check=True)
    load_before = load_average()
    revision_before = git_revision()
    tmp = Path(tempfile.mkdtemp(prefix="site-builder-fast-"))
    results: list[SizeResult] = []
    try:
        script = tmp / "floor.py"
        script.write_text(FLOOR_SCRIPT, encoding="utf-8")
        startup = start_up(args.runs)
        for entries in args.entries:
            results.append(bench_size(tmp, entries, args, script))
    except Failed as error:
        show_failure(error, args.keep, tmp)
        return 1
    finally:
        if args.keep:
            print(f"kept temporary projects in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    for r in results:
        print()
        print(f"{r.entries} entries ({r.published} published, {r.pages} pages; build = --no-pdf; "
              f"{args.runs} runs per phase)")
        print(table(r))
        print("targets (medians of wall time):")
        print(ratio_lines(r))
        print(f"  serve {r.serve.stop_note}")
    print()
    print(startup)
    print("own s = the child's own timing: the floor's loop after its imports; build's 「用时」"
          "(after loading the project); serve's 「已更新预览 … 用时」. pages = pages (re)rendered "
          "(floor: entries). Peak RSS = ru_maxrss from wait4: the largest single process (a worker "
          "included), not the sum of a pool. serve edit → reload = file written → "
          "`event: reload` received, which includes the watcher's 0.05 s debounce.")
    print()
    revision = revision_before
    if (revision_after := git_revision()) != revision_before:
        revision = f"{revision_before} → {revision_after}"
        print(f"!! the repository changed during the run ({revision}): the phases did not all "
              f"time the same code")
    print(summary(results, load_before, revision))
    print(f"Reproduce: cd {shlex.quote(str(REPO))} && {shlex.join(command)}")
    stopped_badly = any("NOT" in r.serve.stop_note for r in results)
    return 1 if stopped_badly else 0


if __name__ == "__main__":
    sys.exit(main())
