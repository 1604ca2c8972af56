"""`site-builder serve`: build a preview, serve it on 127.0.0.1, rebuild when a file
changes, reload the open pages, and show content errors on the page itself.

The preview includes drafts and entries awaiting review (marked 「草稿」/「待审」) and is
written to output/preview/, never to output/site.  While a file has an error the last
good preview stays served and every open page shows the problem as an overlay; fixing
the file clears it.  Word files dropped into the inbox (inbox.py) are imported while it
runs; one that fails is shown on the pages the same way.
"""

from __future__ import annotations

import errno
import gc
import http.server
import json
import mimetypes
import posixpath
import queue
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import load_config
from .editions import PREVIEW
from .errors import ContentError, Problem, UsageError, display_path
from .inbox import DONE, Inbox
from .incremental.entries import load_project as load_cached_project
from .incremental.store import BuildCache
from .pipeline import build
from .project import Project

LIVE = "/__site-builder/"
DEBOUNCE = 0.05  # seconds of quiet after the last change before rebuilding
QUIET = 0.5  # seconds without a change after which the watcher tidies memory up
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", ".kate-swp")
LIVE_JS = (Path(__file__).parent / "live.js").read_text(encoding="utf-8") \
    if (Path(__file__).parent / "live.js").is_file() else ""


@dataclass
class LiveState:
    """What the server knows of the last build; shared by the HTTP and watcher threads."""

    root: Path
    cache: BuildCache | None = None  # kept in memory between rebuilds
    version: int = 0
    problems: list[dict] = field(default_factory=list)  # errors of the last failed build
    inbox: list[dict] = field(default_factory=list)  # inbox files that failed to import
    told: frozenset[tuple] = frozenset()  # the problems printed so far and still there
    project: Project | None = None
    clients: list[queue.Queue[tuple[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    building: threading.Lock = field(default_factory=threading.Lock)  # one build at a time

    def broadcast(self, event: str, data: object) -> None:
        message = (event, json.dumps(data, ensure_ascii=False))
        with self.lock:
            for client in list(self.clients):
                client.put(message)


def rebuild(state: LiveState, say: Callable[[str], None]) -> bool:
    """Build the preview; on errors keep the last good one and tell the pages."""
    with state.building:
        return _rebuild(state, say)


def _rebuild(state: LiveState, say: Callable[[str], None]) -> bool:
    started = time.perf_counter()
    if state.cache is None:
        state.cache = BuildCache(state.root, deferred=True, edition=PREVIEW)
    try:
        project = load_cached_project(state.cache, state.root)
        report = build(project, preview=True, cache=state.cache)
    except ContentError as err:  # found before anything was committed: the preview stands
        state.problems = [p.as_dict(state.root) for p in err.problems if p.is_error]
        state.broadcast("problems", state.problems)
        # Each problem is printed once, when it appears, not again on every rebuild
        # while it stands (the page shows them all).
        keys = [tuple(p.as_dict(state.root).values()) for p in err.problems]
        new = tuple(p for p, key in zip(err.problems, keys, strict=True) if key not in state.told)
        fixed = len(state.told - set(keys))
        state.told = frozenset(keys)
        if new:
            say(format_problems(new, state.root))
        count = f"发现 {len(state.problems)} 个错误" if new else \
            f"仍有 {len(state.problems)} 个错误（见上文）"
        say((f"已修正 {fixed} 处；" if fixed else "") +
            f"{count}：页面上已显示，仍在提供上一次成功的预览。")
        return False
    except BaseException:  # e.g. a full disk mid-commit: check the files next time
        state.cache.trusted = False
        raise
    state.cache.trusted = True  # the live preview is the one this build recorded
    state.project = project
    if state.told:
        say("错误已全部修正。")
    state.problems, state.told = [], frozenset()
    state.version += 1
    state.broadcast("reload", {"version": state.version})
    say(f"已更新预览：{report.entries} 篇稿件，用时 {time.perf_counter() - started:.2f} 秒")
    return True


def format_problems(problems: tuple[Problem, ...], root: Path) -> str:
    lines = []
    for p in problems:
        d = p.as_dict(root)
        place = f"{d['file']}:{d['line']}" if d["line"] else str(d["file"])
        lines.append(f"  {place}: {'错误' if p.is_error else '警告'} {p.message}" +
                     (f"\n    提示：{p.hint}" if p.hint else ""))
    return "\n".join(lines)


NEWSLETTER = re.compile(r"pdf/([0-9]{4})-(0[1-9]|1[0-2])\.pdf")  # only canonical months
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
WILDCARD = ("0.0.0.0", "::", "")


def host_names(host: str) -> frozenset[str]:
    """The names a Host header may give for a server bound to `host` (without the port):
    the loopback names and `host` itself; for a wildcard bind (a deliberate choice to
    show a colleague) also the machine's own names (its addresses are checked per
    connection: Handler.allowed_hosts).  Any other name may be a DNS-rebinding page's."""
    names = set(LOOPBACK)
    if host in WILDCARD:
        names |= {socket.gethostname(), socket.getfqdn()}
    else:
        names.add(f"[{host}]" if ":" in host else host)
    return frozenset(name.lower() for name in names if name)


class Handler(http.server.BaseHTTPRequestHandler):
    server: PreviewServer

    def log_message(self, format: str, *args: object) -> None:  # quiet: the terminal is for content
        pass

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def do_GET(self) -> None:
        self.answer(body=True)

    def answer(self, body: bool) -> None:
        self.with_body = body
        refused = self.refusal()
        if refused:
            return self.send_text(403, refused)
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        try:
            path = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return self.send_text(400, "请求的路径不是有效的 UTF-8")
        if not raw.startswith("/") or "\x00" in path:
            return self.send_text(400, "请求的路径无效")
        try:
            return self.route(path)
        except OSError:  # a name too long, a file gone in between: nothing to show
            return self.send_text(404, "找不到该页面")

    def allowed_hosts(self) -> frozenset[str]:
        """Host header values this request may carry (name:port, lower case)."""
        port = self.server.server_address[1]
        names = set(self.server.host_names)
        if self.server.wildcard:  # the address this connection came to is the machine's
            local = self.connection.getsockname()[0]
            names.add(f"[{local}]" if ":" in local else local)
        hosts = {f"{name}:{port}" for name in names}
        return frozenset(hosts | names if port == 80 else hosts)

    def refusal(self) -> str:
        """Why this request is refused (a one-line Chinese reason), or "": a Host that is
        not one of ours (DNS rebinding), or an Origin of another site."""
        allowed = self.allowed_hosts()
        hosts = self.headers.get_all("Host") or [""]
        host = hosts[0].strip().lower()
        if len(hosts) > 1:  # RFC 9112: a request with two Host fields is refused
            return "拒绝访问：请求中有多个 Host"
        if host not in allowed:
            return f"拒绝访问：预览只回应本机地址，不回应 Host「{host[:80]}」"
        # A page of another site may not load the preview's files as scripts, images or
        # fetches (search/text/*.js holds every draft): only navigating to it is allowed.
        site = self.headers.get("Sec-Fetch-Site", "same-origin").strip().lower()
        if site not in ("same-origin", "none") and \
                self.headers.get("Sec-Fetch-Mode", "").strip().lower() != "navigate":
            return "拒绝访问：预览的文件不能被其他网站的页面引用"
        origin = self.headers.get("Origin")
        if origin is not None:
            scheme, _, rest = origin.strip().lower().partition("://")
            if scheme != "http" or rest not in allowed:
                return f"拒绝访问：不接受来自其他网站（{origin[:80]}）的请求"
        return ""

    def route(self, path: str) -> None:
        state = self.server.state
        if path == LIVE + "live.js":
            return self.send_bytes(LIVE_JS.encode(), "text/javascript; charset=utf-8")
        if path == LIVE + "status":
            body = json.dumps({"version": state.version, "problems": state.problems,
                               "inbox": state.inbox}, ensure_ascii=False)
            return self.send_bytes(body.encode(), "application/json; charset=utf-8")
        if path == LIVE + "events":
            return self.stream_events()
        base = self.server.base_path
        if not path.startswith(base):
            if path in ("/", "/index.html"):
                self.send_response(302)
                self.send_header("Location", base)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self.send_text(404, f"预览网站在 {base} 下")
        rel = posixpath.normpath(path[len(base):]).lstrip("/")  # "./pdf/…" is "pdf/…"
        if rel == ".":
            rel = ""
        if rel.startswith("pdf/"):
            match = NEWSLETTER.fullmatch(rel)
            return self.send_newsletter(*match.groups()) if match else self.not_found()
        site = self.server.site_dir.resolve()
        target = (site / rel).resolve()
        if not target.is_relative_to(site):
            return self.send_text(403, "拒绝访问：该路径在预览网站之外")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return self.not_found()
        return self.send_file(target)

    def not_found(self) -> None:
        missing = self.server.site_dir / "404.html"
        if missing.is_file():
            return self.send_file(missing, 404)
        return self.send_text(404, "找不到该页面")

    def send_file(self, path: Path, status: int = 200) -> None:
        data = path.read_bytes()
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind == "text/html":
            script = f'<script src="{LIVE}live.js"></script>'.encode()
            data = data.replace(b"</body>", script + b"</body>", 1)
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        self.send_bytes(data, kind, status)

    def send_text(self, status: int, text: str) -> None:
        """An error as one line of text: http.server's send_error takes only Latin-1."""
        self.send_bytes((text + "\n").encode(), "text/plain; charset=utf-8", status)

    def send_bytes(self, data: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.end_headers()
        if self.with_body:
            self.wfile.write(data)

    def send_newsletter(self, year: str, month: str) -> None:
        """The month's newsletter, rendered when first asked for after each rebuild into
        output/preview/pdf/YYYY-MM.pdf (written beside it, then renamed)."""
        from .newsletter.pdf import write_month

        state = self.server.state
        project, version = state.project, state.version
        if project is None:
            return self.send_text(503, "预览尚未生成，请稍候再试")
        name = f"{year}-{month}"
        target = self.server.pdf_dir / f"{name}.pdf"
        with self.server.newsletters_lock:
            fresh = self.server.newsletters.get(name) == version and target.is_file()
        if not fresh:
            try:
                if not write_month(project, int(year), int(month), False, target):
                    return self.send_text(404, f"{year}年{int(month)}月没有可以印发的稿件")
            except ContentError as err:
                return self.send_text(500, err.problems[0].message)
            with self.server.newsletters_lock:
                self.server.newsletters[name] = version
        self.send_bytes(target.read_bytes(), "application/pdf")

    def stream_events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not self.with_body:
            return
        inbox: queue.Queue[tuple[str, str]] = queue.Queue()
        state = self.server.state
        with state.lock:
            state.clients.append(inbox)
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not self.server.stopping.is_set():
                try:
                    event, data = inbox.get(timeout=1.0)
                    self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                except queue.Empty:
                    self.wfile.write(b": ping\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with state.lock:
                state.clients.remove(inbox)


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: LiveState, base_path: str):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.state = state
        self.base_path = base_path
        self.host_names = host_names(address[0])
        self.wildcard = address[0] in WILDCARD
        self.site_dir = PREVIEW.folder(state.root / "output", "site")
        self.pdf_dir = PREVIEW.folder(state.root / "output", "pdf")  # on demand
        self.newsletters: dict[str, int] = {}  # month → the preview version its PDF is of
        self.newsletters_lock = threading.Lock()
        self.stopping = threading.Event()


class Watcher:
    """Debounced rebuilds on changes to content/, templates/ and the project's YAML files."""

    WATCHED_FILES = ("site.yaml", "scoring.yaml", "review.yaml")

    def __init__(self, state: LiveState, say: Callable[[str], None]):
        self.state, self.say = state, say
        self.changed = threading.Event()
        self.last_change = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, name="rebuild", daemon=True)

    def relevant(self, path: str) -> bool:
        name = Path(path).name
        if name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES) or name == "4913":
            return False  # editors' temp and backup files (vim writes "4913" to test a dir)
        p = Path(path)
        return (p.parent == self.state.root and name in self.WATCHED_FILES) or any(
            part in ("content", "templates") for part in p.relative_to(self.state.root).parts[:1])

    def notice(self, path: str) -> None:
        try:
            if self.relevant(path):
                self.last_change = time.monotonic()
                self.changed.set()
        except ValueError:
            pass

    def loop(self) -> None:
        tidy = True  # serve's first build, and later each rebuild, leaves garbage behind
        while not self.stop.is_set():
            if not self.changed.wait(timeout=QUIET):
                if tidy:
                    # The collector's full pass walks every object of the project (about
                    # 0.1 s at 5,000 entries).  Left to itself it falls due in the middle
                    # of the next rebuild, between a save and the reload; run it in the
                    # quiet after a rebuild instead.
                    gc.collect()
                    tidy = False
                continue
            while (quiet := time.monotonic() - self.last_change) < DEBOUNCE:  # a save burst
                time.sleep(DEBOUNCE - quiet)  # until DEBOUNCE after the burst's last change
            self.changed.clear()
            tidy = True
            try:
                rebuild(self.state, self.say)
            except Exception as err:  # keep serving whatever happens in one rebuild
                self.say(f"重新生成失败：{type(err).__name__}: {err}")

    def start(self) -> object:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class OnChange(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                    return  # a folder's own change follows a file's, which is judged alone
                watcher.notice(str(event.src_path))
                if getattr(event, "dest_path", ""):
                    watcher.notice(str(event.dest_path))

        observer = Observer()
        root = self.state.root
        observer.schedule(OnChange(), str(root), recursive=False)
        for folder in ("content", "templates"):
            if (root / folder).is_dir():
                observer.schedule(OnChange(), str(root / folder), recursive=True)
        observer.daemon = True
        observer.start()
        self.thread.start()
        return observer


INBOX_JOIN = 130.0  # seconds: a LibreOffice conversion's time limit, and a little more


def start_inbox(state: LiveState, folder: Path, say: Callable[[str], None]) -> Inbox:
    """Watch the inbox (created if missing); its failures go to every open page."""

    def on_problems(problems: list[dict]) -> None:
        state.inbox = problems
        state.broadcast("inbox", problems)

    try:
        folder.mkdir(exist_ok=True)
        say(f"收件箱：{display_path(folder, state.root)}/（放入通讯员的 Word 稿件 .docx/.doc/.wps，"
            f"几秒后即导入为待审稿件，原件移到 {display_path(folder / DONE, state.root)}/）")
    except OSError as err:
        say(f"注意：无法创建收件箱 {display_path(folder, state.root)}/（{err.strerror or err}）")
    inbox = Inbox(state.root, say, on_problems)
    inbox.start()
    return inbox


def base_path(base_url: str) -> str:
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000,
          say: Callable[[str], None] = print, ready: Callable[[str], None] | None = None) -> int:
    """Serve until Ctrl-C, or until `stop()` is called from another thread (tests)."""
    root = root.resolve()
    state = LiveState(root)
    config = load_config(root)  # no site.yaml: a usage error, before serving
    base = base_path(config.base_url)
    try:  # bind first: a port in use is reported at once, before any building
        server = PreviewServer((host, port), state, base)
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise UsageError(f"端口 {port} 已被占用：换一个端口，例如 site-builder serve --port "
                             f"{port + 1}") from err
        raise UsageError(f"无法在 {host}:{port} 上启动：{err.strerror}") from err
    if host in WILDCARD:
        say(f"注意：--host {host} 让同一网络中的其他电脑也能打开预览，其中有草稿、待审稿件和内部稿件；"
            "只在确需给同事看时使用，看完按 Ctrl-C 结束")
    rebuild(state, say)
    watcher = Watcher(state, say)
    observer = watcher.start()
    inbox = start_inbox(state, config.inbox_dir, say)
    shown = "127.0.0.1" if host in WILDCARD else f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.server_address[1]}{base}"
    say(f"预览地址：{url}（含草稿和待审稿件；按 Ctrl-C 结束）")
    if ready:
        ready(url)
    current_server[0] = server
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        say("\n已停止预览。")
    finally:
        server.stopping.set()
        watcher.stop.set()
        inbox.stop.set()
        inbox.thread.join(timeout=INBOX_JOIN)  # an import under way is finished, not cut
        observer.stop()  # type: ignore[attr-defined]
        server.server_close()
        with state.building:  # let a rebuild under way finish, then keep its cache
            if state.cache is not None:
                state.cache.save(now=True)
    return 0


current_server: list[PreviewServer | None] = [None]  # lets tests stop a server they started


def stop() -> None:
    server = current_server[0]
    if server is not None:
        server.stopping.set()
        server.shutdown()
