
import pytest
from conftest import entry

from site_builder import ContentError, load_project
from site_builder.newsletter.issue import issue_numbers, plan_issue


def test_issue_numbers_run_within_the_year():
    assert issue_numbers(["2024-01", "2024-03", "2025-01", "2024-02"], {}) == {
        "2024-01": 1, "2024-02": 2, "2024-03": 3, "2025-01": 1}


def test_a_pinned_number_restarts_the_count():
    assert issue_numbers(["2024-01", "2024-02", "2024-03"], {"2024-02": 7}) == {
        "2024-01": 1, "2024-02": 7, "2024-03": 8}


def test_issue_groups_entries_by_type_oldest_first(make_project):
    root = make_project(entries={
        "a.md": entry(title="后一篇动态", date="2024-03-20"),
        "b.md": entry(title="前一篇动态", date="2024-03-02"),
        "c.md": entry(title="工作总结", type="work-summary", date="2024-03-10"),
        "d.md": entry(title="草稿不印发", date="2024-03-11", status="draft"),
        "e.md": entry(title="二月的稿件", date="2024-02-11"),
    })
    issue = plan_issue(load_project(root), 2024, 3)
    assert [(s.label, [e.title for e in s.entries]) for s in issue.sections] == [
        ("工作动态", ["前一篇动态", "后一篇动态"]), ("工作总结", ["工作总结"])]
    assert issue.number == 2  # February has an issue too
    assert str(issue.date) == "2024-03-31"


def test_public_issue_keeps_only_public_entries(make_project):
    root = make_project(entries={"a.md": entry(title="内部", date="2024-03-02"),
                                 "b.md": entry(title="公开", date="2024-03-03",
                                               classification="public")})
    issue = plan_issue(load_project(root), 2024, 3, public=True)
    assert [e.title for e in issue.entries] == ["公开"]


def test_a_month_without_published_entries_has_no_issue(make_project):
    root = make_project(entries={"a.md": entry(date="2024-03-02", status="review")})
    assert plan_issue(load_project(root), 2024, 3) is None


def test_print_bodies_use_image_files_and_drop_web_links(make_project):
    from conftest import PNG

    root = make_project(entries={
        "2024-03/a.md": entry("![图](p.png) 见[另一篇](b.md)。", date="2024-03-02"),
        "2024-03/b.md": entry(title="另一篇", date="2024-03-03")},
        files={"content/2024-03/p.png": PNG})
    issue = plan_issue(load_project(root), 2024, 3)
    body = next(e for e in issue.entries if e.slug == "a").body_html
    assert 'src="site-builder:content/2024-03/p.png"' in body  # the project's file, by name
    assert "href" not in body


def test_an_issue_date_set_in_site_yaml_is_the_masthead_date(make_project):
    root = make_project(entries={"a.md": entry(date="2024-03-12")},
                        site={"newsletter": {"dates": {"2024-03": "2024-04-02"}}})
    issue = plan_issue(load_project(root), 2024, 3)
    assert (str(issue.date), str(issue.month_end)) == ("2024-04-02", "2024-03-31")


def test_a_month_without_a_set_date_keeps_the_month_end(make_project):
    root = make_project(entries={"a.md": entry(date="2024-02-12")},
                        site={"newsletter": {"dates": {"2024-03": "2024-04-02"}}})
    assert str(plan_issue(load_project(root), 2024, 2).date) == "2024-02-29"


BAD_DATES = "title: 测试简报\nnewsletter:\n  dates:\n    \"2024-03\": 2024-04-02\n{}\n" + \
    "departments:\n  - {{id: jiaoguan, name: 交管大队}}\n"


@pytest.mark.parametrize(("line", "needle"), [
    ('    "2024-13": 2024-04-02', "YYYY-MM"),
    ('    "2024-04": 4月2日', "YYYY-MM-DD"),
    ('    "2024-04": 2024-03-30', "早于"),
])
def test_a_wrong_issue_date_is_located(make_project, line, needle):
    root = make_project()
    (root / "site.yaml").write_text(BAD_DATES.format(line), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_project(root)
    [problem] = err.value.problems
    assert (problem.file.name, problem.line, problem.code) == ("site.yaml", 5, "invalid-date")
    assert problem.key.startswith("newsletter.dates.") and needle in problem.message


def test_the_set_date_is_printed_on_masthead_and_banji_and_scores_stand_at_month_end(make_project):
    from site_builder.newsletter.pdf import issue_html

    root = make_project(entries={"a.md": entry(date="2024-03-12")},
                        site={"newsletter": {"dates": {"2024-03": "2024-04-02"}}})
    html = issue_html(load_project(root), 2024, 3, public=False)
    assert html.count("2024年4月2日") == 2 and "2024年3月31日" not in html
    assert "统计至3月31日" in html


def issue_text(html: str) -> str:
    """The text a reader sees in the issue's HTML (no markup, no style sheet)."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts: list[str] = []
            self.skip = False

        def handle_starttag(self, tag, attrs):
            self.skip = tag in ("style", "script")

        def handle_endtag(self, tag):
            self.skip = False

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return "".join(parser.parts)


def test_what_the_product_writes_in_the_issue_quotes_as_gb_t_15834(make_project):
    """“” and ‘’ only (GB/T 15834 for horizontal text): no 「」『』 or straight quotes in the
    masthead, 目录, section labels, figure cards, score table and its note, 版记."""
    from site_builder.newsletter.pdf import issue_html

    root = make_project(
        entries={"a.md": entry(date="2024-03-12", adoptions=[{"level": "city", "date": "2024-03-13"}]),
                 "b.md": entry("人物故事正文。", title="最美民警张三", type="model-figure",
                               date="2024-03-08", department="刑侦大队",
                               figure={"name": "张三", "unit": "刑侦大队", "title": "副大队长",
                                       "honors": ["个人三等功", "优秀共产党员"]})},
        site={"newsletter": {"title": "测试整顿简报", "issuer": "测试市整顿办", "copies": 45,
                             "distribution": {"报": ["市委政法委"], "发": ["各派出所"]}}})
    text = issue_text(issue_html(load_project(root), 2024, 3, public=False))
    assert "考核积分" in text and "共印45份" in text and "内部资料" in text
    assert not set("「」『』\"'") & set(text), sorted(set("「」『』\"'") & set(text))
