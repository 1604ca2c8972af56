"""A failed build leaves the previous output untouched."""

import signal
from pathlib import Path

import pytest
from conftest import entry

from site_builder import ContentError, build, load_project
from site_builder.errors import BuildError
from site_builder.incremental import site_files as writer_module


def snapshot(root: Path) -> dict[str, bytes]:
    out = root / "output"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.fixture
def built(make_project):
    root = make_project(entries={"2024-03/a.md": entry()})
    build(load_project(root))
    return root


def test_bad_content_leaves_previous_output_intact(built):
    before = snapshot(built)
    (built / "content/2024-03/b.md").write_text(entry(department="不存在的单位"), encoding="utf-8")
    with pytest.raises(ContentError):
        build(load_project(built))
    assert snapshot(built) == before


def test_a_crash_while_writing_leaves_previous_output_intact(built, monkeypatch):
    before = snapshot(built)
    (built / "content/2024-03/b.md").write_text(entry(title="第二篇", date="2024-03-13"),
                                                encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(writer_module, "atom_feed", crash)
    with pytest.raises(BuildError):
        build(load_project(built))
    assert snapshot(built) == before
    assert not [p for p in (built / "output").iterdir() if p.name.startswith(".")]


def test_ctrl_c_while_writing_leaves_previous_output_intact(built, monkeypatch):
    before = snapshot(built)

    def interrupt(*args, **kwargs):
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(writer_module, "sitemap", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build(load_project(built))
    assert snapshot(built) == before


def test_broken_project_template_is_a_located_problem(make_project):
    root = make_project(entries={"a.md": entry()},
                        files={"templates/entry.html": "{% extends 'base.html' %}{% block x %}"})
    with pytest.raises(ContentError) as err:
        build(load_project(root))
    [problem] = err.value.problems
    assert problem.code == "template-error" and problem.file.name == "entry.html"


def test_project_template_overrides_the_default_file_by_file(make_project):
    root = make_project(entries={"a.md": entry()},
                        files={"templates/404.html": "<p>自定义 404 {{ site.title }}</p>",
                               "templates/static/extra.css": "body{}"})
    build(load_project(root))
    assert (root / "output/site/404.html").read_text(encoding="utf-8") == "<p>自定义 404 测试简报</p>"
    assert (root / "output/site/static/extra.css").is_file()
    assert (root / "output/site/static/style.css").is_file()  # the default is still there


def test_ctrl_c_while_swapping_in_is_held_until_the_swap_is_done(built, monkeypatch):
    """The swap is a handful of renames; an interrupt in the middle would leave output/
    half old, half new, so it is raised once the swap is complete."""
    real_rename = Path.rename

    def rename(self, target):
        signal.raise_signal(signal.SIGINT)
        return real_rename(self, target)

    (built / "content/2024-03/b.md").write_text(entry(title="第二篇", date="2024-03-13"),
                                                encoding="utf-8")
    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        build(load_project(built))
    monkeypatch.undo()
    assert "第二篇" in (built / "output/site/index.html").read_text(encoding="utf-8")
    assert not [p for p in (built / "output").iterdir() if p.name.startswith(".")]
