"""import of old Word/WPS files and EMF/WMF pictures, with the LibreOffice the setup installs
(`soffice`): .doc files are made here from python-docx files by LibreOffice itself, EMF
pictures are written here record by record."""

from __future__ import annotations

import io
import struct
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from test_importer import DAY, front_and_body, make_docx, only_entry, run_import

from site_builder.cli import main
from site_builder.importer import ImportFailure, office
from site_builder.pipeline import build
from site_builder.project import load_project


@pytest.fixture
def project(make_project, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", DAY.isoformat())
    return make_project()


needs_soffice = pytest.mark.skipif(office.find_soffice() is None, reason="LibreOffice (soffice) 未安装")


def emf(width: int = 200, height: int = 100, colour: int = 0x0000FF) -> bytes:
    """A minimal valid EMF: a header, a solid brush selected, a filled rectangle, the end.
    `colour` is a COLORREF (0x00BBGGRR: 0x0000FF is red)."""
    records = [
        struct.pack("<IIIIII", 39, 24, 1, 0, colour, 0),  # EMR_CREATEBRUSHINDIRECT, handle 1
        struct.pack("<III", 37, 12, 1),  # EMR_SELECTOBJECT
        struct.pack("<II4i", 43, 24, 0, 0, width, height),  # EMR_RECTANGLE
        struct.pack("<IIIII", 14, 20, 0, 16, 20),  # EMR_EOF
    ]
    body = b"".join(records)
    size = 108
    header = struct.pack("<II4i4iIIIIHHIIIiiii", 1, size, 0, 0, width, height, 0, 0,
                         width * 26, height * 26, 0x464D4520, 0x10000, size + len(body),
                         len(records) + 1, 2, 0, 0, 0, 0, 1024, 768, 270, 203)
    header += struct.pack("<IIIii", 0, 0, 0, 270000, 203000)  # no pixel format; micrometres
    return header + body


def wmf(width: int = 200, height: int = 100, colour: int = 0xFF0000) -> bytes:
    """A minimal placeable WMF: a solid brush, a filled rectangle (0xFF0000 is blue)."""
    records = [struct.pack("<IHHIH", 7, 0x02FC, 0, colour, 0),  # META_CREATEBRUSHINDIRECT
               struct.pack("<IHH", 4, 0x012D, 0),  # META_SELECTOBJECT
               struct.pack("<IHhh", 5, 0x020B, 0, 0),  # META_SETWINDOWORG
               struct.pack("<IHhh", 5, 0x020C, height, width),  # META_SETWINDOWEXT
               struct.pack("<IHhhhh", 7, 0x041B, height, width, 0, 0),  # META_RECTANGLE
               struct.pack("<IH", 3, 0)]  # META_EOF
    body = b"".join(records)
    header = struct.pack("<HHHIHIH", 1, 9, 0x0300, (18 + len(body)) // 2, 1, 7, 0)
    placeable = struct.pack("<IHhhhhHI", 0x9AC6CDD7, 0, 0, 0, width, height, 96, 0)
    checksum = 0
    for (word,) in struct.iter_unpack("<H", placeable):
        checksum ^= word
    return placeable + struct.pack("<H", checksum) + header + body


VECTOR_TYPES = {"emf": "image/x-emf", "wmf": "image/x-wmf"}


def with_vector_pictures(source: Path, target: Path, pictures: list[bytes | tuple[str, bytes]]) -> Path:
    """`source` (python-docx pasted PNGs into it) with its pictures replaced, in order, by
    `pictures` saved as EMF (or ("wmf", data)) — as Word stores a pasted chart or drawing."""
    given = [p if isinstance(p, tuple) else ("emf", p) for p in pictures]
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        media = sorted(n for n in zin.namelist() if n.startswith("word/media/"))
        renamed = {name.rsplit("/", 1)[1]: name.rsplit("/", 1)[1].rsplit(".", 1)[0] + "." + kind
                   for name, (kind, _) in zip(media, given, strict=True)}
        for item in zin.infolist():
            data = zin.read(item)
            name = item.filename
            if name in media:
                _, data = given[media.index(name)]
                name = "word/media/" + renamed[name.rsplit("/", 1)[1]]
            elif name == "word/_rels/document.xml.rels":
                for old, new in renamed.items():
                    data = data.replace(f"media/{old}".encode(), f"media/{new}".encode())
            elif name == "[Content_Types].xml":
                data = data.replace(b"</Types>", "".join(
                    f'<Default Extension="{k}" ContentType="{v}"/>' for k, v in VECTOR_TYPES.items()
                ).encode() + b"</Types>")
            zout.writestr(name, data)
    return target


def png(colour=(30, 90, 200)) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(out, "PNG")
    out.seek(0)
    return out


def two_pictures(d, third: bool = False) -> None:
    d.add_paragraph("3月12日，城关派出所绘制辖区警情分布示意图。")
    d.add_picture(png())
    d.add_paragraph("图为辖区警情分布示意图")
    d.add_paragraph("第二张图。")
    d.add_picture(png((0, 0, 0)))
    if third:
        d.add_paragraph("第三张图。")
        d.add_picture(png((0, 90, 0)))


def to_doc(sources: list[Path], folder: Path) -> None:
    """Word 97–2003 .doc files of `sources`, saved by LibreOffice in one run."""
    profile = (folder / "profile").as_uri()
    subprocess.run([office.find_soffice(), f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "doc:MS Word 97", "--outdir", str(folder),
                    *map(str, sources)], check=True, capture_output=True, timeout=120)


@needs_soffice
def test_doc_and_wps_are_converted_and_imported(project, tmp_path, capsys):
    made = tmp_path / "made"
    first = make_docx(made / "夜巡.docx", title="城关派出所开展夜间巡逻",
                      body=("3月14日晚，城关派出所组织民警开展夜间巡逻。",))
    second = make_docx(made / "练兵.docx", title="刑侦大队开展实战练兵", credit="文/王强 图/赵六",
                       body=("3月20日，刑侦大队在训练基地开展实战练兵。",))
    to_doc([first, second], made)
    inbox = tmp_path / "来稿"
    inbox.mkdir()
    (made / "夜巡.doc").rename(inbox / "夜巡.doc")
    # WPS saves old-format files as Word 97 compound files under .wps.
    (made / "练兵.doc").rename(inbox / "练兵.wps")
    assert run_import(project, str(inbox)) == 0
    out = capsys.readouterr().out
    assert out.count("已用 LibreOffice 转换为 .docx") == 2
    entries = sorted((project / "content").rglob("*.md"))
    fronts = {front_and_body(p)[0]["title"]: (p, *front_and_body(p)) for p in entries}
    _, front, body = fronts["城关派出所开展夜间巡逻"]
    assert (front["department"], str(front["date"]), front["authors"]) == \
        ("城关派出所", "2023-03-14", ["张三", "李四"])
    assert body.strip() == "3月14日晚，城关派出所组织民警开展夜间巡逻。"
    _, front, body = fronts["刑侦大队开展实战练兵"]
    assert (front["department"], front["authors"]) == ("刑侦大队", ["王强", "赵六"])
    assert "实战练兵" in body
    assert not list(project.rglob(".*.importing"))


def test_without_libreoffice_an_old_file_asks_for_docx(project, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    old = tmp_path / "旧稿.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    assert run_import(project, str(old)) == 1
    err = capsys.readouterr().err
    assert "旧稿.doc" in err and "未安装 LibreOffice" in err and "请在 Word/WPS 中另存为 .docx" in err
    assert not list((project / "content").rglob("*.*"))


def test_a_wps_that_is_no_office_file_is_refused(project, tmp_path, capsys):
    bad = tmp_path / "稿件.wps"
    bad.write_text("这是一段纯文本", encoding="utf-8")
    assert run_import(project, str(bad)) == 1
    err = capsys.readouterr().err
    assert "稿件.wps" in err and "不是有效的WPS 文档（.wps）" in err


def test_a_docx_renamed_doc_is_read_as_it_is(project, tmp_path, monkeypatch):
    monkeypatch.setattr(office, "find_soffice", lambda: None)  # no conversion needed
    renamed = make_docx(tmp_path / "a.docx").rename(tmp_path / "改名.doc")
    assert run_import(project, str(renamed)) == 0
    assert front_and_body(only_entry(project))[0]["title"] == "城关派出所开展反诈宣传进社区活动"


@needs_soffice
def test_emf_pictures_become_png_or_are_named_for_the_editor(project, tmp_path, capsys,
                                                             monkeypatch):
    scratch = tmp_path / "scratch"  # LibreOffice's working folder goes afterwards
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    made = make_docx(tmp_path / "made.docx", title="城关派出所绘制警情图", body=(),
                     extra=lambda d: two_pictures(d, third=True))
    # The second "EMF" is no picture LibreOffice can draw; the third is a WMF.
    source = with_vector_pictures(made, tmp_path / "警情图.docx",
                                  [emf(), b"\x01\0\0\0" + b"\0" * 80, ("wmf", wmf())])
    assert run_import(project, str(source)) == 0
    out = capsys.readouterr().out
    entry = only_entry(project)
    stem = entry.stem
    _, body = front_and_body(entry)
    assert f"![图为辖区警情分布示意图](images/{stem}-1.png)" in body
    assert f"![](images/{stem}-2.png)" in body  # its place kept: `check` names the file to save
    converted = entry.parent / "images" / f"{stem}-1.png"
    with Image.open(converted) as image:
        assert image.format == "PNG" and min(image.size) > 50
        assert image.convert("RGB").getpixel((image.width // 2, image.height // 2)) == (255, 0, 0)
    assert not (entry.parent / "images" / f"{stem}-2.png").exists()
    with Image.open(entry.parent / "images" / f"{stem}-3.png") as image:  # the WMF
        assert image.convert("RGB").getpixel((image.width // 2, image.height // 2)) == (0, 0, 255)
    assert f"![](images/{stem}-3.png)" in body
    assert not list(scratch.iterdir())
    assert f"第 2 张图片是 EMF 矢量图，LibreOffice 无法绘制这张图：请在 Word/WPS 中右键该图「另存为图片」" \
        f"（PNG），保存为 content/{entry.parent.name}/images/{stem}-2.png" in out
    main(["check", "--project", str(project)])  # the check finding, a warning while in review
    found = capsys.readouterr().out
    assert "警告 [missing-file]" in found and f"images/{stem}-2.png」不存在" in found
    # The preview shows the converted picture and no broken one.
    build(load_project(project), preview=True)
    [page] = (project / "output" / "preview").rglob(f"{stem}.html")
    html = page.read_text(encoding="utf-8")
    assert f"{stem}-1.png" in html and f"{stem}-3.png" in html and f"{stem}-2.png" not in html


def test_without_libreoffice_an_emf_is_reported(project, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    made = make_docx(tmp_path / "made.docx", title="城关派出所绘制警情图", body=(), extra=two_pictures)
    source = with_vector_pictures(made, tmp_path / "警情图.docx", [emf(), emf(colour=0)])
    assert run_import(project, str(source)) == 0
    out = capsys.readouterr().out
    entry = only_entry(project)
    assert "第 1 张图片是 EMF 矢量图，本机未安装 LibreOffice，无法转换" in out
    assert f"2 张矢量图另存为 PNG：images/{entry.stem}-1.png、images/{entry.stem}-2.png" in out
    assert not (entry.parent / "images").exists()


@needs_soffice
def test_a_conversion_past_its_time_is_killed_with_its_children(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "TIMEOUT", 0.3)  # LibreOffice needs ~2 s to start
    source = tmp_path / "旧稿.doc"
    with pytest.raises(ImportFailure, match="超过 0 秒仍未完成，已中止"):
        office.convert_to_docx(source, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    time.sleep(0.2)
    left = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"site-builder-office-" in cmdline.read_bytes():
                left.append(cmdline.parent.name)
        except OSError:
            continue
    assert left == []


def test_force_keeps_the_png_an_editor_saved_for_an_emf(project, tmp_path, monkeypatch):
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    made = make_docx(tmp_path / "made.docx", title="城关派出所绘制警情图", body=(), extra=two_pictures)
    source = with_vector_pictures(made, tmp_path / "警情图.docx", [emf(), emf(colour=0)])
    assert run_import(project, str(source)) == 0
    entry = only_entry(project)
    saved = entry.parent / "images" / f"{entry.stem}-1.png"
    saved.parent.mkdir()
    saved.write_bytes(png().getvalue())  # what the editor saved from Word by hand
    assert run_import(project, str(source), "--force") == 0
    assert saved.read_bytes() == png().getvalue()
