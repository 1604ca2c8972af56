"""serve's inbox: Word files dropped into inbox/ while serve runs become review entries in
the preview; a broken one stays with its message on the pages; lock files and files still
being copied are left alone."""

from __future__ import annotations

import json
import posixpath
import re
import time
from pathlib import Path

import pytest
from test_importer import make_docx, photo
from test_server import Events, get, start_serving

from site_builder import inbox as inbox_module
from site_builder import server as server_module
from site_builder.cli import main
from site_builder.inbox import DONE, waiting_files

DEADLINE = 40.0  # seconds; an import is expected within ~2 (more on a loaded machine)


def wait_until(predicate, what: str, log: list[str], timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what} 未在 {timeout} 秒内出现；serve 的输出：\n" + "\n".join(log))


def page_of(entry: Path) -> str:
    """The preview path of content/YYYY-MM/<slug>.md."""
    year, month = entry.parent.name.split("-")
    return f"/{year}/{month}/{entry.stem}.html"


def entries(root: Path, word: str) -> list[Path]:
    return [p for p in (root / "content").rglob("*.md") if word in p.read_text(encoding="utf-8")]


@pytest.fixture
def serving(make_project, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", "2024-04-01")
    # A .docx that is no zip is read (and refused) after standing still this long; the
    # default, 10 s, is for copies over a slow share.
    monkeypatch.setattr(inbox_module, "GIVE_UP", inbox_module.SETTLE + 5)
    root = make_project()
    port, thread, log = start_serving(root)
    yield root, port, log
    server_module.stop()
    thread.join(15)
    assert not thread.is_alive()


def test_dropped_files_are_imported_failures_reported_locks_and_copies_left(serving, tmp_path):
    root, port, log = serving
    inbox = root / "inbox"
    assert inbox.is_dir() and any("收件箱：inbox/" in line for line in log)
    events = Events(port)
    made = tmp_path / "made"
    good = make_docx(made / "夜巡.docx", title="城关派出所开展夜间巡逻",
                     body=("3月14日晚，城关派出所组织民警开展夜间巡逻。",), image=photo(gps=False))
    whole = make_docx(made / "练兵.docx", title="刑侦大队开展实战练兵",
                      body=("3月20日，刑侦大队在训练基地开展实战练兵。",)).read_bytes()
    (inbox / "~$夜巡.docx").write_bytes(b"\x0a\x00lock")  # Word's lock file beside the document
    (inbox / "坏稿.docx").write_bytes(b"PK\x03\x04 not a whole document")
    (inbox / "夜巡.docx").write_bytes(good.read_bytes())

    # The good one: an entry, on the preview as 待审, its photo served, the source filed away.
    [entry] = wait_until(lambda: entries(root, "夜间巡逻"), "夜巡的稿件", log)
    _, html = wait_until(lambda: (lambda r: r if r[0] == 200 else None)(get(port, page_of(entry))),
                         "夜巡的预览页", log)
    assert "待审" in html and "夜间巡逻" in html
    src = re.search(rf'src="([^"]*{re.escape(entry.stem)}-1\.jpg)"', html).group(1)
    assert get(port, posixpath.normpath(posixpath.join(posixpath.dirname(page_of(entry)), src)))[0] == 200
    wait_until(lambda: (inbox / DONE / "夜巡.docx").is_file(), "夜巡.docx 移到已导入/", log)
    assert not (inbox / "夜巡.docx").exists()

    # The same submission sent again is refused, naming the entry that holds it.
    (inbox / "夜巡（重发）.docx").write_bytes(good.read_bytes())
    # A copy under way is neither imported nor reported while it is incomplete …
    (inbox / "练兵.docx").write_bytes(whole[:len(whole) // 2])
    time.sleep(inbox_module.SETTLE + 1)
    assert not entries(root, "实战练兵")
    assert "练兵.docx" not in json.dumps(status_of(port), ensure_ascii=False)
    (inbox / "练兵.docx").write_bytes(whole)  # … the copy completes
    [drill] = wait_until(lambda: entries(root, "实战练兵"), "练兵的稿件", log)
    wait_until(lambda: (inbox / DONE / "练兵.docx").is_file(), "练兵.docx 移到已导入/", log)

    # The broken one and the one sent again stay, with their messages on every open page
    # (pushed to them as they come) and in the terminal.
    problems = wait_until(lambda: (lambda p: p if len(p) == 2 else None)(status_of(port)["inbox"]),
                          "两个失败文件的提示", log)
    assert [p["file"] for p in problems] == ["inbox/坏稿.docx", "inbox/夜巡（重发）.docx"]
    assert "未能导入：文件已损坏" in problems[0]["message"] and "收件箱" in problems[0]["hint"]
    assert f"已导入过，在 content/{entry.parent.name}/{entry.name}" in problems[1]["message"]
    assert ("inbox", problems) in events.received and status_of(port)["problems"] == []
    assert (inbox / "坏稿.docx").is_file() and (inbox / "夜巡（重发）.docx").is_file()
    assert any("✗ inbox/坏稿.docx：文件已损坏" in line for line in log)

    # The lock file is never touched; nothing was imported twice.
    assert (inbox / "~$夜巡.docx").read_bytes() == b"\x0a\x00lock"
    assert len(entries(root, "夜间巡逻")) == 1 and [drill] == entries(root, "实战练兵")

    # Removing the files clears their messages.
    (inbox / "坏稿.docx").unlink()
    (inbox / "夜巡（重发）.docx").unlink()
    wait_until(lambda: status_of(port)["inbox"] == [], "提示消失", log)
    assert events.received[-1] == ("inbox", [])


def status_of(port: int) -> dict:
    return json.loads(get(port, "/__site-builder/status")[1])


def test_waiting_files_are_word_files_only(tmp_path):
    for name in ("a.docx", "b.DOC", "c.wps", "~$a.docx", ".hidden.docx", "d.pdf", "e.docx.part"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / DONE).mkdir()
    (tmp_path / DONE / "old.docx").write_bytes(b"x")
    assert list(waiting_files(tmp_path)) == ["a.docx", "b.DOC", "c.wps"]


@pytest.mark.parametrize(("value", "message"), [
    ("content/inbox", "不能放在 content/ 中"),
    ("../elsewhere", "必须是项目目录内的一个文件夹"),
    ("output/x", "不能放在 output/ 中"),
])
def test_an_inbox_where_it_would_be_published_is_refused(make_project, capsys, value, message):
    root = make_project(site={"inbox": value})
    assert main(["check", "--project", str(root)]) == 1
    out = capsys.readouterr()
    assert message in out.out + out.err and "inbox" in out.out + out.err


def test_the_inbox_is_never_published(make_project, tmp_path):
    root = make_project(site={"inbox": "来稿"})
    make_docx(root / "来稿" / "a.docx")
    assert main(["build", "--no-pdf", "--project", str(root)]) == 0
    assert not [p for p in (root / "output").rglob("*") if p.suffix == ".docx" or "来稿" in p.name]
