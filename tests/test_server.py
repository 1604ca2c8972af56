"""`serve` with a real HTTP client: page, reload event, overlay on error, clean stop."""

import http.client
import json
import os
import socket
import threading
import time

import pytest
from conftest import entry

from site_builder import server as server_module
from site_builder.editions import PREVIEW
from site_builder.errors import UsageError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(make_project):
    root = make_project(entries={
        "2024-03/a.md": entry("第一版正文。", reviewer="王"),
        "2024-03/d.md": entry("草稿正文。", title="还在写的草稿", date="2024-03-13", status="draft"),
    }, site={"base_url": "/xuanchuan/"})
    port = free_port()
    ready = threading.Event()
    log: list[str] = []
    thread = threading.Thread(target=server_module.serve, daemon=True, kwargs={
        "root": root, "port": port, "say": log.append, "ready": lambda url: ready.set()})
    thread.start()
    assert ready.wait(30), log
    yield root, port, log
    server_module.stop()
    thread.join(10)
    assert not thread.is_alive()


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


class Events:
    """Reads Server-Sent Events in a thread."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", "/__site-builder/events")
        self.response = self.conn.getresponse()
        self.received: list[tuple[str, dict]] = []
        threading.Thread(target=self.read, daemon=True).start()
        time.sleep(0.3)

    def read(self) -> None:
        event = None
        for raw in self.response:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event:
                self.received.append((event, json.loads(line[6:])))
                event = None

    def wait_for(self, name: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event, data in self.received:
                if event == name:
                    self.received.clear()
                    return data
            time.sleep(0.05)
        raise AssertionError(f"no {name} event; got {self.received}")


def test_serves_under_base_url_with_drafts_marked_and_live_script(served):
    root, port, _ = served
    status, page = get(port, "/xuanchuan/2024/03/a.html")
    assert status == 200 and "第一版正文" in page and "/__site-builder/live.js" in page
    status, draft = get(port, "/xuanchuan/2024/03/d.html")
    assert status == 200 and "草稿 · 本机预览" in draft
    assert get(port, "/elsewhere.html")[0] == 404
    assert not (root / "output/site").exists()  # a preview never lands where builds deploy from


def test_edit_reload_break_overlay_fix(served):
    root, port, _ = served
    events = Events(port)
    path = root / "content/2024-03/a.md"
    path.write_text(entry("第二版正文。", reviewer="王"), encoding="utf-8")
    events.wait_for("reload")
    assert "第二版正文" in get(port, "/xuanchuan/2024/03/a.html")[1]

    path.write_text(entry("第三版。", department="交警队"), encoding="utf-8")
    problems = events.wait_for("problems")
    assert problems[0]["code"] == "unknown-department" and problems[0]["line"] == 5
    status = json.loads(get(port, "/__site-builder/status")[1])
    assert status["problems"][0]["file"] == "content/2024-03/a.md"
    assert "第二版正文" in get(port, "/xuanchuan/2024/03/a.html")[1]  # last good site

    path.write_text(entry("第四版正文。", reviewer="王"), encoding="utf-8")
    events.wait_for("reload")
    assert json.loads(get(port, "/__site-builder/status")[1])["problems"] == []
    assert "第四版正文" in get(port, "/xuanchuan/2024/03/a.html")[1]


def test_editor_temp_files_do_not_trigger_rebuilds(served):
    root, port, _ = served
    events = Events(port)
    (root / "content/2024-03/.a.md.swp").write_text("x", encoding="utf-8")
    (root / "content/2024-03/a.md~").write_text("x", encoding="utf-8")
    time.sleep(1.0)
    assert events.received == []


def test_a_save_burst_with_write_and_rename_is_one_rebuild_of_the_last_version(served):
    root, port, log = served
    events = Events(port)
    rebuilds = sum("已更新预览" in line for line in log)
    path = root / "content/2024-03/a.md"
    path.write_text("", encoding="utf-8")  # an editor truncating, then writing in steps
    path.write_text(entry("半截", reviewer="王")[:20], encoding="utf-8")
    temp = path.with_name(".a.md.tmp")  # then a write-rename save
    temp.write_text(entry("保存完的正文。", reviewer="王"), encoding="utf-8")
    os.replace(temp, path)
    events.wait_for("reload")
    time.sleep(0.5)  # no second rebuild follows
    assert sum("已更新预览" in line for line in log) == rebuilds + 1
    assert not events.received
    assert "保存完的正文" in get(port, "/xuanchuan/2024/03/a.html")[1]


def test_memory_is_tidied_in_the_quiet_after_a_rebuild_not_before_the_reload(served, monkeypatch):
    """The collector's full pass runs once in the quiet after each rebuild, not when it
    falls due in the middle of the next one (0.1 s between a save and its reload)."""
    root, port, _ = served
    time.sleep(server_module.QUIET + 0.5)  # the quiet after the first build: tidied up
    calls: list[float] = []
    monkeypatch.setattr(server_module.gc, "collect", lambda *args: calls.append(time.monotonic()))
    events = Events(port)
    time.sleep(server_module.QUIET * 2)
    assert calls == []  # nothing was rebuilt: nothing to tidy
    (root / "content/2024-03/a.md").write_text(entry("第二版正文。", reviewer="王"), encoding="utf-8")
    events.wait_for("reload")
    reloaded = time.monotonic()
    time.sleep(server_module.QUIET * 3)
    assert len(calls) == 1 and calls[0] > reloaded


def test_port_in_use_is_a_clear_usage_error(make_project):
    root = make_project(entries={"a.md": entry()})
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match="--port"):
            server_module.serve(root, port=port, say=lambda text: None)


def test_search_data_follows_an_edit_by_the_reload(served):
    root, port, _ = served
    data = root / "output/preview/search/data/2024-03.js"
    assert "青石乡" not in data.read_text(encoding="utf-8")
    events = Events(port)
    (root / "content/2024-03/a.md").write_text(entry("全新的关键词青石乡。", reviewer="王"),
                                               encoding="utf-8")
    events.wait_for("reload")
    assert "青石乡" in data.read_text(encoding="utf-8")


def test_the_cache_is_kept_in_memory_and_written_when_serve_stops(make_project):
    """Writing the cache after every reload would cost more than the reload; it is written
    once, on the way out, and the next build starts from it."""
    from site_builder.incremental.store import BuildCache

    root = make_project(entries={"2024-03/a.md": entry("正文。", reviewer="王")})
    port = free_port()
    ready = threading.Event()
    thread = threading.Thread(target=server_module.serve, daemon=True, kwargs={
        "root": root, "port": port, "say": lambda text: None, "ready": lambda url: ready.set()})
    thread.start()
    assert ready.wait(30)
    events = Events(port)
    (root / "content/2024-03/a.md").write_text(entry("第二版。", reviewer="王"), encoding="utf-8")
    events.wait_for("reload")
    assert not (root / ".cache/preview.pickle").exists()
    server_module.stop()
    thread.join(10)
    assert not thread.is_alive()
    cache = BuildCache(root, edition=PREVIEW)
    assert [str(p) for p in cache.entries] == [str(root / "content/2024-03/a.md")]
    assert "site" in cache.pages
