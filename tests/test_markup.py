import errno
from pathlib import Path

import pytest

from site_builder import markup
from site_builder.markup import Links, cut_summary, make_summary, relurl, render_markdown, unusable_path

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="JaVaScRiPt:alert(1)">点我</a>',
    '<a href="&#106;avascript:alert(1)">点我</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<body onload="alert(1)">',
    '<form action="https://evil.example"><input name="q"></form>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<p onclick="alert(1)" onmouseover="alert(2)">文字</p>',
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_raw_html_is_sanitised(payload):
    html = render_markdown(f"正文开始。\n\n{payload}\n\n正文结束。").lower()
    for bad in ("<script", "onerror", "onload", "onclick", "onmouseover", "javascript:", "<iframe",
                "<svg", "<object", "<embed", "<form", "<input", "data:text", "<style", "<meta",
                "<base", "url("):
        assert bad not in html
    assert "正文结束" in html  # an unclosed <math> or <style> no longer takes the rest


def test_markdown_features_editors_use():
    html = render_markdown(
        "# 大标题\n\n| 单位 | 次数 |\n|---|---|\n| 交管大队 | 3 |\n\n"
        "脚注[^1]\n\n[^1]: 说明。\n\n```\ncode\n```\n\n1. 一\n2. 二\n\n段落\n{: .lead }\n")
    assert "<h2" in html and "<h1" not in html  # the page title is the only <h1>
    assert "<table>" in html and "<td>交管大队</td>" in html
    assert 'class="footnote"' in html and 'href="#fn:1"' in html and "返回正文" in html
    assert "<pre><code>code" in html
    assert "<ol>" in html
    assert 'class="lead"' in html


def make_links(tmp_path: Path, pages: dict[str, str], known: tuple[str, ...] = ()) -> Links:
    root = tmp_path
    content = root / "content"
    source = content / "2024-03" / "a.md"
    return Links(source, "2024/03/a.html", root, content,
                 {str((content / k).resolve()): v for k, v in pages.items()},
                 frozenset(str((content / k).resolve()) for k in (*pages, *known)))


def test_link_to_another_entry_becomes_a_relative_page_link(tmp_path):
    links = make_links(tmp_path, {"2024-02/b.md": "2024/02/b.html"})
    html = render_markdown("见[此前报道](../2024-02/b.md#jie-guo)。", links)
    assert 'href="../../2024/02/b.html#jie-guo"' in html
    assert not links.problems


def test_link_to_an_unpublished_entry_becomes_plain_text(tmp_path):
    links = make_links(tmp_path, {}, known=("2024-02/draft.md",))
    html = render_markdown("见[草稿](../2024-02/draft.md)。", links)
    assert "href" not in html and "草稿" in html
    assert not links.problems


def test_link_to_a_missing_entry_is_a_warning_with_its_line(tmp_path):
    links = make_links(tmp_path, {})
    links.body_md, links.body_line = "第一段。\n\n见[报道](../2024-02/nope.md)。", 7
    render_markdown(links.body_md, links)
    [problem] = links.problems
    assert (problem.code, problem.level, problem.line) == ("broken-link", "warning", 9)


def test_relative_image_is_copied_to_media_and_linked_relatively(tmp_path):
    image = tmp_path / "content/2024-03/images/p.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"png")
    links = make_links(tmp_path, {})
    html = render_markdown("![现场](images/p.png)", links)
    assert 'src="../../media/2024-03/images/p.png"' in html
    assert links.media == {image.resolve(): "media/2024-03/images/p.png"}


def test_image_outside_the_project_is_refused(tmp_path):
    links = make_links(tmp_path, {})
    html = render_markdown("![x](../../../../etc/passwd)", links)
    assert "passwd" not in html
    assert [p.code for p in links.problems] == ["path-outside-project"]
    assert links.problems[0].level == "error"


def test_external_links_are_kept_and_marked_noopener():
    html = render_markdown("[人民网](https://www.people.com.cn/)")
    assert 'href="https://www.people.com.cn/"' in html and "noopener" in html


def test_relurl_is_relative_and_points_at_files():
    assert relurl("index.html", "2024/03/a.html") == "2024/03/a.html"
    assert relurl("2024/03/a.html", "static/style.css") == "../../static/style.css"
    assert relurl("tags/x/index.html", "tags/x/page-2.html") == "../../tags/x/page-2.html"
    assert relurl("a/index.html", "media/图 1.png") == "../media/%E5%9B%BE%201.png"


def test_summary_is_the_first_paragraph_cut_at_a_sentence_end():
    first = "第一句话很长" * 10 + "。" + "第二句话" * 20 + "。"
    summary = make_summary(f"<p>{first}</p><p>第二段</p>", limit=100)
    assert summary == "第一句话很长" * 10 + "。"


def test_summary_skips_image_only_paragraphs_and_footnote_marks():
    html = '<p><img src="a.png"></p><p>会议召开<sup id="r"><a href="#fn">1</a></sup>。</p>'
    assert make_summary(html) == "会议召开。"


def test_summary_without_a_sentence_end_is_cut_with_an_ellipsis():
    text = "没有句号的长文本" * 30
    cut = cut_summary(text, limit=50)
    assert cut.endswith("……") and len(cut) <= 52


def test_short_summary_is_unchanged():
    assert cut_summary("简短导语。", 120) == "简短导语。"


def test_interrupt_inside_link_rewriting_is_raised_after_nh3(tmp_path, monkeypatch):
    # nh3 swallows what its attribute_filter raises: Ctrl-C must not become an <img> without src
    image = tmp_path / "content/2024-03/p.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"png")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(markup, "media_url", interrupted)
    links = make_links(tmp_path, {})
    with pytest.raises(KeyboardInterrupt):
        render_markdown("![现场](p.png)\n\n[另一张](p.png)", links)
    assert links.failure is None and not links.problems


def test_a_bug_inside_link_rewriting_is_raised_as_it_is(tmp_path, monkeypatch):
    def broken(*args):
        raise RuntimeError("bug")

    monkeypatch.setattr(markup, "unquote", broken)
    with pytest.raises(RuntimeError, match="bug"):
        render_markdown("![现场](p.png)", make_links(tmp_path, {}))


@pytest.mark.parametrize("name", ["a" * 300 + ".png", "长" * 86 + ".png",  # 258 bytes in UTF-8
                                  "a/" * 2100 + "p.png"])
def test_a_name_too_long_is_a_located_error_not_an_image_without_src(tmp_path, name):
    links = make_links(tmp_path, {})
    links.body_md, links.body_line = f"第一段。\n\n![现场]({name})", 7
    html = render_markdown(links.body_md, links)
    assert "<img" in html and "src" not in html
    [problem] = links.problems
    assert (problem.code, problem.level, problem.line) == ("name-too-long", "error", 9)
    assert "文件名过长" in problem.message and problem.file == links.source


def test_a_nul_byte_in_a_path_is_a_located_error(tmp_path):
    links = make_links(tmp_path, {})
    links.body_md, links.body_line = "![x](a%00b.png)\n\n[文件](c%00.md)", 7
    html = render_markdown(links.body_md, links)
    assert "src" not in html and "href" not in html
    assert [(p.code, p.level, p.line) for p in links.problems] == [("bad-path", "error", 7),
                                                                  ("bad-path", "error", 9)]
    assert links.problems[0].message == "链接「a%00b.png」含有空字符（NUL），无法使用"


def test_an_error_the_path_checks_miss_is_still_a_located_error(tmp_path, monkeypatch):
    # the safety net: the file system refuses what unusable_path let through
    monkeypatch.setattr(markup, "unusable_path", lambda path: "")
    links = make_links(tmp_path, {})
    links.source.parent.mkdir(parents=True)  # (else the lookup stops at the missing folder)
    links.body_md = f"![x]({'a' * 300}.png)\n\n![y](b%00.png)"
    html = render_markdown(links.body_md, links)
    assert "src" not in html
    assert [(p.code, p.level, p.line) for p in links.problems] == [("name-too-long", "error", 1),
                                                                  ("bad-path", "error", 3)]


def test_an_unreadable_file_is_a_located_error(tmp_path, monkeypatch):
    def refused(self):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "is_file", refused)
    links = make_links(tmp_path, {})
    links.body_md = "![x](p.png)"
    render_markdown(links.body_md, links)
    [problem] = links.problems
    assert (problem.code, problem.level, problem.line) == ("bad-path", "error", 1)
    assert "Permission denied" in problem.message


def test_unusable_paths_are_found_before_the_file_system_is_asked():
    assert unusable_path("/p/a\x00b.png") == "bad-path"
    assert unusable_path("/p/" + "a" * 255) == ""
    assert unusable_path("/p/" + "a" * 256) == "name-too-long"
    assert unusable_path("/p/" + "长" * 85) == ""
    assert unusable_path("/p/" + "长" * 86) == "name-too-long"
    assert unusable_path("/" + "a/" * 2046 + "b") == ""  # 4095 bytes
    assert unusable_path("/" + "a/" * 2047 + "b") == "name-too-long"


SWALLOWING = ["<style>p{color:red}", "<svg><circle r=1>", "<math><mi>x</mi>", "<script>x=1",
              "<iframe src=x>", "<template>", "<object>", "<noscript>", "<textarea>", "<title>",
              "<xmp>", "<plaintext>", "<select>", "<SVG width='1>2'>", "文字<style>中间",
              "<style>a{}</style><style>b"]


def body_links(body: str, strict: bool = False) -> Links:
    return Links(Path("/p/content/a.md"), "a.html", Path("/p"), Path("/p/content"), {},
                 frozenset(), body, 7, strict=strict)


@pytest.mark.parametrize("tag", SWALLOWING)
def test_an_unclosed_element_is_a_located_warning_and_the_rest_is_kept(tag):
    body = f"第一段。\n\n{tag}\n\n第二段。\n\n第三段。"
    links = body_links(body)
    html = render_markdown(body, links)
    assert "<p>第二段。</p>" in html and "<p>第三段。</p>" in html  # read as paragraphs still
    [problem] = links.problems
    assert (problem.line, problem.level, problem.code) == (9, "warning", "unclosed-html")
    assert ("<" in problem.message and "</" in problem.hint) or "plaintext" in problem.hint


def test_in_an_approved_public_entry_it_is_an_error():
    body = "第一段。\n\n<style>\n\n第二段。"
    links = body_links(body, strict=True)
    render_markdown(body, links)
    assert [p.level for p in links.problems] == ["error"]


@pytest.mark.parametrize("html", ["<svg/>", "<style>a{}</style>", "<!-- <style> -->",
                                  "`<style>`", "<math><mi>x</mi></math>",
                                  "<svg><g><circle/></g></svg>", "<textarea>x</textarea>"])
def test_closed_elements_are_not_reported(html):
    links = body_links(f"第一段。\n\n{html}\n\n第二段。")
    assert "第二段" in render_markdown(links.body_md, links)
    assert links.problems == []


def test_an_unclosed_element_in_a_draft_warns_and_an_approved_public_one_fails(make_project):
    from conftest import entry

    from site_builder import ContentError, build, load_project

    body = "第一段。\n\n<style>p{}\n\n第二段。\n\n第三段。"
    root = make_project(entries={"2024-03/a.md": entry(body)})  # approved, internal
    report = build(load_project(root))
    assert [p.code for p in report.warnings if p.code != "missing-reviewer"] == ["unclosed-html"]
    assert "第三段" in (root / "output/site/2024/03/a.html").read_text(encoding="utf-8")
    (root / "content/2024-03/a.md").write_text(entry(body, classification="public"),
                                               encoding="utf-8")
    with pytest.raises(ContentError) as err:
        build(load_project(root))
    assert [(p.code, p.line) for p in err.value.problems] == [("unclosed-html", 11)]


@pytest.mark.parametrize("html", ["<section><!-- 来自公众号编辑器", '<div><span title="x>',
                                  '<div><img alt="x', "<div><mtext>文字", "<div><mi>x",
                                  "<p>文字<annotation-xml>y", "<svg><desc>描述"])
def test_comments_quotes_and_foreign_elements_left_open_are_reported_and_the_text_kept(html):
    body = f"第一段。\n\n{html}\n\n第二段。\n\n第三段。"
    links = body_links(body)
    text = render_markdown(body, links)
    assert "第二段。" in text and "第三段。" in text
    assert links.problems and {p.code for p in links.problems} == {"unclosed-html"}
    assert all(p.line == 9 for p in links.problems)


@pytest.mark.parametrize("html", ["a < b 且 c > d", '<p title="a>b">x</p>', "<!-- 注 --> 文"])
def test_text_that_only_looks_like_a_broken_tag_is_not_reported(html):
    links = body_links(f"第一段。\n\n{html}\n\n第二段。")
    render_markdown(links.body_md, links)
    assert links.problems == []


def test_an_image_alone_in_its_paragraph_is_a_figure_with_its_alt_text_as_caption():
    html = render_markdown("文字。\n\n![民警走访辖区群众（摄影 周婧）](images/a.png)\n\n"
                           "段落中的 ![图](b.png) 图。\n\n![](c.png)\n\n![a \"<b>\" & c](d.png)")
    assert ('<figure><img alt="民警走访辖区群众（摄影 周婧）" src="images/a.png">'
            "<figcaption>民警走访辖区群众（摄影 周婧）</figcaption></figure>") in html
    assert '<p>段落中的 <img alt="图" src="b.png"> 图。</p>' in html  # inline: no caption
    assert '<p><img alt="" src="c.png"></p>' in html  # nothing to caption
    assert "<figcaption>a &quot;&lt;b&gt;&quot; &amp; c</figcaption>" in html  # escaped


def test_images_side_by_side_in_one_paragraph_are_each_a_figure_with_its_caption():
    html = render_markdown("![甲（摄影 张三）](e.png) ![乙（李四 摄）](f.png)\n![](g.png)")
    assert html == ('<figure><img alt="甲（摄影 张三）" src="e.png"><figcaption>甲（摄影 张三）'
                    '</figcaption></figure><figure><img alt="乙（李四 摄）" src="f.png">'
                    '<figcaption>乙（李四 摄）</figcaption></figure><p><img alt="" src="g.png"></p>')
