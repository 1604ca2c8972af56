"""The proof that a cached build writes exactly what a clean build writes (SPEC "Outputs").

A hypothesis state machine edits a small project in every way an office does — bodies,
titles, dates, files added, deleted and moved, status and classification, site.yaml, the
rule book and the ledger, template overrides, images — and builds it, as the CLI does:
in this process (so the module-level memos live from step to step), in a fresh process,
and in a fresh process interrupted with Ctrl-C.  After every build the edition's folders
are compared byte for byte with a `--no-cache` build of a copy of the same sources, made
in a fresh process; and the other edition's folders must not have been touched.

Fixed examples below replay known bugs step by step.

SITE_BUILDER_STATEFUL_EXAMPLES raises the number of runs (default 5),
SITE_BUILDER_STATEFUL_STEPS their length (default 30), and SITE_BUILDER_STATEFUL_SHRINK=1
lets hypothesis shrink a failure (slow: every step builds).  The runs are derandomized: the
same steps every time, but for the moment an interrupt lands.  A failing run prints its
steps, since a failure that depends on that moment may not come again when hypothesis
replays them (it then reports the test as flaky).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import difflib
import functools
import hashlib
import io
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATES = REPO / "templates"
RULE_BOOK = REPO / "scoring.yaml"
CACHE = ".cache"
SKIPPED_SOURCES = {"output", CACHE}  # at the project's top: not sources
BUILD_TIMEOUT = 300


# --- editions: where each writes, and what it must leave alone --------------------------

@dataclass(frozen=True)
class Edition:
    name: str
    flags: tuple[str, ...]
    folders: tuple[str, ...]  # under output/: always compared
    pdf_folder: str  # compared when newsletters were built
    others: tuple[str, ...]  # the other edition's folders: never touched

    def compared(self, pdf: bool) -> tuple[str, ...]:
        return (*self.folders, *((self.pdf_folder,) if pdf else ()))


INTRANET = Edition("intranet", (), ("site", "scores"), "pdf", ("public",))
PUBLIC = Edition("public", ("--public",), ("public/site",), "public/pdf", ("site", "pdf", "scores"))
EDITIONS = {e.name: e for e in (INTRANET, PUBLIC)}


def build_args(root: Path, edition: Edition, pdf: bool, *extra: str) -> list[str]:
    return ["build", "--project", str(root), *edition.flags, *(() if pdf else ("--no-pdf",)),
            *extra]


# --- reading trees -----------------------------------------------------------------------

def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative POSIX path → bytes); {} if there is none."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def stats(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Bytes, mtime and inode of every file and folder under `folder`: what "untouched" means."""
    if not folder.exists():
        return {}
    found: dict[str, tuple[bytes, int, int]] = {}
    for p in sorted([folder, *folder.rglob("*")]):
        st_ = p.lstat()
        data = p.read_bytes() if p.is_file() else b"<folder>"
        found[p.relative_to(folder).as_posix()] = (data, st_.st_mtime_ns, st_.st_ino)
    return found


def output_tree(root: Path) -> dict[str, bytes]:
    """All of output/ but a build's own hidden leftovers (staging folders)."""
    out = root / "output"
    if not out.is_dir():
        return {}
    return {k: v for k, v in tree(out).items() if not k.startswith(".")}


def source_files(root: Path) -> dict[str, bytes]:
    """Everything of the project but output/ and .cache/."""
    files = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts[0] in SKIPPED_SOURCES or not p.is_file():
            continue
        files[rel.as_posix()] = p.read_bytes()
    return files


# --- running builds ----------------------------------------------------------------------

@dataclass
class Run:
    code: int
    stderr: str
    stdout: str = ""


def run_in_process(args: list[str]) -> Run:
    """The CLI's main in this process: its module-level memos stay from build to build."""
    from site_builder.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return Run(code, err.getvalue(), out.getvalue())


def command(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "site_builder", *args]


def run_in_subprocess(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    proc = subprocess.run(command(args), cwd=cwd, capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})
    return Run(proc.returncode, proc.stderr, proc.stdout)


def run_interrupted(args: list[str], cwd: Path, delay: float, group: bool) -> Run:
    """Start a build and press Ctrl-C after `delay` seconds: SIGINT to the build (`group`:
    to its whole process group, as a terminal does, workers included)."""
    proc = subprocess.Popen(command(args), cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=delay)
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                if group:
                    os.killpg(proc.pid, signal.SIGINT)
                else:
                    proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=BUILD_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return Run(proc.returncode, stderr, stdout)


@dataclass(frozen=True)
class Clean:
    """A --no-cache build of a copy of the sources, made in a fresh process."""

    code: int
    stderr: str
    trees: dict[str, dict[str, bytes]]  # folder under output/ → its files


REFERENCE_ENV = {"SITE_BUILDER_NO_MEMO": "1"}  # and no in-process memo either
_CLEAN: dict[str, Clean] = {}  # digest of sources and flags → the clean build (this test run)


def clean_build(root: Path, edition: Edition, pdf: bool) -> Clean:
    files = source_files(root)
    h = hashlib.blake2b(digest_size=20)
    for name, data in files.items():
        h.update(f"{name}\0{len(data)}\0".encode() + data)
    h.update(f"{edition.name} pdf={pdf} {dt.date.today()}".encode())
    key = h.hexdigest()
    if key not in _CLEAN:
        with tempfile.TemporaryDirectory(prefix="site-builder-clean-") as tmp:
            copy_root = Path(tmp) / root.name  # the same folder name as the project's
            for name, data in files.items():
                target = copy_root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            run = run_in_subprocess(build_args(copy_root, edition, pdf, "--no-cache"), copy_root,
                                    REFERENCE_ENV)
            trees = ({f: tree(copy_root / "output" / f) for f in edition.compared(pdf)}
                     if run.code == 0 else {})
            _CLEAN[key] = Clean(run.code, run.stderr, trees)
    return _CLEAN[key]


# --- comparing ---------------------------------------------------------------------------

TEXT_SUFFIXES = (".html", ".xml", ".json", ".js", ".csv", ".css", ".txt", ".svg")


def pdf_streams(data: bytes) -> list[bytes]:
    """A PDF's streams, inflated where they are Flate-compressed (content, objects, fonts)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    return streams


def describe_pdf(cached: bytes, clean: bytes, offset: int) -> list[str]:
    """Where two PDFs first differ once their streams are inflated, and what it looks like."""
    if re.search(rb"/(CreationDate|ModDate)", cached[max(0, offset - 80):offset + 8]):
        return ["    (a timestamp: still a bug, the newsletters must be deterministic)"]
    pairs = list(zip(pdf_streams(cached), pdf_streams(clean), strict=False))
    for n, (a, b) in enumerate(pairs):
        if a == b:
            continue
        at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        lines = [f"    first differing stream: #{n} of {len(pairs)}, at byte {at} of it: cached "
                 f"{a[max(0, at - 40):at + 40]!r} / clean {b[max(0, at - 40):at + 40]!r}"]
        window = a[max(0, at - 60):at + 60] + b[max(0, at - 60):at + 60]
        if re.search(rb"/(CreationDate|ModDate)|D:\d{8}|\d{4}-\d\d-\d\dT\d\d:", window):
            lines.append("    (a timestamp: still a bug, the newsletters must be deterministic)")
        if re.search(rb"/i[0-9a-f]{20,}", window):
            lines.append("    (an image's name: WeasyPrint names an image by a digest of its file:// "
                         "URL, so the PDF depends on the folder the project is in)")
        return lines
    return [f"    the inflated streams are the same ({len(pairs)}): the difference is in the file "
            "structure (offsets, object order, /ID, metadata)"]


def describe(name: str, cached: bytes, clean: bytes) -> str:
    """How one file differs: sizes, the first differing byte, and a short diff of text."""
    offset = next((i for i, (a, b) in enumerate(zip(cached, clean, strict=False)) if a != b),
                  min(len(cached), len(clean)))
    lines = [f"  {name}: cached {len(cached)} bytes, clean {len(clean)} bytes, first difference "
             f"at byte {offset}: cached {cached[max(0, offset - 24):offset + 40]!r} / clean "
             f"{clean[max(0, offset - 24):offset + 40]!r}"]
    if name.endswith(".pdf"):
        lines += describe_pdf(cached, clean, offset)
    elif name.endswith((".xlsx", ".docx")):
        lines.append("    (a zip: its entries' dates and docProps/core.xml's created/modified "
                     "are the time of writing unless the writer fixes them)")
    elif name.endswith(TEXT_SUFFIXES):
        a = cached.decode("utf-8", "replace").splitlines()
        b = clean.decode("utf-8", "replace").splitlines()
        diff = list(difflib.unified_diff(b, a, "clean", "cached", n=1, lineterm=""))
        lines += ["    " + line[:200] for line in diff[:24]]
    return "\n".join(lines)


def differences(cached: dict[str, dict[str, bytes]], clean: dict[str, dict[str, bytes]]) -> list[str]:
    found = []
    for folder in clean:
        a, b = cached.get(folder, {}), clean[folder]
        if extra := sorted(a.keys() - b.keys()):
            found.append(f" output/{folder}: only in the cached build: {extra[:10]}")
        if missing := sorted(b.keys() - a.keys()):
            found.append(f" output/{folder}: only in the clean build: {missing[:10]}")
        differing = sorted(n for n in a.keys() & b.keys() if a[n] != b[n])
        if differing:
            found.append(f" output/{folder}: {len(differing)} files differ: {differing[:10]}")
            found += [describe(f"output/{folder}/{n}", a[n], b[n]) for n in differing[:3]]
    return found


def touched(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    names = sorted(before.keys() | after.keys())
    return [n for n in names if before.get(n) != after.get(n)]


def no_traceback(run: Run, what: str) -> None:
    assert "Traceback" not in run.stderr, f"{what} left a traceback:\n{run.stderr[-3000:]}"


# Exit codes of an interrupted build: 130, or killed by the SIGINT itself (what a shell also
# shows as 130) when it came as the interpreter was shutting down, with no handler left.
INTERRUPTED = (130, -signal.SIGINT)


def before_the_product(run: Run) -> bool:
    """Ctrl-C while the interpreter was still starting, before any of site-builder ran:
    Python's own traceback, not the product's."""
    return (run.code in (-signal.SIGINT, 1) and "KeyboardInterrupt" in run.stderr
            and "site_builder" not in run.stderr)


@dataclass
class Before:
    """What output/ held before a build: all of it, and the other edition's files in detail."""

    output: dict[str, bytes]
    others: dict[str, dict[str, tuple[bytes, int, int]]]

    @classmethod
    def take(cls, root: Path, edition: Edition) -> Before:
        return cls(output_tree(root),
                   {f: stats(root / "output" / f) for f in edition.others})


def check_build(root: Path, edition: Edition, pdf: bool, run: Run, before: Before,
                what: str, interrupted: bool = False) -> None:
    """The build under test against a clean build of the same sources and flags.

    A failure is printed too (pytest shows it with the test's output): when it depends on
    timing (an interrupt), hypothesis may report only that the test is flaky."""
    try:
        _check_build(root, edition, pdf, run, before, what, interrupted)
    except AssertionError as err:
        print(f"FAILED CHECK: {err}")
        raise


def _check_build(root: Path, edition: Edition, pdf: bool, run: Run, before: Before,
                 what: str, interrupted: bool) -> None:
    if interrupted and before_the_product(run):
        changed = touched(before.output, output_tree(root))
        assert not changed, f"{what} changed output/ before it started: {changed[:10]}"
        return
    no_traceback(run, what)
    for folder, old in before.others.items():
        changed = touched(old, stats(root / "output" / folder))
        assert not changed, (f"{what} touched the other edition's output/{folder}: "
                             f"{changed[:10]}")
    clean = clean_build(root, edition, pdf)
    allowed = {0, 1, *INTERRUPTED} if interrupted else {0, 1}
    assert run.code in allowed, f"{what} exited {run.code}:\n{run.stderr[-3000:]}"
    if run.code in INTERRUPTED:  # all as it was, or all as a clean build makes it
        assert clean.code in (0, 1), f"the clean build exited {clean.code}:\n{clean.stderr[-2000:]}"
        folders = edition.compared(pdf)
        now = {f: tree(root / "output" / f) for f in folders}
        old = {f: {k[len(f) + 1:]: v for k, v in before.output.items() if k.startswith(f + "/")}
               for f in folders}
        if now != old:
            assert clean.code == 0, f"{what} failed, was interrupted and changed output/"
            found = differences(now, clean.trees)
            assert not found, (f"{what} left output/ neither as it was nor as a clean build "
                               f"makes it (half-written?):\n" + "\n".join(found))
        return
    assert run.code == clean.code, (
        f"{what} exited {run.code} but a clean build of the same sources exits {clean.code}\n"
        f"--- the build's stderr:\n{run.stderr[-2000:]}\n--- the clean build's:\n"
        f"{clean.stderr[-2000:]}")
    if run.code == 1:
        changed = touched(before.output, output_tree(root))
        assert not changed, f"{what} failed (exit 1) but changed output/: {changed[:10]}"
        return
    for folder in edition.folders[:1]:
        assert (root / "output" / folder / "index.html").is_file(), (
            f"{what} wrote no output/{folder}/index.html")
    cached = {f: tree(root / "output" / f) for f in edition.compared(pdf)}
    found = differences(cached, clean.trees)
    assert not found, (f"{what} differs from a clean build of the same sources "
                       f"(--no-cache, fresh process):\n" + "\n".join(found))


# --- the project -------------------------------------------------------------------------

DEPARTMENTS = [{"id": "jiaoguan", "name": "交管大队", "aliases": ["交警大队"]},
               {"id": "xingzhen", "name": "刑侦大队", "aliases": ["刑警大队"]},
               {"id": "chengguan", "name": "城关派出所", "aliases": ["城关所"]}]
SITE: dict[str, Any] = {
    "title": "测试简报",
    "organization": "测试市公安局政治部",
    "departments": DEPARTMENTS,
    "columns": ["教育整顿进行时", "警营风采"],
    "page_size": 3,
    "newsletter": {"title": "教育整顿简报", "issuer": "测试市政法队伍教育整顿领导小组办公室",
                   "distribution": {"报": ["市委政法委"], "送": ["市公安局党委"],
                                    "发": ["各派出所、局属各部门"]},
                   "copies": 30},
    "scoring": "scoring.yaml",
}
CAPTION = "民警走访辖区群众（摄影 周婧）"
IMAGE = "content/images/pic.png"  # entries sit one folder down: ../images/pic.png


def png(width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid RGB PNG of one colour, made byte by byte."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


@dataclass
class Doc:
    """One entry file, as the state machine knows it."""

    folder: str  # under content/
    name: str
    title: str
    date: str
    body: str
    department: str = "jiaoguan"
    type: str = "briefing"
    status: str = "approved"
    classification: str = "internal"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"content/{self.folder}/{self.name}"

    def text(self) -> str:
        front = {"title": self.title, "date": self.date, "type": self.type,
                 "department": self.department, "status": self.status,
                 "classification": self.classification, "reviewer": "王建华", **self.extra}
        dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False,
                                default_flow_style=False)
        return f"---\n{dumped}---\n\n{self.body}\n"


def initial_docs(images: bool = True) -> list[Doc]:
    """Five entries over two months; `images`: one shows an image (its cover and in the body)."""
    picture = f"\n\n![{CAPTION}](../images/pic.png)" if images else ""
    return [
        Doc("2024-01", "jiaoguan-jingshi.md", "交管大队召开警示教育大会", "2024-01-12",
            "本报讯 1月12日，交管大队召开警示教育大会，通报典型案例。\n\n会议要求全体民警严守纪律。",
            classification="public",
            extra={"tags": ["警示教育"], "authors": ["李明远"],
                   "adoptions": [{"level": "city", "date": "2024-01-14", "kind": "photo"},
                                 {"level": "province", "date": "2024-01-20"}],
                   "placements": [{"outlet": "人民日报", "date": "2024-01-22"}]}),
        Doc("2024-01", "xingzhen-chenlixin.md", "刑侦大队陈立新：案子不破不收兵", "2024-01-25",
            "陈立新从警二十年，始终冲在办案一线。", department="刑侦大队",
            type="model-figure",
            extra={"figure": {"name": "陈立新", "unit": "刑侦大队", "title": "中队长",
                              "honors": ["个人二等功"]},
                   "awards": [{"level": "city", "name": "优秀新闻作品", "date": "2024-01-28"}],
                   # not a central outlet: 统计 counts it by site.yaml's `outlets:` (edit_site_yaml)
                   "placements": [{"outlet": "测试日报", "date": "2024-01-29"}]}),
        Doc("2024-02", "城关派出所走访辖区.md", "城关派出所开展春节前走访", "2024-02-06",
            f"春节前夕，城关派出所民警走访辖区群众。{picture}",
            department="城关派出所", classification="public",
            extra={**({"cover": "../images/pic.png"} if images else {}), "tags": ["我为群众办实事"],
                   "adoptions": [{"level": "county", "date": "2024-02-08", "kind": "video"}]}),
        Doc("2024-02", "xingzhen-zongjie.md", "刑侦大队一月工作总结", "2024-02-01",
            "一月，刑侦大队破获案件12起。", department="xingzhen", type="work-summary",
            status="review"),
        Doc("2024-02", "jiaoguan-chunyun.md", "交警大队全力保障春运平安", "2024-02-15",
            "春运期间，交警大队加强路面管控。\n\n详见[警示教育大会](../2024-01/jiaoguan-jingshi.md)。",
            department="交警大队",
            extra={"column": "警营风采", "tags": ["春运", "警示教育"],
                   "adoptions": [{"level": "city", "date": "2024-02-16"}]}),
    ]


FILLERS = [("2024-01", "交管大队开展酒驾整治", "jiaoguan"),
           ("2024-01", "刑侦大队召开案件研判会", "xingzhen"),
           ("2024-01", "城关派出所调解邻里纠纷", "chengguan"),
           ("2024-01", "交管大队走进驾校宣讲", "jiaoguan"),
           ("2024-02", "刑侦大队追回被骗资金", "xingzhen"),
           ("2024-02", "交管大队护航开学季", "jiaoguan"),
           ("2024-02", "城关派出所户籍窗口延时服务", "chengguan"),
           ("2024-02", "刑侦大队开展业务培训", "xingzhen")]


def filler_docs() -> list[Doc]:
    """Plain entries: 13 in all, one more than the home page lists, and lists paginate."""
    return [Doc(month, f"filler-{n}.md", title, f"{month}-{n + 2:02d}", f"本报讯 {title}。",
                department=dept, classification="public" if n % 3 == 0 else "internal")
            for n, (month, title, dept) in enumerate(FILLERS)]


LEDGER = [{"date": "2024-01-30", "department": "jiaoguan", "kind": "missed-response"},
          {"date": "2024-02-10", "department": "chengguan", "kind": "correspondent-award",
           "person": "周婧", "level": "city"}]


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def make_project(root: Path, docs: list[Doc] | None = None, site: dict[str, Any] | None = None,
                 image: bytes | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write(root / "site.yaml", dump(site or SITE))
    shutil.copy(RULE_BOOK, root / "scoring.yaml")
    for doc in initial_docs() if docs is None else docs:
        write(root / doc.path, doc.text())
    write(root / IMAGE, image or png())
    write(root / "content/ledger/x.yaml", dump(LEDGER))
    return root


# Template overrides: a copy of the default with one small change.
PROBE_PAGE = '<p class="probe">{{ page_url }}</p>'
PROBE_TITLES = ('<ol class="probe">{% for e in site.entries[:20] %}<li>{{ e.title }}</li>'
                '{% endfor %}</ol>')
OVERRIDES: dict[str, list[tuple[str, str]]] = {  # template → [(old text, new text)]
    "_sidebar.html": [("", PROBE_PAGE), ("供稿单位", "来稿单位")],
    "index.html": [("{% endblock %}", PROBE_TITLES + "\n{% endblock %}"),
                   ("{% for entry in latest %}", "{% for entry in latest[:5] %}")],
    "entry.html": [("{% endblock %}", '<p class="probe">{{ entry.title }} · 共 '
                                      '{{ site.entries | length }} 篇</p>\n{% endblock %}'),
                   ('<h1 class="article-title">', '<h1 class="article-title probe">')],
    "list.html": [("{% endblock %}", '<p class="probe">{{ page_url }} · {{ site.title }}</p>\n'
                                     "{% endblock %}")],
    "_macros.html": [('<li class="item">', '<li class="item"><span class="probe">'
                                           "{{ page_url }}</span>"),
                     ("{{ entry.date.isoformat() }}</time>", "{{ entry.date | cndate }}</time>")],
}


def override(name: str, variant: int) -> str:
    text = (DEFAULT_TEMPLATES / name).read_text(encoding="utf-8")
    old, new = OVERRIDES[name][variant]
    if not old:  # append
        return text + new + "\n"
    assert old in text, f"the default {name} has no {old!r} to change"
    head, _, tail = text.rpartition(old) if old == "{% endblock %}" else text.partition(old)
    return head + new + tail


def rule_book(changes: dict[tuple[str, str], Any]) -> str:
    """scoring.yaml with some point values changed: (item id, level or outlet) → points."""
    data = yaml.safe_load(RULE_BOOK.read_text(encoding="utf-8"))
    for (item_id, level), points in changes.items():
        [item] = [i for i in data["items"] if i["id"] == item_id]
        event = item["events"][0]
        if level:
            event["points"][level] = points
        else:
            event["points"] = points
    return dump(data)


SCORE_CHANGES = [("photo-video", "city"), ("matrix-planning", "city"), ("matrix-planning", "province"),
                 ("central-media", "人民日报"), ("matrix-response", ""), ("achievements", "city")]
POINTS = [0.1, 0.2, 0.3, 0.5, 1, 2, -0.2, -0.3]
TITLES = ["城关派出所开展反诈宣传进社区", "看守所召开学习教育动员会", "交管大队开展校园交通安全宣传",
          "刑侦大队破获系列盗窃案", "政治处组织警示教育", "春节安保工作部署会召开",
          "民警王磊：把群众的事当自己的事", "一月工作简报"]
BODIES = ["本报讯 民警深入社区开展宣传。",
          "本报讯 会议传达了上级精神。\n\n会议要求：一是提高认识；二是狠抓落实。",
          f"现场图片如下。\n\n![{CAPTION}](../images/pic.png)",
          "详见[春运保障](../2024-02/jiaoguan-chunyun.md)。",
          "本报讯 活动共发放宣传资料300余份，" + "接受群众咨询。" * 30,
          "**重要** 通知：\n\n- 第一条\n- 第二条"]
DEPARTMENT_VALUES = ["jiaoguan", "xingzhen", "chengguan", "交管大队", "刑警大队", "城关所",
                     "交警队"]  # the last is registered nowhere: an error once approved
LEDGER_EVENTS = [
    {"kind": "missed-response"}, {"kind": "emergency-task"},
    {"kind": "correspondent-award", "person": "李明远", "level": "regional"},
    {"kind": "unapproved-account", "negative_opinion": True},
    {"kind": "missed-star-selection"},
]


def other_month(date: str) -> str:
    year, month, day = date.split("-")
    return f"{year}-{'02' if month == '01' else '01'}-{day}"


# --- the state machine -------------------------------------------------------------------

indices = st.integers(min_value=0, max_value=50)
editions = st.sampled_from(sorted(EDITIONS))  # names: hypothesis prints them in the steps
pdfs = st.sampled_from([False, False, False, True])  # newsletters are slow: one build in four


def logged(method: Callable[..., None]) -> Callable[..., None]:
    """Keep each step in the machine's log, printed with a failure: a failure that depends on
    timing may not come again when hypothesis replays the steps."""
    @functools.wraps(method)
    def step(self: Edits, **kwargs: Any) -> None:
        self.log.append(f"state.{method.__name__}("
                        + ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) + ")")
        try:
            method(self, **kwargs)
        except AssertionError:
            print("The steps of this run:\n  " + "\n  ".join(self.log))
            raise

    return step


class Edits(RuleBasedStateMachine):
    """A project in a temporary folder, edited and built step by step."""

    def __init__(self) -> None:
        super().__init__()
        self.base = Path(tempfile.mkdtemp(prefix="site-builder-incremental-"))
        self.root = self.base / "project"
        self.docs = initial_docs() + filler_docs()
        self.site = copy.deepcopy(SITE)
        self.scoring: dict[tuple[str, str], Any] = {}
        self.ledger = copy.deepcopy(LEDGER)
        self.added = 0
        self.log: list[str] = []
        self.caches: list[Path] = []  # .cache/ after the last two successful builds
        make_project(self.root, self.docs, self.site)

    def teardown(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)

    # writing the sources

    def doc(self, index: int) -> Doc:
        return self.docs[index % len(self.docs)]

    def save(self, doc: Doc) -> None:
        write(self.root / doc.path, doc.text())

    def set_field(self, index: int, name: str, value: object) -> None:
        """One front-matter key (or the body) of an entry changed, and the file saved."""
        doc = self.doc(index)
        setattr(doc, name, value)
        self.save(doc)

    def save_site(self) -> None:
        write(self.root / "site.yaml", dump(self.site))

    # building

    def build(self, name: str, pdf: bool, how: str, jobs: int | None = None) -> None:
        edition = EDITIONS[name]
        extra = ("--jobs", str(jobs)) if jobs else ()
        args = build_args(self.root, edition, pdf, *extra)
        before = Before.take(self.root, edition)
        run = (run_in_process(args) if how == "in-process"
               else run_in_subprocess(args, self.root))
        check_build(self.root, edition, pdf, run, before,
                    f"`build {' '.join(args[3:])}` ({how})")
        self.keep_cache()

    def keep_cache(self) -> None:
        """A copy of .cache/ as this build left it, for `lose_the_last_cache_save`."""
        kept = self.base / f"cache-{len(self.log)}"
        if (self.root / CACHE).is_dir():
            shutil.copytree(self.root / CACHE, kept, symlinks=True)
            self.caches = [*self.caches[-1:], kept]

    @initialize()
    @logged
    def first_build(self) -> None:
        self.build("intranet", False, "in-process")

    @rule(edition=editions, pdf=pdfs, jobs=st.sampled_from([None, 1, 2]))
    @logged
    def build_in_process(self, edition: str, pdf: bool, jobs: int | None) -> None:
        self.build(edition, pdf, "in-process", jobs)

    @rule(edition=editions, pdf=pdfs)
    @logged
    def build_in_subprocess(self, edition: str, pdf: bool) -> None:
        self.build(edition, pdf, "subprocess")

    @rule(edition=editions, pdf=pdfs, delay=st.floats(0.05, 1.5), group=st.booleans())
    @logged
    def interrupt_build(self, edition: str, pdf: bool, delay: float, group: bool) -> None:
        args = build_args(self.root, EDITIONS[edition], pdf)
        before = Before.take(self.root, EDITIONS[edition])
        run = run_interrupted(args, self.root, delay, group)
        check_build(self.root, EDITIONS[edition], pdf, run, before,
                    f"`build {' '.join(args[3:])}` interrupted after {delay:.2f} s", True)

    # editing entries

    @rule(index=indices, body=st.sampled_from(BODIES))
    @logged
    def edit_body(self, index: int, body: str) -> None:
        self.set_field(index, "body", body)

    @rule(index=indices, title=st.sampled_from(TITLES))
    @logged
    def retitle(self, index: int, title: str) -> None:
        self.set_field(index, "title", title)

    @rule(index=indices, move=st.booleans())
    @logged
    def redate(self, index: int, move: bool) -> None:
        """Into the other month; `move`: the file moves to that month's folder too."""
        doc = self.doc(index)
        doc.date = other_month(doc.date)
        if move:
            (self.root / doc.path).unlink()
            doc.folder = doc.date[:7]
        self.save(doc)

    @rule(month=st.sampled_from(["01", "02"]), day=st.integers(1, 28),
          title=st.sampled_from(TITLES), body=st.sampled_from(BODIES),
          status=st.sampled_from(["approved", "approved", "draft", "review"]),
          classification=st.sampled_from(["internal", "public"]),
          department=st.sampled_from(DEPARTMENT_VALUES[:-1]))
    @logged
    def add_entry(self, month: str, day: int, title: str, body: str, status: str,
                  classification: str, department: str) -> None:
        self.added += 1
        doc = Doc(f"2024-{month}", f"added-{self.added}.md", title, f"2024-{month}-{day:02d}",
                  body, department=department, status=status, classification=classification,
                  extra={"adoptions": [{"level": "city", "date": f"2024-{month}-{day:02d}",
                                        "kind": "photo"}]} if day % 2 else {})
        self.docs.append(doc)
        self.save(doc)

    @precondition(lambda self: len(self.docs) > 1)
    @rule(index=indices)
    @logged
    def delete_entry(self, index: int) -> None:
        doc = self.docs.pop(index % len(self.docs))
        (self.root / doc.path).unlink()

    @rule(index=indices, status=st.sampled_from(["approved", "draft", "review"]))
    @logged
    def change_status(self, index: int, status: str) -> None:
        self.set_field(index, "status", status)

    @rule(index=indices, classification=st.sampled_from(["internal", "public"]))
    @logged
    def change_classification(self, index: int, classification: str) -> None:
        self.set_field(index, "classification", classification)

    @rule(index=indices, department=st.sampled_from(DEPARTMENT_VALUES))
    @logged
    def change_department(self, index: int, department: str) -> None:
        self.set_field(index, "department", department)

    # editing the project

    @rule(caption=st.sampled_from(["", "民警走访辖区群众（示意图）", "民警走访辖区群众（摄影 周婧）"]))
    @logged
    def recaption_cover(self, caption: str) -> None:
        """The cover's caption (cover_caption) given, changed or taken away: it is shown under
        the cover on the page and in both newsletters."""
        doc = next(doc for doc in self.docs if "cover" in doc.extra)
        if caption:
            doc.extra["cover_caption"] = caption
        else:
            doc.extra.pop("cover_caption", None)
        self.save(doc)

    @rule(what=st.sampled_from(["title", "department", "copies", "page_size", "scores_public",
                                "outlets"]),
          value=st.integers(0, 3))
    @logged
    def edit_site_yaml(self, what: str, value: int) -> None:
        if what == "title":
            self.site["title"] = ["测试简报", "教育整顿进行时", "警营动态", "测试简报（内部）"][value]
        elif what == "department":  # renamed, the old name kept as an alias; or back
            n = value % len(DEPARTMENTS)
            if self.site["departments"][n] == DEPARTMENTS[n]:
                old = DEPARTMENTS[n]
                self.site["departments"][n] = {**old, "name": old["name"] + "（改）",
                                               "aliases": [*old["aliases"], old["name"]]}
            else:
                self.site["departments"][n] = copy.deepcopy(DEPARTMENTS[n])
        elif what == "copies":
            self.site["newsletter"]["copies"] = 30 + value * 10
        elif what == "page_size":
            self.site["page_size"] = [2, 3, 5, 20][value]
        elif what == "outlets":  # the 统计 page counts 测试日报 as city, provincial or other
            if value == 3:
                self.site.pop("outlets", None)
            else:
                self.site["outlets"] = {"测试日报": ["city", "provincial", "other"][value]}
        else:
            self.site["scores_public"] = bool(value % 2)
        self.save_site()

    @rule(change=st.sampled_from(SCORE_CHANGES), points=st.sampled_from(POINTS))
    @logged
    def edit_scoring(self, change: tuple[str, str], points: float) -> None:
        # a deduction item's points are negative
        points = -abs(points) if change == ("matrix-response", "") else abs(points)
        self.scoring[change] = points
        write(self.root / "scoring.yaml", rule_book(self.scoring))

    @rule(event=st.sampled_from(LEDGER_EVENTS),
          department=st.sampled_from(["jiaoguan", "xingzhen", "chengguan"]),
          date=st.sampled_from(["2024-01-05", "2024-02-20", "2024-02-29"]), remove=st.booleans())
    @logged
    def edit_ledger(self, event: dict[str, Any], department: str, date: str, remove: bool) -> None:
        if remove and self.ledger:
            self.ledger.pop()
        else:
            self.ledger.append({"date": date, "department": department, **event})
        write(self.root / "content/ledger/x.yaml", dump(self.ledger) if self.ledger else "[]\n")

    @rule(name=st.sampled_from(sorted(OVERRIDES)), variant=st.integers(0, 1))
    @logged
    def override_template(self, name: str, variant: int) -> None:
        write(self.root / "templates" / name, override(name, variant % len(OVERRIDES[name])))

    @rule(name=st.sampled_from(sorted(OVERRIDES)))
    @logged
    def remove_template(self, name: str) -> None:
        (self.root / "templates" / name).unlink(missing_ok=True)

    @rule(width=st.integers(1, 6), height=st.integers(1, 6),
          rgb=st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)))
    @logged
    def replace_image(self, width: int, height: int, rgb: tuple[int, int, int]) -> None:
        write(self.root / IMAGE, png(width, height, rgb))

    @precondition(lambda self: len(self.caches) == 2)
    @rule()
    @logged
    def lose_the_last_cache_save(self) -> None:
        """.cache/ as the build before the last left it: what a build leaves when Ctrl-C (or
        a crash, a full disk) comes after its output is in place but before its cache is."""
        shutil.rmtree(self.root / CACHE, ignore_errors=True)
        shutil.copytree(self.caches[0], self.root / CACHE, symlinks=True)
        self.caches = []

    @rule()
    @logged
    def time_passes(self) -> None:
        """Every source file 1000 s older, as if the editor had saved it long ago: builds
        then trust file metadata (the no-change stamp, the entry cache)."""
        for path in self.root.rglob("*"):
            rel = path.relative_to(self.root)
            if path.is_file() and rel.parts[0] not in SKIPPED_SOURCES:
                st_ = path.stat()
                os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns - 1000 * 10**9))


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


Edits.TestCase.settings = settings(
    max_examples=env_int("SITE_BUILDER_STATEFUL_EXAMPLES", 5),
    stateful_step_count=env_int("SITE_BUILDER_STATEFUL_STEPS", 30),
    deadline=None, derandomize=True, database=None, print_blob=False,
    phases=[Phase.explicit, Phase.generate,
            *((Phase.shrink,) if os.environ.get("SITE_BUILDER_STATEFUL_SHRINK") else ())],
    suppress_health_check=list(HealthCheck))
TestCachedBuildsEqualCleanBuilds = Edits.TestCase


# --- known reproductions -----------------------------------------------------------------
# Each checks the one thing it is named for (the state machine checks everything).

def cli_build(root: Path, edition: Edition, pdf: bool, how: str = "subprocess",
              *extra: str) -> None:
    args = build_args(root, edition, pdf, *extra)
    run = run_in_process(args) if how == "in-process" else run_in_subprocess(args, root)
    no_traceback(run, f"`build {' '.join(args[3:])}`")
    assert run.code == 0, f"`build {' '.join(args[3:])}` exited {run.code}:\n{run.stderr}"


def assert_like_clean(root: Path, edition: Edition, pdf: bool, folders: tuple[str, ...]) -> None:
    clean = clean_build(root, edition, pdf)
    assert clean.code == 0, clean.stderr
    for folder in folders:
        assert clean.trees[folder], f"a clean build writes nothing in output/{folder}"
    found = differences({f: tree(root / "output" / f) for f in folders},
                        {f: clean.trees[f] for f in folders})
    assert not found, "a cached build differs from a clean one:\n" + "\n".join(found)


def pdf_text(path: Path) -> str:
    proc = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True, timeout=60)
    return re.sub(r"\s+", "", proc.stdout.decode("utf-8"))


def test_intranet_newsletters_after_a_public_build_are_the_clean_ones(tmp_path):
    """build → build --public → build: output/pdf/2024-01.pdf is the clean intranet one."""
    root = make_project(tmp_path / "project", initial_docs(images=False))
    for edition in (INTRANET, PUBLIC, INTRANET):
        cli_build(root, edition, pdf=True)
    assert "2024-01.pdf" in clean_build(root, INTRANET, pdf=True).trees["pdf"]
    assert_like_clean(root, INTRANET, True, ("pdf",))


def test_public_newsletters_after_an_intranet_build_are_the_clean_ones(tmp_path):
    """build --public → build → build --public: the public PDFs are the clean public ones and
    name no internal entry."""
    root = make_project(tmp_path / "project", initial_docs(images=False))
    for edition in (PUBLIC, INTRANET, PUBLIC):
        cli_build(root, edition, pdf=True)
    assert_like_clean(root, PUBLIC, True, ("public/pdf",))
    if shutil.which("pdftotext") is None:
        return
    pdfs = sorted((root / "output/public/pdf").glob("*.pdf"))
    text = "".join(pdf_text(path) for path in pdfs)
    docs = initial_docs(images=False)
    public = [d.title for d in docs if d.classification == "public"]
    assert all(title in text for title in public), "pdftotext finds not every public title"
    assert not [d.title for d in docs if d.classification != "public" and d.title in text]


def test_a_public_build_writes_no_score_exports_and_leaves_the_intranet_ones(tmp_path):
    """build → build --public: output/public/ has no score exports; output/scores untouched."""
    root = make_project(tmp_path / "project", initial_docs(images=False))
    cli_build(root, INTRANET, pdf=False)
    scores = stats(root / "output/scores")
    assert any(name.endswith(".json") for name in scores)
    cli_build(root, PUBLIC, pdf=False)
    assert (root / "output/public/site/index.html").is_file()
    assert touched(scores, stats(root / "output/scores")) == []
    exports = [p.relative_to(root).as_posix() for p in (root / "output/public").rglob("*")
               if re.fullmatch(r"\d{4}\.(json|csv|xlsx)", p.name)]
    assert exports == []
    assert not (root / "output/public/scores").exists()


PAGE_PROBE = re.compile(r'<p class="probe">([^<]*)</p>')


@pytest.mark.parametrize("no_cache", [False, True], ids=["cached", "no-cache"])
def test_a_sidebar_showing_page_url_shows_each_page_its_own(tmp_path, no_cache):
    root = make_project(tmp_path / "project")
    write(root / "templates/_sidebar.html", override("_sidebar.html", 0))
    for _ in range(1 if no_cache else 2):  # cached: the second build reuses the first's
        cli_build(root, INTRANET, False, "in-process", *(("--no-cache",) if no_cache else ()))
        site = root / "output/site"
        shown: dict[str, str] = {}
        for page in sorted(site.rglob("*.html")):
            found = PAGE_PROBE.findall(page.read_text(encoding="utf-8"))
            if found:
                shown[page.relative_to(site).as_posix()] = found[-1]
        assert len(shown) > 10
        pages_of: dict[str, list[str]] = {}
        for page, url in shown.items():
            pages_of.setdefault(url, []).append(page)
        repeated = {url: pages for url, pages in pages_of.items() if len(pages) > 1}
        assert not repeated, f"pages showing the same page_url: {repeated}"
        assert shown["index.html"] == "index.html"
    assert_like_clean(root, INTRANET, False, ("site",))


@pytest.mark.parametrize("how", ["in-process", "subprocess"])
def test_retitling_the_16th_newest_entry_reaches_an_index_of_20(tmp_path, how):
    first = dt.date(2024, 1, 3)
    docs = [Doc(f"2024-0{d.month}", f"e{n:02d}.md", f"第{n:02d}篇稿件", d.isoformat(),
                f"第{n}篇正文。", department=DEPARTMENTS[n % 3]["id"])
            for n in range(22) for d in [first + dt.timedelta(days=2 * n)]]
    root = make_project(tmp_path / "project", docs)
    write(root / "templates/index.html", override("index.html", 0))
    cli_build(root, INTRANET, False, how)
    sixteenth = sorted(docs, key=lambda d: d.date, reverse=True)[15]
    sixteenth.title = "改过标题的第十六篇"
    write(root / sixteenth.path, sixteenth.text())
    cli_build(root, INTRANET, False, how)
    assert "改过标题的第十六篇" in (root / "output/site/index.html").read_text(encoding="utf-8")
    assert_like_clean(root, INTRANET, False, ("site",))


def test_a_build_whose_cache_was_not_saved_leaves_no_stale_page(tmp_path):
    """build; add an entry; build, but .cache/ stays as the first build left it (Ctrl-C after
    the output was in place and before the cache was saved); delete the entry; build: no
    page of the deleted entry is left, as in a clean build."""
    root = make_project(tmp_path / "project", initial_docs(images=False))
    cli_build(root, INTRANET, False)
    shutil.copytree(root / CACHE, tmp_path / "cache")
    added = Doc("2024-02", "added.md", "临时增加的稿件", "2024-02-20", "本报讯 临时稿件。")
    write(root / added.path, added.text())
    cli_build(root, INTRANET, False)
    assert [p for p in (root / "output/site").rglob("added.html")]
    shutil.rmtree(root / CACHE)
    shutil.copytree(tmp_path / "cache", root / CACHE)
    (root / added.path).unlink()
    cli_build(root, INTRANET, False)
    assert_like_clean(root, INTRANET, False, ("site",))


def test_the_project_of_these_tests_is_valid(tmp_path):
    """No content error or warning in either edition, points earned, every template override
    renders and changes its page: a failure here is a bug of this file, not of the product."""
    root = make_project(tmp_path / "project", initial_docs() + filler_docs())
    for edition in (INTRANET, PUBLIC):
        run = run_in_subprocess(build_args(root, edition, False, "--no-cache"), root)
        assert run.code == 0, run.stderr
        assert "错误" not in run.stderr and "警告" not in run.stderr, run.stderr
    standings = json.loads((root / "output/scores/2024.json").read_bytes())
    assert any(d["total"] > 6 for d in standings["departments"])  # 6: deduction items' marks
    default = tree(root / "output/site")
    for variant in (0, 1):
        for name, changes in OVERRIDES.items():
            text = override(name, min(variant, len(changes) - 1))
            assert text != (DEFAULT_TEMPLATES / name).read_text(encoding="utf-8")
            write(root / "templates" / name, text)
        run = run_in_subprocess(build_args(root, INTRANET, False, "--no-cache"), root)
        assert run.code == 0, run.stderr
        changed = {n for n, data in tree(root / "output/site").items() if default.get(n) != data}
        assert {"index.html", "2024/01/jiaoguan-jingshi.html"} <= changed
    assert png(3, 2, (1, 2, 3)).startswith(b"\x89PNG")
