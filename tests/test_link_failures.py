"""A reference the file system cannot take, or Ctrl-C while links are rewritten, never
becomes a quiet success: build, check and pdf report the same located error, exit 1 with
no traceback, and nothing damaged is cached; Ctrl-C exits 130 with output/ untouched."""

from __future__ import annotations

import pytest
from conftest import PNG, entry

from site_builder import markup
from site_builder.cli import main

LONG = "a" * 300 + ".png"


def project_with(make_project, image: str):
    """One approved entry with `image` on line 11 of its file, and p.png beside it."""
    text = entry(f"第一段。\n\n![现场]({image})", reviewer="王建华")
    assert text.split("\n")[10] == f"![现场]({image})"
    return make_project(entries={"a.md": text}, files={"content/p.png": PNG})


def run(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize(("image", "code", "message"), [
    ("a%00b.png", "bad-path", "链接「a%00b.png」含有空字符（NUL），无法使用"),
    (LONG, "name-too-long", "文件名过长"),
])
@pytest.mark.parametrize("command", [["build", "--no-pdf"], ["build", "--no-pdf", "--no-cache"],
                                     ["check"], ["pdf", "--month", "2024-03"]])
def test_an_unusable_path_is_one_located_error(make_project, capsys, command, image, code,
                                               message):
    root = project_with(make_project, image)
    status, output = run([*command, "--project", str(root)], capsys)
    assert status == 1
    assert f"content/a.md:11: 错误 [{code}]" in output and message in output
    assert "Traceback" not in output and "Exception ignored" not in output
    assert "检查通过" not in output
    assert not (root / "output" / "site").exists() and not (root / "output" / "pdf").exists()


def test_a_fixed_name_builds_the_image_nothing_damaged_was_kept(make_project, capsys):
    root = project_with(make_project, LONG)
    assert run(["build", "--no-pdf", "--project", str(root)], capsys)[0] == 1
    page = root / "content" / "a.md"
    page.write_text(page.read_text(encoding="utf-8").replace(LONG, "p.png"), encoding="utf-8")
    assert run(["build", "--no-pdf", "--project", str(root)], capsys)[0] == 0
    [html] = (root / "output" / "site" / "2024" / "03").glob("*.html")
    assert 'src="../../media/p.png"' in html.read_text(encoding="utf-8")


def test_ctrl_c_while_rewriting_links_exits_130_and_keeps_the_output(make_project, capsys,
                                                                     monkeypatch):
    root = project_with(make_project, "p.png")
    assert run(["build", "--no-pdf", "--project", str(root)], capsys)[0] == 0
    [html] = (root / "output" / "site" / "2024" / "03").glob("*.html")
    before = html.read_text(encoding="utf-8")
    page = root / "content" / "a.md"
    page.write_text(page.read_text(encoding="utf-8").replace("第一段", "改过的第一段"),
                    encoding="utf-8")

    def interrupted(*args):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(markup, "media_url", interrupted)
        status, output = run(["build", "--no-pdf", "--project", str(root)], capsys)
    assert status == 130 and "已中断" in output and "Traceback" not in output
    assert html.read_text(encoding="utf-8") == before
    # and nothing half-made was kept: the next build makes the edited body, image and all
    assert run(["build", "--no-pdf", "--project", str(root)], capsys)[0] == 0
    after = html.read_text(encoding="utf-8")
    assert "改过的第一段" in after and 'src="../../media/p.png"' in after


def test_ctrl_c_while_printing_a_newsletter_exits_130(make_project, capsys, monkeypatch):
    root = project_with(make_project, "p.png")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(markup, "unquote", interrupted)  # markup calls it only while rewriting
    status, output = run(["pdf", "--month", "2024-03", "--project", str(root)], capsys)
    assert status == 130 and "已中断" in output and "Traceback" not in output
    assert not (root / "output" / "pdf").exists()


@pytest.mark.parametrize("cover", ["a\x00b.png", "x" * 300 + ".png"])
def test_a_cover_path_the_file_system_refuses_is_a_located_error(make_project, capsys, cover):
    root = make_project(entries={"a.md": entry(cover=cover, reviewer="王")})
    assert main(["build", "--project", str(root), "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert "content/a.md" in err and "Traceback" not in err
    assert "封面图片" in err or "「cover」含有不可见的控制字符" in err  # NUL: a control character
