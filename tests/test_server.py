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


def start_serving(root, host: str = "127.0.0.1") -> tuple[int, threading.Thread, list[str]]:
    """`serve` of `root` in a thread, once its first preview is built: (port, thread, log)."""
    port = free_port()
    ready = threading.Event()
    log: list[str] = []
    thread = threading.Thread(target=server_module.serve, daemon=True, kwargs={
        "root": root, "host": host, "port": port, "say": log.append,
        "ready": lambda url: ready.set()})
    thread.start()
    assert ready.wait(30), log
    return port, thread, log


@pytest.fixture
def served(make_project):
    root = make_project(entries={
        "2024-03/a.md": entry("第一版正文。", reviewer="王"),
        "2024-03/d.md": entry("草稿正文。", title="还在写的草稿", date="2024-03-13", status="draft"),
    }, site={"base_url": "/xuanchuan/"})
    port, thread, log = start_serving(root)
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
    [data] = [p for p in (root / "output/preview/search/text").glob("*.js")
              if "第一版正文" in p.read_text(encoding="utf-8")]
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
    port, thread, _ = start_serving(root)
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


def request(port: int, path: str, method: str = "GET", **headers: str):
    """(status, headers, body) of one request with the headers given (Host included)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    from urllib.parse import quote

    path = quote(path, safe="/%?=&:@.-_~")  # what a browser sends for non-ASCII
    conn.putrequest(method, path, skip_host="Host" in headers, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read() if path != "/__site-builder/events" or response.status != 200 else b""
    conn.close()
    return response.status, dict(response.getheaders()), body


@pytest.mark.parametrize("path", ["/xuanchuan/2024/03/a.html", "/__site-builder/status",
                                  "/__site-builder/events", "/xuanchuan/pdf/2024-03.pdf"])
@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example",
                                  "localhost:1", "", "127.0.0.1:{port}@evil.example"])
def test_a_host_that_is_not_ours_is_refused(served, host, path):
    """A DNS-rebinding page sends its own name as Host: it gets nothing of the preview."""
    root, port, _ = served
    status, headers, body = request(port, path, Host=host.format(port=port))
    assert status == 403
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    text = body.decode()
    assert "拒绝访问" in text and text.count("\n") == 1 and "草稿" not in text
    assert not (root / "output/preview/pdf").exists()


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_our_own_names_are_answered(served, host):
    _, port, _ = served
    status, _, body = request(port, "/xuanchuan/2024/03/a.html", Host=host.format(port=port))
    assert status == 200 and "第一版正文" in body.decode()


@pytest.mark.parametrize("path", ["/__site-builder/status", "/__site-builder/events"])
def test_a_cross_origin_request_for_the_live_endpoints_is_refused(served, path):
    _, port, _ = served
    ours = f"127.0.0.1:{port}"
    for origin in ("http://evil.example", f"http://{ours}.evil.example", "null",
                   f"https://{ours}"):
        assert request(port, path, Host=ours, Origin=origin)[0] == 403, origin
    if path.endswith("status"):
        assert request(port, path, Host=ours, Origin=f"http://{ours}")[0] == 200


@pytest.mark.parametrize("path", ["/%00", "/xuanchuan/%00", "/xuanchuan/a%00.html",
                                  "/xuanchuan/%ff%fe.html", "http://evil.example/xuanchuan/"])
def test_a_bad_path_is_a_400_not_a_dropped_connection(served, path, capfd):
    _, port, _ = served
    status, _, body = request(port, path, Host=f"127.0.0.1:{port}")
    assert status == 400 and "路径" in body.decode()
    assert "Traceback" not in capfd.readouterr().err


def test_an_over_long_name_is_a_404(served):
    _, port, _ = served
    status, _, _ = request(port, "/xuanchuan/" + "%E9%95%BF" * 300 + ".html",
                           Host=f"127.0.0.1:{port}")
    assert status == 404


def test_head_answers_like_get_without_a_body_and_only_from_the_preview(served):
    root, port, _ = served
    (root / "secret.txt").write_text("项目根目录中的文件", encoding="utf-8")
    ours = f"127.0.0.1:{port}"
    status, headers, body = request(port, "/xuanchuan/2024/03/a.html", "HEAD", Host=ours)
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    for path in ("/secret.txt", "/xuanchuan/../secret.txt", "/xuanchuan/%2e%2e/secret.txt"):
        assert request(port, path, "HEAD", Host=ours)[0] in (403, 404), path
        assert request(port, path, Host=ours)[0] in (403, 404), path


@pytest.mark.parametrize("month", ["2024-3", "٢٠٢٤-٠٣", "2024-13", "2024-00", "02024-03",
                                   "2024-03.v1", "../2024-03", "2024-03.pdf.part", ""])
def test_only_a_canonical_month_renders_a_newsletter(served, month):
    root, port, _ = served
    status, _, _ = request(port, f"/xuanchuan/pdf/{month}.pdf", Host=f"127.0.0.1:{port}")
    assert status == 404
    assert not (root / "output/preview/pdf").exists()
    assert not (root / "output/.preview-pdf").exists()


def test_a_newsletter_is_rendered_to_its_canonical_name_once_per_rebuild(served):
    root, port, _ = served
    ours = f"127.0.0.1:{port}"
    status, headers, pdf = request(port, "/xuanchuan/pdf/2024-03.pdf", Host=ours)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    stored = root / "output/preview/pdf/2024-03.pdf"
    assert stored.read_bytes() == pdf
    assert [p.name for p in stored.parent.iterdir()] == ["2024-03.pdf"]
    made = stored.stat().st_mtime_ns
    assert request(port, "/xuanchuan/pdf/2024-03.pdf", Host=ours)[2] == pdf
    assert stored.stat().st_mtime_ns == made  # kept until the next change

    events = Events(port)
    (root / "content/2024-03/a.md").write_text(entry("改过的正文。", reviewer="王"),
                                               encoding="utf-8")
    events.wait_for("reload")
    assert request(port, "/xuanchuan/pdf/2024-03.pdf", Host=ours)[2] != pdf
    assert [p.name for p in stored.parent.iterdir()] == ["2024-03.pdf"]


def test_wildcard_host_warns_and_answers_only_the_machines_own_names(make_project):
    root = make_project(entries={"2024-03/a.md": entry("正文。", reviewer="王")})
    port, thread, log = start_serving(root, host="0.0.0.0")
    try:
        assert any("0.0.0.0" in line and "草稿" in line and "其他电脑" in line for line in log)
        page = "/2024/03/a.html"
        for name in ("127.0.0.1", "localhost", socket.gethostname()):
            assert request(port, page, Host=f"{name}:{port}")[0] == 200, name
        assert request(port, page, Host=f"evil.example:{port}")[0] == 403
    finally:
        server_module.stop()
        thread.join(10)


@pytest.mark.parametrize(("site", "mode", "status"), [
    ("cross-site", "no-cors", 403), ("same-site", "no-cors", 403), ("cross-site", "cors", 403),
    ("cross-site", "navigate", 200), ("same-origin", "no-cors", 200), ("none", "navigate", 200)])
def test_another_sites_page_may_navigate_to_the_preview_but_not_load_its_files(served, site,
                                                                               mode, status):
    root, port, _ = served
    text = sorted((root / "output/preview/search/text").glob("*.js"))[0].name  # a draft's, maybe
    got, headers, _ = request(port, f"/xuanchuan/search/text/{text}", Host=f"127.0.0.1:{port}",
                              **{"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode})
    assert got == status
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/xuanchuan/./pdf/2024-03.pdf", "/xuanchuan/x/../pdf/2024-03.pdf",
                                  "/xuanchuan//pdf/2024-03.pdf"])
def test_a_newsletter_path_spelt_another_way_is_the_same_route(served, path):
    """Never the static file of an earlier rebuild: the route that renders when stale."""
    root, port, _ = served
    stale = root / "output/preview/pdf/2024-03.pdf"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"%PDF-1.7 stale")
    status, _, body = request(port, path, Host=f"127.0.0.1:{port}")
    assert status == 200 and body != b"%PDF-1.7 stale" and body.startswith(b"%PDF")


def test_a_request_with_two_host_fields_is_refused(served):
    _, port, _ = served
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest("GET", "/xuanchuan/2024/03/d.html", skip_host=True)
    conn.putheader("Host", f"127.0.0.1:{port}")
    conn.putheader("Host", "evil.example")
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 403 and "草稿" not in response.read().decode()
