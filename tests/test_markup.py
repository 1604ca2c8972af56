from pathlib import Path

import pytest

from site_builder.markup import Links, cut_summary, make_summary, relurl, render_markdown

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
    if "<math" not in payload:  # an unclosed <math> swallows the rest, safely
        assert "正文结束" in html


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
