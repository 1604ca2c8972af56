"""site.yaml → SiteConfig, validated with file, line and key for every problem."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ContentError, Problem, UsageError
from .fields import FieldReader, describe
from .model import CENTRAL_OUTLETS, OUTLET_LEVELS, STATUSES, Department, NewsletterConfig, SiteConfig
from .sources import YamlDoc, load_yaml_file

CONFIG_NAME = "site.yaml"
KNOWN_KEYS = ("title", "organization", "base_url", "url", "public_url", "departments", "columns", "types",
              "default_status", "newsletter", "scoring", "page_size", "scores_public",
              "require_reviewer", "outlets", "inbox")
NEWSLETTER_KEYS = ("title", "issuer", "distribution", "copies", "fonts", "numbers", "dates")
FONT_ROLES = ("title", "body", "sans", "kai")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DEPARTMENT_KEYS = ("id", "name", "aliases")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def load_config(root: Path) -> SiteConfig:
    """Read and validate `root/site.yaml`; raise ContentError listing every problem."""
    root = root.resolve()
    path = root / CONFIG_NAME
    if not path.is_file():
        raise UsageError(f"在 {root} 中找不到 {CONFIG_NAME}：请在项目目录中运行，或用 --project 指定项目目录")
    doc = load_yaml_file(path)
    problems: list[Problem] = []
    config = _read_config(root, path, doc, problems)
    if problems or config is None:
        raise ContentError(problems)
    return config


def _read_config(root: Path, path: Path, doc: YamlDoc,
                 problems: list[Problem]) -> SiteConfig | None:
    r = FieldReader(path, doc, problems)
    data = doc.data
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        r.report((), f"site.yaml 应为键值映射，实际是{describe(data)}", "参见 README 中的 site.yaml 示例",
                 "wrong-type")
        return None
    r.unknown_keys(data, (), KNOWN_KEYS)
    title = r.text(data.get("title"), ("title",), "站点标题", "title: 教育整顿进行时", required=True)
    organization = r.text(data.get("organization"), ("organization",), "发布单位",
                          "organization: 云岭市公安局政治部") or ""
    base_url = r.text(data.get("base_url"), ("base_url",), "发布路径", "base_url: /xuanchuan/") or "/"
    if not base_url.endswith("/"):
        base_url += "/"
    url = _read_address(r, data.get("url"), "url", "内网站点", "http://xc.gaj.yl/xuanchuan/")
    public_url = _read_address(r, data.get("public_url"), "public_url", "公开版站点",
                               "https://www.example.gov.cn/jyzd/")
    departments = _read_departments(r, data.get("departments"))
    columns = r.str_list(data.get("columns"), ("columns",), "教育整顿进行时") or ("教育整顿进行时",)
    types = _read_types(r, data.get("types"))
    default_status = r.choice(data.get("default_status"), ("default_status",), STATUSES,
                              "invalid-status", default="approved")
    newsletter = _read_newsletter(r, data.get("newsletter"), title or "")
    scoring = None
    if data.get("scoring") is not None:
        name = r.text(data.get("scoring"), ("scoring",), "积分规则文件", "scoring: scoring.yaml")
        if name:
            scoring = (root / name).resolve()
            if not scoring.is_relative_to(root):
                r.report(("scoring",), "积分规则文件必须位于项目目录内", "例如：scoring: scoring.yaml",
                         "path-outside-project")
    page_size = data.get("page_size", 20)
    if not isinstance(page_size, int) or isinstance(page_size, bool) or not 1 <= page_size <= 500:
        r.report(("page_size",), f"page_size 应为 1–500 的整数，实际是{describe(page_size)}",
                 "例如：page_size: 20", "wrong-type")
        page_size = 20
    scores_public = r.flag(data.get("scores_public"), ("scores_public",), "公开版网站也显示积分排名")
    require_reviewer = r.flag(data.get("require_reviewer"), ("require_reviewer",),
                              "已审核稿件必须写审核人")
    outlets = _read_outlets(r, data.get("outlets"))
    inbox = _read_inbox(r, root, data.get("inbox"))
    if title is None or departments is None or types is None or default_status is None:
        return None
    return SiteConfig(root=root, title=title, organization=organization, base_url=base_url,
                      departments=departments, columns=columns, types=types,
                      default_status=default_status,  # type: ignore[arg-type]
                      newsletter=newsletter, scoring=scoring, page_size=page_size,
                      scores_public=scores_public, require_reviewer=require_reviewer,
                      url=url, public_url=public_url, outlets=outlets, inbox=inbox)


# Folders whose files a build reads or writes: an inbox there would be published or wiped.
NOT_INBOX = ("content", "templates", "output")


def _read_inbox(r: FieldReader, root: Path, value: Any) -> Path:
    """inbox: the folder `serve` imports Word submissions from (default inbox/): inside
    the project, outside content/, templates/ and output/ (never published)."""
    default = root / "inbox"
    name = r.text(value, ("inbox",), "收件箱文件夹", "inbox: inbox") if value is not None else None
    if not name:
        return default
    folder = (root / name).resolve()
    if not folder.is_relative_to(root) or folder == root:
        r.report(("inbox",), f"收件箱「{name}」必须是项目目录内的一个文件夹", "例如：inbox: inbox",
                 "path-outside-project")
        return default
    inside = folder.relative_to(root).parts[0]
    if inside in NOT_INBOX:
        r.report(("inbox",), f"收件箱「{name}」不能放在 {inside}/ 中（其中的文件会被生成或发布）",
                 "放在项目目录下单独的文件夹，例如：inbox: inbox", "invalid-inbox")
        return default
    return folder


def _read_address(r: FieldReader, value: Any, key: str, what: str, example: str) -> str:
    """A site's full address (http or https, ending in "/"), or "" when not given."""
    text = r.text(value, (key,), f"{what}的完整网址", f"{key}: {example}")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        r.report((key,), f"「{key}」应为{what}的完整网址（http:// 或 https:// 开头），实际是「{text}」",
                 f"例如：{key}: {example}", "invalid-url")
        return ""
    return text if text.endswith("/") else text + "/"


def address_warnings(config: SiteConfig) -> list[Problem]:
    """What `check` says of site.yaml when the sites' full addresses are not given: the
    sitemap format requires absolute URLs, and feed readers resolve links against them."""
    path = config.root / CONFIG_NAME
    hint = ("sitemap.xml 的网址必须是完整网址，feed.xml 的链接也要据此解析：在 site.yaml 中写 "
            "{key}: {example}")
    return [Problem(path, None, key, f"site.yaml 中没有「{key}」（{what}的完整网址）",
                    hint.format(key=key, example=example), "missing-url", "warning")
            for key, what, example, given in (
                ("url", "内网站点", "http://xc.gaj.yl/xuanchuan/", config.url),
                ("public_url", "公开版站点", "https://www.example.gov.cn/jyzd/", config.public_url))
            if not given]


OUTLET_LEVEL_LABELS = {"central": "中央", "provincial": "省级", "city": "市级", "other": "其他"}
# The level an editor may write in Chinese, for the hint only: site.yaml takes the keys.
OUTLET_LEVEL_NAMES = {
    "中央": "central", "中央级": "central", "中央媒体": "central", "中央级媒体": "central",
    "中央主要媒体": "central", "省": "provincial", "省级": "provincial", "省级媒体": "provincial",
    "市": "city", "市级": "city", "市级媒体": "city", "其他": "other", "其他媒体": "other",
}


def _read_outlets(r: FieldReader, value: Any) -> tuple[tuple[str, str], ...]:
    """outlets: {媒体名称: central | provincial | city | other}, the outside media `stats`
    counts placements in by level; the rule book's seven central outlets need no line."""
    if value is None:
        return ()
    example = "例如：outlets: {内蒙古日报: provincial, 鄂尔多斯日报: city}"
    mapping = r.mapping(value, ("outlets",), "outlets")
    out: dict[str, str] = {}
    for name, level in (mapping or {}).items():
        where = ("outlets", str(name))
        outlet = r.text(name, where, "媒体名称", example)
        meant = OUTLET_LEVEL_NAMES.get(level.strip()) if isinstance(level, str) else None
        if meant:  # the level in Chinese: say the key it stands for
            r.report(where, f"「outlets.{name}」的值「{level}」不在可选范围内",
                     f"是否应为 {meant}（{OUTLET_LEVEL_LABELS[meant]}）？级别写英文："
                     + "、".join(f"{k}（{v}）" for k, v in OUTLET_LEVEL_LABELS.items()),
                     "invalid-level")
            continue
        chosen = r.choice(level, where, OUTLET_LEVELS, "invalid-level")  # none: missing
        if not outlet or chosen is None:
            continue
        if outlet in CENTRAL_OUTLETS and chosen != "central":
            r.report(where, f"「{outlet}」是考核细则中的中央主要媒体，级别只能是 central，不能是「{chosen}」",
                     "删去这一行即可：七家中央主要媒体（" + "、".join(CENTRAL_OUTLETS) + "）已内置",
                     "invalid-level")
            continue
        out[outlet] = chosen
    return tuple(out.items())


def _read_departments(r: FieldReader, value: Any) -> tuple[Department, ...] | None:
    if value is None:
        r.missing(("departments",), "单位名录",
                  "\ndepartments:\n  - id: jiaoguan\n    name: 交管大队")
        return None
    if not isinstance(value, list) or not value:
        r.report(("departments",), "departments 应为非空列表", "每项写作：- {id: jiaoguan, name: 交管大队}",
                 "wrong-type")
        return None
    departments: list[Department] = []
    seen: dict[str, str] = {}
    for index, item in r.record_list(value, ("departments",), "{id: jiaoguan, name: 交管大队}"):
        path = ("departments", index)
        r.unknown_keys(item, path, DEPARTMENT_KEYS)
        dept_id = r.text(item.get("id"), (*path, "id"), "单位编号（小写英文字母、数字、连字符）",
                         "id: jiaoguan", required=True)
        name = r.text(item.get("name"), (*path, "name"), "单位名称", "name: 交管大队", required=True)
        aliases = r.str_list(item.get("aliases"), (*path, "aliases"), "交警大队")
        if dept_id and not _ID.match(dept_id):
            r.report((*path, "id"), f"单位编号「{dept_id}」只能包含小写英文字母、数字和连字符",
                     "例如：jiaoguan、chengguan-pcs", "invalid-id")
            continue
        if not dept_id or not name:
            continue
        for label in dict.fromkeys((dept_id, name, *aliases)):  # an alias may repeat the name
            if label in seen:
                r.report(path, f"单位名称或编号「{label}」重复（已用于「{seen[label]}」）",
                         "每个编号、名称、别名只能指向一个单位", "duplicate-department")
            seen[label] = name
        departments.append(Department(dept_id, name, aliases))
    return tuple(departments)


def _read_types(r: FieldReader, value: Any) -> tuple[tuple[str, str], ...] | None:
    default = (("briefing", "工作动态"), ("model-figure", "先进典型"), ("work-summary", "工作总结"))
    if value is None:
        return default
    mapping = r.mapping(value, ("types",), "types")
    if mapping is None:
        return None
    out = []
    for key, label in mapping.items():
        if not isinstance(key, str) or not _ID.match(key):
            r.report(("types", str(key)), f"稿件类型编号「{key}」只能包含小写英文字母、数字和连字符",
                     "例如：briefing: 工作动态", "invalid-id")
            continue
        text = r.text(label, ("types", key), "类型名称", f"{key}: 工作动态", required=True)
        if text:
            out.append((key, text))
    return tuple(out) if out else None


def _read_newsletter(r: FieldReader, value: Any, title: str) -> NewsletterConfig:
    if value is None:
        return NewsletterConfig(title=f"{title}简报" if title else "工作简报")
    mapping = r.mapping(value, ("newsletter",), "newsletter")
    if mapping is None:
        return NewsletterConfig()
    path = ("newsletter",)
    r.unknown_keys(mapping, path, NEWSLETTER_KEYS)
    news_title = r.text(mapping.get("title"), (*path, "title"), "简报名称", "title: 教育整顿简报")
    issuer = r.text(mapping.get("issuer"), (*path, "issuer"), "编发单位", "issuer: 云岭市公安局政治部")
    distribution: list[tuple[str, tuple[str, ...]]] = []
    dist = mapping.get("distribution")
    if dist is not None:
        dist_map = r.mapping(dist, (*path, "distribution"), "distribution")
        for key, names in (dist_map or {}).items():
            if key not in ("报", "送", "发"):
                r.report((*path, "distribution", str(key)), f"分送类别「{key}」无效",
                         "可选：报、送、发", "unknown-key")
                continue
            distribution.append(
                (key, r.str_list(names, (*path, "distribution", key), "市委政法委")))
    copies = mapping.get("copies", 0)
    if not isinstance(copies, int) or isinstance(copies, bool) or copies < 0:
        r.report((*path, "copies"), f"印数应为非负整数，实际是{describe(copies)}", "例如：copies: 60",
                 "wrong-type")
        copies = 0
    fonts: list[tuple[str, str]] = []
    if mapping.get("fonts") is not None:
        font_map = r.mapping(mapping.get("fonts"), (*path, "fonts"), "fonts") or {}
        r.unknown_keys(font_map, (*path, "fonts"), FONT_ROLES)
        for role in FONT_ROLES:
            face = r.text(font_map.get(role), (*path, "fonts", role), "字体名称",
                          f"{role}: 仿宋_GB2312")
            if face:
                fonts.append((role, face))
    numbers: list[tuple[str, int]] = []
    if mapping.get("numbers") is not None:
        number_map = r.mapping(mapping.get("numbers"), (*path, "numbers"), "numbers") or {}
        for month, number in number_map.items():
            where = (*path, "numbers", str(month))
            if not _MONTH.match(str(month)):
                r.report(where, f"月份「{month}」应写作 YYYY-MM", "例如：\"2024-03\": 5", "invalid-date")
            elif not isinstance(number, int) or isinstance(number, bool) or number < 1:
                r.report(where, f"期号应为正整数，实际是{describe(number)}", "例如：\"2024-03\": 5",
                         "wrong-type")
            else:
                numbers.append((str(month), number))
    dates = _read_issue_dates(r, mapping.get("dates"), (*path, "dates"))
    return NewsletterConfig(title=news_title or (f"{title}简报" if title else "工作简报"),
                            issuer=issuer or "", distribution=tuple(distribution), copies=copies,
                            fonts=tuple(fonts), numbers=tuple(sorted(numbers)), dates=dates)


def _read_issue_dates(r: FieldReader, value: Any,
                      path: tuple[str, ...]) -> tuple[tuple[str, dt.date], ...]:
    """newsletter.dates: {"YYYY-MM": YYYY-MM-DD}, an issue's date on its masthead and 版记;
    not before the month it reports on."""
    if value is None:
        return ()
    dates: list[tuple[str, dt.date]] = []
    example = '例如：dates: {"2024-03": 2024-04-02}'
    for month, day in (r.mapping(value, path, "dates") or {}).items():
        where = (*path, str(month))
        if not _MONTH.match(str(month)):
            r.report(where, f"月份「{month}」应写作 YYYY-MM", example, "invalid-date")
            continue
        if isinstance(day, str):
            with contextlib.suppress(ValueError):  # not a date: reported below
                day = dt.date.fromisoformat(day.strip())
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            r.report(where, f"{month} 期简报的日期应写作 YYYY-MM-DD，实际是{describe(day)}", example,
                     "invalid-date")
        elif day < dt.date(int(str(month)[:4]), int(str(month)[5:]), 1):
            r.report(where, f"{month} 期简报的日期 {day.isoformat()} 早于该月",
                     "简报日期不能早于它所编发的月份，" + example, "invalid-date")
        else:
            dates.append((str(month), day))
    return tuple(sorted(dates))
