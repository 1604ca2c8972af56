"""LibreOffice, when installed (`soffice`): old .doc/.wps files → .docx, EMF/WMF pictures → PNG.

Every run gets its own temporary folder, holding the input, the output and a LibreOffice
profile of its own (two imports at once would otherwise hand their work to one another's
running instance), and a time limit after which the whole process group is killed.  What
it makes is read back as bytes and the folder removed: nothing half-written reaches the
project.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .reader import ImportFailure

SOFFICE = ("soffice", "libreoffice")
TIMEOUT = 120.0  # seconds: a first run creates the profile (~2 s); a long .doc takes longer
_IMG = re.compile(r'<img\b[^>]*?\bsrc="data:image/png;base64,([A-Za-z0-9+/=\s]+)"[^>]*?>', re.S)
_ALT = re.compile(r'\balt="vector-(\d+)"')


class OfficeMissing(Exception):
    """LibreOffice is not installed (no `soffice` on PATH)."""


def find_soffice() -> str | None:
    for name in SOFFICE:
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_docx(source: Path, raw: bytes) -> bytes:
    """The .docx LibreOffice saves of an old Word/WPS file (`raw`, read from `source`)."""
    with tempfile.TemporaryDirectory(prefix="site-builder-office-") as work:
        folder = Path(work)
        given = folder / f"submission{source.suffix.lower()}"  # no editor's name on a command line
        given.write_bytes(raw)
        _run(folder, ["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder / "out"),
                      str(given)])
        made = folder / "out" / "submission.docx"
        if not made.is_file() or made.stat().st_size == 0:
            raise ImportFailure("LibreOffice 无法打开这个文件（可能已损坏，或设置了密码）；"
                                "请在 Word/WPS 中打开检查，另存为 .docx 后再导入")
        return made.read_bytes()


def render_vectors(pictures: dict[int, tuple[str, bytes]]) -> dict[int, bytes]:
    """PNG renderings of EMF/WMF pictures ({number: (suffix ".emf"/".wmf", data)}), in one
    LibreOffice run: an HTML page showing them, saved again with its images embedded.  A
    picture LibreOffice cannot draw is missing from the result."""
    if not pictures:
        return {}
    with tempfile.TemporaryDirectory(prefix="site-builder-office-") as work:
        folder = Path(work)
        rows = []
        for number, (suffix, data) in sorted(pictures.items()):
            (folder / f"{number}{suffix}").write_bytes(data)
            rows.append(f'<p><img src="{number}{suffix}" alt="vector-{number}"></p>')
        page = folder / "pictures.html"
        page.write_text("<!DOCTYPE html><html><body>" + "".join(rows) + "</body></html>",
                        encoding="utf-8")
        _run(folder, ["--infilter=HTML (StarWriter)",
                      "--convert-to", "html:HTML (StarWriter):EmbedImages",
                      "--outdir", str(folder / "out"), str(page)])
        made = folder / "out" / "pictures.html"
        html = made.read_text(encoding="utf-8", errors="replace") if made.is_file() else ""
    rendered: dict[int, bytes] = {}
    for match in _IMG.finditer(html):
        alt = _ALT.search(match.group(0))
        try:
            data = base64.b64decode(re.sub(r"\s+", "", match.group(1)), validate=True)
        except (binascii.Error, ValueError):
            continue
        if alt and int(alt.group(1)) in pictures:
            rendered[int(alt.group(1))] = data
    return rendered


def _run(folder: Path, arguments: list[str]) -> None:
    soffice = find_soffice()
    if soffice is None:
        raise OfficeMissing
    profile = (folder / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible",
               "--norestore", "--nologo", "--nolockcheck", *arguments]
    # Its own session, so that a run past the time limit is killed with every process
    # it started (soffice is a script that starts oosplash, which starts soffice.bin).
    process = subprocess.Popen(command, cwd=folder, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired as err:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise ImportFailure(f"LibreOffice 转换超过 {TIMEOUT:.0f} 秒仍未完成，已中止；"
                            "请在 Word/WPS 中另存为 .docx 后再导入") from err
    except BaseException:  # Ctrl-C: leave no LibreOffice behind
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise

