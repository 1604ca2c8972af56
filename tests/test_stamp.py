"""The no-change stamp: an unchanged `build` replays its report without building, and
every kind of change (input, output, flag, day) runs the build again."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import entry

from site_builder import commands, stamp
from site_builder.cli import main
from site_builder.editions import INTRANET

STAMP = Path(".cache") / "stamp-intranet.json"


@pytest.fixture
def project(make_project, monkeypatch):
    """A project whose files may be trusted by metadata at once (no racy window)."""
    monkeypatch.setattr(stamp, "RACY_NS", 0)
    return make_project(entries={
        "a.md": entry(status="approved"),  # no reviewer: a warning the replay must repeat
        "b.md": entry(title="刑侦大队开展专题学习", department="刑侦大队", reviewer="王审核"),
    })


@pytest.fixture
def builds(monkeypatch):
    """How many times `build` really ran (rather than replaying its report)."""
    ran: list[object] = []
    real = commands.run_build

    def counted(*args, **kwargs):
        ran.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(commands, "run_build", counted)
    return ran


def build(root: Path, *flags: str) -> int:
    return main(["build", "--project", str(root), "--no-pdf", *flags])


def later(path: Path, seconds: int = 5) -> None:
    """Move a file's mtime on, as an edit a few seconds later would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def test_unchanged_build_replays_its_report(project, builds, capsys):
    assert build(project) == 0
    first = capsys.readouterr()
    assert (project / STAMP).is_file()
    assert build(project) == 0
    second = capsys.readouterr()
    assert len(builds) == 1
    # the same warnings; the first build's progress lines (progress.py) came before them
    assert first.err.endswith(second.err) and "missing-reviewer" in second.err
    summary, opened = second.out.splitlines()
    assert "2 篇稿件" in summary and "（重新生成 0 个）" in summary and "用时" in summary
    assert opened == first.out.splitlines()[1]


@pytest.mark.parametrize("change", [
    "edit an entry", "same-size edit", "add an entry", "remove an entry", "add a template",
    "edit site.yaml", "add an image", "delete an output page", "edit an output page",
    "another flag", "another day", "another working folder",
])
def test_any_change_runs_the_build(project, builds, capsys, monkeypatch, tmp_path, change):
    assert build(project) == 0
    flags: tuple[str, ...] = ()
    a = project / "content" / "a.md"
    page = project / "output" / "site" / "index.html"
    if change == "edit an entry":
        a.write_text(a.read_text(encoding="utf-8") + "\n追加的一句话。\n", encoding="utf-8")
    elif change == "same-size edit":
        a.write_text(a.read_text(encoding="utf-8").replace("大会", "会议"), encoding="utf-8")
        later(a)
    elif change == "add an entry":
        (project / "content" / "c.md").write_text(entry(title="新稿件"), encoding="utf-8")
    elif change == "remove an entry":
        (project / "content" / "b.md").unlink()
    elif change == "add a template":
        (project / "templates").mkdir()
        (project / "templates" / "footer.html").write_text("<p>页脚</p>", encoding="utf-8")
    elif change == "edit site.yaml":
        site = project / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8").replace("测试简报", "测试快报"),
                        encoding="utf-8")
    elif change == "add an image":
        (project / "content" / "photo.png").write_bytes(b"not yet linked")
    elif change == "delete an output page":
        page.unlink()
    elif change == "edit an output page":
        page.write_text("edited by hand", encoding="utf-8")
    elif change == "another flag":
        flags = ("--public",)
    elif change == "another day":
        day = dt.date(2099, 1, 1)
        monkeypatch.setattr(stamp, "dt", SimpleNamespace(date=SimpleNamespace(today=lambda: day)))
    elif change == "another working folder":
        monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert build(project, *flags) == 0
    assert len(builds) == 2
    if change.endswith("output page"):
        assert "<html" in page.read_text(encoding="utf-8")  # made again, not left as it was


def test_fresh_files_are_not_trusted(make_project, builds):
    root = make_project(entries={"a.md": entry()})  # written just now: inside the racy window
    assert build(root) == 0
    assert not (root / STAMP).exists()
    assert build(root) == 0
    assert len(builds) == 2


def test_settled_files_are_trusted_with_the_real_window(make_project, builds):
    root = make_project(entries={"a.md": entry()})
    old = time.time_ns() - 2 * stamp.RACY_NS
    for path in root.rglob("*"):
        os.utime(path, ns=(old, old))
    package = stamp.Stamp(root, (), pdf=False, which=INTRANET)
    if not package.settled:  # site-builder's own files were edited seconds ago
        pytest.skip("the package itself is inside the racy window")
    assert build(root) == 0 and build(root) == 0
    assert len(builds) == 1


def test_no_cache_neither_uses_nor_keeps_a_stamp(project, builds):
    assert build(project) == 0
    assert build(project, "--no-cache") == 0
    assert not (project / STAMP).exists()
    assert build(project) == 0
    assert len(builds) == 3


def test_corrupt_or_foreign_stamp_is_ignored(project, builds):
    assert build(project) == 0
    path = project / STAMP
    for text in ("{not json", json.dumps({"format": "other", "report": {}}),
                 json.dumps({**json.loads(path.read_text(encoding="utf-8")), "report": {}})):
        path.write_text(text, encoding="utf-8")
        assert build(project) == 0
    assert len(builds) == 4
    assert build(project) == 0  # the last build wrote a good stamp again
    assert len(builds) == 4


def test_failed_build_drops_the_stamp_and_keeps_output(project, builds, capsys):
    assert build(project) == 0
    before = (project / "output" / "site" / "index.html").read_bytes()
    bad = project / "content" / "bad.md"
    bad.write_text(entry(department="交警队"), encoding="utf-8")
    assert build(project) == 1
    assert not (project / STAMP).exists()
    assert (project / "output" / "site" / "index.html").read_bytes() == before
    bad.unlink()
    assert build(project) == 0
    assert len(builds) == 3


def test_replay_loads_neither_the_pipeline_nor_markdown_nor_jinja(project):
    script = (
        "import sys\n"
        "import site_builder.stamp as stamp\n"
        "stamp.RACY_NS = 0\n"
        "from site_builder.cli import main\n"
        f"assert main(['build', '--project', {str(project)!r}, '--no-pdf']) == 0\n"
        "loaded = [m for m in ('site_builder.pipeline', 'site_builder.commands', 'markdown',"
        " 'jinja2', 'yaml') if m in sys.modules]\n"
        "print('LOADED', loaded)\n")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert "LOADED []" not in runs[0].stdout  # the first run builds
    assert "LOADED []" in runs[1].stdout and "重新生成 0 个" in runs[1].stdout
    assert runs[0].stderr.endswith(runs[1].stderr)  # the same warnings, word for word
    assert "content/a.md" in runs[1].stderr  # (the first run's progress lines came before)


def test_stamp_trouble_never_stops_a_build_and_ctrl_c_is_clean(project, builds, monkeypatch,
                                                                 capsys):
    def broken(*args, **kwargs):
        raise PermissionError("no access")

    monkeypatch.setattr(stamp.Stamp, "__init__", broken)
    assert build(project) == 0 and len(builds) == 1

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(stamp.Stamp, "__init__", interrupted)
    capsys.readouterr()
    assert build(project) == 130
    err = capsys.readouterr().err
    assert "已中断" in err and "Traceback" not in err
