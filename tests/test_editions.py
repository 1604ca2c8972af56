"""One edition, one folder: a build reads and writes only its own edition's folders, takes
its own lock, and a second build of the same edition waits, then stops with a message."""

from __future__ import annotations

import fcntl
import os

import pytest
from conftest import entry

from site_builder.cli import main
from site_builder.editions import INTRANET, PREVIEW, PUBLIC, edition_lock
from site_builder.errors import BuildError


@pytest.fixture
def project(make_project):
    return make_project(entries={
        "2024-03/pub.md": entry(title="公开的稿件", classification="public", reviewer="王"),
        "2024-03/int.md": entry(title="内部的稿件", classification="internal", reviewer="王",
                                adoptions=[{"level": "city", "date": "2024-03-20"}]),
    })


def snapshot(folder) -> dict[str, tuple[int, int, bytes]]:
    """Every file under `folder` with its inode, mtime and bytes: any touch shows."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            out[str(path.relative_to(folder))] = (st.st_ino, st.st_mtime_ns, path.read_bytes())
    return out


def test_the_folders_of_each_edition():
    from pathlib import Path

    out = Path("output")
    assert INTRANET.folders(out) == [out / "site", out / "pdf", out / "scores"]
    assert PUBLIC.folders(out) == [out / "public/site", out / "public/pdf"]
    assert PREVIEW.folders(out) == [out / "preview"]
    assert PREVIEW.folder(out, "pdf") == out / "preview/pdf"


def test_a_public_build_touches_nothing_of_the_intranet_edition(project, capsys):
    assert main(["build", "--project", str(project), "--no-pdf"]) == 0
    before = snapshot(project / "output")
    assert main(["build", "--project", str(project), "--public", "--no-pdf"]) == 0
    after = snapshot(project / "output")
    assert {k: v for k, v in after.items() if not k.startswith("public/")} == before
    public = (project / "output/public/site/index.html").read_text(encoding="utf-8")
    assert "公开的稿件" in public and "内部的稿件" not in public
    assert not any("scores" in name for name in after if name.startswith("public/"))
    assert "打开 " in capsys.readouterr().out


def test_an_intranet_build_touches_nothing_of_the_public_edition(project):
    assert main(["build", "--project", str(project), "--public", "--no-pdf"]) == 0
    before = snapshot(project / "output/public")
    assert main(["build", "--project", str(project), "--no-pdf"]) == 0
    assert snapshot(project / "output/public") == before
    intranet = (project / "output/site/index.html").read_text(encoding="utf-8")
    assert "内部的稿件" in intranet
    assert (project / "output/scores/2024.json").is_file()


def test_each_edition_has_its_own_cache_and_stamp(project):
    assert main(["build", "--project", str(project), "--no-pdf"]) == 0
    assert main(["build", "--project", str(project), "--no-pdf", "--public"]) == 0
    names = {p.name for p in (project / ".cache").iterdir()}
    assert {"intranet.pickle", "public.pickle"} <= names


def test_a_second_build_of_the_same_edition_waits_then_stops(project, capsys, monkeypatch):
    import site_builder.editions as editions

    monkeypatch.setattr(editions, "LOCK_WAIT", 0.2)
    (project / ".cache").mkdir()
    with open(project / ".cache/intranet.lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as another process's build would
        assert main(["build", "--project", str(project), "--no-pdf", "--no-cache"]) == 1
        err = capsys.readouterr().err
        assert "另一个构建正在进行" in err and "Traceback" not in err
        # another edition is not held up
        assert main(["build", "--project", str(project), "--no-pdf", "--public"]) == 0
    assert main(["build", "--project", str(project), "--no-pdf"]) == 0


def test_the_lock_is_released_after_a_failed_build(project):
    with pytest.raises(BuildError), edition_lock(project, INTRANET):
        raise BuildError("x")
    with edition_lock(project, INTRANET, wait=0):
        pass


def test_a_cache_that_is_a_file_gives_a_message_and_keeps_the_output(project, capsys):
    assert main(["build", "--project", str(project), "--no-pdf"]) == 0
    before = snapshot(project / "output")
    import shutil

    shutil.rmtree(project / ".cache")
    (project / ".cache").write_text("not a folder")
    assert main(["build", "--project", str(project), "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert ".cache" in err and "不是文件夹" in err and "Traceback" not in err
    assert snapshot(project / "output") == before


def test_unwritable_output_gives_a_message(project, capsys):
    if os.geteuid() == 0:
        # root writes anywhere: make output/ a file instead, which nobody can write into
        (project / "output").write_text("a file where the folder should be")
    else:
        (project / "output").mkdir()
        (project / "output").chmod(0o500)
    assert main(["build", "--project", str(project), "--no-pdf", "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert "无法写入" in err and "Traceback" not in err


def test_a_full_disk_gives_a_message_and_keeps_the_output(project, capsys, monkeypatch):
    import errno

    assert main(["build", "--project", str(project), "--no-pdf"]) == 0
    before = snapshot(project / "output")
    (project / "content/2024-03/int.md").write_text(entry(title="改过的标题", reviewer="王"),
                                                     encoding="utf-8")
    from site_builder.incremental import site_files as writer

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(writer, "write_file", full)
    assert main(["build", "--project", str(project), "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and "Traceback" not in err
    assert snapshot(project / "output") == before
