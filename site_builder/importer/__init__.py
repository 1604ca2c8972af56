"""`site-builder import`: a correspondent's Word file (.docx) → an entry with `status: review`.

mammoth turns the .docx into its small, semantic HTML (reader.py); the HTML is parsed
into blocks (html_md.py), from which the front-matter is told (meta.py: title, 通讯员,
department, date, type, captions); the blocks become Markdown; pasted photos are scaled
and lose their EXIF (images.py).  The entry is written to content/YYYY-MM/<pinyin-slug>.md,
its images to content/YYYY-MM/images/<slug>-N.jpg, never over an existing file and never
half: a failure removes what the file had written.  LibreOffice, when installed (office.py),
turns an old .doc/.wps into a .docx first and draws EMF/WMF pictures as PNG.  --force
replaces the earlier import of the same submission (found by the 内容指纹 in its first
comment line), wherever its title put it, with its pictures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import Problem, display_path
from ..model import SiteConfig
from ..slugs import slugify
from .html_md import Node, is_footnote_list, parse_html, render_blocks
from .images import MAX_SIDE, VECTOR, ImageFailure, prepare_image
from .meta import (
    figure_honors,
    figure_name,
    figure_title,
    find_date,
    guess_type,
    match_department,
    take_captions,
    take_credits,
    take_title,
)
from .office import OfficeMissing, convert_to_docx, render_vectors
from .reader import OLD_FORMATS, OLE, Embedded, ImportFailure, read_docx

__all__ = ["ImportFailure", "Imported", "Overrides", "docx_files", "import_docx", "summary",
           "today"]

TODAY_VARIABLE = "SITE_BUILDER_TODAY"  # YYYY-MM-DD: the import's clock, for tests and demos


def today() -> dt.date:
    """The day of the import: $SITE_BUILDER_TODAY when set, else the system's date."""
    given = os.environ.get(TODAY_VARIABLE, "")
    try:
        return dt.date.fromisoformat(given) if given else dt.date.today()
    except ValueError:
        return dt.date.today()


@dataclass(frozen=True, slots=True)
class Overrides:
    """--department (an id), --type, --date: what the editor says instead of the guesses."""
    department: str | None = None
    type: str | None = None
    date: dt.date | None = None
    max_side: int = MAX_SIDE
    force: bool = False  # replace an entry already there, import a submission again


@dataclass(frozen=True, slots=True)
class Imported:
    source: Path
    entry: Path
    title: str
    department: str  # an id, or "" when the editor has to fill it in
    type: str
    date: dt.date
    images: tuple[Path, ...]
    to_fill: tuple[str, ...]  # what the editor still has to fill in, in Chinese
    notes: tuple[str, ...]  # images left out and why
    replaced: tuple[Path, ...] = ()  # an earlier import's files that --force removed
    converted: bool = False  # an old .doc/.wps, turned into a .docx by LibreOffice


def docx_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, a folder's Word files in name order (.docx, and .doc/.wps so that
    they are answered); Word's 「~$…」 lock files and hidden files are left alone."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir()
                          if p.is_file() and p.suffix.lower() in (".docx", ".doc", ".wps")
                          and not p.name.startswith(("~$", ".")))
        else:
            out.append(path)
    return out


def import_docx(source: Path, config: SiteConfig, day: dt.date,
                overrides: Overrides = Overrides()) -> Imported:
    """Import one Word file into the project; raises ImportFailure (nothing written)."""
    try:
        raw = source.read_bytes()
    except FileNotFoundError as err:
        raise ImportFailure("文件不存在") from err
    except IsADirectoryError as err:
        raise ImportFailure("这是文件夹，不是 Word 文档") from err
    except OSError as err:
        raise ImportFailure(f"无法读取文件（{err.strerror or err}）") from err
    converted = source.suffix.lower() in CONVERTED
    if converted:
        raw = _old_format_as_docx(source, raw)
    document = read_docx(source, raw, converted)
    blocks = parse_html(document.html)
    notes = [b for b in blocks if is_footnote_list(b)]
    blocks = [b for b in blocks if not is_footnote_list(b)]

    to_fill: list[str] = []
    title, blocks = take_title(blocks, document.first_centred)
    if not title:
        title = _name_of(source)
        to_fill.append("title（文中没有标题，暂用文件名）")
    mark = content_mark(blocks, document.images)
    earlier = imported_before(config.content_dir, mark)
    if earlier and not overrides.force:
        raise ImportFailure(f"这份稿件已导入过，在 {_rel(earlier[0], config.root)}（正文相同）；"
                            "如需重新导入并覆盖，加 --force")
    captioned, blocks = take_captions(blocks)  # before the credits: 「（摄影 王五）」 under a photo
    authors, credit_lines, blocks = take_credits(blocks)
    first = blocks[0].text() if blocks else ""
    subtitle = first if re.match(r"^[—–－-]{1,2}", first) else ""
    if not any(b.text() or b.images() for b in blocks):
        raise ImportFailure("文档没有正文（除标题外是空的），请确认发来的是定稿")

    index = config.department_index
    # The credit lines name it best, then the title, the file name, and the lead paragraph
    # (「本报讯 3月12日，城关派出所…」).
    lead = next((b.text() for b in blocks if b.tag == "p" and b.text() and b.text() != subtitle), "")
    department = overrides.department or match_department(
        [*credit_lines, title, subtitle, source.stem, lead], index) or ""
    if not department:
        to_fill.append("department（文中未写明供稿单位）")
    year = (document.created or document.modified or day).year
    body_text = "\n".join(b.text() for b in blocks)
    date = overrides.date or find_date(body_text, year) or document.created \
        or document.modified
    if date is None:
        date = day
        to_fill.append("date（文中没有日期，暂用导入当天）")
    entry_type = overrides.type or guess_type(title, subtitle)

    slug = slugify(title) or slugify(source.stem) or "entry"
    folder = config.content_dir / f"{date:%Y-%m}"
    entry_path = folder / f"{slug}.md"
    if entry_path.exists() and not overrides.force:
        raise ImportFailure(f"稿件 {_rel(entry_path, config.root)} 已存在，未覆盖；"
                            "如是另一篇稿件，请先改动其中一篇的标题")

    images: list[tuple[Path, bytes]] = []
    image_notes: list[str] = []
    awaited: list[str] = []  # pictures the editor is to save by hand (an EMF not converted)
    nodes = _image_nodes(blocks)
    rendered, why_not = _vector_renderings(nodes, document.images)
    for node in nodes:
        number = int(node.attrs.get("src", "image:-1").split(":")[1])
        embedded = document.images[number]
        content_type = embedded.content_type
        data, given = (rendered[number], "image/png") if number in rendered \
            else (embedded.data, content_type)
        try:
            prepared = prepare_image(data, given, overrides.max_side)
        except ImageFailure as err:
            if content_type not in VECTOR:
                image_notes.append(f"第 {number + 1} 张图片未导入：{err}")
                node.tag, node.attrs, node.children = "span", {}, []
                continue
            # The entry keeps its place, pointing at the PNG still to be saved: `check`
            # names the missing file (a warning while in review, an error once approved).
            name = f"{slug}-{len(images) + len(awaited) + 1}.png"
            awaited.append(name)
            node.attrs["src"] = f"images/{name}"
            reason = why_not.get(number, "LibreOffice 无法绘制这张图")
            image_notes.append(
                f"第 {number + 1} 张图片是 {VECTOR[content_type]} 矢量图，{reason}："
                f"请在 Word/WPS 中右键该图「另存为图片」（PNG），保存为 "
                f"{_rel(folder / 'images' / name, config.root)}")
            continue
        name = f"{slug}-{len(images) + len(awaited) + 1}{prepared.suffix}"
        target = folder / "images" / name
        if target.exists() and not overrides.force:
            raise ImportFailure(f"图片 {_rel(target, config.root)} 已存在，未覆盖")
        images.append((target, prepared.data))
        node.attrs["src"] = f"images/{name}"
    if awaited:
        to_fill.append(f"{len(awaited)} 张矢量图另存为 PNG：" + "、".join(f"images/{n}" for n in awaited))
    uncaptioned = len(images) - captioned
    if uncaptioned > 0:
        to_fill.append(f"{uncaptioned} 张图片的说明（写在 ![…] 的方括号里）")

    figure = None
    if entry_type == "model-figure":
        name = figure_name(title, subtitle)
        unit = _name(config, department)
        names = [n for n, d in index.items() if d == department] if department else []
        figure = {"name": name, "unit": unit,
                  "title": figure_title([subtitle, title], body_text, name, names),
                  "honors": figure_honors(body_text, name)}
        lacking = [label for label, key in (("姓名", "name"), ("单位", "unit"), ("职务", "title"),
                                            ("荣誉", "honors")) if not figure[key]]
        if lacking:
            to_fill.append("figure（先进典型人物的" + "、".join(lacking) + "）")
    text = _entry_text(source, day, mark, title, date, entry_type, _name(config, department),
                       authors, figure, to_fill, render_blocks(blocks + notes))
    # --force: the earlier import of this submission goes (its entry, wherever its title
    # put it, and its pictures), and so does what stood at this entry's path.
    replaced = [*earlier, *([entry_path] if entry_path.exists() else [])] if overrides.force else []
    # A picture still awaited keeps the PNG an editor may have saved there since.
    written = {path for path, _ in images} | {entry_path} | {folder / "images" / n for n in awaited}
    remove = sorted({old for entry in replaced for old in (entry, *_imported_images(entry))}
                    - written)
    _write_all([*images, (entry_path, text.encode("utf-8"))], replace=overrides.force,
               remove=remove)
    return Imported(source, entry_path, title, department, entry_type, date,
                    tuple(p for p, _ in images), tuple(to_fill), tuple(image_notes),
                    tuple(remove), converted)


CONVERTED = (".doc", ".wps")  # old binary formats LibreOffice turns into .docx


def _old_format_as_docx(source: Path, raw: bytes) -> bytes:
    """A .doc/.wps file as .docx bytes, converted by LibreOffice (a .docx merely renamed
    is taken as it is)."""
    what = OLD_FORMATS[source.suffix.lower()]
    if not raw:
        return raw  # read_docx says it is empty
    if raw.startswith(b"PK\x03\x04"):
        return raw
    # Word 97–2003 and WPS write compound files; Word also saves RTF or HTML as 「.doc」.
    if not (raw.startswith((OLE, b"{\\rtf")) or raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")):
        raise ImportFailure(f"这不是有效的{what}（文件已损坏，或改了扩展名）；"
                            "请在 Word/WPS 中打开检查，另存为 .docx 后再导入")
    try:
        return convert_to_docx(source, raw)
    except OfficeMissing as err:
        raise ImportFailure(f"这是{what}，本机未安装 LibreOffice，无法自动转换："
                            "请在 Word/WPS 中另存为 .docx 后再导入") from err


def _vector_renderings(nodes: list[Node], embedded: tuple[Embedded, ...]
                       ) -> tuple[dict[int, bytes], dict[int, str]]:
    """PNGs of the EMF/WMF pictures among `nodes` (LibreOffice draws them), and for those
    it could not draw, why."""
    numbers = [int(n.attrs["src"].split(":")[1]) for n in nodes]
    vectors = {i: ("." + VECTOR[embedded[i].content_type].lower(), embedded[i].data)
               for i in numbers if embedded[i].content_type in VECTOR}
    if not vectors:
        return {}, {}
    try:
        rendered = render_vectors(vectors)
    except OfficeMissing:
        return {}, dict.fromkeys(vectors, "本机未安装 LibreOffice，无法转换")
    except ImportFailure as err:  # LibreOffice ran past its time
        return {}, dict.fromkeys(vectors, str(err).split("；")[0])
    return rendered, {i: "LibreOffice 无法绘制这张图" for i in vectors if i not in rendered}


def _imported_images(entry: Path) -> list[Path]:
    """The pictures an import saved for `entry`: images/<its name>-N.jpg|png beside it."""
    folder = entry.parent / "images"
    pattern = re.compile(re.escape(entry.stem) + r"-\d+\.(?:jpg|png)")
    try:
        return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name) and p.is_file())
    except OSError:
        return []


def summary(done: Imported, config: SiteConfig, here: Path) -> list[str]:
    """What the editor is told of one imported file (paths shown from `here`)."""
    department = config.department(done.department).name if done.department else "单位待补"
    kind = config.type_labels.get(done.type, done.type)
    lines = [f"✓ {display_path(done.source, here)} → {display_path(done.entry, here)}"
             + ("（已用 LibreOffice 转换为 .docx）" if done.converted else ""),
             f"  「{done.title}」 · {department} · {kind} · {done.date} · 图片 {len(done.images)} 张"]
    if done.to_fill:
        lines.append("  待补：" + "；".join(done.to_fill))
    lines += [f"  注意：{note}" for note in done.notes]
    if done.replaced:
        lines.append("  已替换先前导入的：" + "、".join(display_path(p, here) for p in done.replaced))
    return lines


def _image_nodes(blocks: list[Node]) -> list[Node]:
    return [image for block in blocks for image in block.images()
            if image.attrs.get("src", "").startswith("image:")]


def _name_of(source: Path) -> str:
    """A stand-in title from the file name, spaces and underscores tidied."""
    return re.sub(r"[_\s]+", " ", source.stem).strip() or "未命名稿件"


def _name(config: SiteConfig, department: str) -> str:
    return config.department(department).name if department else ""


def _entry_text(source: Path, day: dt.date, mark: str, title: str, date: dt.date, entry_type: str,
                department: str, authors: list[str], figure: dict | None,
                to_fill: list[str], body: str) -> str:
    data: dict[str, object] = {"title": title, "date": date, "type": entry_type,
                               "department": department or None, "authors": authors,
                               "status": "review"}
    if figure is not None:
        data["figure"] = figure
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                            default_flow_style=None, width=1000)
    dumped = dumped.replace("department: null\n", "department:\n")
    header = (f"# 由 site-builder import 于 {day} 从「{source.name}」导入（{MARK}{mark}），"
              "审核后把 status 改为 approved\n")
    if to_fill:
        header += "# 待补：" + "；".join(to_fill) + "\n"
    return f"---\n{header}{dumped}---\n\n{body}"


def _write_all(files: list[tuple[Path, bytes]], replace: bool = False,
               remove: Iterable[Path] = ()) -> None:
    """Every file or none: each is first written beside its place under a temporary name
    (created exclusively), and only when all are written are they moved into place —
    over an existing file only when `replace` (--force), else never over another.  The
    files in `remove` (an earlier import's) and those replaced are first moved aside, put
    back if anything fails, and deleted only once everything new is in place."""
    staged: list[tuple[Path, Path]] = []
    aside: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.importing")
            with temporary.open("xb") as handle:
                staged.append((temporary, path))
                handle.write(data)
        for _, path in staged:
            if not replace and path.exists():
                raise ImportFailure(f"{path.name} 刚刚被另一个程序创建，未覆盖")
        going = [*remove, *(path for _, path in staged if replace and path.exists())]
        for path in going:
            kept = path.with_name(f".{path.name}.replaced")
            os.replace(path, kept)
            aside.append((kept, path))
        for temporary, path in staged:
            os.replace(temporary, path)
            placed.append(path)
    except BaseException:
        for path in placed:
            path.unlink(missing_ok=True)
        for kept, path in reversed(aside):
            os.replace(kept, path)
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for kept, path in aside:
        kept.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # an earlier import's images/, now empty
            if path.parent.name == "images" and not any(path.parent.iterdir()):
                path.parent.rmdir()


MARK = "内容指纹 "  # in the entry's first comment line: what a second import of it looks for


def content_mark(blocks: list[Node], images: Iterable[Embedded]) -> str:
    """A digest of the body's text (`blocks`: the title taken out) and pictures: the same
    submission under another file name or title gives the same mark."""
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(re.sub(r"\s+", "", block.text()).encode("utf-8") + b"\n")
    for image in images:
        digest.update(hashlib.sha256(image.data).digest())
    return digest.hexdigest()[:16]


def imported_before(content_dir: Path, mark: str) -> list[Path]:
    """The entries whose import comment carries `mark` (only the head of each file is
    read)."""
    from ..content import find_entry_files

    needle = (MARK + mark).encode("utf-8")
    found: list[Path] = []
    for name, _ in find_entry_files(content_dir):
        try:
            with open(name, "rb") as handle:
                if needle in handle.read(2048):
                    found.append(Path(name))
        except OSError:
            continue
    return found


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def review_findings(entry_path: Path, config: SiteConfig, day: dt.date) -> list[Problem]:
    """What `check` says of the new entry alone: its loading warnings and the review lints
    (personal information, sensitive terms)."""
    from ..content import load_entry
    from ..review.lint import lint_entry
    from ..review.terms import load_review_rules

    problems: list[Problem] = []
    entry = load_entry(entry_path, config, config.department_index, problems,
                       entry_path.read_bytes())
    if entry is not None:
        problems += lint_entry(entry, config, load_review_rules(config.root), day)
    return sorted(problems, key=Problem.sort_key)
