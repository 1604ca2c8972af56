"""content/**/*.md → Entry, every key validated, every problem located.

Loading never stops at the first bad file: all problems of all files are
collected and raised together as one ContentError.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .digests import file_digest, pickle_digest
from .errors import ContentError, Problem, choices_hint, display_path
from .fields import FieldReader, describe
from .model import (
    ADOPTION_KINDS,
    ADOPTION_LEVELS,
    AWARD_KINDS,
    AWARD_LEVELS,
    CLASSIFICATIONS,
    SHOWCASE_LEVELS,
    STATUSES,
    Adoption,
    Award,
    Entry,
    Figure,
    Placement,
    Showcase,
    SiteConfig,
)
from .publish import LEDGER_DIR, UNFINISHED, as_draft_problem, refusal, unpublishable
from .slugs import is_valid_slug, slugify
from .sources import DecodeError, YamlProblem, decode, parse_yaml, split_front_matter, yaml_problem

ENTRY_KEYS = ("title", "date", "type", "department", "column", "authors", "tags", "summary",
              "cover", "cover_caption", "slug", "status", "reviewer", "classification",
              "figure", "adoptions", "placements", "awards", "showcases", "approval",
              "acknowledge")
FIGURE_KEYS = ("name", "unit", "title", "honors")
FIGURE_EXAMPLE = "\nfigure:\n  name: 张三\n  unit: 城关派出所\n  title: 社区民警\n  honors: [个人三等功]"
MAX_ENTRY_BYTES = 20 * 1024 * 1024


def find_entry_files(content_dir: Path) -> list[tuple[str, bool]]:
    """Every *.md under content/, at any depth, except content/ledger/ and hidden files,
    each with whether a symbolic link leads to it (content/ itself, a folder or the file):
    only those can point out of the project, so only those are resolved."""
    if not content_dir.is_dir():
        return []
    files: list[tuple[str, bool]] = []

    def walk(folder: str, linked: bool, top: bool) -> None:
        with os.scandir(folder) as listing:  # file types come with the listing: no stat
            items = sorted(listing, key=lambda item: item.name)
        for item in items:
            if item.name.startswith((".", "_")):
                continue
            link = item.is_symlink()
            if item.is_dir():
                if not (top and item.name == LEDGER_DIR) and not (link and is_loop(item.path)):
                    walk(item.path, linked or link, False)
            elif item.name.endswith(".md") and item.is_file():
                files.append((item.path, linked or link))

    walk(str(content_dir), content_dir.is_symlink(), True)
    return files  # in Path order: each folder is listed by name and entered where it sorts


def is_loop(link: str) -> bool:
    """A folder link to one of its own ancestors (os.walk would descend forever)."""
    target, here = os.path.realpath(link), os.path.realpath(os.path.dirname(link))
    return here == target or here.startswith(target + os.sep)


# digest ("" unknown), (entry, problems), and what loading asked of the world beyond the
# file (the cover's real path, whether it is a file): (question, path, answer), for a
# memo to ask again (markup.ask) before it uses the entry once more.
Loaded = tuple[str, tuple[Entry | None, list[Problem]], tuple[tuple[str, str, object], ...]]


def same_answers(asked: tuple[tuple[str, str, object], ...]) -> bool:
    """Would loading the same file now get the same answers from the world beyond it?"""
    from .markup import ask

    try:
        return all(ask(question, path, {}, frozenset()) == answer
                   for question, path, answer in asked)
    except (OSError, ValueError):
        return False


def read_entry_file(name: str, config: SiteConfig, departments: Mapping[str, str],
                    salt: str) -> Loaded:
    """One file → its entry (or None) and problems, with its digest: the file's bytes and
    name and site.yaml (`salt`), which the entry is a function of.  OSError: unreadable."""
    size = os.stat(name).st_size
    if size > MAX_ENTRY_BYTES:  # not even read
        return "", (None, [Problem(
            Path(name), None, None, f"文件过大（{size // 1048576} MB，上限 20 MB）",
            "图片请另存为文件并用 ![说明](图片.png) 引用", "file-too-large")]), ()
    raw = Path(name).read_bytes()
    return parse_entry_file(name, raw, file_digest(raw, salt, name) + salt, config, departments)


def parse_entry_file(name: str, raw: bytes, digest: str, config: SiteConfig,
                     departments: Mapping[str, str]) -> Loaded:
    found: list[Problem] = []
    asked: list[tuple[str, str, object]] = []
    entry = load_entry(Path(name), config, departments, found, raw, asked)
    # The entry is a function of the file and of what it asked beyond it.
    made_from = pickle_digest(digest, asked) if asked else digest
    return digest, (dataclasses.replace(entry, digest=made_from) if entry else None,
                    found), tuple(asked)


def config_salt(config: SiteConfig) -> str:
    return pickle_digest(config)


def load_entries(config: SiteConfig, read: Callable[[str], Loaded] | None = None,
                 ) -> tuple[tuple[Entry, ...], tuple[Problem, ...]]:
    """Load every entry; return (entries, warnings) or raise ContentError with all errors.

    `read` turns one file's path into its entry (default: read_entry_file; the build
    cache gives one that trusts an unchanged file's metadata: incremental/entries.py).
    """
    problems: list[Problem] = []
    entries: list[Entry] = []
    root = config.root.resolve()
    if read is None:
        names, salt = config.department_index, config_salt(config)

        def read(name: str) -> Loaded:
            return read_entry_file(name, config, names, salt)

    for name, linked in find_entry_files(config.content_dir):
        real = str(Path(name).resolve()) if linked else ""
        if real and not Path(real).is_relative_to(root):
            problems.append(Problem(Path(name), None, None,
                                    "该文件是指向项目目录之外的链接（symlink），已拒绝读取",
                                    "把稿件文件本身放进 content/，不要用链接", "path-outside-project"))
            continue
        try:
            entry, found = read(name)[1]
        except OSError as err:
            problems.append(Problem(Path(name), None, None, f"无法读取文件：{err.strerror}", "",
                                    "unreadable"))
            continue
        if entry is not None and entry.real != real:  # a link added or removed on the way
            entry = dataclasses.replace(entry, real=real)
        problems.extend(found)
        if entry is not None:
            entries.append(entry)
    _check_slug_collisions(entries, config.root, problems)
    entries.sort(key=lambda e: (e.date, e.slug), reverse=True)
    if any(p.is_error for p in problems):
        raise ContentError(problems, loaded=tuple(entries))
    return tuple(entries), tuple(problems)


def load_entry(path: Path, config: SiteConfig, departments: Mapping[str, str],
               problems: list[Problem], raw: bytes,
               asked: list[tuple[str, str, object]] | None = None) -> Entry | None:
    """The entry in `raw` (the file at `path`), its problems added to `problems`; what it
    asks of the world beyond the file is added to `asked` (see Loaded)."""
    root = config.root
    try:
        text = decode(raw)
    except DecodeError:
        problems.append(Problem(path, None, None, "文件编码无法识别",
                                "请另存为 UTF-8（或 GB18030）编码", "encoding"))
        return None
    if not text.strip():  # also a file that holds only a byte-order mark (Notepad)
        problems.append(Problem(path, 1, None, "文件是空的", "至少写入 front-matter：title、date、"
                                "type、department，可用 site-builder new 生成", "empty-file"))
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.append(Problem(path, 1, None, "缺少 front-matter（文件开头两行「---」之间的信息）",
                                "文件第一行写「---」，然后写 title、date、type、department，"
                                "再写一行「---」，之后是正文", "no-front-matter"))
        return None
    yaml_text, yaml_line, body, body_line = parts
    try:
        doc = parse_yaml(yaml_text, first_line=yaml_line)
    except YamlProblem as err:
        problems.append(yaml_problem(path, err))
        return None
    r = FieldReader(path, doc, problems)
    data = doc.data
    if not isinstance(data, Mapping):
        r.report((), f"front-matter 应为「键: 值」形式，实际是{describe(data)}",
                 "例如：title: 交管大队召开警示教育大会", "wrong-type")
        return None
    start = len(problems)
    r.unknown_keys(data, (), ENTRY_KEYS, level="warning")

    title = r.text(data.get("title"), ("title",), "标题", "title: 交管大队召开警示教育大会",
                   required=True)
    date = r.date(data.get("date"), ("date",))
    types = config.type_labels
    entry_type = r.choice(data.get("type"), ("type",), types, "unknown-type")
    department = _read_department(r, data.get("department"), departments, config)
    column = r.choice(data.get("column"), ("column",), config.columns, "unknown-column",
                      default=config.columns[0])
    status = r.choice(data.get("status"), ("status",), STATUSES, "invalid-status",
                      default=config.default_status)
    classification = r.choice(data.get("classification"), ("classification",), CLASSIFICATIONS,
                              "invalid-classification", default="internal")
    authors = r.str_list(data.get("authors"), ("authors",), "李明远, 赵晓雯")
    tags = r.str_list(data.get("tags"), ("tags",), "警示教育, 以案促改")
    summary = r.text(data.get("summary"), ("summary",), "导语", "summary: 一段话概括") or ""
    reviewer = r.text(data.get("reviewer"), ("reviewer",), "审核人", "reviewer: 王建华") or ""
    slug = _read_slug(r, data.get("slug"), path)
    cover = _read_cover(r, data.get("cover"), path, root, config.content_dir,
                        [] if asked is None else asked)
    cover_caption = _read_cover_caption(r, data)
    figure = _read_figure(r, data.get("figure"), entry_type)
    adoptions = _read_adoptions(r, data.get("adoptions"))
    placements = _read_placements(r, data.get("placements"))
    awards = _read_awards(r, data.get("awards"))
    showcases = _read_showcases(r, data.get("showcases"))
    approval = r.text(data.get("approval"), ("approval",), "对外发布审批",
                      "approval: 市教育整顿办 2024-03-02") or ""
    acknowledge = r.str_list(data.get("acknowledge"), ("acknowledge",), "0871-12345")

    errors = [p for p in problems[start:] if p.is_error]
    missing: tuple[str, ...] = ()
    if errors:
        if status not in UNFINISHED:  # approved (or its status unreadable): it must be right
            return None
        # A draft may be incomplete: its problems are warnings, and what it lacks is
        # stood in for, so that the preview can show it (a build leaves it out).
        problems[start:] = [as_draft_problem(p) for p in problems[start:]]
        missing = tuple(dict.fromkeys(re.split(r"[.\[]", p.key or "")[0] or "front-matter"
                                      for p in errors))
        title = title or path.stem
        date = date or folder_month(path)
        entry_type = entry_type or next(iter(types))
        department = department or ""
        classification = "internal" if "classification" in missing else classification
    assert title and date and entry_type and column and status and classification
    return Entry(source=path, title=title, date=date, type=entry_type, department=department,
                 slug=slug, body_md=body, column=column,
                 status=status,  # type: ignore[arg-type]
                 classification=classification,  # type: ignore[arg-type]
                 authors=authors, tags=tags, summary=summary, cover=cover,
                 cover_caption=cover_caption, reviewer=reviewer,
                 figure=figure, adoptions=adoptions, placements=placements, awards=awards,
                 showcases=showcases, body_line=body_line, front_matter=yaml_text,
                 front_line=yaml_line, approval=approval, acknowledge=acknowledge,
                 missing=missing)


def folder_month(path: Path) -> dt.date:
    """The first day of the month the entry's folder is named for (content/2024-03/), or
    of the epoch: a draft's stand-in date until it has its own."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", path.parent.name)
    if match and 1 <= int(match.group(2)) <= 12:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    return dt.date(1970, 1, 1)


def _read_department(r: FieldReader, value: Any, departments: Mapping[str, str],
                     config: SiteConfig) -> str | None:
    name = r.text(value, ("department",), "供稿单位", f"department: {config.departments[0].name}",
                  required=True)
    if name is None:
        return None
    if name in departments:
        return departments[name]
    labels = [d.name for d in config.departments]
    aliases = {spelling: config.department(dept).name for spelling, dept in departments.items()}
    r.report(("department",), f"未登记的单位「{name}」", choices_hint(labels, name, aliases),
             "unknown-department")
    return None


def _read_slug(r: FieldReader, value: Any, path: Path) -> str:
    given = r.text(value, ("slug",), "网址名", "slug: jiaoguan-jingshi-jiaoyu")
    if given is not None:
        if is_valid_slug(given):
            return given
        r.report(("slug",), f"网址名「{given}」只能包含小写英文字母、数字和连字符",
                 f"例如：slug: {slugify(given) or 'jiaoguan-jingshi-jiaoyu'}", "invalid-slug")
        return slugify(given)
    slug = slugify(path.stem)
    if not slug:
        r.report((), f"无法从文件名「{path.name}」生成网址名", "添加一行 slug: 英文或拼音网址名",
                 "invalid-slug")
    return slug


def _read_cover_caption(r: FieldReader, data: Mapping[str, Any]) -> str:
    """The cover's 图片说明 (with its photo credit), shown under the cover; a caption
    without a cover is a warning: nothing would show it."""
    caption = r.text(data.get("cover_caption"), ("cover_caption",), "封面图片说明",
                     "cover_caption: 交管大队民警在车管服务大厅听取群众意见（摄影 李明远）") or ""
    cover = data.get("cover")
    if caption and (cover is None or (isinstance(cover, str) and not cover.strip())):
        r.report(("cover_caption",), "写了封面图片说明（cover_caption），但没有封面图片（cover）",
                 "添加一行 cover: images/封面.jpg，或删去 cover_caption", "cover-caption-without-cover",
                 level="warning")
    return caption


def _read_cover(r: FieldReader, value: Any, path: Path, root: Path, content_dir: Path,
                asked: list[tuple[str, str, object]]) -> Path | None:
    name = r.text(value, ("cover",), "封面图片", "cover: images/cover.jpg")
    if name is None:
        return None
    from .markup import ask, unusable_path

    code = unusable_path(str(path.parent / name))
    if code:  # asked, the file system would raise
        r.report(("cover",), "封面图片的路径含有空字符（NUL）" if code == "bad-path" else
                 "封面图片的文件名过长", "写出图片文件的真实名称；每级名称不超过 255 字节", code)
        return None
    joined = str(path.parent / name)
    target = Path(str(ask("resolve", joined, {}, frozenset())))
    asked.append(("resolve", joined, str(target)))
    if not target.is_relative_to(root.resolve()):
        r.report(("cover",), f"封面图片「{name}」位于项目目录之外", "图片请放在 content/ 中稿件旁边",
                 "path-outside-project")
        return None
    is_file = ask("file", str(target), {}, frozenset())
    asked.append(("file", str(target), is_file))
    if not is_file:
        r.report(("cover",), f"找不到封面图片「{name}」",
                 "路径相对于本稿件所在文件夹，例如 images/cover.jpg；检查文件名和大小写", "missing-file")
        return None
    real_content = str(ask("resolve", str(content_dir), {}, frozenset()))
    asked.append(("resolve", str(content_dir), real_content))
    reason = unpublishable(target, Path(real_content))
    if reason:
        message, hint, code = refusal(reason, "封面图片", name)
        r.report(("cover",), message, hint, code)
        return None
    return target


def _read_figure(r: FieldReader, value: Any, entry_type: str | None) -> Figure | None:
    if value is None:
        if entry_type == "model-figure":
            r.missing(("figure",), "先进典型人物信息", FIGURE_EXAMPLE)
        return None
    mapping = r.mapping(value, ("figure",), "figure")
    if mapping is None:
        return None
    r.unknown_keys(mapping, ("figure",), FIGURE_KEYS)
    name = r.text(mapping.get("name"), ("figure", "name"), "人物姓名", "name: 张三", required=True)
    unit = r.text(mapping.get("unit"), ("figure", "unit"), "所在单位", "unit: 城关派出所") or ""
    title = r.text(mapping.get("title"), ("figure", "title"), "职务", "title: 社区民警") or ""
    honors = r.str_list(mapping.get("honors"), ("figure", "honors"), "个人三等功")
    return Figure(name, unit, title, honors) if name else None


def _events(r: FieldReader, value: Any, key: str, known: tuple[str, ...], example: str):
    for index, item in r.record_list(value, (key,), example):
        path = (key, index)
        r.unknown_keys(item, path, known)
        yield path, item, r.doc.line(*path)


def _read_adoptions(r: FieldReader, value: Any) -> tuple[Adoption, ...]:
    out = []
    for path, item, line in _events(r, value, "adoptions", ("level", "date", "kind", "channel"),
                                    "{level: city, date: 2024-03-15, kind: photo}"):
        level = r.choice(item.get("level"), (*path, "level"), ADOPTION_LEVELS, "invalid-level")
        date = r.date(item.get("date"), (*path, "date"))
        kind = r.choice(item.get("kind"), (*path, "kind"), ADOPTION_KINDS, "invalid-kind",
                        default="article")
        channel = r.text(item.get("channel"), (*path, "channel"), "采用渠道", "channel: 市局公众号")
        if level and date and kind:
            out.append(Adoption(level, date, kind, channel or "", line))
    return tuple(out)


def _read_placements(r: FieldReader, value: Any) -> tuple[Placement, ...]:
    out = []
    for path, item, line in _events(r, value, "placements", ("outlet", "date", "section", "url"),
                                    "{outlet: 人民日报, date: 2024-04-02}"):
        outlet = r.text(item.get("outlet"), (*path, "outlet"), "刊发媒体", "outlet: 人民日报",
                        required=True)
        date = r.date(item.get("date"), (*path, "date"))
        section = r.text(item.get("section"), (*path, "section"), "栏目", "section: 要闻") or ""
        url = r.text(item.get("url"), (*path, "url"), "网址", "url: https://…") or ""
        if outlet and date:
            out.append(Placement(outlet, date, section, url, line))
    return tuple(out)


def _read_awards(r: FieldReader, value: Any) -> tuple[Award, ...]:
    out = []
    for path, item, line in _events(r, value, "awards", ("level", "name", "date", "kind"),
                                    "{level: regional, name: 优秀作品奖, date: 2024-05-20}"):
        level = r.choice(item.get("level"), (*path, "level"), AWARD_LEVELS, "invalid-level")
        name = r.text(item.get("name"), (*path, "name"), "奖项名称", "name: 优秀作品三等奖",
                      required=True)
        date = r.date(item.get("date"), (*path, "date"))
        kind = r.choice(item.get("kind"), (*path, "kind"), AWARD_KINDS, "invalid-kind",
                        default="news")
        if level and name and date and kind:
            out.append(Award(level, name, date, kind, line))
    return tuple(out)


def _read_showcases(r: FieldReader, value: Any) -> tuple[Showcase, ...]:
    out = []
    for path, item, line in _events(r, value, "showcases", ("level", "platform", "date"),
                                    "{level: national, platform: 学习强国, date: 2024-04-18}"):
        level = r.choice(item.get("level"), (*path, "level"), SHOWCASE_LEVELS, "invalid-level")
        platform = r.text(item.get("platform"), (*path, "platform"), "展播平台",
                          "platform: 学习强国", required=True)
        date = r.date(item.get("date"), (*path, "date"))
        if level and platform and date:
            out.append(Showcase(level, platform, date, line))
    return tuple(out)


def _check_slug_collisions(entries: list[Entry], root: Path, problems: list[Problem]) -> None:
    seen: dict[str, Entry] = {}
    for entry in sorted(entries, key=lambda e: str(e.source)):
        other = seen.get(entry.slug)
        if other is None:
            seen[entry.slug] = entry
            continue
        problems.append(Problem(
            entry.source, 1, "slug",
            f"网址名「{entry.slug}」与 {display_path(other.source, root)} 重复",
            "给其中一篇改文件名，或在 front-matter 中写 slug: 另一个网址名", "slug-collision"))
