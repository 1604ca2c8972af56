"""Inter-character justification for the 简报, as a small patch over WeasyPrint.

WeasyPrint justifies a line by widening its spaces (U+0020, U+00A0) only, and Chinese has
none, so a `text-align: justify` paragraph of 3号仿宋 kept a ragged right edge: 27 characters of
16 pt leave 10 pt of a 156 mm line unused.  CSS Text 3 asks for inter-character justification
of CJK text (`text-justify: auto` on Han); this does that: a justified line that holds a CJK
character gets the free width spread evenly over the gaps between its characters, as Pango
letter spacing.  No character is inserted, so the PDF's text is the entry's text.

Pango puts half of a character's letter spacing on each side of it and drops the halves at
the ends of a layout, so each text box of the line grows by (its characters − 1) gaps, and
the gaps between the boxes of one line (a bold word, a link) are added by moving the boxes.

The patch touches two WeasyPrint functions and is written against the one release that
pyproject.toml pins; `install()` refuses any other release, so an upgrade shows up as a
failing test (tests/newsletter/test_layout.py) rather than as a silently wrong page.
"""

from __future__ import annotations

import re

WEASYPRINT_VERSION = "70.0"

#: Han ideographs, CJK punctuation, kana, full-width forms: a line holding one is justified
#: between characters.
CJK = re.compile("[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

ZWSP = "\u200b"  # a break opportunity (breakable_quotes): no glyph, no gap

_installed = False


def install() -> None:
    """Patch WeasyPrint (once per process) so that CJK lines justify between characters."""
    global _installed
    if _installed:
        return
    import weasyprint
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise RuntimeError(f"site_builder.newsletter.justify is written for WeasyPrint "
                           f"{WEASYPRINT_VERSION}, not {weasyprint.__version__}")
    spaces_only = inline.justify_line
    set_text = line_break.Layout.set_text

    def justify_line(context, line, extra_width):
        boxes = list(_text_boxes(line))
        if not any(CJK.search(box.text) for box in boxes):
            return spaces_only(context, line, extra_width)
        gaps = sum(len(box.text) - box.text.count(ZWSP) for box in boxes) - 1
        if gaps > 0:
            _spread(context, line, extra_width / gaps, 0, [None])
        return None

    def set_text_with_letter_spacing(self, text, justify=False):
        set_text(self, text, justify)
        spacing = getattr(self, "inter_character", 0)
        if justify and spacing and self.text:
            _letter_space(self, spacing)

    inline.justify_line = justify_line
    line_break.Layout.set_text = set_text_with_letter_spacing
    _installed = True


def _text_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _spread(context, box, spacing: float, x_advance: float, previous: list[bool | None]) -> float:
    """Widen the text boxes under `box` by `spacing` between characters, moving what follows;
    returns the x advance for the boxes after it (WeasyPrint's add_word_spacing, per glyph).
    `previous` holds whether the text box before ended in a spaced character (None: none yet)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout, line_size

    if isinstance(box, boxes.TextBox):
        if not box.text:
            return x_advance
        if previous[0] is not None:
            # the halves Pango drops at the two layouts' edges make the gap between the boxes
            x_advance += spacing / 2 * (previous[0] + (box.text[0] != ZWSP))
        previous[0] = box.text[-1] != ZWSP
        box.position_x += x_advance
        layout = create_layout(box.text, box.style, context, max_width=None,
                               justification_spacing=0)
        layout.inter_character = spacing
        layout.set_text(box.text, justify=True)
        line, _ = layout.get_first_line()
        width, _ = line_size(line, box.style)
        layout.deactivate()
        x_advance += width - box.width
        box.width = width
        box.pango_layout = layout
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
        for child in children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, spacing, x_advance, previous)
        box.width += x_advance - before
    else:  # an atomic inline box (an inline image): moved, not widened
        box.translate(x_advance, 0)
    return x_advance


def _letter_space(layout, spacing: float) -> None:
    """Add `spacing` (points) of Pango letter spacing to every character of the layout but
    zero-width spaces (a break opportunity is not a gap)."""
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    style_spacing = layout.style["letter_spacing"]
    style_spacing = 0 if style_spacing == "normal" else style_spacing
    attrs = pango.pango_layout_get_attributes(layout.layout)
    if attrs == ffi.NULL:
        attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    start = 0
    for run in layout.text.encode().split(ZWSP.encode()):
        if run:
            attr = pango.pango_attr_letter_spacing_new(int((style_spacing + spacing) * TO_UNITS))
            attr.start_index, attr.end_index = start, start + len(run)
            pango.pango_attr_list_change(attrs, attr)
        start += len(run) + len(ZWSP.encode())
    pango.pango_layout_set_attributes(layout.layout, attrs)


# Line breaks around quotation marks.  UAX #14, which Pango follows, forbids a break on
# either side of “ ” ‘ ’ (class QU), so 「…小朋友。”说这话时」 moved 「友。”说」 down whole and
# left a line four characters short, which justification then stretched into visible gaps.
# Chinese typesetting breaks before an opening and after a closing quotation mark (only
# never leaving “ at a line's end or ” at its start); a zero-width space says so to Pango and
# is not extracted as text (pdftotext gives the entry's text unchanged).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff0-9A-Za-z"
_AFTER_CLOSING = re.compile(f"(?:(?<=”)|(?<=[^A-Za-z]’))(?=[{_HAN}“‘《（〔【])")  # not don’t
_BEFORE_OPENING = re.compile(f"(?<=[{_HAN}”’》）〕】，。、；：？！])(?=[“‘])")
_TAG = re.compile(r"(<[^>]*>)")


def breakable_quotes(html: str) -> str:
    """`html` with a zero-width space where a line may break beside a quotation mark
    (in text only, never inside a tag or its attributes)."""
    parts = _TAG.split(html)
    for i in range(0, len(parts), 2):  # the text between tags
        parts[i] = _BEFORE_OPENING.sub("\u200b", _AFTER_CLOSING.sub("\u200b", parts[i]))
    return "".join(parts)
