"""`site-builder import`: a correspondent's Word file (.docx) → an entry with `status: review`.

mammoth turns the .docx into its small, semantic HTML (reader.py); the HTML is parsed
into blocks (html_md.py), from which the front-matter is told (meta.py: title, 通讯员,
department, date, type, captions); the blocks become Markdown; pasted photos are scaled
and lose their EXIF (images.py).  The entry is written to content/YYYY-MM/<pinyin-slug>.md,
its images to content/YYYY-MM/images/<slug>-N.jpg, never over an existing file and never
half: a failure removes what the file had written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import Problem
from ..model import SiteConfig
from ..slugs import slugify
from .html_md import Node, is_footnote_list, parse_html, render_blocks
from .images import MAX_SIDE, ImageFailure, prepare_image
from .meta import (
    figure_name,
    find_date,
    guess_type,
    match_department,
    take_captions,
    take_credits,
    take_title,
)
from .reader import Embedded, ImportFailure, read_docx

__all__ = ["ImportFailure", "Imported", "Overrides", "docx_files", "import_docx", "today"]

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
    document = read_docx(source, raw)
    blocks = parse_html(document.html)
    notes = [b for b in blocks if is_footnote_list(b)]
    blocks = [b for b in blocks if not is_footnote_list(b)]

    to_fill: list[str] = []
    title, blocks = take_title(blocks, document.first_centred)
    if not title:
        title = _name_of(source)
        to_fill.append("title（文中没有标题，暂用文件名）")
    mark = content_mark(blocks, document.images)
    if not overrides.force:
        holder = imported_before(config.content_dir, mark)
        if holder is not None:
            raise ImportFailure(f"这份稿件已导入过，在 {_rel(holder, config.root)}（正文相同）；"
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
    for node in _image_nodes(blocks):
        number = int(node.attrs.get("src", "image:-1").split(":")[1])
        embedded = document.images[number]
        try:
            prepared = prepare_image(embedded.data, embedded.content_type, overrides.max_side)
        except ImageFailure as err:
            image_notes.append(f"第 {number + 1} 张图片未导入：{err}")
            node.tag, node.attrs, node.children = "span", {}, []
            continue
        name = f"{slug}-{len(images) + 1}{prepared.suffix}"
        target = folder / "images" / name
        if target.exists() and not overrides.force:
            raise ImportFailure(f"图片 {_rel(target, config.root)} 已存在，未覆盖")
        images.append((target, prepared.data))
        node.attrs["src"] = f"images/{name}"
    uncaptioned = len(images) - captioned
    if uncaptioned > 0:
        to_fill.append(f"{uncaptioned} 张图片的说明（写在 ![…] 的方括号里）")

    figure = None
    if entry_type == "model-figure":
        figure = {"name": figure_name(title, subtitle), "unit": _name(config, department),
                  "title": "", "honors": []}
        lacking = [k for k, v in (("姓名", figure["name"]), ("单位", figure["unit"])) if not v]
        to_fill.append("figure（先进典型人物的" + "、".join([*lacking, "职务", "荣誉"]) + "）")
    text = _entry_text(source, day, mark, title, date, entry_type, _name(config, department),
                       authors, figure, to_fill, render_blocks(blocks + notes))
    _write_all([*images, (entry_path, text.encode("utf-8"))], replace=overrides.force)
    return Imported(source, entry_path, title, department, entry_type, date,
                    tuple(p for p, _ in images), tuple(to_fill), tuple(image_notes))


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


def _write_all(files: list[tuple[Path, bytes]], replace: bool = False) -> None:
    """Every file or none: each is first written beside its place under a temporary name
    (created exclusively), and only when all are written are they moved into place —
    over an existing file only when `replace` (--force), else never over another."""
    staged: list[tuple[Path, Path]] = []
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
        for temporary, path in staged:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise


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


def imported_before(content_dir: Path, mark: str) -> Path | None:
    """The entry whose import comment carries `mark`, if any (only the head of each file
    is read)."""
    from ..content import find_entry_files

    needle = (MARK + mark).encode("utf-8")
    for name, _ in find_entry_files(content_dir):
        try:
            with open(name, "rb") as handle:
                if needle in handle.read(2048):
                    return Path(name)
        except OSError:
            continue
    return None


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
