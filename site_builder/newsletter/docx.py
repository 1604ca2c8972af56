"""An Issue → the same 简报 as an editable Word file (python-docx), for the office to edit
after the leader's review and send on through systems that take Word files.

A stage: `issue_docx(job, picture)` is a plain function of a `DocxJob` (everything the
document is made from, and nothing else) and the bytes of the images it names.  A4 with the
PDF's margins (mirrored: 28 mm inside, 26 mm outside), the red masthead, 第N期, issuer and
date over the red rule, 目录 with page fields Word updates on open, articles in real heading
styles (Word's navigation pane), the score table, the 版记 at the foot of the last page.
Two builds of the same job give the same bytes: fixed zip times and member order, document
properties from the issue date.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.shared import Mm, Pt, RGBColor

from ..errors import ContentError, Problem
from ..markup import PRINT_SCHEME
from ..model import Article, NewsletterConfig
from ..project import Project
from .docx_body import (
    COVER_HEIGHT_MM,
    TYPE_WIDTH_MM,
    Writer,
    add_paragraph,
    caption_paragraph,
    picture_run,
    qn,
    rule_paragraph,
    set_run_font,
    set_style,
    write_body,
)
from .docx_styles import field, first_line_chars, page_setup, set_up_styles
from .fonts import Faces
from .headlines import ems, title_words
from .issue import Issue

RED = RGBColor(0xD4, 0x00, 0x00)  # newsletter.css: #d40000
# The 版记's width: the type area less its cells' margins (0.5 em each side) — LibreOffice
# leaves a floating table in the text flow unless it fits so (measured: 151 mm floats to the
# page's foot, 152 mm stays under the last paragraph); Word honours either.
BANJI_WIDTH = Mm(151)


@dataclass(frozen=True, slots=True)
class DocxJob:
    """Everything the Word file is made from (the cache's key is its digest)."""

    issue: Issue
    newsletter: NewsletterConfig
    issuer: str  # newsletter.issuer, else the organisation
    departments: tuple[tuple[str, str], ...]  # id → name
    rules_title: str
    categories: tuple[str, ...]  # the rule book's categories, in order (score table columns)
    faces: Faces


def issue_docx(job: DocxJob, picture: Callable[[str], bytes]) -> bytes:
    """The issue as .docx bytes; `picture` gives an image's bytes from its src (print URL)."""
    from docx import Document

    issue, faces = job.issue, job.faces
    document = Document()
    page_setup(document)
    set_up_styles(document, faces)
    writer = Writer(document, faces, picture)
    masthead(document, job)
    contents(document, job)
    names = dict(job.departments)
    first, titles = True, 0
    for section in issue.sections:
        heading = add_paragraph(document, "Heading 1", f"【{section.label}】")
        if first:
            heading.paragraph_format.page_break_before = True
            first = False
        for entry in section.entries:
            bookmark(article(document, writer, entry, names), titles)
            titles += 1
    if issue.scores is not None:
        bookmark(score_section(document, job, first), titles)
    banji(document, job)
    properties(document, job)
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):  # the template's thumbnail: a blank page
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rid]
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), issue.date)


def masthead(document, job: DocxJob) -> None:
    """内部资料 (intranet issues), the red title, 第N期, issuer and date over the red rule."""
    issue, faces = job.issue, job.faces
    if not issue.public:
        mark = _plain(document)
        _run(mark, "内部资料\u3000注意保存", faces.sans, 16)
        mark.paragraph_format.space_after = Mm(6)
        mark.paragraph_format.line_spacing = Pt(16)
    title = _plain(document, WD_ALIGN_PARAGRAPH.CENTER)
    run = _run(title, job.newsletter.title, faces.title, 42)
    run.bold = True
    run.font.color.rgb = RED
    _letter_spacing(run, 42 * 0.15)
    title.paragraph_format.line_spacing = Pt(42 * 1.25)
    title.paragraph_format.space_after = Mm(4)
    number = _plain(document, WD_ALIGN_PARAGRAPH.CENTER)
    _run(number, f"第{issue.number}期", faces.body, 16)
    number.paragraph_format.space_after = Mm(4)
    meta = _plain(document)
    # the date against the right edge (a right tab: the PDF's 0.5 em padding left out, so
    # that a long issuer still leaves a gap before the date)
    meta.paragraph_format.tab_stops.add_tab_stop(Mm(TYPE_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    _run(meta, job.issuer, faces.body, 16)
    _run(meta, "\t" + cn_date(issue.date), faces.body, 16)
    rule_paragraph(meta, size=16, color="D40000", space=4)  # the red rule: 2 pt
    meta.paragraph_format.space_after = Mm(10)


def _line_break():
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:br"))
    return run


def _plain(document, alignment=WD_ALIGN_PARAGRAPH.LEFT):
    """A paragraph of direct formatting (the masthead: no style an editor would reuse)."""
    p = document.add_paragraph()
    p.alignment = alignment
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    first_line_chars(p, 0, Pt(0))
    return p


def _run(p, text: str, face: str, size: float):
    run = p.add_run(text)
    set_run_font(run, face)
    run.font.size = Pt(size)
    return run


def _letter_spacing(run, points: float) -> None:
    """w:spacing (in twentieths of a point), before w:sz and what follows it in CT_RPr."""
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(round(points * 20)))
    rpr = run._r.get_or_add_rPr()
    later = ("w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd",
             "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish",
             "oMath")
    anchor = next((child for child in rpr if child.tag.split("}")[-1] in later), None)
    if anchor is not None:
        anchor.addprevious(spacing)
    else:
        rpr.append(spacing)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def contents(document, job: DocxJob) -> None:
    """目　录: the section labels and, under them, the titles with their pages — a PAGEREF
    field to each title's bookmark, which Word updates on open (settings: updateFields),
    LibreOffice as it lays the pages out.  (A TOC field would show its last result
    until updated, and LibreOffice never updates one on open: a 目录 without pages.)"""
    heading = _plain(document, WD_ALIGN_PARAGRAPH.CENTER)
    run = _run(heading, "目\u3000录", job.faces.sans, 16)
    _letter_spacing(run, 8)
    heading.paragraph_format.space_after = Mm(3)
    lines: list[tuple[int, str]] = []
    for section in job.issue.sections:
        lines.append((1, section.label))
        lines.extend((2, entry.title) for entry in section.entries)
    if job.issue.scores is not None:
        lines += [(1, "考核积分"), (2, score_title(job.issue))]
    titles = 0
    for level, text in lines:
        p = add_paragraph(document, f"toc {level}")
        p.add_run(text)
        if level == 2:
            p.add_run("\t")
            field(p, f"PAGEREF {toc_bookmark(titles)} \\h", "")
            titles += 1


def toc_bookmark(index: int) -> str:
    """The bookmark of the `index`-th title (0: the first article's), as Word names its own."""
    return f"_Toc{100000001 + index}"


def bookmark(p, index: int) -> None:
    """The whole of paragraph `p` as the bookmark toc_bookmark(index)."""
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(index + 1))
    start.set(qn("w:name"), toc_bookmark(index))
    end.set(qn("w:id"), str(index + 1))
    ppr = p._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        p._p.insert(0, start)
    p._p.append(end)


TITLE_EMS = 20  # a headline line holds 20 characters of 22 pt in the 156 mm type area


def headline_lines(title: str) -> list[str]:
    """The headline in lines that break only between words (headlines.title_words, as the
    PDF's): Word, like WeasyPrint, would break Chinese between any two characters."""
    lines: list[str] = [""]
    for word in title_words(title):
        if word.isspace():
            if lines[-1]:
                lines[-1] += word
            continue
        if lines[-1] and _title_ems(lines[-1] + word) > TITLE_EMS:
            lines[-1] = lines[-1].rstrip()
            lines.append("")
        lines[-1] += word
    return [line.strip() for line in lines if line.strip()]


def _title_ems(text: str) -> float:
    return ems(text) + sum(0.5 for ch in text if ch in "“”‘’")  # full width in a CJK face


def article(document, writer: Writer, entry: Article, names: dict[str, str]):
    """The entry under its headline; returns the headline's paragraph."""
    heading = add_paragraph(document, "Heading 2")
    for n, line in enumerate(headline_lines(entry.title)):
        run = heading.add_run(line)
        if n:
            run._r.addprevious(_line_break())
    byline = names.get(entry.department, entry.department)
    if entry.authors:
        byline += "\u3000通讯员：" + "\u3000".join(entry.authors)
    add_paragraph(document, "Byline", byline)
    if entry.figure is not None:
        figure_card(document, writer.faces, entry)
    if entry.cover_url:
        p = add_paragraph(document, "Figure")
        picture_run(writer, p, entry.cover_url, COVER_HEIGHT_MM)
        if entry.cover_caption:  # under the cover as under a body image (docx_body.figure)
            p.paragraph_format.keep_with_next = True
            caption_paragraph(writer, entry.cover_caption)
    write_body(writer, entry.body_html)
    return heading


def figure_card(document, faces: Faces, entry: Article) -> None:
    """The person portrayed, in a red-ruled box (a one-cell table, as Word draws boxes)."""
    figure = entry.figure
    assert figure is not None
    card = document.add_table(rows=1, cols=1)
    card.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_borders(card, "D40000", 6)
    cell = card.cell(0, 0)
    name = cell.paragraphs[0]
    set_style(name, "Figure Card")
    run = name.add_run(figure.name)
    set_run_font(run, faces.title)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(16), RED
    if figure.unit or figure.title:
        role = "\u3000".join(part for part in (figure.unit, figure.title) if part)
        add_paragraph(cell, "Figure Card", role)
    if figure.honors:
        add_paragraph(cell, "Figure Card", "荣誉：" + "；".join(figure.honors))
    _cell_margins(cell, Mm(2), Mm(4))
    add_paragraph(document, "Table Gap")


def _table_borders(table, color: str, size: int, edges=("top", "left", "bottom", "right",
                                                         "insideH", "insideV")) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in edges:
        line = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", str(size)), ("space", "0"),
                           ("color", color)):
            line.set(qn(f"w:{key}"), value)
        borders.append(line)
    _into_tbl_pr(tbl_pr, borders)


def _cell_margins(cell, vertical, horizontal) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    margins = OxmlElement("w:tcMar")
    for edge, size in (("top", vertical), ("left", horizontal), ("bottom", vertical),
                       ("right", horizontal)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(int(size.twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tc_pr.append(margins)


# CT_TblPr's children in schema order (Word refuses a file with them out of order)
_TBL_PR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                 "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                 "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def _into_tbl_pr(tbl_pr, element) -> None:
    """`element` into the table's properties at its place in the schema's order."""
    name = element.tag.split("}")[-1]
    later = _TBL_PR_ORDER[_TBL_PR_ORDER.index(name) + 1:]
    for old in tbl_pr.findall(qn(f"w:{name}")):
        tbl_pr.remove(old)
    anchor = next((child for child in tbl_pr if child.tag.split("}")[-1] in later), None)
    if anchor is not None:
        anchor.addprevious(element)
    else:
        tbl_pr.append(element)


def _table_cell_margins(table, horizontal) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(int(horizontal.twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _into_tbl_pr(table._tbl.tblPr, margins)


def score_title(issue: Issue) -> str:
    return f"{issue.year}年{issue.month}月宣传考核积分"


def score_section(document, job: DocxJob, first: bool):
    """The month's standings under their title; returns the title's paragraph."""
    issue = job.issue
    scores = issue.scores
    assert scores is not None
    label = add_paragraph(document, "Heading 1", "【考核积分】")
    label.paragraph_format.page_break_before = first
    title = add_paragraph(document, "Heading 2", score_title(issue))
    add_paragraph(document, "Byline", f"依据《{job.rules_title}》，统计至{issue.month}月"
                                      f"{issue.month_end.day}日")
    head = ["名次", "单位", "本月得分", *job.categories, "累计总分"]
    grid = document.add_table(rows=1 + len(scores.standings), cols=len(head))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _table_cell_margins(grid, Mm(1))  # 「本月得分」 on one line in its column, as in the PDF
    rest = (TYPE_WIDTH_MM - 11 - 28) / (len(head) - 2)  # 名次 and 单位 (on one line), the rest
    widths = [Mm(11), Mm(28), *[Mm(rest)] * (len(head) - 2)]
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    rows = [head]
    for standing in scores.standings:
        points = issue.month_points.get(standing.department.id, Decimal(0))
        rows.append([str(standing.rank), standing.department.name,
                     f"{points:+.2f}" if points else "—",
                     *(f"{value:.2f}" for _, value in standing.categories),
                     f"{standing.total:.2f}"])
    for r, (row, texts) in enumerate(zip(grid.rows, rows, strict=True)):
        for c, (cell, text, width) in enumerate(zip(row.cells, texts, widths, strict=True)):
            cell.width = width  # (row.cells once a row: Table.cell scans the whole table)
            face = job.faces.sans if r == 0 or c == len(texts) - 1 else job.faces.body
            _cell_text(cell, text, face, 10)
            if r and c == 1:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    _repeat_header(grid.rows[0])
    note = add_paragraph(document, "Footnote Text",
                         "注：扣分项以满分起算；每一分的来历见内网“考核积分”页面。")
    note.paragraph_format.space_before = Mm(2)
    return title


def _cell_text(cell, text: str, face: str, size: float):
    p = cell.paragraphs[0]
    set_style(p, "Table Text")
    run = p.add_run(text)
    set_run_font(run, face)
    run.font.size = Pt(size)
    return cell


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def banji(document, job: DocxJob) -> None:
    """报/送/发, issuer and 印发 date, 共印N份: a table of rules held to the foot of the last
    page (a floating table anchored to the bottom margin), as GB/T 9704's 版记."""
    newsletter = job.newsletter
    rows: list[tuple[str, str]] = [("dist", f"{kind}：{'，'.join(names)}。")
                                   for kind, names in newsletter.distribution]
    rows.append(("issued", ""))
    if newsletter.copies:
        rows.append(("copies", f"（共印{newsletter.copies}份）"))
    grid = document.add_table(rows=len(rows), cols=1)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = grid._tbl.tblPr
    position = OxmlElement("w:tblpPr")
    for key, value in (("leftFromText", "0"), ("rightFromText", "0"), ("topFromText", "170"),
                       ("bottomFromText", "0"), ("vertAnchor", "margin"),
                       ("horzAnchor", "margin"), ("tblpXSpec", "center"),
                       ("tblpYSpec", "bottom")):
        position.set(qn(f"w:{key}"), value)
    _into_tbl_pr(tbl_pr, position)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    _into_tbl_pr(tbl_pr, overlap)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(BANJI_WIDTH.twips)))
    width.set(qn("w:type"), "dxa")
    _into_tbl_pr(tbl_pr, width)
    grid.columns[0].width = BANJI_WIDTH
    for row in grid.rows:
        row.cells[0].width = BANJI_WIDTH
    for n, ((kind, text), row) in enumerate(zip(rows, grid.rows, strict=True)):
        cell = row.cells[0]
        p = cell.paragraphs[0]
        set_style(p, "Banji")
        top = {"dist": 8 if n == 0 else 6, "issued": 6, "copies": 0}[kind]  # 0.35 / 0.25 mm
        bottom = 8 if kind == "issued" else 0
        _cell_borders(cell, top, bottom)
        _cell_margins(cell, Mm(1), Pt(7))
        if kind == "dist":
            p.paragraph_format.left_indent = Pt(14 * 3)
            p.paragraph_format.first_line_indent = Pt(-14 * 3)
            p.add_run(text)
        elif kind == "issued":
            p.paragraph_format.tab_stops.add_tab_stop(BANJI_WIDTH - Pt(14),
                                                      WD_TAB_ALIGNMENT.RIGHT)
            p.add_run(job.issuer)
            p.add_run(f"\t{cn_date(job.issue.date)}印发")
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.add_run(text)
    anchor = add_paragraph(document, "Table Gap")  # Word anchors a floating table to
    anchor.paragraph_format.line_spacing = Pt(1)  # the paragraph after it


def _cell_borders(cell, top: int, bottom: int) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for edge, size in (("top", top), ("left", 0), ("bottom", bottom), ("right", 0)):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single" if size else "nil")
        if size:
            line.set(qn("w:sz"), str(size))
            line.set(qn("w:space"), "0")
            line.set(qn("w:color"), "000000")
        borders.append(line)
    tc_pr.append(borders)


def properties(document, job: DocxJob) -> None:
    """Document properties from the issue, none from the clock or the machine."""
    issue = job.issue
    core = document.core_properties
    moment = dt.datetime(issue.date.year, issue.date.month, issue.date.day)
    core.title = f"{job.newsletter.title} {issue.year}年第{issue.number}期"
    core.author = core.last_modified_by = job.issuer
    core.created = core.modified = moment
    core.last_printed = moment
    core.revision = 1
    core.subject = core.keywords = core.comments = core.category = ""
    core.identifier = core.language = core.version = core.content_status = ""
    core.language = "zh-CN"


def fixed_zip(data: bytes, day: dt.date) -> bytes:
    """The package again with every member dated `day` and in one order ([Content_Types].xml
    first, as Word writes it): the same document gives the same bytes."""
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml",
                                                         n != "_rels/.rels", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def project_docx_job(project: Project, issue: Issue) -> DocxJob:
    from .pdf import project_faces

    config = project.config
    return DocxJob(issue, config.newsletter, config.newsletter.issuer or config.organization,
                   tuple((d.id, d.name) for d in config.departments), project.rules.title,
                   tuple(c.name for c in project.rules.categories), project_faces(config))


def picture_reader(root: Path, may_read: Callable[[Path], bool],
                   read: set[str]) -> Callable[[str], bytes]:
    """An <img> src of the print body (site-builder: or file: URL) → the image's bytes, in a
    format Word embeds (others converted to PNG); the files read are added to `read`.
    Anything else — a web address, a file the 简报 may not read — is a ContentError, as in
    the PDF."""

    def picture(src: str) -> bytes:
        parts = urlsplit(src)
        path = None
        if parts.scheme in ("file", PRINT_SCHEME):
            name = unquote(parts.path)
            path = (Path(name) if parts.scheme == "file" else root / name).resolve()
        if path is None or not may_read(path) or not path.is_file():
            raise ContentError([Problem(root, None, None, f"简报引用了不能读取的文件：{src}",
                                        "简报只能使用 content/ 中的图片（content/ledger/ 和名称以"
                                        "「.」或「_」开头的除外）和模板文件夹中的文件",
                                        "path-outside-project")])
        read.add(str(path))
        data = path.read_bytes()
        return data if embeddable(data) else as_png(data, path)

    return picture


def embeddable(data: bytes) -> bool:
    from docx.image.exceptions import UnrecognizedImageError
    from docx.image.image import Image

    try:
        Image.from_blob(data)
    except (UnrecognizedImageError, ValueError, IndexError, KeyError):
        return False
    return True


def as_png(data: bytes, path: Path) -> bytes:
    """An image Word does not embed as it is (WebP…) as PNG; one Pillow cannot read (SVG)
    is named to the editor."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.save(out, "PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise ContentError([Problem(path, None, None,
                                    f"简报的 Word 版无法嵌入图片「{path.name}」（格式不受支持）",
                                    "请改用 JPG 或 PNG 格式的图片", "image-format")]) from err


def make_docx(project: Project, job: DocxJob) -> tuple[bytes, tuple[str, ...]]:
    """The issue's Word file and the files read for it (images), as paths."""
    from .pdf import project_may_read

    read: set[str] = set()
    data = issue_docx(job, picture_reader(project.root, project_may_read(project), read))
    return data, tuple(sorted(read))


def write_docx(project: Project, job: DocxJob, target: Path) -> tuple[str, ...]:
    """The issue as a Word file at `target`; return the files read for it (images)."""
    data, read = make_docx(project, job)
    write_file(target, data)
    return read


def write_file(target: Path, data: bytes) -> None:
    """`data` at `target`, written beside it and then renamed: never half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        partial.write_bytes(data)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def renderer_version() -> str:
    from importlib.metadata import version

    return f"python-docx {version('python-docx')}"
