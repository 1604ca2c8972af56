"""The printed 简报: text, fonts, safety.  Uses poppler's pdftotext and pdffonts."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PNG, entry

from site_builder import ContentError, build, load_project
from site_builder.cli import main
from site_builder.newsletter.fonts import FontError, choose_faces
from site_builder.newsletter.pdf import write_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is not installed (.ci/setup installs it)")

NEWSLETTER = {"title": "测试整顿简报", "issuer": "测试市整顿办", "copies": 45,
              "distribution": {"报": ["市委政法委"], "送": ["市公安局党委"], "发": ["各派出所"]}}


@pytest.fixture(scope="module")
def issue_pdf(tmp_path_factory):
    import yaml
    from conftest import SITE, write
    root = tmp_path_factory.mktemp("nl")
    write(root / "site.yaml", yaml.safe_dump({**SITE, "newsletter": NEWSLETTER},
                                             allow_unicode=True))
    write(root / "content/2024-03/a.md", entry("![现场](p.png)\n\n正文第一段。", date="2024-03-05",
                                               title="交管大队召开警示教育大会"))
    write(root / "content/2024-03/p.png", PNG)
    write(root / "content/2024-03/b.md", entry(
        "人物故事正文。", title="最美民警张三", type="model-figure", date="2024-03-08",
        department="刑侦大队", figure={"name": "张三", "unit": "刑侦大队", "honors": ["个人三等功"]},
        adoptions=[{"level": "city", "date": "2024-03-09"}]))
    write(root / "content/2024-02/c.md", entry(title="二月稿件", date="2024-02-05"))
    assert main(["pdf", "--month", "2024-03", "--project", str(root)]) == 0
    return root / "output/pdf/2024-03.pdf"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_pdf_has_masthead_number_titles_and_distribution(issue_pdf):
    text = pdf_text(issue_pdf)
    for needed in ("测试整顿简报", "第2期", "测试市整顿办", "2024年3月31日", "目", "交管大队召开警示教育大会",
                   "最美民警张三", "报：市委政法委", "送：市公安局党委", "发：各派出所", "共印45份",
                   "考核积分", "刑侦大队"):
        assert needed in text, needed
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)  # page numbers
    assert "二月稿件" not in text


def test_pdf_page_count_is_plausible(issue_pdf):
    info = subprocess.run(["pdfinfo", str(issue_pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert 2 <= pages <= 6


def test_cjk_fonts_are_embedded_and_subset(issue_pdf):
    out = subprocess.run(["pdffonts", str(issue_pdf)], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows and any("CJK" in row[0] for row in rows)
    for row in rows:
        assert row[-5:-3] == ["yes", "yes"], row  # emb, sub
        assert "+" in row[0]  # a subset tag such as ABCDEF+Noto-Serif-CJK-SC


def test_a_month_with_nothing_to_print_exits_1(make_project, capsys):
    root = make_project(entries={"a.md": entry(date="2024-03-02")})
    assert main(["pdf", "--month", "2024-04", "--project", str(root)]) == 1
    assert "没有" in capsys.readouterr().err
    assert not (root / "output/pdf").exists()


def test_the_fetcher_refuses_files_outside_the_project(tmp_path):
    project, outside = tmp_path / "project", tmp_path / "outside.png"
    project.mkdir()
    outside.write_bytes(PNG)
    html = f'<p>图</p><img src="{outside.as_uri()}"><img src="http://example.com/x.png">'
    with pytest.raises(ContentError) as err:
        write_pdf(html, project / "out.pdf", lambda path: path.is_relative_to(project), project)
    codes = {p.code for p in err.value.problems}
    assert codes == {"path-outside-project"} and len(err.value.problems) == 2
    assert not (project / "out.pdf").exists()


def test_no_cjk_font_is_a_clear_error_not_a_pdf_of_boxes():
    with pytest.raises(FontError, match="中文字体"):
        choose_faces({}, installed=frozenset())


def test_an_office_font_that_is_not_installed_is_named():
    with pytest.raises(FontError, match="仿宋_GB2312"):
        choose_faces({"body": "仿宋_GB2312"}, installed=frozenset({"Noto Serif CJK SC"}))


def test_faces_prefer_office_fonts_when_installed():
    faces = choose_faces({}, installed=frozenset({"Noto Serif CJK SC", "仿宋_GB2312", "黑体"}))
    assert (faces.title, faces.body, faces.sans) == ("Noto Serif CJK SC", "仿宋_GB2312", "黑体")


def test_build_writes_one_pdf_and_docx_per_month_and_no_pdf_skips_them(make_project):
    root = make_project(entries={"a.md": entry(date="2024-03-02"),
                                 "b.md": entry(title="四月", date="2024-04-02", status="draft")})
    report = build(load_project(root), jobs=1)
    assert report.newsletters == ("2024-03.pdf",)
    both = ["2024-03.docx", "2024-03.pdf"]
    assert sorted(p.name for p in (root / "output/pdf").iterdir()) == both
    (root / "content/c.md").write_text(entry(title="五月", date="2024-05-02"), encoding="utf-8")
    build(load_project(root), pdf=False)
    assert sorted(p.name for p in (root / "output/pdf").iterdir()) == both


def test_the_same_sources_print_the_same_bytes_wherever_the_project_lies(tmp_path):
    """WeasyPrint names an image by its URL: a project file is given as a URL relative to
    the project, so a copy of the project elsewhere prints byte-identical PDFs."""
    import shutil

    from conftest import copy_demo

    from site_builder import build, load_project

    first = copy_demo(tmp_path / "one")
    second = tmp_path / "somewhere" / "else" / "two"
    shutil.copytree(first, second)
    for root in (first, second):
        build(load_project(root), pdf=True, jobs=1)
    names = sorted(p.name for p in (first / "output/pdf").glob("*.pdf"))
    assert names
    for name in names:
        assert (first / "output/pdf" / name).read_bytes() == \
            (second / "output/pdf" / name).read_bytes(), name


COVER_CAPTION = "交管大队民警在车管服务大厅听取群众意见（摄影 李明远）"


def test_the_cover_caption_is_printed_just_under_the_cover_and_centred(make_project):
    import io
    import xml.etree.ElementTree as ET

    from PIL import Image
    from test_layout import pdf_lines

    picture = io.BytesIO()
    Image.new("RGB", (400, 300), (40, 90, 160)).save(picture, "PNG")
    root = make_project(entries={"2024-03/a.md": entry(
        "本报讯 正文第一段。", date="2024-03-05", cover="c.png", cover_caption=COVER_CAPTION)},
        files={"content/2024-03/c.png": picture.getvalue()})
    assert main(["pdf", "--month", "2024-03", "--project", str(root)]) == 0
    pdf = root / "output/pdf/2024-03.pdf"
    lines = pdf_lines(pdf)
    [caption] = [line for line in lines if line.text == COVER_CAPTION.replace(" ", "")]
    [lead] = [line for line in lines if line.text.startswith("本报讯")]
    assert caption.page == lead.page and caption.y < lead.y  # between the cover and the body
    out = subprocess.run(["pdftohtml", "-xml", "-zoom", "1", "-stdout", "-q", str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    [image] = [i for page in ET.fromstring(out).findall("page") for i in page.findall("image")
               if int(page.get("number")) == caption.page and int(i.get("width")) > 100]
    bottom = int(image.get("top")) + int(image.get("height"))
    assert 0 <= caption.y - bottom < 20  # just under it (points)
    middle = int(image.get("left")) + int(image.get("width")) / 2
    words = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(caption.page), "-l",
                            str(caption.page), str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    [line] = [m for m in re.finditer(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', words)
              if abs(float(m.group(1)) - caption.x) < 0.01]
    assert abs((float(line.group(1)) + float(line.group(2))) / 2 - middle) < 3  # centred
