"""Where things stand on the printed page: words and lines read back with
`pdftotext -bbox-layout` (poppler)."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import entry

from site_builder.cli import main

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is not installed (.ci/setup installs it)")

MM = 72 / 25.4  # PDF points per millimetre
NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    page: int
    x: float
    y: float
    text: str


def pdf_lines(path: Path) -> list[Line]:
    """Every text line of the PDF, in reading order, with its top-left corner in points."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    lines = []
    for number, page in enumerate(ET.fromstring(out).iter(f"{NS}page"), start=1):
        for line in page.iter(f"{NS}line"):
            words = "".join(w.text or "" for w in line.iter(f"{NS}word"))
            lines.append(Line(number, float(line.get("xMin")), float(line.get("yMin")), words))
    return lines


def print_month(root: Path, public: bool = False) -> Path:
    assert main(["pdf", "--month", "2024-03", "--project", str(root),
                 *(["--public"] if public else [])]) == 0
    return root / ("output/public/pdf" if public else "output/pdf") / "2024-03.pdf"


@pytest.fixture
def both_editions(make_project):
    root = make_project(entries={"a.md": entry(classification="public")},
                        site={"newsletter": {"title": "测试整顿简报"}})
    return print_month(root), print_month(root, public=True)


def test_an_intranet_issue_carries_the_mark_top_left_of_page_1(both_editions):
    intranet, _ = both_editions
    lines = pdf_lines(intranet)
    [mark] = [line for line in lines if line.text == "内部资料"]
    [keep] = [line for line in lines if line.text == "注意保存"]
    [title] = [line for line in lines if line.text == "测试整顿简报"]
    assert mark.page == keep.page == 1 and abs(mark.y - keep.y) < 1 and mark.x < keep.x
    assert abs(mark.x - 28 * MM) < 1 * MM  # at the type area's left edge (inner margin 28 mm)
    assert mark.y < title.y  # above the masthead title


def test_a_public_issue_has_no_mark(both_editions):
    _, public = both_editions
    lines = pdf_lines(public)
    assert any(line.text == "测试整顿简报" for line in lines)
    assert not any("内部资料" in line.text or "注意保存" in line.text for line in lines)
