"""Shared fixtures: small projects built in tmp_path from a dict, never the demo content."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

SITE = {
    "title": "测试简报",
    "organization": "测试市公安局政治部",
    "url": "http://xc.test/",  # check warns without the sites' full addresses
    "public_url": "https://www.test.gov.cn/",
    "departments": [
        {"id": "jiaoguan", "name": "交管大队", "aliases": ["交警大队"]},
        {"id": "xingzhen", "name": "刑侦大队"},
        {"id": "chengguan", "name": "城关派出所"},
    ],
}


def entry(body: str = "本报讯 3月12日，交管大队召开警示教育大会。会议要求全体民警严守纪律。",
          **front: Any) -> str:
    """An entry's text: front-matter from keyword arguments over valid defaults.

    `title` is on line 2, `date` 3, `type` 4, `department` 5 (the order below).
    Pass a value of None to drop a key.
    """
    data: dict[str, Any] = {"title": "交管大队召开警示教育大会", "date": "2024-03-12",
                            "type": "briefing", "department": "交管大队"}
    data.update(front)
    data = {k: v for k, v in data.items() if v is not None}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{text}---\n\n{body}\n"


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """make_project(entries={"a.md": entry(...)}, site={...overrides}, files={path: bytes})."""

    def make(entries: dict[str, str | bytes] | None = None, site: dict[str, Any] | None = None,
             files: dict[str, str | bytes] | None = None, root: Path | None = None) -> Path:
        root = root or tmp_path / "project"
        root.mkdir(parents=True, exist_ok=True)
        config = {**SITE, **(site or {})}
        (root / "site.yaml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        for name, text in (entries or {}).items():
            write(root / "content" / name, text)
        for name, data in (files or {}).items():
            write(root / name, data)
        (root / "content").mkdir(exist_ok=True)
        return root

    return make


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


# A 1×1 transparent PNG, for image tests.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


REPO = Path(__file__).resolve().parent.parent


def copy_demo(root: Path) -> Path:
    """The repository's demo project (site.yaml, scoring.yaml, content/, templates/) copied to
    `root`, so a test can build it without touching the repository's output/."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("site.yaml", "scoring.yaml"):
        shutil.copy(REPO / name, root / name)
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    return root


def load_problems(root: Path) -> tuple:
    """The problems load_project reports for a project that must not load."""
    from site_builder import ContentError, load_project

    with pytest.raises(ContentError) as err:
        load_project(root)
    return err.value.problems


def only_problem(root: Path):
    [problem] = load_problems(root)
    return problem
