"""What a page of another site can take from `serve`'s preview, in a real browser: nothing.

The preview holds drafts and internal entries; its search data is JavaScript, which a
<script src> of any page would run — unless serve refuses the request (Sec-Fetch-Site)
and the browser refuses the response (Cross-Origin-Resource-Policy)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import entry

from site_builder import server as server_module
from tests.test_server import start_serving

ATTACK = """<!doctype html><meta charset="utf-8"><title>x</title>
<script>window.caught = []; window.siteSearch = {text: function (id, rows) {
  window.caught = window.caught.concat(rows.map(function (r) { return String(r[1]); })); }};
</script>
<script src="http://127.0.0.1:%d/search/text/%s"></script>
<img id="img" src="http://127.0.0.1:%d/2024/03/d.html">
<script>window.done = true;</script>"""


def test_another_sites_page_cannot_read_the_previews_drafts(make_project, browser):
    root = make_project(entries={
        "2024-03/a.md": entry("公开正文。", reviewer="王"),
        "2024-03/d.md": entry("草稿正文。", title="绝不外传的草稿", date="2024-03-13",
                              status="draft")})
    port, thread, _ = start_serving(root)
    [draft] = [p.name for p in (root / "output/preview/search/text").glob("*.js")
               if "绝不外传的草稿" in p.read_text(encoding="utf-8")]  # the draft's own text file
    page_html = (ATTACK % (port, draft, port)).encode()

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page_html)

        def log_message(self, *args: object) -> None:
            pass

    evil = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        page = context.new_page()
        # "localhost" is another site than 127.0.0.1, as a rebinding or hostile page is.
        page.goto(f"http://localhost:{evil.server_address[1]}/", wait_until="load")
        page.wait_for_function("window.done === true")
        assert page.evaluate("window.caught") == []
        # the same file, opened by the preview's own page, is read
        own = context.new_page()
        own.goto(f"http://127.0.0.1:{port}/2024/03/d.html", wait_until="load")
        assert "绝不外传的草稿" in own.content()
    finally:
        context.close()
        evil.shutdown()
        server_module.stop()
        thread.join(10)
