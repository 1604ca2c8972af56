"""Where `stats -o FILE` may write.  An export is a new file of its own kind in a folder
that exists; never a source of the project (content/, templates/, site.yaml, the rule
book, review.yaml), never inside output/ (the next build replaces that folder), never an
existing file of another kind, and no folder is made for it."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError, display_path
from ..model import SiteConfig

SUFFIXES = {"csv": ".csv", "json": ".json", "xlsx": ".xlsx"}
SOURCE_FOLDERS = {"content": "稿件文件夹", "templates": "网站模板文件夹"}


def export_target(path: Path, fmt: str, config: SiteConfig, default_name: str) -> Path:
    """`path` if `stats --format fmt` may write there, else a UsageError saying why, in
    Chinese; `default_name` is the file name suggested instead."""
    suffix = SUFFIXES[fmt]
    here = Path.cwd()
    shown = display_path(path, here)
    target = (here / path).resolve()  # symbolic links followed: where it would really land
    root = config.root.resolve()
    instead = f"-o {display_path(root / default_name, here)}"  # the project folder's own
    try:
        if target.is_dir():
            raise refused(f"「{shown}」是一个文件夹，不是文件",
                          f"写出文件名，例如 -o {display_path(path / default_name, here)}")
        folder_exists = target.parent.is_dir()
        exists = target.exists()
    except OSError as err:  # e.g. a folder on the way that cannot be read
        raise refused(f"无法访问「{shown}」（{err.strerror or err}）", "换一个可以访问的位置") from None
    for folder, what in SOURCE_FOLDERS.items():
        if target.is_relative_to(root / folder):
            raise refused(f"「{shown}」在项目的 {folder}/ 中：那是{what}，统计表不能写在那里",
                          f"写到项目目录下或项目之外，例如 {instead}")
    if target.is_relative_to(root / "output"):
        raise refused(f"「{shown}」在 output/ 中：下次构建会重建 output/，文件会被删除",
                      f"写到 output/ 之外，例如 {instead}")
    sources = {root / "site.yaml": "网站配置", root / "scoring.yaml": "积分规则",
               root / "review.yaml": "审核规则"}
    if config.scoring is not None:
        sources[config.scoring.resolve()] = "积分规则"
    if target in sources:
        raise refused(f"「{shown}」是项目的{sources[target]}文件，不能用统计表覆盖",
                      f"换一个文件名，例如 {instead}")
    if exists and target.suffix.lower() != suffix:
        raise refused(f"「{shown}」已存在，且不是 {suffix} 文件（为免覆盖别的文件）",
                      f"换一个以 {suffix} 结尾的文件名，例如 -o {path.stem}{suffix}")
    if not folder_exists:
        raise refused(f"文件夹「{display_path(path.parent, here)}」不存在（stats 不会新建文件夹）",
                      "先建好这个文件夹，或写到已有的文件夹中")
    return path


def refused(why: str, hint: str) -> UsageError:
    return UsageError(f"错误：{why}；没有写入。\n  提示：{hint}。")
