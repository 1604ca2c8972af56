"""review/queue.py and `site-builder review`: what awaits review, by department, oldest first."""

from __future__ import annotations

import datetime
import json

import pytest
from conftest import entry

from site_builder import build, load_project
from site_builder.cli import main
from site_builder.review.queue import review_queue

TODAY = datetime.date(2024, 4, 1)


class FixedDate(datetime.date):
    @classmethod
    def today(cls):
        return cls(2024, 4, 1)


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(datetime, "date", FixedDate)


def waiting_project(make_project):
    return make_project(entries={
        "a.md": entry(title="交管草稿一", date="2024-03-01", status="draft"),
        "b.md": entry(title="刑侦待审", date="2024-03-10", status="review", department="刑侦大队"),
        "c.md": entry(title="城关已审", date="2024-03-05", status="approved", department="城关派出所",
                      reviewer="王建华"),
        "d.md": entry(title="交管草稿二", date="2024-03-20", status="draft", authors=["李明远"]),
    })


def queue_titles(root, today=TODAY):
    project = load_project(root)
    return [(dept, [(w.entry.title, w.age) for w in waiting])
            for dept, waiting in review_queue(project.entries, project.config, today)]


def test_queue_lists_drafts_and_review_entries_by_department_oldest_first(make_project):
    assert queue_titles(waiting_project(make_project)) == [
        ("jiaoguan", [("交管草稿一", 31), ("交管草稿二", 12)]),
        ("xingzhen", [("刑侦待审", 22)]),
    ]


def test_approved_entries_are_not_in_the_queue(make_project):
    root = make_project(entries={"a.md": entry(status="approved", reviewer="王建华")})
    assert queue_titles(root) == []


def test_departments_come_in_registry_order(make_project):
    # site.yaml registers 交管大队, 刑侦大队, 城关派出所 in that order
    root = make_project(entries={
        "a.md": entry(title="城关", status="draft", department="城关派出所"),
        "b.md": entry(title="刑侦", status="draft", department="刑侦大队"),
    })
    assert [dept for dept, _ in queue_titles(root)] == ["xingzhen", "chengguan"]


def test_age_is_counted_from_the_given_today(make_project):
    root = make_project(entries={"a.md": entry(date="2024-03-12", status="review")})
    assert queue_titles(root, datetime.date(2024, 3, 12)) == [("jiaoguan", [("交管大队召开警示教育大会", 0)])]


def test_review_json_lists_waiting_entries_with_age_days(make_project, capsys, fixed_today):
    root = waiting_project(make_project)
    assert main(["review", "--project", str(root), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(d["file"], d["department"], d["status"], d["age_days"]) for d in data] == [
        ("content/a.md", "jiaoguan", "draft", 31),
        ("content/d.md", "jiaoguan", "draft", 12),
        ("content/b.md", "xingzhen", "review", 22),
    ]
    assert data[1]["department_name"] == "交管大队" and data[1]["authors"] == ["李明远"]
    assert data[1]["date"] == "2024-03-20" and data[1]["title"] == "交管草稿二"


def test_review_json_is_an_empty_list_when_nothing_waits(make_project, capsys, fixed_today):
    root = make_project(entries={"a.md": entry(status="approved", reviewer="王建华")})
    assert main(["review", "--project", str(root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_review_table_counts_drafts_and_review_entries(make_project, capsys, fixed_today):
    assert main(["review", "--project", str(waiting_project(make_project))]) == 0
    out = capsys.readouterr().out
    assert "共 3 篇：草稿 2 篇，待审 1 篇。" in out
    assert "交管草稿一" in out and "城关已审" not in out


def test_review_table_says_when_nothing_waits(make_project, capsys, fixed_today):
    root = make_project(entries={"a.md": entry(status="approved", reviewer="王建华")})
    assert main(["review", "--project", str(root)]) == 0
    assert "没有待审稿件" in capsys.readouterr().out


def test_build_summary_mentions_what_was_left_out(make_project):
    report = build(load_project(waiting_project(make_project)), pdf=False, today=TODAY)
    assert report.entries == 1
    assert "未发布：草稿 2 篇，待审 1 篇" in report.summary()


def test_build_summary_mentions_internal_entries_left_out_of_a_public_build(make_project):
    root = make_project(entries={"a.md": entry(reviewer="王建华"),
                                 "b.md": entry(title="公开稿", classification="public", reviewer="王建华")})
    report = build(load_project(root), public=True, pdf=False, today=TODAY)
    assert "未发布：内部（公开版不发布） 1 篇" in report.summary()


def test_build_summary_says_nothing_left_out_when_all_are_published(make_project):
    root = make_project(entries={"a.md": entry(reviewer="王建华")})
    assert "未发布" not in build(load_project(root), pdf=False, today=TODAY).summary()
