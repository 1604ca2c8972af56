"""serve's inbox in a real browser: a file that cannot be imported is shown on the open
page, at its foot (the preview stays usable), and the panel goes when the file does."""

from __future__ import annotations

import zipfile

from conftest import entry

from site_builder import server as server_module
from tests.test_server import start_serving


def test_a_failed_inbox_file_is_shown_on_the_open_page(make_project, browser):
    root = make_project(entries={"2024-03/a.md": entry("第一版正文。", reviewer="王")})
    port, thread, _ = start_serving(root)
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/2024/03/a.html", wait_until="load")
        assert page.locator("#site-builder-overlay").count() == 0
        # A zip, but no Word document in it (an .xlsx renamed): refused once complete.
        with zipfile.ZipFile(root / "inbox" / "统计表.docx", "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
        heading = page.locator("#site-builder-inbox")
        heading.wait_for(timeout=40_000)
        overlay = page.locator("#site-builder-overlay")
        text = overlay.inner_text()
        assert "收件箱中有 1 个文件未能导入" in text and "inbox/统计表.docx" in text
        assert "未能导入：文件不是 Word 文档" in text and "文件仍留在收件箱中" in text
        box = overlay.bounding_box()
        assert box is not None and box["y"] > 300 and box["height"] <= 0.5 * 800  # at the foot
        assert page.get_by_text("第一版正文。").is_visible()
        (root / "inbox" / "统计表.docx").unlink()
        overlay.wait_for(state="detached", timeout=40_000)
    finally:
        context.close()
        server_module.stop()
        thread.join(15)
