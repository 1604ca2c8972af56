"""The Word 简报's page and styles, after newsletter.css: A4 with the PDF's margins
(mirrored), page numbers in the outside corner, and the paragraph styles the body is set
in — each naming its face for Latin and East Asian text alike (w:eastAsia)."""

from __future__ import annotations

from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.shared import Mm, Pt, RGBColor

from .docx_body import TYPE_WIDTH_MM, qn
from .fonts import Faces

BODY_LINE = Pt(28.9)  # 22 lines on the 225 mm type area (GB/T 9704)


def page_setup(document) -> None:
    """A4, type area 156 × 225 mm: top 37, bottom 35, inside 28, outside 26 mm (mirrored, as
    the PDF's left and right pages); page numbers 「— N —」 in the outside corner."""
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    settings = document.settings.element
    for name in ("mirrorMargins", "evenAndOddHeaders"):
        flag = OxmlElement(f"w:{name}")
        settings.insert(_settings_index(settings, name), flag)
    update = OxmlElement("w:updateFields")  # the 目录's page numbers: Word updates them on open
    update.set(qn("w:val"), "true")
    settings.insert(_settings_index(settings, "updateFields"), update)
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    section.even_page_footer.is_linked_to_previous = False
    page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


# CT_Settings' children in schema order, up to the ones set here
_SETTINGS_ORDER = ("writeProtection", "view", "zoom", "removePersonalInformation",
                   "removeDateAndTime", "doNotDisplayPageBoundaries", "displayBackgroundShape",
                   "printPostScriptOverText", "printFractionalCharacterWidth", "printFormsData",
                   "embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts",
                   "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
                   "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop",
                   "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
                   "proofState", "formsDesign", "attachedTemplate", "linkStyles",
                   "stylePaneFormatFilter", "stylePaneSortMethod", "documentType",
                   "mailMerge", "revisionView", "trackRevisions", "doNotTrackMoves",
                   "doNotTrackFormatting", "documentProtection", "autoFormatOverride",
                   "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
                   "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps",
                   "showEnvelope", "summaryLength", "clickAndTypeStyle",
                   "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting",
                   "bookFoldPrinting", "bookFoldPrintingSheets",
                   "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
                   "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
                   "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
                   "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
                   "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
                   "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
                   "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent",
                   "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
                   "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt",
                   "showXMLTags", "alwaysMergeEmptyNamespace", "updateFields")


def _settings_index(settings, name: str) -> int:
    """Where w:`name` goes among the settings' children (the schema's order matters to Word)."""
    later = set(_SETTINGS_ORDER[_SETTINGS_ORDER.index(name) + 1:])
    for index, child in enumerate(settings):
        local = child.tag.split("}")[-1]
        if local in later or local not in _SETTINGS_ORDER:
            return index
    return len(settings)


def page_number(p, alignment) -> None:
    p.alignment = alignment
    p.paragraph_format.first_line_indent = Pt(0)
    indent = Pt(14)  # one character in from the type area's edge, as the PDF
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = indent
    else:
        p.paragraph_format.left_indent = indent
    p.add_run("— ")
    field(p, "PAGE", "1")
    p.add_run(" —")


def field(p, code: str, shown: str) -> None:
    """A field: begin, its code, separate, its last result `shown`, end."""
    field_part(p, "begin")
    instruction(p, code)
    field_part(p, "separate")
    p.add_run(shown)
    field_part(p, "end")


def set_up_styles(document, faces: Faces) -> None:
    """The styles the 简报 is set in, after newsletter.css; fonts named for Latin and East
    Asian text alike, the theme's fonts (and their Japanese fallback) replaced."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, faces.body)
    for lang in rpr.iter(qn("w:lang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = styles["Normal"]
    _style(normal, faces.body, 16)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, BODY_LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = True
    first_line_chars(normal, 200, Pt(32))  # 2 characters (3号: 16 pt each)
    _no_auto_space(normal.element.get_or_add_pPr())

    section_label = _style(styles["Heading 1"], faces.sans, 16)
    _spacing(section_label, before=Mm(8), after=Mm(2), line=BODY_LINE)
    title = _style(styles["Heading 2"], faces.title, 22, bold=True)
    _spacing(title, before=Mm(4), after=Mm(3), line=Pt(22 * 1.45))
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = _style(styles["Heading 3"], faces.sans, 16)
    _spacing(sub, before=Pt(0), after=Pt(0), line=BODY_LINE)
    first_line_chars(sub, 200, Pt(32))
    for style in (section_label, title):
        first_line_chars(style, 0, Pt(0))
    for style in (section_label, title, sub):
        style.paragraph_format.keep_with_next = True

    caption = _style(styles["Caption"], faces.kai, 12)
    _spacing(caption, before=Pt(0), after=Mm(3), line=Pt(18))
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first_line_chars(caption, 0, Pt(0))
    figure = _add(styles, "Figure", "Normal")
    _spacing(figure, before=Mm(3), after=Mm(1.5), line=None)
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first_line_chars(figure, 0, Pt(0))

    quote = _style(styles["Quote"], faces.kai, 16, italic=False)
    quote.base_style = normal
    quote.paragraph_format.left_indent = quote.paragraph_format.right_indent = Pt(32)
    first_line_chars(quote, 200, Pt(32))
    listed = _style(styles["List Paragraph"], faces.body, 16)
    first_line_chars(listed, 0, Pt(0))
    listed.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    byline = _add(styles, "Byline", "Normal", faces.kai, 16)
    byline.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(byline, before=Pt(0), after=Mm(4), line=BODY_LINE)
    byline.paragraph_format.keep_with_next = True
    first_line_chars(byline, 0, Pt(0))
    cell = _add(styles, "Table Text", "Normal", faces.body, 12)
    _spacing(cell, before=Pt(0), after=Pt(0), line=Pt(18))
    cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first_line_chars(cell, 0, Pt(0))
    gap = _add(styles, "Table Gap", "Normal", faces.body, 8)
    _spacing(gap, before=Pt(0), after=Pt(0), line=Pt(10))
    note = _add(styles, "Footnote Text", "Normal", faces.body, 12)
    _spacing(note, before=Pt(0), after=Pt(0), line=Pt(19))
    first_line_chars(note, 0, Pt(0))
    card = _add(styles, "Figure Card", "Normal", faces.body, 14)
    _spacing(card, before=Pt(0), after=Pt(0), line=Pt(22))
    first_line_chars(card, 0, Pt(0))
    card.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    banji_style = _add(styles, "Banji", "Normal", faces.body, 14)
    _spacing(banji_style, before=Pt(0), after=Pt(0), line=Pt(19))
    first_line_chars(banji_style, 0, Pt(0))
    banji_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    toc1 = _add(styles, "toc 1", "Normal", faces.sans, 14)
    toc2 = _add(styles, "toc 2", "Normal", faces.body, 14)
    for style in (toc1, toc2):
        _spacing(style, before=Pt(0), after=Pt(0), line=Pt(24))
        first_line_chars(style, 0, Pt(0))
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _spacing(toc1, before=Mm(2), after=Pt(0), line=Pt(24))
    toc2.paragraph_format.left_indent = Pt(28)
    toc2.paragraph_format.tab_stops.add_tab_stop(Mm(TYPE_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT,
                                                 _dots())
    footer = _style(styles["Footer"], faces.title, 14)
    first_line_chars(footer, 0, Pt(0))


# CT_PPrBase's children from w:overflowPunct on, in schema order
_PPR_TAIL = ("overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
             "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
             "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
             "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr",
             "pPrChange")


def _no_auto_space(ppr) -> None:
    """No extra space between Chinese and Latin letters or digits (Word's default adds a
    quarter em: 「第 3 期」「2024 年」; the PDF and GB/T 9704 set 「第3期」), and no
    punctuation hanging past the right edge: every line inside the type area, as the PDF's.
    (LibreOffice 7.4 honours neither flag.)"""
    for name in ("overflowPunct", "autoSpaceDE", "autoSpaceDN"):
        flag = OxmlElement(f"w:{name}")
        flag.set(qn("w:val"), "0")
        later = _PPR_TAIL[_PPR_TAIL.index(name) + 1:]
        anchor = next((child for child in ppr if child.tag.split("}")[-1] in later), None)
        if anchor is not None:
            anchor.addprevious(flag)
        else:
            ppr.append(flag)


def _dots():
    from docx.enum.text import WD_TAB_LEADER

    return WD_TAB_LEADER.MIDDLE_DOT


def _add(styles, name: str, base: str, face: str | None = None, size: float | None = None):
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    if face is not None and size is not None:
        _style(style, face, size)
    return style


def _style(style, face: str, size: float, bold: bool = False, italic: bool | None = None):
    """The style's face (all scripts) and size, black, not bold unless `bold`."""
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    if italic is not None:
        font.italic = italic
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    _fonts(rpr, face)
    for name in ("szCs",):
        for old in rpr.findall(qn(f"w:{name}")):
            rpr.remove(old)
    return style


def _fonts(rpr, face: str) -> None:
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), face)
    rpr.insert(0, fonts)


def _spacing(style, before, after, line) -> None:
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = before, after
    if line is not None:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, line
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE


def first_line_chars(style_or_paragraph, chars: int, fallback) -> None:
    """A first-line indent in characters (w:firstLineChars, 100 = one character), so that it
    stays two characters when the editor changes the size; `fallback` for other readers."""
    style_or_paragraph.paragraph_format.first_line_indent = fallback
    ppr = style_or_paragraph.element.get_or_add_pPr() if hasattr(style_or_paragraph, "type") \
        else style_or_paragraph._p.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars))


def field_part(p, kind: str, dirty: bool = False) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    p.add_run()._r.append(char)


def instruction(p, text: str) -> None:
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {text} "
    p.add_run()._r.append(code)
