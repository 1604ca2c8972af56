"""site-builder import: Word files made here with python-docx become review entries."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from PIL import Image

from site_builder.cli import main
from site_builder.config import load_config
from site_builder.importer import import_docx
from site_builder.importer.html_md import parse_html, render_blocks
from site_builder.importer.images import ImageFailure, prepare_image

DAY = dt.date(2024, 4, 1)


def photo(size=(3000, 1500), fmt="JPEG", gps=True) -> io.BytesIO:
    """A phone-like photo: large, with camera and GPS EXIF."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif.get_ifd(0x8825)[2] = (25.0, 2.0, 30.0)  # GPSLatitude
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    out.seek(0)
    return out


def make_docx(path: Path, *, title="城关派出所开展反诈宣传进社区活动", heading=False,
              credit="（通讯员：张三 李四）", body=("\u3000\u30003月12日，城关派出所民警走进社区，"
                                                  "开展反诈宣传。",), created=dt.datetime(2023, 5, 1),
              image=None, caption="图为民警向群众讲解防骗知识（摄影 王五）", extra=None) -> Path:
    d = docx.Document()
    d.core_properties.created = created
    if heading:
        d.add_heading(title, level=1)
    else:
        p = d.add_paragraph()
        p.add_run(title).bold = True
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if credit:
        d.add_paragraph(credit)
    for text in body:
        d.add_paragraph(text)
    if image is not None:
        d.add_picture(image)
        if caption:
            d.add_paragraph(caption)
    if extra:
        extra(d)
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(path)
    return path


def full_piece(d) -> None:
    d.add_paragraph("")
    d.add_heading("一、宣传进社区", level=2)
    p = d.add_paragraph("民警")
    p.add_run("重点").bold = True
    p.add_run("讲解")
    p.add_run("刷单诈骗").italic = True
    p.add_run("等手法。*原样*保留")
    d.add_paragraph("不轻信", style="List Bullet")
    d.add_paragraph("不转账", style="List Bullet")
    table = d.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "项目", (0, 1): "数量", (1, 0): "宣传单", (1, 1): "300份"}.items():
        table.cell(r, c).text = text


def front_and_body(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def run_import(root: Path, *args: str) -> int:
    return main(["import", *args, "--project", str(root)])


@pytest.fixture
def project(make_project, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", DAY.isoformat())
    return make_project()


def only_entry(root: Path) -> Path:
    [path] = (root / "content").rglob("*.md")
    return path


def test_front_matter_from_a_briefing(project, tmp_path):
    source = make_docx(tmp_path / "来稿.docx", extra=full_piece)
    assert run_import(project, str(source)) == 0
    path = only_entry(project)
    front, body = front_and_body(path)
    assert path.relative_to(project / "content").as_posix() == \
        "2023-03/cheng-guan-pai-chu-suo-kai-zhan-fan-zha-xuan-chuan-jin-she-qu-huo-dong.md"
    assert front == {"title": "城关派出所开展反诈宣传进社区活动", "date": dt.date(2023, 3, 12),
                     "type": "briefing", "department": "城关派出所", "authors": ["张三", "李四"],
                     "status": "review"}
    assert "通讯员" not in body and "城关派出所开展反诈宣传进社区活动" not in body


def test_body_becomes_markdown(project, tmp_path):
    run_import(project, str(make_docx(tmp_path / "a.docx", extra=full_piece)))
    _, body = front_and_body(only_entry(project))
    assert body == (
        "\n3月12日，城关派出所民警走进社区，开展反诈宣传。\n\n"
        "## 一、宣传进社区\n\n"
        "民警**重点**讲解*刷单诈骗*等手法。\\*原样\\*保留\n\n"
        "- 不轻信\n- 不转账\n\n"
        "| 项目 | 数量 |\n| --- | --- |\n| 宣传单 | 300份 |\n")


def test_image_is_scaled_stripped_and_captioned(project, tmp_path):
    source = make_docx(tmp_path / "a.docx", image=photo())
    assert Image.open(photo()).getexif()  # the test photo does carry EXIF
    run_import(project, str(source))
    entry = only_entry(project)
    [saved] = (entry.parent / "images").iterdir()
    assert saved.name == entry.stem + "-1.jpg"
    with Image.open(saved) as image:
        assert image.size == (2000, 1000)
        assert not image.getexif() and "exif" not in image.info
    _, body = front_and_body(entry)
    assert f"![图为民警向群众讲解防骗知识（摄影 王五）](images/{saved.name})" in body
    assert body.count("图为") == 1  # the caption paragraph is gone


def test_max_side_and_png_kept_as_png(project, tmp_path):
    source = make_docx(tmp_path / "a.docx", image=photo((800, 1200), "PNG"), caption="")
    run_import(project, str(source), "--max-side", "600")
    [saved] = (only_entry(project).parent / "images").iterdir()
    with Image.open(saved) as image:
        assert (saved.suffix, image.size) == (".png", (400, 600))
        assert not image.getexif()


def test_image_without_caption_is_named_as_still_to_fill(project, tmp_path, capsys):
    run_import(project, str(make_docx(tmp_path / "a.docx", image=photo(gps=False), caption="")))
    assert "1 张图片的说明" in capsys.readouterr().out
    assert "待补：1 张图片的说明" in only_entry(project).read_text(encoding="utf-8")


def test_imported_entry_passes_check(project, tmp_path, capsys):
    run_import(project, str(make_docx(tmp_path / "a.docx", extra=full_piece, image=photo())))
    capsys.readouterr()
    assert main(["check", "--project", str(project)]) == 0
    assert "检查通过" in capsys.readouterr().out


def test_without_a_department_check_warns_only(project, tmp_path, capsys):
    source = make_docx(tmp_path / "a.docx", title="开展反诈宣传", credit="通讯员 张三",
                       body=("3月12日，民警走进社区。",))
    assert run_import(project, str(source)) == 0
    out = capsys.readouterr().out
    assert "待补：department" in out
    assert main(["check", "--project", str(project), "--format", "json"]) == 0
    codes = {(p["code"], p["level"]) for p in json.loads(capsys.readouterr().out)}
    assert codes == {("missing-key", "warning")}


def test_department_from_an_alias_in_the_title(project, tmp_path):
    source = make_docx(tmp_path / "a.docx", title="交警大队开展夜查行动", credit="文/张三 图/李四")
    run_import(project, str(source))
    front, body = front_and_body(only_entry(project))
    assert (front["department"], front["authors"]) == ("交管大队", ["张三", "李四"])
    assert "文/" not in body


def test_heading_title_and_file_name_department(project, tmp_path):
    source = make_docx(tmp_path / "刑侦大队-来稿.docx", title="破获一起电诈案件", heading=True,
                       credit=None)
    run_import(project, str(source))
    front, body = front_and_body(only_entry(project))
    assert (front["title"], front["department"], front["authors"]) == ("破获一起电诈案件", "刑侦大队", [])
    assert "破获一起电诈案件" not in body


def test_model_figure_from_the_title(project, tmp_path):
    source = make_docx(tmp_path / "a.docx", title="张卫国：扎根社区的“老片警”", credit="通讯员 李四",
                       body=("城关派出所社区民警张卫国在社区工作二十年。",))
    run_import(project, str(source))
    front, _ = front_and_body(only_entry(project))
    assert front["type"] == "model-figure"
    assert front["figure"] == {"name": "张卫国", "unit": "城关派出所", "title": "社区民警", "honors": []}


def test_model_figure_from_a_subtitle(project, tmp_path):
    source = make_docx(tmp_path / "a.docx", title="守护万家灯火", credit=None,
                       body=("——记刑侦大队民警王强", "他从警十年。"))
    run_import(project, str(source))
    front, _ = front_and_body(only_entry(project))
    assert (front["type"], front["figure"]["name"], front["department"]) == \
        ("model-figure", "王强", "刑侦大队")


def test_overrides(project, tmp_path):
    source = make_docx(tmp_path / "a.docx")
    assert run_import(project, str(source), "--department", "xingzhen", "--type", "work-summary",
                      "--date", "2024-02-03") == 0
    front, _ = front_and_body(only_entry(project))
    assert (front["department"], front["type"], front["date"]) == \
        ("刑侦大队", "work-summary", dt.date(2024, 2, 3))


def test_unknown_override_is_a_usage_error(project, tmp_path, capsys):
    source = make_docx(tmp_path / "a.docx")
    assert run_import(project, str(source), "--department", "交通队") == 2
    assert "未登记的单位「交通队」" in capsys.readouterr().err
    assert not list((project / "content").rglob("*.md"))


def test_date_from_the_document_properties_then_the_clock(project, tmp_path):
    no_date = ("民警走进社区。",)
    source = make_docx(tmp_path / "a.docx", title="甲", body=no_date, created=dt.datetime(2024, 2, 9))
    config = load_config(project)
    assert import_docx(source, config, DAY).date == dt.date(2024, 2, 9)
    bare = tmp_path / "b.docx"
    with zipfile.ZipFile(make_docx(tmp_path / "b0.docx", title="乙", body=("民警走访商户。",))) as zin, \
            zipfile.ZipFile(bare, "w") as zout:
        for item in zin.infolist():
            if item.filename != "docProps/core.xml":
                zout.writestr(item, zin.read(item))
    done = import_docx(bare, config, DAY)
    assert done.date == DAY and any(t.startswith("date") for t in done.to_fill)


def test_never_overwrites(project, tmp_path, capsys):
    assert run_import(project, str(make_docx(tmp_path / "a.docx"))) == 0
    path = only_entry(project)
    path.write_text(path.read_text(encoding="utf-8") + "编辑改过。\n", encoding="utf-8")
    before = path.read_bytes()
    other = make_docx(tmp_path / "b.docx", body=("3月12日，另一篇同题稿件。",))  # the same title
    assert run_import(project, str(other)) == 1
    assert "已存在，未覆盖" in capsys.readouterr().err
    assert path.read_bytes() == before


@pytest.mark.parametrize(("name", "data", "message"), [
    ("旧稿.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "另存为"),
    ("稿件.wps", b"anything", "WPS"),
    ("加密.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "加密"),
    ("坏.docx", b"PK\x03\x04 not really a zip", "已损坏"),
    ("空.docx", b"", "空的"),
    ("说明.txt", "正文".encode(), "不是 Word 文档"),
    ("表格.docx", None, "缺少正文"),  # a zip, but no Word document (an .xlsx renamed)
])
def test_bad_files_are_refused_in_chinese(project, tmp_path, capsys, name, data, message):
    bad = tmp_path / name
    if data is None:
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
    else:
        bad.write_bytes(data)
    assert run_import(project, str(bad)) == 1
    err = capsys.readouterr().err
    assert name in err and message in err and "Traceback" not in err
    assert not list((project / "content").rglob("*.*"))


def test_a_folder_imports_every_docx_and_goes_on_past_a_broken_one(project, tmp_path, capsys):
    inbox = tmp_path / "来稿"
    make_docx(inbox / "1.docx", title="城关派出所开展夜巡")
    make_docx(inbox / "2.docx", title="刑侦大队开展练兵", body=("3月5日，刑侦大队开展实战练兵。",))
    (inbox / "3.docx").write_bytes(b"broken")
    (inbox / "~$1.docx").write_bytes(b"lock")  # Word's lock file: left alone
    assert run_import(project, str(inbox)) == 1
    out, err = capsys.readouterr()
    assert len(list((project / "content").rglob("*.md"))) == 2
    assert "3.docx" in err and "~$" not in err + out
    assert "共 3 个文件：导入 2 篇" in out


def test_review_lints_run_on_the_new_entry(project, tmp_path, capsys):
    source = make_docx(tmp_path / "a.docx", body=("3月12日，群众张某（电话13812345678）报警。",))
    run_import(project, str(source))
    assert "pii-mobile" in capsys.readouterr().out


def test_an_unreadable_image_is_reported_and_left_out(project, tmp_path, capsys):
    made = make_docx(tmp_path / "a0.docx", image=photo(gps=False))
    source = tmp_path / "a.docx"
    with zipfile.ZipFile(made) as zin, zipfile.ZipFile(source, "w") as zout:
        for item in zin.infolist():  # the photo's bytes broken, its content type kept
            broken = item.filename.startswith("word/media/")
            zout.writestr(item, b"not a jpeg" if broken else zin.read(item))
    assert run_import(project, str(source)) == 0
    assert "第 1 张图片未导入：无法识别的图片（image/jpeg）" in capsys.readouterr().out
    entry = only_entry(project)
    assert "![" not in entry.read_text(encoding="utf-8")
    assert not (entry.parent / "images").exists()


def test_emf_is_reported():
    with pytest.raises(ImageFailure, match="EMF"):
        prepare_image(b"\x01\0\0\0", "image/x-emf")


def test_footnotes_become_markdown_footnotes():
    # mammoth's HTML for a footnote (python-docx cannot write one)
    html = ('<p>依法处理<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup>。</p>'
            '<ol><li id="footnote-1"><p> 见《治安管理处罚法》 <a href="#footnote-ref-1">↑</a></p></li></ol>')
    assert render_blocks(parse_html(html)) == "依法处理[^1]。\n\n[^1]: 见《治安管理处罚法》\n"


def test_a_photo_credit_under_the_last_photo_is_its_caption_not_an_author(project, tmp_path):
    source = make_docx(tmp_path / "a.docx", credit="通讯员 张三", image=photo(gps=False),
                       caption="（摄影 王五）")
    run_import(project, str(source))
    front, body = front_and_body(only_entry(project))
    assert front["authors"] == ["张三"]
    assert "![（摄影 王五）](images/" in body


def test_subtitle_after_the_credit_line(project, tmp_path):
    source = make_docx(tmp_path / "a.docx", title="守护一方平安", credit="（通讯员：李四）",
                       body=("——记交管大队民警周海明", "每天早上7点，他准时出现在路口。"))
    run_import(project, str(source))
    front, _ = front_and_body(only_entry(project))
    assert (front["type"], front["figure"]["name"], front["authors"]) == \
        ("model-figure", "周海明", ["李四"])


def test_approved_import_builds_a_page_with_the_captioned_photo(project, tmp_path, capsys):
    run_import(project, str(make_docx(tmp_path / "a.docx", image=photo(gps=False))))
    entry = only_entry(project)
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "status: review", "status: approved\nreviewer: 王建华"), encoding="utf-8")
    assert main(["build", "--no-pdf", "--project", str(project)]) == 0
    [page] = (project / "output" / "site").rglob(entry.stem + ".html")
    html = page.read_text(encoding="utf-8")
    assert "<figcaption>图为民警向群众讲解防骗知识（摄影 王五）</figcaption>" in html
    [image] = (project / "output" / "site").rglob(entry.stem + "-1.jpg")
    assert image.stat().st_size > 0


def test_the_same_submission_again_is_refused_naming_its_entry(project, tmp_path, capsys):
    first = make_docx(tmp_path / "a.docx", title="城关派出所开展夜巡")
    again = make_docx(tmp_path / "改了标题.docx", title="城关派出所深夜巡逻守平安")
    assert run_import(project, str(first)) == 0
    entry = only_entry(project)
    assert run_import(project, str(again)) == 1
    assert f"已导入过，在 content/{entry.parent.name}/{entry.name}" in capsys.readouterr().err
    assert only_entry(project) == entry


def test_force_replaces_the_entry(project, tmp_path, capsys):
    source = make_docx(tmp_path / "a.docx", image=photo(gps=False))
    run_import(project, str(source))
    entry = only_entry(project)
    entry.write_text("编辑改坏了", encoding="utf-8")
    assert run_import(project, str(source)) == 1
    assert run_import(project, str(source), "--force") == 0
    assert entry.read_text(encoding="utf-8").startswith("---\n# 由 site-builder import")
    assert not list(project.rglob("*.importing"))  # no temporary file left behind


def with_footnote(source: Path, target: Path, note: str) -> Path:
    """`source` with a real Word footnote after its last paragraph's text (python-docx
    cannot write footnotes): word/footnotes.xml, its relationship and content type."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {w}>'
                 '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
                 '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
                 '<w:continuationSeparator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r>'
                 f'<w:t xml:space="preserve"> {note}'
                 '</w:t></w:r></w:p></w:footnote></w:footnotes>')
    reference = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                at = text.rindex("</w:p>")
                data = (text[:at] + reference + text[at:]).encode("utf-8")
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdFn1" Type="http://'
                                    b'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                    b'footnotes" Target="footnotes.xml"/></Relationships>')
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.wordprocessingml.'
                                    b'footnotes+xml"/></Types>')
            zout.writestr(item, data)
        zout.writestr("word/footnotes.xml", footnotes)
    return target


def test_a_word_footnote_becomes_a_markdown_footnote(project, tmp_path, capsys):
    plain = make_docx(tmp_path / "a0.docx", body=("3月12日，依法予以处罚。",))
    source = with_footnote(plain, tmp_path / "a.docx", "依据《治安管理处罚法》第四十九条")
    assert run_import(project, str(source)) == 0
    _, body = front_and_body(only_entry(project))
    assert body == "\n3月12日，依法予以处罚。[^1]\n\n[^1]: 依据《治安管理处罚法》第四十九条\n"
    capsys.readouterr()
    assert main(["check", "--project", str(project)]) == 0


@pytest.mark.parametrize(("line", "authors"), [
    ("（城关派出所 通讯员 张三）", ["张三"]),
    ("通讯员：城关派出所 张三、李四", ["张三", "李四"]),
    ("文／张三　摄影／李四", ["张三", "李四"]),
])
def test_a_credit_line_naming_the_unit(project, tmp_path, line, authors):
    source = make_docx(tmp_path / "a.docx", title="开展夜间巡逻", credit=line,
                       body=("3月12日晚，民警开展巡逻。",))
    run_import(project, str(source))
    front, body = front_and_body(only_entry(project))
    assert front["authors"] == authors
    assert front["department"] == ("城关派出所" if "城关" in line else None)
    assert "摄影" not in body and "通讯员" not in body


def test_authors_from_the_byline_inside_the_lead(project, tmp_path):
    lead = "本报讯（交警大队 通讯员 张三 李四）3月12日，大队开展夜查。"
    run_import(project, str(make_docx(tmp_path / "a.docx", title="开展夜查", credit=None, body=(lead,))))
    front, body = front_and_body(only_entry(project))
    assert (front["authors"], front["department"]) == (["张三", "李四"], "交管大队")
    assert lead in body  # the genre keeps its byline in the lead


def test_word_title_style_is_the_title(project, tmp_path):
    def titled(d):
        d.paragraphs[0]._p.getparent().remove(d.paragraphs[0]._p)  # the bold first line out
        d.paragraphs[0].insert_paragraph_before("刑侦大队破获系列盗窃案", style="Title")
    run_import(project, str(make_docx(tmp_path / "a.docx", credit=None, extra=titled)))
    front, body = front_and_body(only_entry(project))
    assert front["title"] == "刑侦大队破获系列盗窃案" and "盗窃案" not in body


def test_a_document_with_only_a_title_is_refused(project, tmp_path, capsys):
    assert run_import(project, str(make_docx(tmp_path / "a.docx", credit=None, body=("", "\u3000")))) == 1
    assert "没有正文" in capsys.readouterr().err
    assert not list((project / "content").rglob("*.*"))


def test_a_title_yaml_would_misread_survives(project, tmp_path, capsys):
    title = '- "老兵"的坚守: #1 记民警张三'
    run_import(project, str(make_docx(tmp_path / "a.docx", title=title)))
    front, _ = front_and_body(only_entry(project))
    assert front["title"] == title
    capsys.readouterr()
    assert main(["check", "--project", str(project)]) == 0


def test_a_centred_first_line_not_bold_is_the_title(project, tmp_path):
    def centred(d):
        first = d.paragraphs[0]
        for run in first.runs:
            run.bold = False
    run_import(project, str(make_docx(tmp_path / "a.docx", title="城关派出所召开警示教育会", extra=centred)))
    front, body = front_and_body(only_entry(project))
    assert front["title"] == "城关派出所召开警示教育会" and "警示教育会" not in body


def test_a_plain_first_paragraph_is_no_title(project, tmp_path):
    def plain(d):
        first = d.paragraphs[0]
        first.alignment = None
        for run in first.runs:
            run.bold = False
    run_import(project, str(make_docx(tmp_path / "开展夜巡.docx", title="3月12日，民警开展夜巡。",
                                      credit=None, body=("群众纷纷点赞。",), extra=plain)))
    front, body = front_and_body(only_entry(project))
    assert front["title"] == "开展夜巡" and "民警开展夜巡" in body


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def two_photos(d) -> None:
    for n in (1, 2):
        d.add_picture(photo(size=(300, 200), gps=False))
        d.add_paragraph(f"图为第{n}张照片")


def test_force_under_a_new_title_removes_the_earlier_entry_and_its_images(project, tmp_path, capsys):
    first = make_docx(tmp_path / "a.docx", title="城关派出所开展夜巡", extra=two_photos)
    assert run_import(project, str(first)) == 0
    old = only_entry(project)
    assert len(list((old.parent / "images").iterdir())) == 2
    retitled = make_docx(tmp_path / "b.docx", title="城关派出所深夜巡逻守平安", extra=two_photos)
    assert run_import(project, str(retitled), "--force") == 0
    out = capsys.readouterr().out
    new = only_entry(project)  # the earlier one is gone
    assert new != old and front_and_body(new)[0]["title"] == "城关派出所深夜巡逻守平安"
    assert sorted(p.name for p in (new.parent / "images").iterdir()) == \
        [f"{new.stem}-1.jpg", f"{new.stem}-2.jpg"]
    assert f"已替换先前导入的：{old}、{old.parent / 'images' / (old.stem + '-1.jpg')}" in out
    assert not [p for p in project.rglob(".*") if p.is_file()]


def test_force_with_fewer_pictures_leaves_no_old_picture(project, tmp_path):
    assert run_import(project, str(make_docx(tmp_path / "a.docx", extra=two_photos))) == 0
    entry = only_entry(project)
    one = make_docx(tmp_path / "b.docx", image=photo(size=(300, 200), gps=False))
    assert run_import(project, str(one), "--force") == 0
    assert only_entry(project) == entry
    assert [p.name for p in (entry.parent / "images").iterdir()] == [f"{entry.stem}-1.jpg"]
    assert f"images/{entry.stem}-1.jpg" in entry.read_text(encoding="utf-8")


def test_force_failing_midway_leaves_everything_as_it_was(project, tmp_path, capsys, monkeypatch):
    import site_builder.importer as importer

    assert run_import(project, str(make_docx(tmp_path / "a.docx", title="城关派出所开展夜巡",
                                             extra=two_photos))) == 0
    before = tree(project)
    real, calls = os.replace, []

    def failing(source, target):  # the disk fills up at the fourth move
        calls.append(target)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(importer.os, "replace", failing)
    again = make_docx(tmp_path / "b.docx", title="城关派出所深夜巡逻守平安", extra=two_photos)
    assert run_import(project, str(again), "--force") == 1
    assert "未写入任何文件" in capsys.readouterr().err
    assert len(calls) > 4  # the moves aside were undone
    assert tree(project) == before


def test_model_figure_prefills_post_and_honours(project, tmp_path):
    source = make_docx(tmp_path / "a.docx", title="守护万家灯火", credit="通讯员 李四", body=(
        "——记城关派出所社区民警张卫国",
        "3月5日，记者见到张卫国时，他正在走访辖区群众。",
        "从警二十年，张卫国先后荣立个人三等功2次，荣获“全国优秀人民警察”“云岭市十佳民警”称号，"
        "2023年被评为全省优秀共产党员。",
        "城关派出所被评为全国优秀公安基层单位。",  # the unit's honour, not his
    ))
    run_import(project, str(source))
    front, _ = front_and_body(only_entry(project))
    assert front["type"] == "model-figure"
    assert front["figure"] == {"name": "张卫国", "unit": "城关派出所", "title": "社区民警",
                               "honors": ["个人三等功", "全国优秀人民警察", "云岭市十佳民警",
                                          "全省优秀共产党员"]}
    assert "figure（" not in only_entry(project).read_text(encoding="utf-8")  # nothing to fill in


def test_model_figure_without_honours_names_what_to_fill(project, tmp_path, capsys):
    source = make_docx(tmp_path / "a.docx", title="张卫国：扎根社区的“老片警”", credit="通讯员 李四",
                       body=("3月5日，张卫国走访辖区群众。",))
    run_import(project, str(source))
    assert "figure（先进典型人物的单位、职务、荣誉）" in capsys.readouterr().out
