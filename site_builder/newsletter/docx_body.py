"""An article's print body (sanitised HTML, markup.render_markdown) as Word paragraphs:
paragraphs, headings, lists, quotations, tables, images with their captions, footnotes.

The HTML is what the PDF prints, so the Word file says what the PDF says; the styles it
names (Normal, Heading 3, Caption, Quote, …) are set up by docx.py.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

from .fonts import Faces

TYPE_WIDTH_MM = 156  # the type area (GB/T 9704): A4 less 28 + 26 mm
IMAGE_HEIGHT_MM = 90  # as newsletter.css: .body img { max-height: 90mm }
COVER_HEIGHT_MM = 62  # .cover { max-height: 62mm }

BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
                    "table", "figure", "figcaption", "div", "section", "pre", "hr", "dl", "dt",
                    "dd", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "details",
                    "summary", "article", "aside", "header", "footer", "nav", "address"})


@dataclass
class Writer:
    """Where paragraphs go (the document, or a table cell) and how images are read."""

    container: object  # docx Document or _Cell: has add_paragraph / add_table
    faces: Faces
    picture: Callable[[str], bytes]  # an <img> src → its bytes (PNG, JPEG, GIF, BMP, TIFF)
    in_quote: bool = False
    list_depth: int = 0
    _last: Paragraph | None = field(default=None, repr=False)

    def paragraph(self, style: str = "Normal") -> Paragraph:
        self._last = add_paragraph(self.container, style)
        return self._last


def add_paragraph(container, style: str, text: str = "") -> Paragraph:
    """A paragraph of `style` at the end of `container` (a document or a table cell)."""
    p = container.add_paragraph(text)
    set_style(p, style)
    return p


def set_style(p: Paragraph, style: str) -> None:
    """The paragraph's style by its id (python-docx finds a style by name in a scan of every
    style of the template, twice: most of the time a Word file took to make)."""
    p._p.get_or_add_pPr().style = STYLE_IDS[style]


# The paragraph styles the 简报 uses (docx_styles.set_up_styles): name → id
STYLE_IDS = {"Normal": "Normal", "Heading 1": "Heading1", "Heading 2": "Heading2",
             "Heading 3": "Heading3", "Caption": "Caption", "Quote": "Quote",
             "List Paragraph": "ListParagraph", "Footer": "Footer", "Figure": "Figure",
             "Byline": "Byline", "Table Text": "TableText", "Table Gap": "TableGap",
             "Footnote Text": "FootnoteText", "Figure Card": "FigureCard", "Banji": "Banji",
             "toc 1": "toc1", "toc 2": "toc2"}


def set_run_font(run, face: str) -> None:
    """The run's face for Latin and East Asian text alike (w:eastAsia)."""
    run.font.name = face
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), face)


def write_body(writer: Writer, body_html: str) -> None:
    """Every block of `body_html` as paragraphs (and tables) of the writer's container."""
    if not body_html.strip():
        return
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    blocks(writer, root)


def blocks(writer: Writer, element) -> None:
    """The children of `element`: block elements each as their own paragraph(s); loose
    inline content between them gathered into a paragraph of its own."""
    loose: list = []  # inline nodes (and text) waiting for a paragraph

    def flush() -> None:
        if loose and any(_has_content(n) for n in loose):
            p = writer.paragraph(_text_style(writer))
            for node in loose:
                inline(writer, p, node)
        loose.clear()

    if element.text and element.text.strip():
        loose.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in BLOCKS:
            flush()
            block(writer, child)
        elif tag:
            loose.append(child)
        if child.tail and child.tail.strip():
            loose.append(child.tail)
    flush()


def _has_content(node) -> bool:
    if isinstance(node, str):
        return bool(node.strip())
    return node.tag in ("img", "br") or bool(node.text_content().strip()) \
        or node.find(".//img") is not None


def _text_style(writer: Writer) -> str:
    return "Quote" if writer.in_quote else "Normal"


def block(writer: Writer, element) -> None:
    tag = element.tag
    classes = (element.get("class") or "").split()
    if tag == "p":
        images = element.findall(".//img")
        if images and not (element.text or "").strip() and all(
                not (n.tail or "").strip() and n.tag == "img" for n in element):
            for image in images:  # a paragraph of images only: each a figure
                figure(writer, image, image.get("alt") or "")
            return
        p = writer.paragraph(_text_style(writer))
        inline_children(writer, p, element)
    elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        p = writer.paragraph("Heading 3")
        inline_children(writer, p, element)
    elif tag in ("ul", "ol"):
        writer.list_depth += 1
        number = int(element.get("start") or 1) if tag == "ol" else 0
        for item in element:
            if item.tag != "li":
                continue
            list_item(writer, item, f"{number}." if tag == "ol" else "·")
            number += 1 if tag == "ol" else 0
        writer.list_depth -= 1
    elif tag == "li":
        list_item(writer, element, "·")
    elif tag == "blockquote":
        was, writer.in_quote = writer.in_quote, True
        blocks(writer, element)
        writer.in_quote = was
    elif tag == "table":
        table(writer, element)
    elif tag == "figure":
        image = element.find(".//img")
        caption = element.find(".//figcaption")
        if image is not None:
            figure(writer, image, caption.text_content() if caption is not None else "")
        elif caption is not None:
            caption_paragraph(writer, caption.text_content())
    elif tag == "hr":
        if "footnote" not in classes:
            rule_paragraph(writer.paragraph())
    elif tag == "pre":
        p = writer.paragraph("Normal")
        p.paragraph_format.first_line_indent = Pt(0)
        lines = element.text_content().rstrip("\n").split("\n")
        for n, line in enumerate(lines):
            run = p.add_run(line)
            if n + 1 < len(lines):
                run.add_break()
    elif "footnote" in classes:
        footnotes(writer, element)
    else:  # div, section, dl, details …: their content
        blocks(writer, element)


def inline_children(writer: Writer, p: Paragraph, element) -> None:
    if element.text:
        add_text(p, element.text, {})
    for child in element:
        inline(writer, p, child, {})
        if child.tail:
            add_text(p, child.tail, {})


def inline(writer: Writer, p: Paragraph, node, marks: dict | None = None) -> None:
    """An inline node (or text) as runs of `p`, with the marks of the elements around it."""
    marks = dict(marks or {})
    if isinstance(node, str):
        add_text(p, node, marks)
        return
    tag = node.tag if isinstance(node.tag, str) else ""
    classes = (node.get("class") or "").split()
    if not tag or "footnote-backref" in classes:
        return
    if tag == "br":
        p.add_run().add_break()
        return
    if tag == "img":
        picture_run(writer, p, node.get("src") or "", IMAGE_HEIGHT_MM)
        return
    if tag in ("strong", "b"):
        marks["face"] = writer.faces.sans  # as newsletter.css: strong in 黑体, not bold
    elif tag in ("em", "i", "cite", "dfn"):
        marks["italic"] = True
    elif tag == "sup":
        marks["sup"] = True
    elif tag == "sub":
        marks["sub"] = True
    elif tag in ("del", "s"):
        marks["strike"] = True
    elif tag == "u" or tag == "ins":
        marks["underline"] = True
    if node.text:
        add_text(p, node.text, marks)
    for child in node:
        inline(writer, p, child, marks)
        if child.tail:
            add_text(p, child.tail, marks)


def add_text(p: Paragraph, text: str, marks: dict) -> None:
    text = " ".join(text.split("\n")) if "\n" in text else text
    if not text:
        return
    run = p.add_run(text)
    if marks.get("face"):
        set_run_font(run, marks["face"])
    if marks.get("italic"):
        run.italic = True
    if marks.get("sup"):
        run.font.superscript = True
    if marks.get("sub"):
        run.font.subscript = True
    if marks.get("strike"):
        run.font.strike = True
    if marks.get("underline"):
        run.underline = True


def list_item(writer: Writer, item, marker: str) -> None:
    """A list item as a paragraph with its marker and a hanging indent (no Word numbering:
    a list restarts where the Markdown restarts it, and reads the same in every program)."""
    nested = [child for child in item if child.tag in ("ul", "ol")]
    p = writer.paragraph("List Paragraph")
    p.paragraph_format.left_indent = Pt(16 * (1 + writer.list_depth))
    p.paragraph_format.first_line_indent = Pt(-16)
    p.add_run(f"{marker}\u2002" if marker == "·" else f"{marker}")
    if item.text:
        add_text(p, item.text, {})
    for child in item:
        if child.tag in ("ul", "ol"):
            pass
        elif child.tag == "p":  # a loose list's paragraphs: one after the other
            inline_children(writer, p, child)
        elif isinstance(child.tag, str) and child.tag in BLOCKS:
            block(writer, child)
        else:
            inline(writer, p, child, {})
        if child.tail and child.tail.strip():
            add_text(p, child.tail, {})
    for child in nested:
        block(writer, child)


def figure(writer: Writer, image, caption: str) -> None:
    """An image centred on its own line, its caption (with the photo credit) under it."""
    p = writer.paragraph("Figure")
    picture_run(writer, p, image.get("src") or "", IMAGE_HEIGHT_MM)
    if caption.strip():
        p.paragraph_format.keep_with_next = True
        caption_paragraph(writer, caption.strip())


def caption_paragraph(writer: Writer, caption: str) -> None:
    writer.paragraph("Caption").add_run(caption)


def picture_run(writer: Writer, p: Paragraph, src: str, max_height_mm: float) -> None:
    """The image at its own proportions, no wider than the type area (less a cell's or a
    quotation's indent) and no higher than `max_height_mm`."""
    from docx.image.image import Image

    data = writer.picture(src)
    image = Image.from_blob(data)
    width_mm = TYPE_WIDTH_MM - (32 * 25.4 / 72 * 2 if writer.in_quote else 0)
    if isinstance(writer.container, _Cell):
        width_mm -= 10
    ratio = image.px_height / image.px_width if image.px_width else 1
    natural_mm = image.px_width / (image.horz_dpi or 96) * 25.4
    width = min(width_mm, natural_mm * 2, max_height_mm / ratio) if ratio else width_mm
    p.add_run().add_picture(io.BytesIO(data), width=Mm(width))


def table(writer: Writer, element) -> None:
    rows = [row for row in element.iter("tr")]
    if not rows:
        return
    columns = max(sum(int(c.get("colspan") or 1) for c in row if c.tag in ("th", "td"))
                  for row in rows)
    grid = writer.container.add_table(rows=len(rows), cols=columns)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        c = 0
        for cell_element in row:
            if cell_element.tag not in ("th", "td"):
                continue
            span = int(cell_element.get("colspan") or 1)
            cell = grid.cell(r, c)
            if span > 1 and c + span - 1 < columns:
                cell = cell.merge(grid.cell(r, c + span - 1))
            cell_paragraph = cell.paragraphs[0]
            set_style(cell_paragraph, "Table Text")
            align = (cell_element.get("style") or "").replace(" ", "")
            if "text-align:center" in align:
                cell_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif "text-align:right" in align:
                cell_paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            marks = {"face": writer.faces.sans} if cell_element.tag == "th" else {}
            if cell_element.text:
                add_text(cell_paragraph, cell_element.text, marks)
            for child in cell_element:
                if child.tag == "img":
                    inner = Writer(cell, writer.faces, writer.picture)
                    picture_run(inner, cell_paragraph, child.get("src") or "", 40)
                else:
                    inline(writer, cell_paragraph, child, marks)
                if child.tail:
                    add_text(cell_paragraph, child.tail, marks)
            c += span
    writer.paragraph("Table Gap")  # Word joins two tables that touch; and air below it


def footnotes(writer: Writer, element) -> None:
    """Markdown's footnotes (<div class="footnote"><hr><ol><li>…): small paragraphs under a
    thin rule, numbered as their references are."""
    items = [li for ol in element.iter("ol") for li in ol if li.tag == "li"]
    for n, item in enumerate(items, start=1):
        p = writer.paragraph("Footnote Text")
        if n == 1:
            rule_paragraph(p, top=True, size=4)
        p.add_run(f"{n}．")
        for child in item:
            if child.tag == "p":
                inline_children(writer, p, child)
            else:
                inline(writer, p, child, {})


def rule_paragraph(p: Paragraph, top: bool = False, size: int = 4, color: str = "000000",
                   space: int = 1) -> None:
    """A rule over (top) or under the paragraph: w:pBdr, `size` in eighths of a point."""
    from docx.oxml import OxmlElement

    ppr = p._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # w:pBdr comes before w:shd, w:tabs, w:spacing, w:ind, w:jc … in CT_PPr
        anchor = next((ppr.find(qn(f"w:{name}")) for name in
                       ("shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
                        "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
                        "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
                        "mirrorIndents", "suppressOverlap", "jc", "textDirection",
                        "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
                        "cnfStyle", "rPr", "sectPr", "pPrChange")
                       if ppr.find(qn(f"w:{name}")) is not None), None)
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            ppr.append(borders)
    edge = OxmlElement("w:top" if top else "w:bottom")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", str(space)),
                       ("color", color)):
        edge.set(qn(f"w:{key}"), value)
    borders.append(edge)
