"""`site-builder new TYPE "标题"`: a new entry file with filled-in, commented front-matter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import UsageError
from .model import SiteConfig
from .slugs import slugify

FIGURE_BLOCK = """\
# 先进典型人物信息（model-figure 类型必填）
figure:
  name:                 # 姓名
  unit:                 # 所在单位
  title:                # 职务，如：社区民警
  honors: []            # 荣誉，如：[个人三等功, 优秀共产党员]
"""

TEMPLATE = """\
---
# 标题（必填）
title: {title}
# 发布日期（必填），格式 YYYY-MM-DD
date: {date}
# 稿件类型（必填）：{types}
type: {type}
# 供稿单位（必填）：填写 site.yaml 中登记的单位名称，如 {department_example}
department:
# 栏目：{columns}
column: {column}
# 通讯员（作者），如：[李明远, 赵晓雯]
authors: []
# 标签，如：[警示教育, 以案促改]
tags: []
# 状态：draft（草稿）→ review（待审）→ approved（审核通过，才会发布）
status: draft
# 审核人：审核通过时填写
reviewer:
# 密级：internal（内部，仅内网）或 public（公开，可用于外网）
classification: internal
{figure}# 上级采用、媒体刊发、获奖、展播记录（用于宣传考核积分），例如：
# adoptions:
#   - {{level: city, date: {date}, kind: article}}   # level: county/city/province/ministry
# placements:
#   - {{outlet: 人民日报, date: {date}}}
---

本报讯（通讯员 ）{month}月{day}日，

"""


def new_entry(config: SiteConfig, type_id: str, title: str,
              today: dt.date | None = None) -> Path:
    """Write content/YYYY-MM/<slug>.md; refuse unknown types (UsageError) and overwriting."""
    types = config.type_labels
    if type_id not in types:
        accepted = "、".join(f"{k}（{v}）" for k, v in types.items())
        raise UsageError(f"未知的稿件类型「{type_id}」，可选：{accepted}")
    title = title.strip()
    if not title:
        raise UsageError("标题不能为空：site-builder new briefing \"派出所开展警示教育\"")
    today = today or dt.date.today()
    slug = slugify(title) or "entry"
    path = config.content_dir / f"{today:%Y-%m}" / f"{slug}.md"
    if path.exists():
        raise FileExistsError(path)
    text = TEMPLATE.format(
        title=_yaml_text(title), date=today.isoformat(), type=type_id,
        types="、".join(f"{k}（{v}）" for k, v in types.items()),
        department_example="、".join(d.name for d in config.departments[:3]),
        columns="、".join(config.columns), column=config.columns[0],
        figure=FIGURE_BLOCK if type_id == "model-figure" else "",
        month=today.month, day=today.day)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _yaml_text(value: str) -> str:
    """Quote a title if YAML would otherwise misread it."""
    if any(ch in value for ch in ":#[]{}&*!|>'\"%@`,") or value[0] in "-?":
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value
