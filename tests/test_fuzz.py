"""Robustness: whatever an editor's file holds, loading gives entries or located problems —
never a traceback.  YAML is loaded safely; symlinks out of the project are refused."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from conftest import SITE, copy_demo, entry, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder import build, check, load_project
from site_builder.content import ENTRY_KEYS
from site_builder.errors import ContentError

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 6, 1)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def new_project(factory: pytest.TempPathFactory, files: dict[str, str | bytes]) -> Path:
    root = factory.mktemp("fuzz")
    (root / "site.yaml").write_text(yaml.safe_dump(SITE, allow_unicode=True, sort_keys=False),
                                    encoding="utf-8")
    (root / "content").mkdir()
    for name, data in files.items():
        write(root / "content" / name, data)
    return root


def loads_or_reports(root: Path, full_check: bool = True) -> None:
    """load_project succeeds (and so does check) or raises ContentError with located problems."""
    try:
        project = load_project(root)
    except ContentError as err:
        assert err.problems
        for problem in err.problems:
            assert isinstance(problem.file, Path) and str(problem.file)
            assert problem.message.strip()
        return
    if full_check:
        for problem in check(project, today=TODAY):
            assert isinstance(problem.file, Path) and problem.message.strip()


scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
           | st.dates().map(str))
yaml_values = st.recursive(
    scalars,
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=4)),
    max_leaves=20)
yamlish = st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?.~ \n\t") + list("ab题日12")),
                  max_size=200)


@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes_as_an_entry_file(tmp_path_factory, data):
    loads_or_reports(new_project(tmp_path_factory, {"a.md": data}))


@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes_after_a_front_matter_fence(tmp_path_factory, data):
    loads_or_reports(new_project(tmp_path_factory, {"a.md": b"---\n" + data}))


@FUZZ
@given(text=yamlish)
def test_random_yaml_ish_front_matter(tmp_path_factory, text):
    loads_or_reports(new_project(tmp_path_factory, {"a.md": f"---\n{text}\n---\n\n正文。\n"}))


@FUZZ
@given(key=st.sampled_from(ENTRY_KEYS), value=yaml_values)
def test_random_value_for_each_front_matter_key(tmp_path_factory, key, value):
    loads_or_reports(new_project(tmp_path_factory, {"a.md": entry(**{key: value})}))


@FUZZ
@given(front=st.dictionaries(st.sampled_from(ENTRY_KEYS) | st.text(max_size=8), yaml_values, max_size=6))
def test_random_front_matter_mapping(tmp_path_factory, front):
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    loads_or_reports(new_project(tmp_path_factory, {"a.md": f"---\n{text}---\n\n正文。\n"}))


@pytest.mark.parametrize("value", ["[" * 5000, "[" * 5000 + "]" * 5000, "{a: " * 5000 + "}" * 5000,
                                   "- " * 5000 + "x"])
def test_deeply_nested_front_matter_is_a_problem_not_a_crash(tmp_path_factory, value):
    root = new_project(tmp_path_factory, {"a.md": f"---\ntitle: {value}\ndate: 2024-03-12\n---\n正文\n"})
    with pytest.raises(ContentError) as err:
        load_project(root)
    assert all(p.message.strip() and p.file.name == "a.md" for p in err.value.problems)


def test_anchors_and_aliases_cannot_blow_up(tmp_path_factory):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    text = "---\n" + "\n".join(lines) + "\ntitle: *a8\ndate: 2024-03-12\n---\n正文\n"
    loads_or_reports(new_project(tmp_path_factory, {"a.md": text}), full_check=False)


def test_huge_string_value_loads(tmp_path_factory):
    root = new_project(tmp_path_factory, {"a.md": entry(summary="警" * 1_000_000)})
    [loaded] = load_project(root).entries
    assert len(loaded.summary) == 1_000_000


def test_five_megabyte_entry_loads(tmp_path_factory):
    line = "本报讯 交管大队召开警示教育大会，会议要求全体民警严守纪律。\n"
    body = line * (5 * 1024 * 1024 // len(line.encode()) + 1)
    root = new_project(tmp_path_factory, {"a.md": entry(body)})
    assert len((root / "content" / "a.md").read_bytes()) > 5 * 1024 * 1024
    [loaded] = load_project(root).entries
    assert loaded.body_md.strip() == body.strip()


def test_symlinked_entry_outside_the_project_is_refused(tmp_path_factory):
    root = new_project(tmp_path_factory, {})
    outside = root.parent / "outside.md"
    outside.write_text(entry(), encoding="utf-8")
    os.symlink(outside, root / "content" / "link.md")
    with pytest.raises(ContentError) as err:
        load_project(root)
    [problem] = err.value.problems
    assert (problem.code, problem.file.name) == ("path-outside-project", "link.md")


def test_symlinked_entry_inside_the_project_loads(tmp_path_factory):
    root = new_project(tmp_path_factory, {})
    write(root / "notes" / "a.md", entry())
    os.symlink(root / "notes" / "a.md", root / "content" / "link.md")
    [loaded] = load_project(root).entries
    assert loaded.title == "交管大队召开警示教育大会"


def test_symlinked_folder_outside_the_project_loads_nothing_from_outside(tmp_path_factory):
    root = new_project(tmp_path_factory, {"a.md": entry()})
    outside = root.parent / f"{root.name}-outside"
    write(outside / "secret.md", entry(title="项目外的稿件"))
    os.symlink(outside, root / "content" / "linked", target_is_directory=True)
    try:
        project = load_project(root)
    except ContentError as err:
        assert {p.code for p in err.problems} == {"path-outside-project"}
    else:
        assert [e.title for e in project.entries] == ["交管大队召开警示教育大会"]


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/object/new:os.system"])
def test_python_tags_in_front_matter_are_a_yaml_error_and_not_executed(tmp_path_factory, tag):
    root = new_project(tmp_path_factory, {})
    marker = root / "hacked"
    text = f'---\ntitle: {tag} ["echo hacked > {marker}"]\ndate: 2024-03-12\n---\n正文\n'
    write(root / "content" / "a.md", text)
    with pytest.raises(ContentError) as err:
        load_project(root)
    [problem] = err.value.problems
    assert (problem.code, problem.line) == ("yaml-syntax", 2)
    assert not marker.exists()


def test_python_name_tag_is_a_yaml_error(tmp_path_factory):
    root = new_project(tmp_path_factory, {"a.md": "---\ntitle: !!python/name:os.system ''\n---\n正文\n"})
    with pytest.raises(ContentError) as err:
        load_project(root)
    assert [p.code for p in err.value.problems] == ["yaml-syntax"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("demo"))


def test_demo_public_entries_have_no_error_level_finding(demo):
    project = load_project(demo)
    public = {e.source for e in project.entries if e.classification == "public"}
    assert public
    errors = [p for p in check(project) if p.is_error and p.file in public]
    assert errors == []


def test_demo_public_build_succeeds(demo):
    report = build(load_project(demo), public=True, pdf=False)
    assert report.entries > 0 and not any(p.is_error for p in report.warnings)
