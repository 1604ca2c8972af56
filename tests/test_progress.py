"""A build's progress: the library's events (events.py) and the CLI's display (progress.py)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import entry

from site_builder import build, load_project
from site_builder.cli import main
from site_builder.events import Advanced, Finished, Started
from site_builder.incremental.entries import load_project as load_cached_project
from site_builder.incremental.store import BuildCache
from site_builder.parallel import parallel_map
from site_builder.progress import BuildProgress, finished_line

TWO_MONTHS = {"2024-03/a.md": entry(), "2024-04/b.md": entry(title="四月的稿件", date="2024-04-02")}


def events_of(root: Path, **options) -> list:
    heard: list = []
    cache = BuildCache(root) if options.pop("cached", False) else None
    project = load_cached_project(cache, root, heard.append)
    report = build(project, cache=cache, progress=heard.append, **options)
    return [report, *heard]


def finished(events: list) -> dict[str, Finished]:
    return {e.stage: e for e in events if isinstance(e, Finished)}


def test_a_build_tells_each_stage_in_order(make_project):
    root = make_project(entries=TWO_MONTHS)
    report, *events = events_of(root)
    stages = [e.stage for e in events if isinstance(e, Started)]
    assert stages == ["entries", "bodies", "pages", "scores", "newsletters", "output"]
    done = finished(events)
    assert (done["entries"].total, done["bodies"].total) == (2, 2)
    assert done["pages"].total == done["pages"].rebuilt == report.pages
    assert done["newsletters"].total == done["newsletters"].rebuilt == 2
    every_stage_closes = [e.stage for e in events if isinstance(e, Finished)]
    assert sorted(every_stage_closes) == sorted(stages)


def test_pages_advance_as_they_are_rendered_up_to_their_number(make_project):
    root = make_project(entries=TWO_MONTHS)
    report, *events = events_of(root, pdf=False, jobs=1)
    counts = [e.done for e in events if isinstance(e, Advanced) and e.stage == "pages"]
    # the first page of each template together, then one by one
    assert counts[1:] == list(range(counts[0] + 1, report.pages + 1)) and counts[0] < 20


@pytest.mark.parametrize("cached", [False, True])
def test_bodies_and_score_files_advance_too(make_project, cached):
    root = make_project(entries=TWO_MONTHS)
    _, *events = events_of(root, pdf=False, jobs=1, cached=cached)
    for stage in ("bodies", "scores"):
        counts = [e.done for e in events if isinstance(e, Advanced) and e.stage == stage]
        assert counts == list(range(1, finished(events)[stage].total + 1)), stage


def test_newsletters_are_told_month_by_month_and_which_were_printed_again(make_project):
    root = make_project(entries=TWO_MONTHS)
    events_of(root, cached=True)
    (root / "content/2024-04/b.md").write_text(entry(title="四月的稿件（改）", date="2024-04-02"),
                                                 encoding="utf-8")
    _, *events = events_of(root, cached=True)
    months = [(e.item, e.rebuilt) for e in events
              if isinstance(e, Advanced) and e.stage == "newsletters"]
    assert months == [("2024-03", False), ("2024-04", True)]
    done = finished(events)
    assert (done["newsletters"].total, done["newsletters"].rebuilt) == (2, 1)
    assert done["entries"].rebuilt == 1 and done["pages"].rebuilt < done["pages"].total


def test_the_output_is_the_same_with_or_without_a_listener(make_project, tmp_path):
    heard = make_project(entries=TWO_MONTHS, root=tmp_path / "heard")
    quiet = make_project(entries=TWO_MONTHS, root=tmp_path / "quiet")
    events_of(heard, pdf=False)
    build(load_project(quiet), pdf=False)

    def tree(root: Path) -> dict[str, bytes]:
        out = root / "output"
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    assert tree(heard) == tree(quiet)


def test_parallel_map_counts_what_the_workers_finished():
    counts: list[int] = []
    items = list(range(200))
    assert parallel_map(lambda n: n * 2, items, 2, advance=counts.append) == [n * 2 for n in items]
    assert counts == sorted(counts) and counts[-1] == 200 and len(counts) > 1


def test_plain_lines_say_what_each_stage_made():
    stream = io.StringIO()
    with BuildProgress(stream, live=False) as show:
        show(Started("pages", 3))
        show(Advanced("pages", 3))
        show(Finished("pages", 120, 3))
        show(Started("newsletters", 2))
        show(Advanced("newsletters", 1, "2024-03", rebuilt=False))
        show(Advanced("newsletters", 2, "2024-04"))
        show(Finished("newsletters", 2, 1))
    lines = [line.split("（")[0] for line in stream.getvalue().splitlines()]
    assert lines == ["生成页面 120 个，重新生成 3 个", "  简报 2024-04 已印制",
                     "简报 2 期，重新印制 1 期：2024-04"]


@pytest.mark.parametrize(("event", "line"), [
    (Finished("entries", 43, 43), "读取稿件 43 篇"),
    (Finished("entries", 43, 0), "读取稿件 43 篇，均未改动"),
    (Finished("bodies", 36, 2), "转换正文 36 篇，重新转换 2 篇"),
    (Finished("scores", 3, 0), "积分表 3 个文件，均未改动"),
    (Finished("output", 0, 0), "更新 output/"),
])
def test_finished_lines(event, line):
    assert finished_line(event, 0.25, []) == f"{line}（0.2 秒）"


def test_build_prints_progress_on_stderr_and_only_the_summary_on_stdout(make_project, capsys):
    root = make_project(entries=TWO_MONTHS)
    assert main(["build", "--project", str(root), "--no-cache"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("已生成内网版站点") and "生成页面" not in out
    assert "读取稿件 2 篇" in err and "生成页面" in err
    assert "  简报 2024-03 已印制" in err and "  简报 2024-04 已印制" in err
    assert "\x1b[" not in err  # not a terminal: no bar, no colours


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_terminal_a_bar_is_drawn_and_the_lines_stay(make_project):
    import pty  # noqa: F401  (POSIX only)

    root = make_project(entries=TWO_MONTHS)
    leader, follower = os.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "build", "--no-pdf",
                                "--project", str(root)], stdin=follower, stdout=follower,
                               stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=120) == 0
    os.close(leader)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert "━" in text and "\x1b[" in text  # the bar, drawn with escape sequences
    assert "生成页面" in text and "已生成内网版站点" in text
