"""The score exports as spreadsheets read them: text stays text, numbers stay numbers."""

import csv
import io

import pytest
from conftest import SITE, entry

from site_builder import build, load_project
from site_builder.cli import main
from site_builder.scoring.export import csv_cell

HYPERLINK = '=HYPERLINK("http://evil.example/","x")&"'
DDE = "=cmd|' /C calc'!A0&\""
EVIL_NAME = "=1+2"


@pytest.fixture
def injected(make_project):
    departments = [*SITE["departments"], {"id": "evil", "name": EVIL_NAME}]
    return make_project(site={"departments": departments}, entries={
        "2024-03/a.md": entry(placements=[{"outlet": HYPERLINK, "date": "2024-03-16"}],
                              showcases=[{"level": "regional", "platform": DDE,
                                          "date": "2024-03-18"}]),
        "2024-03/b.md": entry(title="另一篇", department=EVIL_NAME,
                              placements=[{"outlet": "@SUM(1+1)", "date": "2024-03-17"}]),
    }, files={"content/ledger/2024.yaml":
              "- {date: 2024-03-01, department: xingzhen, kind: missed-response,"
              " note: '+1 漏报'}\n"})


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@a", "\tx", "\rx"])
def test_a_csv_text_cell_that_would_be_a_formula_gets_a_leading_quote(value):
    assert csv_cell(value) == "'" + value


def test_csv_numbers_and_plain_text_are_written_as_they_are():
    from decimal import Decimal

    assert [csv_cell(Decimal("-0.2")), csv_cell(3), csv_cell("交管大队"), csv_cell("a=b")] == [
        "-0.20", "3", "交管大队", "a=b"]


def csv_rows(root):
    raw = (root / "output/scores/2024.csv").read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(raw)))


def test_no_csv_cell_starts_a_formula(injected):
    build(load_project(injected))
    rows = csv_rows(injected)
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    # what an attacker wrote is still there, shown as text
    assert any(c == "'" + HYPERLINK or c.startswith("'" + HYPERLINK) or HYPERLINK in c
               for c in cells)
    assert "'" + EVIL_NAME in cells
    # a negative score is a number, not a quoted text
    assert "-0.20" in cells


def test_stdout_csv_is_quoted_the_same_way(injected, capsys):
    assert main(["scores", "--project", str(injected), "--year", "2024", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert "'" + EVIL_NAME in [cell for row in rows for cell in row]
    assert not [c for row in rows for c in row if c.startswith("=")]


def test_no_xlsx_cell_is_a_formula_and_numbers_stay_numbers(injected):
    from openpyxl import load_workbook

    build(load_project(injected))
    book = load_workbook(injected / "output/scores/2024.xlsx")
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "@"))]
    # the department name in all three sheets; both event texts in 积分明细
    sheets = {c.parent.title for c in risky if c.value == EVIL_NAME}
    assert sheets == set(book.sheetnames)
    assert any(HYPERLINK in c.value for c in risky) and any(DDE in c.value for c in risky)
    assert all(c.quotePrefix for c in risky)  # shown as written: nothing visible added
    points = [c.value for c in book["积分明细"]["G"][1:]]
    assert -0.2 in points and all(isinstance(p, (int, float)) for p in points)


def test_a_control_character_that_reaches_the_workbook_is_dropped_not_a_traceback(tmp_path):
    import datetime as dt

    from openpyxl import load_workbook

    from site_builder.model import Department
    from site_builder.scoring.engine import score_year
    from site_builder.scoring.events import ScoreEvent
    from site_builder.scoring.export import write_xlsx
    from site_builder.scoring.rules import load_rules

    rules, _ = load_rules(None)
    departments = (Department("a", "交管\x1b大队"),)
    event = ScoreEvent(department="a", date=dt.date(2024, 3, 1), source="ledger",
                       kind="missed-response", level="", description="漏报\x07",
                       where="ledger:1")
    write_xlsx(score_year([event], rules, departments, 2024), [], rules, tmp_path / "s.xlsx")
    values = [c.value for ws in load_workbook(tmp_path / "s.xlsx").worksheets
              for row in ws.iter_rows() for c in row]
    assert "交管大队" in values and not any("\x1b" in str(v) for v in values)
