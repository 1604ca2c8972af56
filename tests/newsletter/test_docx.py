"""The 简报 as a Word file (YYYY-MM.docx beside the PDF), read back with python-docx and,
once, laid out by LibreOffice; and the captions under the PDF's images (poppler)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import docx
import pytest
import yaml
from conftest import SITE, entry, write

from site_builder import load_project
from site_builder.cli import main
from site_builder.newsletter.docx import headline_lines, project_docx_job, write_docx
from site_builder.newsletter.issue import plan_issue
from site_builder.scores import project_events

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is not installed (.ci/setup installs it)")

NEWSLETTER = {"title": "测试整顿简报", "issuer": "测试市整顿办", "copies": 45,
              "distribution": {"报": ["市委政法委"], "送": ["市公安局党委"], "发": ["各派出所"]}}
CAPTION = "民警走访辖区群众（摄影 周婧）"
BODY = f"""本报讯 3月5日，交管大队召开警示教育大会。

![{CAPTION}](photo.png)

## 以案为鉴

会议通报了三起典型案例，要求：

- 严守纪律；
- 规范执法。

> 民警代表表示，要以案为鉴、警钟长鸣。

| 项目 | 数量 |
|---|---|
| 案例 | 3 |
"""
TITLES = ("交管大队召开警示教育大会", "最美民警张三", "城关派出所开展反诈宣传进社区活动 筑牢群众“防骗墙”")


def photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (400, 300), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """One small issue printed once: intranet (PDF + .docx) and public."""
    root = tmp_path_factory.mktemp("docx")
    write(root / "site.yaml", yaml.safe_dump({**SITE, "newsletter": NEWSLETTER},
                                             allow_unicode=True, sort_keys=False))
    write(root / "content/2024-03/a.md", entry(BODY, date="2024-03-05", title=TITLES[0]))
    write(root / "content/2024-03/photo.png", photo())
    write(root / "content/2024-03/b.md", entry(
        "人物故事正文。", title=TITLES[1], type="model-figure", date="2024-03-08",
        department="刑侦大队", figure={"name": "张三", "unit": "刑侦大队", "honors": ["个人三等功"]}))
    write(root / "content/2024-03/c.md", entry(
        "本报讯 城关派出所走进社区开展反诈宣传。", title=TITLES[2], date="2024-03-09",
        department="城关派出所", classification="public"))
    for public in ((), ("--public",)):
        assert main(["pdf", "--month", "2024-03", "--project", str(root), *public]) == 0
    return root


def document(root: Path, public: bool = False) -> docx.document.Document:
    folder = "output/public/pdf" if public else "output/pdf"
    return docx.Document(str(root / folder / "2024-03.docx"))


def texts(doc) -> list[str]:
    """Every paragraph's text, a table's paragraphs in its place."""
    out = []
    for block in doc.iter_inner_content():
        if isinstance(block, docx.table.Table):
            out.extend(p.text for row in block.rows for cell in row.cells for p in cell.paragraphs)
        else:
            out.append(block.text.replace("\n", " "))  # a headline's line break: its space
    return out


def test_the_masthead_is_red_and_numbered_with_issuer_and_date(project):
    doc = document(project)
    [title] = [p for p in doc.paragraphs if p.text == "测试整顿简报"]
    assert all(run.font.color.rgb == docx.shared.RGBColor(0xD4, 0, 0) for run in title.runs)
    assert "第1期" in texts(doc)
    [meta] = [p for p in doc.paragraphs if p.text.startswith("测试市整顿办")]
    assert meta.text == "测试市整顿办\t2024年3月31日"
    assert "w:bottom" in meta._p.xml and 'w:color="D40000"' in meta._p.xml  # the red rule
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (section.top_margin, section.bottom_margin,
                                  section.left_margin, section.right_margin)] == [37, 35, 28, 26]


def test_headings_are_word_heading_styles_in_the_issue_order(project):
    headings = [(p.style.name, p.text.replace("\n", " ")) for p in document(project).paragraphs
                if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "【工作动态】"), ("Heading 2", TITLES[0]),
                        ("Heading 3", "以案为鉴"), ("Heading 2", TITLES[2]),
                        ("Heading 1", "【先进典型】"), ("Heading 2", TITLES[1]),
                        ("Heading 1", "【考核积分】"), ("Heading 2", "2024年3月宣传考核积分")]


def test_a_headline_breaks_between_words_as_in_the_pdf(project):
    assert headline_lines("刑侦大队破获系列盗窃电动车案 追回被盗车辆27辆") == \
        ["刑侦大队破获系列盗窃电动车案", "追回被盗车辆27辆"]
    assert headline_lines("市公安局举行英模表彰暨三月“最美之星”发布活动") == \
        ["市公安局举行英模表彰暨三月“最美之星”", "发布活动"]
    [heading] = [p for p in document(project).paragraphs if p.text.startswith("城关派出所")
                 and p.style.name == "Heading 2"]
    assert heading.text == "城关派出所开展反诈宣传进社区活动\n筑牢群众“防骗墙”"  # a w:br


def test_the_contents_gives_each_title_its_page_as_a_field_word_updates_on_open(project):
    doc = document(project)
    assert 'w:updateFields w:val="true"' in doc.settings.element.xml
    toc = [p for p in doc.paragraphs if p.style.name.startswith("toc")]
    assert [p.text for p in toc] == ["工作动态", f"{TITLES[0]}\t", f"{TITLES[2]}\t", "先进典型",
                                     f"{TITLES[1]}\t", "考核积分", "2024年3月宣传考核积分\t"]
    refs = [re.search(r"PAGEREF (\S+)", p._p.xml).group(1) for p in toc if p.style.name == "toc 2"]
    marks = {m.get(docx.oxml.ns.qn("w:name")): "".join(p.text) for p in doc.paragraphs
             for m in p._p.iter(docx.oxml.ns.qn("w:bookmarkStart"))}
    assert [marks[ref].replace("\n", " ") for ref in refs] == \
        [TITLES[0], TITLES[2], TITLES[1], "2024年3月宣传考核积分"]  # each to its headline


def test_body_text_has_a_two_character_first_line_indent_and_the_issue_faces(project):
    doc = document(project)
    normal = doc.styles["Normal"]
    assert 'w:firstLineChars="200"' in normal.element.xml
    faces = project_docx_job(load_project(project),
                             plan_issue(load_project(project), 2024, 3)).faces
    fonts = normal.element.find(".//" + docx.oxml.ns.qn("w:rFonts"))
    assert fonts.get(docx.oxml.ns.qn("w:eastAsia")) == fonts.get(docx.oxml.ns.qn("w:ascii")) \
        == faces.body
    [lead] = [p for p in doc.paragraphs if p.text.startswith("本报讯 3月5日")]
    assert lead.style.name == "Normal"


def test_images_are_embedded_with_their_caption_and_credit_under_them(project):
    doc = document(project)
    assert len(doc.inline_shapes) == 1
    paragraphs = doc.paragraphs
    [at] = [n for n, p in enumerate(paragraphs) if p._p.xml.count("<pic:pic") == 1]
    assert paragraphs[at + 1].style.name == "Caption" and paragraphs[at + 1].text == CAPTION


def test_figure_card_list_quote_and_tables(project):
    doc = document(project)
    lines = texts(doc)
    assert "张三" in lines and "荣誉：个人三等功" in lines  # the figure card, a table
    assert "·\u2002严守纪律；" in lines
    [quote] = [p for p in doc.paragraphs if p.text.startswith("民警代表")]
    assert quote.style.name == "Quote"
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert [c for c in cells if c in ("项目", "数量", "案例", "3")] == ["项目", "数量", "案例", "3"]
    scores = next(t for t in doc.tables if t.rows[0].cells[0].text == "名次")
    assert scores.rows[0].cells[-1].text == "累计总分" and len(scores.rows) == 4  # 3 units


def test_the_banji_closes_the_document_with_its_rules_and_copies(project):
    lines = [t for t in texts(document(project)) if t]
    assert lines[-5:] == ["报：市委政法委。", "送：市公安局党委。", "发：各派出所。",
                          "测试市整顿办\t2024年3月31日印发", "（共印45份）"]
    banji = document(project).tables[-1]._tbl.xml
    assert 'w:tblpYSpec="bottom"' in banji and banji.count('w:val="single"') == 5


def test_the_mark_is_on_intranet_issues_only_and_internal_entries_stay_out(project):
    intranet, public = texts(document(project)), texts(document(project, public=True))
    assert intranet[0] == "内部资料\u3000注意保存"
    assert not any("内部资料" in t for t in public)
    assert TITLES[2] in public and TITLES[0] not in public and TITLES[1] not in public
    assert not any(t == "名次" for t in public)  # scores_public is off


def test_two_builds_give_the_same_bytes_wherever_the_project_lies(project, tmp_path):
    copy = tmp_path / "elsewhere"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("output", ".cache"))
    loaded = load_project(copy)
    issue = plan_issue(loaded, 2024, 3, events=project_events(loaded))
    write_docx(loaded, project_docx_job(loaded, issue), copy / "again.docx")
    assert (copy / "again.docx").read_bytes() == (project / "output/pdf/2024-03.docx").read_bytes()
    props = document(project).core_properties
    assert (props.created.date().isoformat(), props.author) == ("2024-03-31", "测试市整顿办")


def pdf_paragraph_text(pdf: Path) -> str:
    """The PDF's text after the 目录, without page numbers and white space."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    text = re.sub(r"—\s*\d+\s*—", "", text)
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_lays_out_the_same_paragraphs_as_the_pdf(project, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(project / "output/pdf/2024-03.docx")],
                   capture_output=True, timeout=120, check=True)
    word, printed = (pdf_paragraph_text(tmp_path / "2024-03.pdf"),
                     pdf_paragraph_text(project / "output/pdf/2024-03.pdf"))
    contents = subprocess.run(["pdftotext", "-l", "1", str(tmp_path / "2024-03.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert re.search(re.escape(TITLES[0]) + r"[·.]+2\s", contents)  # its page, laid out
    doc = document(project)
    after_toc = [re.sub(r"\s+", "", p.text) for p in doc.paragraphs
                 if not p.style.name.startswith("toc")]
    after_toc = after_toc[after_toc.index("【工作动态】"):]
    paragraphs = [p.removeprefix("·") for p in after_toc if p]  # the PDF draws list markers
    paragraphs += ["报：市委政法委。", "（共印45份）"]
    for pdf, name in ((word, "LibreOffice"), (printed, "WeasyPrint")):
        pdf = pdf[pdf.index("【工作动态】"):]
        at = 0
        for paragraph in paragraphs:
            found = pdf.find(paragraph, at)
            assert found >= 0, f"{name}: {paragraph!r} not after {pdf[max(at - 40, 0):at]!r}"
            at = found + len(paragraph)


def test_the_pdf_prints_each_caption_with_its_credit_under_its_image(project):
    out = subprocess.run(["pdftohtml", "-xml", "-stdout", "-q",
                          str(project / "output/pdf/2024-03.pdf")],
                         capture_output=True, text=True, check=True).stdout
    pages = ET.fromstring(out).findall("page")
    [(page, image)] = [(p, i) for p in pages for i in p.findall("image")
                       if int(i.get("width")) > 100]
    captions = [t for t in page.findall("text") if "".join(t.itertext()).strip() == CAPTION]
    assert len(captions) == 1, [("".join(t.itertext())) for t in page.findall("text")]
    caption, bottom = captions[0], int(image.get("top")) + int(image.get("height"))
    assert 0 <= int(caption.get("top")) - bottom < 20  # just under it (points at 72 dpi)
    middle = int(image.get("left")) + int(image.get("width")) / 2
    assert abs(int(caption.get("left")) + int(caption.get("width")) / 2 - middle) < 3  # centred


def test_a_failed_print_leaves_the_pdf_and_the_docx_as_they_were(make_project):
    root = make_project(entries={"a.md": entry(date="2024-03-02")})
    assert main(["pdf", "--month", "2024-03", "--project", str(root)]) == 0
    before = {p.name: p.stat().st_mtime_ns for p in (root / "output/pdf").iterdir()}
    assert sorted(before) == ["2024-03.docx", "2024-03.pdf"]
    template = (Path(__file__).parents[2] / "templates/newsletter.html").read_text("utf-8")
    write(root / "templates/newsletter.html",  # the PDF fails, the Word file would not
          template.replace("<body>", '<body><img src="http://example.com/x.png">', 1))
    (root / "content/a.md").write_text(entry(title="改过的标题", date="2024-03-02"), "utf-8")
    assert main(["pdf", "--month", "2024-03", "--project", str(root)]) == 1
    assert {p.name: p.stat().st_mtime_ns for p in (root / "output/pdf").iterdir()} == before


def test_the_style_ids_set_directly_are_those_of_the_styles_named():
    from site_builder.newsletter.docx_body import STYLE_IDS
    from site_builder.newsletter.docx_styles import set_up_styles
    from site_builder.newsletter.fonts import Faces

    doc = docx.Document()
    set_up_styles(doc, Faces("甲", "乙", "丙", "丁"))
    assert {name: doc.styles[name].style_id for name in STYLE_IDS} == STYLE_IDS


def test_the_cover_caption_is_a_caption_paragraph_after_the_cover_picture(tmp_path):
    caption = "交管大队民警在车管服务大厅听取群众意见（摄影 李明远）"
    root = tmp_path / "cover"
    write(root / "site.yaml", yaml.safe_dump(SITE, allow_unicode=True, sort_keys=False))
    write(root / "content/2024-03/a.md", entry(f"![{CAPTION}](photo.png)\n\n本报讯 正文。",
                                               date="2024-03-05", cover="cover.png",
                                               cover_caption=caption))
    write(root / "content/2024-03/b.md", entry("本报讯 正文。", title="没有图片说明的封面",
                                               date="2024-03-06", cover="cover.png"))
    write(root / "content/2024-03/cover.png", photo())
    write(root / "content/2024-03/photo.png", photo())
    loaded = load_project(root)
    write_docx(loaded, project_docx_job(loaded, plan_issue(loaded, 2024, 3)), root / "i.docx")
    paragraphs = docx.Document(str(root / "i.docx")).paragraphs
    pictures = [n for n, p in enumerate(paragraphs) if "<pic:pic" in p._p.xml]
    assert len(pictures) == 3  # a's cover and body image, b's cover
    cover, image, bare = (paragraphs[n] for n in pictures)
    after = paragraphs[pictures[0] + 1]
    assert (after.style.name, after.text) == ("Caption", caption)  # as a body image's
    assert paragraphs[pictures[1] + 1].style.name == "Caption"
    assert cover.style.name == image.style.name == bare.style.name == "Figure"
    assert cover.paragraph_format.keep_with_next  # never parted from its caption
    assert paragraphs[pictures[2] + 1].style.name != "Caption"  # no caption given: none
