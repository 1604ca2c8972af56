""".docx bytes → mammoth's HTML, the embedded images and the document's dates; a file that
is no readable .docx is refused with a sentence for the editor (ImportFailure)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

OLD_FORMATS = {".doc": "Word 97–2003 文档（.doc）", ".wps": "WPS 文档（.wps）",
               ".rtf": "RTF 文档", ".odt": "OpenDocument 文档（.odt）"}
SAVE_AS = "请在 Word/WPS 中打开，「另存为」Word 文档（.docx）后再导入"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .doc, .wps, or an encrypted .docx
_CORE_DATE = re.compile(r"<dcterms:(created|modified)[^>]*>\s*(\d{4})-(\d{2})-(\d{2})")


# mammoth knows Heading 1–6; Word's 「标题」 style (Title) is the piece's title, and editors
# who work in a Chinese WPS may meet localised style names.
STYLE_MAP = "\n".join([
    "p[style-name='Title'] => h1:fresh",
    "p[style-name='标题'] => h1:fresh",
    "p[style-name='Subtitle'] => p:fresh",
    *(f"p[style-name='标题 {n}'] => h{n}:fresh" for n in range(1, 7)),
])


class ImportFailure(Exception):
    """A file that cannot be imported; str() is the editor's message (without the file)."""


@dataclass(frozen=True, slots=True)
class Embedded:
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Document:
    html: str
    images: tuple[Embedded, ...]  # in order; the HTML's <img src="image:N"> is images[N]
    created: dt.date | None
    modified: dt.date | None
    warnings: tuple[str, ...]  # mammoth's messages, e.g. styles it did not recognise
    first_centred: bool = False  # the first paragraph with text is centred (a title's look)


def read_docx(path: Path, raw: bytes, converted: bool = False) -> Document:
    """The document in `raw`: the .docx at `path`, or (`converted`) what LibreOffice made
    of an old format."""
    suffix = path.suffix.lower()
    if suffix in OLD_FORMATS and not converted:
        raise ImportFailure(f"这是{OLD_FORMATS[suffix]}，不是 .docx。{SAVE_AS}")
    if suffix != ".docx" and not converted:
        raise ImportFailure(f"不是 Word 文档（.docx），无法导入。{SAVE_AS}")
    if not raw:
        raise ImportFailure("文件是空的（0 字节），可能没有保存完整或复制中断，请重新获取原件")
    if raw.startswith(OLE):
        raise ImportFailure("文件设置了打开密码（已加密），或其实是旧版 .doc 文档；"
                            "请去掉密码后" + SAVE_AS.removeprefix("请"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = set(archive.namelist())
        core = archive.read("docProps/core.xml").decode("utf-8", "replace") \
            if "docProps/core.xml" in names else ""
        body_xml = archive.read("word/document.xml") if "word/document.xml" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as err:
        raise ImportFailure("文件已损坏，无法打开（不是完整的 .docx）；请让供稿人重新发送原件") from err
    if "word/document.xml" not in names:
        raise ImportFailure("文件不是 Word 文档（缺少正文 word/document.xml），可能是改了扩展名的"
                            "其他文件")
    import mammoth

    images: list[Embedded] = []

    def keep_image(image) -> dict[str, str]:
        with image.open() as stream:
            images.append(Embedded(image.content_type or "", stream.read()))
        return {"src": f"image:{len(images) - 1}"}

    try:
        result = mammoth.convert_to_html(io.BytesIO(raw), style_map=STYLE_MAP,
                                         convert_image=mammoth.images.img_element(keep_image))
    except Exception as err:  # mammoth raises whatever its XML reader meets
        raise ImportFailure(f"文件已损坏，无法读取正文（{type(err).__name__}）；"
                            "请在 Word/WPS 中打开检查后另存一份") from err
    dates = {kind: _date(*parts) for kind, *parts in _CORE_DATE.findall(core)}
    return Document(result.value, tuple(images), dates.get("created"), dates.get("modified"),
                    tuple(m.message for m in result.messages), _first_centred(body_xml))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _first_centred(document_xml: bytes) -> bool:
    """Whether the body's first paragraph with text is centred — the one thing mammoth's
    HTML does not tell (a title in 方正小标宋 is centred, often not bold)."""
    import xml.etree.ElementTree as ET

    try:
        body = ET.fromstring(document_xml).find(f"{_W}body")
    except ET.ParseError:
        return False
    for paragraph in body.iter(f"{_W}p") if body is not None else ():
        if not "".join(t.text or "" for t in paragraph.iter(f"{_W}t")).strip():
            continue
        jc = paragraph.find(f"{_W}pPr/{_W}jc")
        return jc is not None and jc.get(f"{_W}val") in ("center", "centre")
    return False


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
