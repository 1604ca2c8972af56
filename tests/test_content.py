"""content.py: content/**/*.md → Entry, every front-matter key validated and located."""

from __future__ import annotations

import codecs
import datetime as dt
import os
import time
from pathlib import Path

import pytest
from conftest import PNG, entry, load_problems, only_problem

from site_builder import load_project
from site_builder.incremental.entries import load_project as load_cached_project
from site_builder.model import Adoption, Award, Figure, Placement, Showcase

# Hand-written front-matter for nested keys: title line 2, date 3, type 4, department 5.
HEAD = "---\ntitle: 交管大队召开警示教育大会\ndate: 2024-03-12\ntype: briefing\ndepartment: 交管大队\n"


def raw_entry(extra: str) -> str:
    return f"{HEAD}{extra}---\n\n本报讯 正文。\n"


problems = load_problems


def only_entry(root):
    [loaded] = load_project(root).entries
    return loaded


def where(problem):
    return problem.file.name, problem.line, problem.key, problem.code


# --- the required keys -------------------------------------------------------------------

def test_a_valid_entry_loads_every_required_key(make_project):
    loaded = only_entry(make_project(entries={"a.md": entry()}))
    assert (loaded.title, loaded.date, loaded.type, loaded.department) == \
        ("交管大队召开警示教育大会", dt.date(2024, 3, 12), "briefing", "jiaoguan")


@pytest.mark.parametrize("key", ["title", "date", "type", "department"])
def test_missing_required_key_is_missing_key_with_a_line(make_project, key):
    problem = only_problem(make_project(entries={"a.md": entry(**{key: None})}))
    assert (problem.file.name, problem.key, problem.code) == ("a.md", key, "missing-key")
    assert problem.line in range(1, 6)  # inside the front-matter (closing fence on line 5)
    assert f"{key}:" in problem.hint


def test_blank_title_is_missing_key(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(title="  ")}))
    assert where(problem) == ("a.md", 2, "title", "missing-key")


@pytest.mark.parametrize("value", ["2024-3-12", "2024/03/12", "3月12日", "20240312"])
def test_date_not_a_date_is_invalid_date(make_project, value):
    problem = only_problem(make_project(entries={"a.md": entry(date=value)}))
    assert where(problem) == ("a.md", 3, "date", "invalid-date")
    assert "2024-03-12" in problem.hint


def test_unknown_type_lists_the_accepted_ones(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(type="news")}))
    assert where(problem) == ("a.md", 4, "type", "unknown-type")
    assert all(t in problem.hint for t in ("briefing", "model-figure", "work-summary"))


def test_close_type_is_suggested(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(type="breifing")}))
    assert "是否应为「briefing」" in problem.hint


def test_types_come_from_site_yaml(make_project):
    root = make_project(site={"types": {"notice": "通知"}}, entries={"a.md": entry(type="notice")})
    assert only_entry(root).type == "notice"


@pytest.mark.parametrize("label", ["jiaoguan", "交管大队", "交警大队"])
def test_department_by_id_name_or_alias_resolves_to_the_id(make_project, label):
    assert only_entry(make_project(entries={"a.md": entry(department=label)})).department == "jiaoguan"


def test_unknown_department_suggests_the_closest_registered_one(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(department="交警队")}))
    assert where(problem) == ("a.md", 5, "department", "unknown-department")
    assert "交管大队" in problem.hint
    assert "交警队" in problem.message


def test_unknown_department_with_nothing_close_lists_all(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(department="宣传科")}))
    assert problem.code == "unknown-department"
    assert all(name in problem.hint for name in ("交管大队", "刑侦大队", "城关派出所"))


# --- optional keys -----------------------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "code"), [
    ("status", "published", "invalid-status"),
    ("classification", "secret", "invalid-classification"),
])
def test_bad_status_or_classification_has_its_code(make_project, key, value, code):
    problem = only_problem(make_project(entries={"a.md": entry(**{key: value})}))
    assert where(problem) == ("a.md", 6, key, code)


def test_bad_status_lists_the_accepted_ones(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(status="aproved")}))
    assert "是否应为「approved」" in problem.hint and "draft" in problem.hint


def test_bad_classification_lists_the_accepted_ones(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(classification="secret")}))
    assert "internal" in problem.hint and "public" in problem.hint


def test_status_defaults_to_site_default_status(make_project):
    root = make_project(site={"default_status": "draft"}, entries={"a.md": entry()})
    assert only_entry(root).status == "draft"


def test_explicit_status_wins_over_default_status(make_project):
    root = make_project(site={"default_status": "draft"}, entries={"a.md": entry(status="review")})
    assert only_entry(root).status == "review"


def test_classification_defaults_to_internal(make_project):
    assert only_entry(make_project(entries={"a.md": entry()})).classification == "internal"


def test_column_defaults_to_the_first_column(make_project):
    root = make_project(site={"columns": ["教育整顿进行时", "以案促改"]}, entries={"a.md": entry()})
    assert only_entry(root).column == "教育整顿进行时"


def test_column_can_name_another_column(make_project):
    root = make_project(site={"columns": ["教育整顿进行时", "以案促改"]},
                        entries={"a.md": entry(column="以案促改")})
    assert only_entry(root).column == "以案促改"


def test_unknown_column_lists_the_columns(make_project):
    root = make_project(site={"columns": ["教育整顿进行时", "以案促改"]},
                        entries={"a.md": entry(column="警示教育")})
    problem = only_problem(root)
    assert where(problem) == ("a.md", 6, "column", "unknown-column")
    assert "教育整顿进行时" in problem.hint and "以案促改" in problem.hint


def test_authors_tags_summary_and_reviewer_are_read(make_project):
    root = make_project(entries={"a.md": entry(authors=["李明远", "赵晓雯"], tags=["警示教育"],
                                               summary="一段导语。", reviewer="王建华")})
    loaded = only_entry(root)
    assert (loaded.authors, loaded.tags, loaded.summary, loaded.reviewer) == \
        (("李明远", "赵晓雯"), ("警示教育",), "一段导语。", "王建华")


def test_tags_as_plain_text_is_a_warning_and_still_loads(make_project):
    project = load_project(make_project(entries={"a.md": entry(tags="警示教育")}))
    [loaded] = project.entries
    [warning] = project.warnings
    assert loaded.tags == ("警示教育",)
    assert where(warning) == ("a.md", 6, "tags", "expected-list")
    assert warning.level == "warning"
    assert "[" in warning.hint


def test_tags_as_mapping_is_wrong_type(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(tags={"警示": "教育"})}))
    assert where(problem) == ("a.md", 6, "tags", "wrong-type")
    assert problem.level == "error"


def test_unknown_front_matter_key_is_a_warning_with_the_close_key(make_project):
    project = load_project(make_project(entries={"a.md": entry(autors=["李明远"])}))
    [warning] = project.warnings
    assert where(warning) == ("a.md", 6, "autors", "unknown-key")
    assert warning.level == "warning"
    assert "authors" in warning.hint
    assert len(project.entries) == 1


# --- figure ------------------------------------------------------------------------------

def test_model_figure_reads_the_figure(make_project):
    figure = {"name": "张三", "unit": "城关派出所", "title": "社区民警", "honors": ["个人三等功"]}
    loaded = only_entry(make_project(entries={"a.md": entry(type="model-figure", figure=figure)}))
    assert loaded.figure == Figure("张三", "城关派出所", "社区民警", ("个人三等功",))


def test_model_figure_without_figure_is_missing_key(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(type="model-figure")}))
    assert (problem.file.name, problem.key, problem.code) == ("a.md", "figure", "missing-key")
    assert "name:" in problem.hint


def test_figure_not_a_mapping_is_wrong_type(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(type="model-figure", figure="张三")}))
    assert where(problem) == ("a.md", 6, "figure", "wrong-type")
    assert "name:" in problem.hint


def test_figure_without_name_is_missing_key_at_the_figure(make_project):
    text = raw_entry("figure:\n  unit: 城关派出所\n").replace("type: briefing", "type: model-figure")
    problem = only_problem(make_project(entries={"a.md": text}))
    assert where(problem) == ("a.md", 6, "figure.name", "missing-key")


# --- cover -------------------------------------------------------------------------------

def test_cover_beside_the_entry_is_its_resolved_path(make_project):
    root = make_project(entries={"2024/a.md": entry(cover="images/c.png")},
                        files={"content/2024/images/c.png": PNG})
    assert only_entry(root).cover == (root / "content/2024/images/c.png").resolve()


def test_missing_cover_is_missing_file(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(cover="images/none.png")}))
    assert where(problem) == ("a.md", 6, "cover", "missing-file")
    assert "images/none.png" in problem.message


def test_cover_outside_the_project_is_refused(make_project):
    root = make_project(entries={"a.md": entry(cover="../../x.png")})
    (root.parent / "x.png").write_bytes(PNG)
    problem = only_problem(root)
    assert where(problem) == ("a.md", 6, "cover", "path-outside-project")


def test_cover_symlinked_outside_the_project_is_refused(make_project):
    root = make_project(entries={"a.md": entry(cover="c.png")})
    (root.parent / "outside.png").write_bytes(PNG)
    (root / "content/c.png").symlink_to(root.parent / "outside.png")
    problem = only_problem(root)
    assert where(problem) == ("a.md", 6, "cover", "path-outside-project")


def test_cover_by_absolute_path_outside_is_refused(make_project):
    root = make_project(entries={"a.md": "placeholder"})
    (root.parent / "outside.png").write_bytes(PNG)
    (root / "content/a.md").write_text(entry(cover=str(root.parent / "outside.png")), encoding="utf-8")
    problem = only_problem(root)
    assert where(problem) == ("a.md", 6, "cover", "path-outside-project")


CAPTION = "交管大队民警在车管服务大厅听取群众意见（摄影 李明远）"


def test_cover_caption_is_stored_with_its_cover(make_project):
    root = make_project(entries={"a.md": entry(cover="c.png", cover_caption=f"  {CAPTION} ")},
                        files={"content/c.png": PNG})
    project = load_project(root)
    assert project.entries[0].cover_caption == CAPTION and not project.warnings


def test_no_cover_caption_is_empty(make_project):
    root = make_project(entries={"a.md": entry(cover="c.png")}, files={"content/c.png": PNG})
    assert only_entry(root).cover_caption == ""


@pytest.mark.parametrize("value", [["民警", "群众"], {"text": "民警"}, True])
def test_cover_caption_not_text_is_a_located_wrong_type(make_project, value):
    root = make_project(entries={"a.md": entry(cover="c.png", cover_caption=value)},
                        files={"content/c.png": PNG})
    problem = only_problem(root)
    assert where(problem) == ("a.md", 7, "cover_caption", "wrong-type")
    assert "应为文本" in problem.message and "cover_caption:" in problem.hint


def test_cover_caption_without_a_cover_is_a_located_warning(make_project):
    project = load_project(make_project(entries={"a.md": entry(cover_caption=CAPTION)}))
    [warning] = project.warnings
    assert where(warning) == ("a.md", 6, "cover_caption", "cover-caption-without-cover")
    assert warning.level == "warning" and "cover" in warning.hint
    assert project.entries[0].cover_caption == CAPTION


def test_cover_caption_under_a_cover_that_fails_is_not_also_a_warning(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(cover="none.png",
                                                               cover_caption=CAPTION)}))
    assert where(problem) == ("a.md", 6, "cover", "missing-file")


# --- adoptions, placements, awards, showcases --------------------------------------------

def test_adoption_parses_with_kind_article_by_default(make_project):
    root = make_project(entries={"a.md": raw_entry("adoptions:\n  - level: city\n    date: 2024-03-15\n")})
    assert only_entry(root).adoptions == (Adoption("city", dt.date(2024, 3, 15), "article", "", 7),)


def test_adoption_keeps_kind_and_channel(make_project):
    root = make_project(entries={"a.md": entry(adoptions=[
        {"level": "province", "date": "2024-03-15", "kind": "photo", "channel": "公安厅公众号"}])})
    [adoption] = only_entry(root).adoptions
    assert (adoption.level, adoption.kind, adoption.channel) == ("province", "photo", "公安厅公众号")


def test_placement_parses(make_project):
    extra = "placements:\n  - outlet: 人民日报\n    date: 2024-04-02\n    section: 要闻\n"
    root = make_project(entries={"a.md": raw_entry(extra)})
    assert only_entry(root).placements == (Placement("人民日报", dt.date(2024, 4, 2), "要闻", "", 7),)


def test_award_parses_with_kind_news_by_default(make_project):
    extra = "awards:\n  - level: regional\n    name: 优秀作品奖\n    date: 2024-05-20\n"
    root = make_project(entries={"a.md": raw_entry(extra)})
    assert only_entry(root).awards == (Award("regional", "优秀作品奖", dt.date(2024, 5, 20), "news", 7),)


def test_showcase_parses(make_project):
    extra = "showcases:\n  - level: national\n    platform: 学习强国\n    date: 2024-04-18\n"
    root = make_project(entries={"a.md": raw_entry(extra)})
    assert only_entry(root).showcases == (Showcase("national", "学习强国", dt.date(2024, 4, 18), 7),)


def test_bad_adoption_level_is_located_at_the_nested_key(make_project):
    extra = "adoptions:\n  - date: 2024-03-15\n    level: town\n"
    problem = only_problem(make_project(entries={"a.md": raw_entry(extra)}))
    assert where(problem) == ("a.md", 8, "adoptions[0].level", "invalid-level")
    assert all(level in problem.hint for level in ("county", "city", "province", "ministry"))


def test_bad_level_in_the_second_item_names_that_item(make_project):
    extra = ("adoptions:\n  - level: city\n    date: 2024-03-15\n"
             "  - date: 2024-03-16\n    level: town\n")
    problem = only_problem(make_project(entries={"a.md": raw_entry(extra)}))
    assert where(problem) == ("a.md", 10, "adoptions[1].level", "invalid-level")


@pytest.mark.parametrize(("key", "item"), [
    ("awards", "name: 优秀作品奖\n    date: 2024-05-20\n    level: county\n"),
    ("showcases", "platform: 学习强国\n    date: 2024-04-18\n    level: county\n"),
])
def test_bad_award_or_showcase_level_is_invalid_level(make_project, key, item):
    problem = only_problem(make_project(entries={"a.md": raw_entry(f"{key}:\n  - {item}")}))
    assert where(problem) == ("a.md", 9, f"{key}[0].level", "invalid-level")
    assert all(level in problem.hint for level in ("national", "regional", "city"))


def test_bad_adoption_kind_is_invalid_kind(make_project):
    extra = "adoptions:\n  - level: city\n    date: 2024-03-15\n    kind: text\n"
    problem = only_problem(make_project(entries={"a.md": raw_entry(extra)}))
    assert where(problem) == ("a.md", 9, "adoptions[0].kind", "invalid-kind")
    assert all(kind in problem.hint for kind in ("article", "photo", "video"))


def test_bad_award_kind_is_invalid_kind(make_project):
    extra = "awards:\n  - level: city\n    name: 奖\n    date: 2024-05-20\n    kind: sport\n"
    problem = only_problem(make_project(entries={"a.md": raw_entry(extra)}))
    assert where(problem) == ("a.md", 10, "awards[0].kind", "invalid-kind")
    assert "news" in problem.hint and "culture" in problem.hint


@pytest.mark.parametrize("key", ["adoptions", "placements", "awards", "showcases"])
def test_event_without_date_is_missing_key(make_project, key):
    extra = f"{key}:\n  - level: city\n    outlet: 人民日报\n    name: 奖\n    platform: 学习强国\n"
    root = make_project(entries={"a.md": raw_entry(extra)})
    found = [p for p in problems(root) if p.code != "unknown-key"]
    [problem] = found
    assert where(problem) == ("a.md", 7, f"{key}[0].date", "missing-key")
    assert "date: 2024-03-12" in problem.hint


def test_bad_event_date_is_invalid_date(make_project):
    extra = "adoptions:\n  - level: city\n    date: 2024-13-01\n"
    problem = only_problem(make_project(entries={"a.md": raw_entry(extra)}))
    assert where(problem) == ("a.md", 8, "adoptions[0].date", "invalid-date")


@pytest.mark.parametrize("key", ["adoptions", "placements", "awards", "showcases"])
def test_events_not_a_list_is_wrong_type(make_project, key):
    problem = only_problem(make_project(entries={"a.md": raw_entry(f"{key}:\n  level: city\n")}))
    assert where(problem) == ("a.md", 6, key, "wrong-type")
    assert "- " in problem.hint


def test_event_item_not_a_mapping_is_wrong_type(make_project):
    problem = only_problem(make_project(entries={"a.md": raw_entry("adoptions:\n  - city\n")}))
    assert where(problem) == ("a.md", 7, "adoptions[0]", "wrong-type")


def test_unknown_event_sub_key_is_unknown_key(make_project):
    extra = "adoptions:\n  - level: city\n    date: 2024-03-15\n    chanel: 市局公众号\n"
    problem = only_problem(make_project(entries={"a.md": raw_entry(extra)}))
    assert where(problem) == ("a.md", 9, "adoptions[0].chanel", "unknown-key")
    assert "channel" in problem.hint


# --- file shape --------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty_file_is_empty_file(make_project, text):
    problem = only_problem(make_project(entries={"a.md": text}))
    assert (problem.file.name, problem.code) == ("a.md", "empty-file")


@pytest.mark.parametrize("data", [codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\r\n", codecs.BOM_UTF16_LE],
                         ids=["utf8-bom", "utf8-bom-crlf", "utf16-bom"])
def test_file_with_only_a_byte_order_mark_is_empty_file(make_project, data):
    # Windows Notepad saves an empty "UTF-8" file as just the BOM.
    problem = only_problem(make_project(entries={"a.md": data}))
    assert (problem.file.name, problem.code) == ("a.md", "empty-file")


def test_file_without_front_matter_is_no_front_matter(make_project):
    problem = only_problem(make_project(entries={"a.md": "本报讯 交管大队召开警示教育大会。\n"}))
    assert (problem.file.name, problem.line, problem.code) == ("a.md", 1, "no-front-matter")
    assert "---" in problem.hint


def test_unterminated_front_matter_is_no_front_matter(make_project):
    text = entry().replace("---\n\n", "\n", 1)
    assert text.count("---") == 1
    problem = only_problem(make_project(entries={"a.md": text}))
    assert (problem.file.name, problem.code) == ("a.md", "no-front-matter")


def test_front_matter_that_is_a_list_is_wrong_type(make_project):
    problem = only_problem(make_project(entries={"a.md": "---\n- title: 标题\n- date: 2024-03-12\n---\n"}))
    assert (problem.file.name, problem.line, problem.code) == ("a.md", 2, "wrong-type")
    assert "title:" in problem.hint


def test_every_error_of_every_file_is_reported_in_one_run(make_project):
    root = make_project(entries={"a.md": entry(title=None), "sub/b.md": entry(date="2024-02-30"),
                                 "c.md": entry(department="交警队")})
    found = problems(root)
    assert sorted((p.file.name, p.code) for p in found) == \
        [("a.md", "missing-key"), ("b.md", "invalid-date"), ("c.md", "unknown-department")]


def test_every_error_of_one_file_is_reported(make_project):
    problem_codes = [p.code for p in problems(make_project(
        entries={"a.md": entry(date="yesterday", type="news", department="交警队")}))]
    assert problem_codes == ["invalid-date", "unknown-type", "unknown-department"]


# --- which files are entries -------------------------------------------------------------

def test_ledger_folder_and_hidden_files_are_not_entries(make_project):
    root = make_project(entries={"a.md": entry(), "ledger/notes.md": "不是稿件",
                                 ".draft.md": "不是稿件", ".trash/b.md": "不是稿件"})
    assert [e.source.name for e in load_project(root).entries] == ["a.md"]


def test_entries_in_nested_folders_at_any_depth_are_loaded(make_project):
    root = make_project(entries={"a.md": entry(), "2024/03/b.md": entry(),
                                 "x/y/z/w/c.md": entry()})
    assert sorted(e.slug for e in load_project(root).entries) == ["a", "b", "c"]


def test_a_folder_named_ledger_below_the_top_is_loaded(make_project):
    root = make_project(entries={"2024/ledger/a.md": entry()})
    assert only_entry(root).slug == "a"


def test_non_markdown_files_are_not_entries(make_project):
    root = make_project(entries={"a.md": entry(), "b.txt": "随手记", "c.png": PNG})
    assert len(load_project(root).entries) == 1


# --- slugs -------------------------------------------------------------------------------

def test_slug_defaults_to_the_file_name(make_project):
    assert only_entry(make_project(entries={"2024/jiaoguan-meeting.md": entry()})).slug == "jiaoguan-meeting"


def test_chinese_file_name_gives_a_pinyin_slug(make_project):
    assert only_entry(make_project(entries={"警示教育大会.md": entry()})).slug == "jing-shi-jiao-yu-da-hui"


def test_explicit_slug_is_used(make_project):
    assert only_entry(make_project(entries={"a.md": entry(slug="jiaoguan-2024")})).slug == "jiaoguan-2024"


def test_explicit_invalid_slug_is_invalid_slug(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(slug="Jiao Guan!")}))
    assert where(problem) == ("a.md", 6, "slug", "invalid-slug")
    assert "jiao-guan" in problem.hint


def test_file_name_without_letters_needs_a_slug(make_project):
    problem = only_problem(make_project(entries={"！！.md": entry()}))
    assert (problem.file.name, problem.code) == ("！！.md", "invalid-slug")
    assert "slug:" in problem.hint


def test_same_slug_in_two_folders_is_a_collision_naming_the_other_file(make_project):
    root = make_project(entries={"2023/news.md": entry(), "2024/news.md": entry()})
    problem = only_problem(root)
    assert (problem.key, problem.code) == ("slug", "slug-collision")
    files = {"2023/news.md", "2024/news.md"}
    reported = problem.file.relative_to(root / "content").as_posix()
    assert reported in files
    [other] = files - {reported}
    assert f"content/{other}" in problem.message


def test_explicit_slug_colliding_with_a_file_name_is_a_collision(make_project):
    root = make_project(entries={"a/news.md": entry(), "b/other.md": entry(slug="news")})
    assert only_problem(root).code == "slug-collision"


def test_entry_symlinked_from_outside_the_project_is_refused(make_project):
    root = make_project(entries={"a.md": entry()})
    (root.parent / "outside.md").write_text(entry(title="外面的稿件"), encoding="utf-8")
    (root.parent / "outside").mkdir()
    (root.parent / "outside/b.md").write_text(entry(title="外面的目录"), encoding="utf-8")
    (root / "content/x.md").symlink_to(root.parent / "outside.md")
    (root / "content/sub").symlink_to(root.parent / "outside")
    found = sorted((p.file.relative_to(root).as_posix(), p.code) for p in load_problems(root))
    assert found == [
        ("content/sub/b.md", "path-outside-project"), ("content/x.md", "path-outside-project")]


def test_folder_symlinks_inside_the_project_are_followed_but_not_in_circles(make_project):
    root = make_project(entries={"2024-03/a.md": entry()})
    (root / "content/2024-03/loop").symlink_to(root / "content")
    (root / "shared").mkdir()
    (root / "shared/b.md").write_text(entry(title="共享目录的稿件", date="2024-03-13"), encoding="utf-8")
    (root / "content/shared").symlink_to(root / "shared")
    project = load_project(root)
    assert sorted(e.title for e in project.entries) == ["交管大队召开警示教育大会", "共享目录的稿件"]


def test_an_entry_knows_its_real_path_when_a_link_leads_to_it_and_after_the_link_goes(
        make_project):
    from site_builder.incremental.store import BuildCache

    root = make_project(entries={"a.md": entry()}).resolve()
    (root / "shared").mkdir()
    (root / "shared/b.md").write_text(entry(title="共享目录的稿件", date="2024-03-13"), encoding="utf-8")
    (root / "content/shared").symlink_to(root / "shared")
    cache = BuildCache(root, deferred=True)
    old = time.time() - 60  # settled: the cache may trust the file's size, time and inode

    def real_paths(b: str) -> dict[str, str]:
        os.utime(root / b, (old, old))
        return {e.title: e.real_path for e in load_cached_project(cache, root).entries}

    assert real_paths("shared/b.md") == {"交管大队召开警示教育大会": str(root / "content/a.md"),
                            "共享目录的稿件": str(root / "shared/b.md")}
    (root / "content/shared").unlink()  # the folder itself moves in where the link was:
    (root / "shared").rename(root / "content/shared")  # same file, same inode and time
    assert real_paths("content/shared/b.md")["共享目录的稿件"] == str(root / "content/shared/b.md")


def test_a_huge_file_is_refused_without_reading_it(make_project, monkeypatch):
    root = make_project(entries={"a.md": entry()})
    with (root / "content/big.md").open("wb") as handle:  # sparse: 25 MB that take no disk
        handle.truncate(25 * 1024 * 1024)
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes",
                        lambda self: pytest.fail("read a huge file") if self.name == "big.md"
                        else real_read(self))
    problem = only_problem(root)
    assert (problem.file.name, problem.code) == ("big.md", "file-too-large")
    assert "25 MB" in problem.message


def test_entry_files_are_found_in_path_order(make_project):
    from site_builder.content import find_entry_files

    names = ["a.md", "a/b.md", "a-b/x.md", "a/c/d.md", "a0.md", "B.md", "a b/y.md", "a/a.md"]
    root = make_project(entries={name: entry() for name in names})
    found = [Path(name) for name, _ in find_entry_files(root / "content")]
    assert found == sorted(found) and len(found) == len(names)


# --- drafts never block --------------------------------------------------------------------

def scaffolded_draft(make_project, **site):
    from site_builder.config import load_config
    from site_builder.scaffold import new_entry

    root = make_project(entries={"2024-03/ok.md": entry(reviewer="王建华")}, site=site or None)
    path = new_entry(load_config(root), "model-figure", "李四：守护平安的人", dt.date(2024, 3, 5))
    return root, path


def test_an_unfinished_draft_is_loaded_with_warnings_and_stand_ins(make_project):
    root, path = scaffolded_draft(make_project)
    project = load_project(root)
    draft = next(e for e in project.entries if e.source == path)
    assert (draft.status, draft.department, draft.figure) == ("draft", "", None)
    assert set(draft.missing) == {"department", "figure"}
    found = [(p.key, p.level) for p in project.warnings if p.file == path]
    assert ("department", "warning") in found and ("figure.name", "warning") in found
    assert all("审核通过前须改正" in p.hint for p in project.warnings
               if p.file == path and p.code == "missing-key")


def test_the_build_leaves_an_unfinished_draft_out_and_says_so(make_project):
    from site_builder import build

    root, _ = scaffolded_draft(make_project)
    report = build(load_project(root), pdf=False)
    assert "草稿 1 篇" in report.summary()
    assert "李四" not in "".join(p.read_text(encoding="utf-8")
                               for p in (root / "output/site").rglob("*.html"))


@pytest.mark.parametrize(("front", "key"), [
    ({"date": None}, "date"), ({"department": "不存在的单位"}, "department"),
    ({"title": None}, "title"), ({"type": "report"}, "type"), ({"date": "2024-13-45"}, "date"),
    ({"classification": "secret"}, "classification"), ({"cover": "none.png"}, "cover")])
@pytest.mark.parametrize("status", ["draft", "review"])
def test_any_problem_of_a_draft_is_a_warning_and_an_error_once_approved(make_project, front,
                                                                       key, status):
    root = make_project(entries={"2024-03/a.md": entry(status=status, **front)})
    project = load_project(root)
    [loaded] = project.entries
    assert key in loaded.missing and loaded.classification == "internal"
    assert [p.level for p in project.warnings if p.key == key] == ["warning"]
    (root / "content/2024-03/a.md").write_text(entry(status="approved", **front),
                                               encoding="utf-8")
    assert [p.key for p in problems(root) if p.is_error] == [key]


def test_a_draft_whose_status_cannot_be_read_stays_an_error(make_project):
    root = make_project(entries={"2024-03/a.md": entry(status="drafts", department=None)})
    assert {p.key for p in problems(root) if p.is_error} == {"status", "department"}


def test_a_draft_without_date_takes_its_folders_month_and_is_counted_as_unfilled(make_project,
                                                                               capsys):
    from site_builder.cli import main

    root = make_project(entries={"2024-03/a.md": entry(status="draft", date=None,
                                                        department=None)})
    [loaded] = load_project(root).entries
    assert loaded.date == dt.date(2024, 3, 1)
    assert main(["review", "--project", str(root), "--format", "json"]) == 0
    [waiting] = __import__("json").loads(capsys.readouterr().out)
    assert waiting["department_name"] == "未填单位" and set(waiting["missing"]) >= {"date"}


def test_a_missing_image_is_an_error_in_an_approved_entry_and_a_warning_in_a_draft(make_project):
    from site_builder import ContentError, build

    root = make_project(entries={"2024-03/a.md": entry("![现场](images/none.png)")})
    with pytest.raises(ContentError) as err:
        build(load_project(root), pdf=False)
    assert [(p.code, p.level) for p in err.value.problems] == [("missing-file", "error")]
    (root / "content/2024-03/a.md").write_text(entry("![现场](images/none.png)", status="draft"),
                                               encoding="utf-8")
    report = build(load_project(root), pdf=False)
    assert "草稿 1 篇" in report.summary()


# --- dates and names an editor meant -------------------------------------------------------

@pytest.mark.parametrize(("written", "meant"), [
    ("2024-02-30", "2024-02-29"), ("2024-04-31", "2024-04-30"), ("2024-13-05", "2024-05-13"),
    ("2024-3-5", "2024-03-05"), ("2024年3月5日", "2024-03-05"), ("2024/03/05", "2024-03-05")])
def test_an_impossible_or_loose_date_names_the_form_and_the_nearest_date(make_project, written,
                                                                         meant):
    problem = only_problem(make_project(entries={"a.md": entry(date=written)}))
    assert where(problem) == ("a.md", 3, "date", "invalid-date")
    assert f"是否应为 {meant}？" in problem.hint


def test_a_date_with_no_near_one_says_the_form(make_project):
    problem = only_problem(make_project(entries={"a.md": entry(date="2024-13-45")}))
    assert "日期写作 YYYY-MM-DD，月份 1–12" in problem.message and "是否" not in problem.hint


def test_a_department_named_in_part_suggests_every_close_registered_name(make_project):
    departments = [{"id": "chengguan", "name": "城关派出所"}, {"id": "hexi", "name": "河西派出所"},
                   {"id": "jiaoguan", "name": "交管大队", "aliases": ["交警大队"]}]
    root = make_project(entries={"a.md": entry(department="派出所")},
                        site={"departments": departments})
    problem = only_problem(root)
    assert problem.hint.startswith("是否应为「城关派出所」「河西派出所」之一？")
    (root / "content/a.md").write_text(entry(department="交警队"), encoding="utf-8")
    assert only_problem(root).hint.startswith("是否应为「交管大队」？")


def test_check_counts_every_problem_when_a_file_does_not_load(make_project, capsys):
    from site_builder.cli import main

    root = make_project(entries={
        "2024-03/bad.md": "---\ntitle: 坏\nreviewer：王建华\n---\n正文\n",
        "2024-03/pii.md": entry("联系电话 13812345678。", reviewer="王建华")})
    assert main(["check", "--project", str(root)]) == 1
    out = capsys.readouterr().out
    assert "pii-mobile" in out and "共 1 个错误，1 个警告。" in out


@pytest.mark.parametrize(("extra", "key"), [
    ('placements:\n  - {outlet: "\\e[31mRED\\e[0m", date: 2024-03-16}\n', "placements[0].outlet"),
    ('summary: "导语\\0"\n', "summary"), ('authors: ["李\\x07明"]\n', "authors[0]")])
def test_a_control_character_in_front_matter_is_a_located_error(make_project, extra, key):
    problem = only_problem(make_project(entries={"a.md": raw_entry(extra)}))
    assert (problem.key, problem.code) == (key, "control-character")
    assert "U+00" in problem.message


def test_serve_previews_an_unfinished_draft_and_says_what_it_lacks(make_project):
    from site_builder import build

    root, _ = scaffolded_draft(make_project)
    build(load_project(root), preview=True)
    page = (root / "output/preview/2024/03/li-si-shou-hu-ping-an-de-ren.html").read_text(
        encoding="utf-8")
    assert "李四：守护平安的人" in page and "尚未填完：department、figure" in page
