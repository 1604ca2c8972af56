"""Find CJK faces through fontconfig: a 小标宋-like title face, a 仿宋-like body face,
a 黑体-like sans and a 楷体 for bylines.  Offices name their own in site.yaml."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

# Preference lists per role: an office's licensed faces first, then free fallbacks.
PREFERENCES: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong",
              "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "SimSun", "宋体"),
    "body": ("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312", "STFangsong", "FandolFang",
             "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "SimSun", "宋体"),
    "sans": ("黑体", "SimHei", "方正黑体_GBK", "Noto Sans CJK SC", "Source Han Sans SC",
             "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei"),
    "kai": ("楷体_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", "LXGW WenKai",
            "FandolKai", "Noto Serif CJK SC", "Source Han Serif SC"),
}
ROLES = tuple(PREFERENCES)
INSTALL_HINT = ("安装中文字体后重试，例如 Debian/Ubuntu：sudo apt-get install fonts-noto-cjk；"
                "或在 site.yaml 的 newsletter.fonts 中写明本机已安装的字体名称（fc-list :lang=zh 可查看）")


class FontError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Faces:
    title: str
    body: str
    sans: str
    kai: str

    def css(self, role: str) -> str:
        """A CSS font-family value: the chosen face, then generic fallbacks."""
        face = getattr(self, role).replace("\\", "").replace('"', "")
        generic = "sans-serif" if role == "sans" else "serif"
        return f'"{face}", {generic}'


@lru_cache(maxsize=1)
def installed_cjk_families() -> frozenset[str]:
    """Every family name fontconfig knows for fonts that cover Chinese."""
    if shutil.which("fc-list") is None:
        return frozenset()
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",")
                     if name.strip())


def choose_faces(configured: Mapping[str, str], installed: frozenset[str] | None = None) -> Faces:
    """The face for each role: the configured one if installed, else the first preference.

    Raises FontError when no CJK face is installed at all — never a PDF of boxes.
    """
    installed = installed_cjk_families() if installed is None else installed
    if not installed:
        raise FontError("找不到任何中文字体，无法生成简报 PDF")
    chosen = {}
    for role, preferences in PREFERENCES.items():
        wanted = configured.get(role)
        if wanted and wanted not in installed:
            raise FontError(f"site.yaml 指定的{ROLE_LABELS[role]}字体「{wanted}」未安装"
                            f"（已安装的中文字体：{'、'.join(sorted(installed)[:8])}…）")
        chosen[role] = wanted or next((f for f in preferences if f in installed),
                                      sorted(installed)[0])
    return Faces(**chosen)


ROLE_LABELS = {"title": "标题（小标宋）", "body": "正文（仿宋）", "sans": "黑体", "kai": "楷体"}
