"""engine.py properties over random score events, with the default rule book."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.model import Department
from site_builder.scoring.engine import score_year
from site_builder.scoring.events import ScoreEvent
from site_builder.scoring.rules import load_rules

RULES, _ = load_rules(None)
DEPARTMENTS = (Department("a", "甲所"), Department("b", "乙所"), Department("c", "丙所"))
YEARS = (2023, 2024, 2025)
OUTLETS = ("人民日报", "新华社", "求是", "央视总台", "光明日报", "经济日报", "学习强国", "云岭日报")
LEDGER_KINDS = ("missed-response", "emergency-task", "correspondent-award", "unapproved-account",
                "missed-star-selection")
SLUGS = ("p", "q", "r", "s", "t")
CATEGORY_MAX = {c.name: c.max for c in RULES.categories}
ITEM_MAX = {i.id: i.max for i in RULES.items}

dates = st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31))

# (source, kind, level) of an entry's events and of ledger lines, drawn from the valid values
entry_kinds = st.one_of(
    st.tuples(st.just("adoption"), st.sampled_from(("article", "photo", "video")),
              st.sampled_from(("county", "city", "province", "ministry"))),
    st.tuples(st.just("placement"), st.just(""), st.sampled_from(OUTLETS)),
    st.tuples(st.just("award"), st.sampled_from(("news", "culture")),
              st.sampled_from(("national", "regional", "city"))),
    st.tuples(st.just("showcase"), st.just(""), st.sampled_from(("national", "regional", "city"))),
)
ledger_kinds = st.one_of(
    st.tuples(st.just("correspondent-award"), st.sampled_from(("regional", "city"))),
    st.tuples(st.sampled_from(LEDGER_KINDS), st.just("")),
)


@st.composite
def event_lists(draw) -> list[ScoreEvent]:
    # Each entry slug belongs to one department and has one status, as in a real project.
    owner = {slug: draw(st.sampled_from(DEPARTMENTS)).id for slug in SLUGS}
    approved = {slug: draw(st.booleans()) for slug in SLUGS}
    events: list[ScoreEvent] = []
    for n in range(draw(st.integers(0, 40))):
        if draw(st.booleans()):
            slug = draw(st.sampled_from(SLUGS))
            source, kind, level = draw(entry_kinds)
            events.append(ScoreEvent(owner[slug], draw(dates), source, kind, level, "稿件事件",
                                     f"{slug}.md:{n}", entry=slug, approved=approved[slug],
                                     status="approved" if approved[slug] else "draft"))
        else:
            kind, level = draw(ledger_kinds)
            events.append(ScoreEvent(draw(st.sampled_from(DEPARTMENTS)).id, draw(dates), "ledger",
                                     kind, level, "台账事项", f"ledger/x.yaml:{n}",
                                     negative_opinion=draw(st.booleans())))
    return events


fast = settings(max_examples=50, deadline=None)


@fast
@given(event_lists(), st.sampled_from(YEARS))
def test_items_stay_within_zero_and_their_max(events, year):
    for standing in score_year(events, RULES, DEPARTMENTS, year).standings:
        for item_id, points in standing.items:
            assert Decimal(0) <= points <= ITEM_MAX[item_id], (standing.department.id, item_id)


@fast
@given(event_lists(), st.sampled_from(YEARS))
def test_total_is_the_sum_of_categories_within_bounds(events, year):
    for standing in score_year(events, RULES, DEPARTMENTS, year).standings:
        assert standing.total == sum(points for _, points in standing.categories)
        for name, points in standing.categories:
            assert Decimal(0) <= points <= CATEGORY_MAX[name]
        assert Decimal(0) <= standing.total <= sum(CATEGORY_MAX.values())  # 28 ≤ 30


@fast
@given(event_lists(), st.sampled_from(YEARS), st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_event_order(events, year, random):
    shuffled = list(events)
    random.shuffle(shuffled)
    first = score_year(events, RULES, DEPARTMENTS, year)
    second = score_year(shuffled, RULES, DEPARTMENTS, year)
    assert first.standings == second.standings
    assert first.audit == second.audit


@fast
@given(event_lists(), st.sampled_from(YEARS))
def test_every_event_of_the_year_is_audited_exactly_once(events, year):
    result = score_year(events, RULES, DEPARTMENTS, year)
    seen = Counter(line.event.where for line in result.audit)
    for event in events:
        if event.date.year == year:
            assert seen[event.where] == 1, event
        else:
            assert seen[event.where] <= 1, event
    for line in result.audit:
        if line.event.date.year != year:
            assert (line.reason, line.counted, line.points) == ("outside-year", False, Decimal(0))


@fast
@given(event_lists(), st.sampled_from(YEARS))
def test_credited_points_never_exceed_nominal(events, year):
    for line in score_year(events, RULES, DEPARTMENTS, year).audit:
        assert abs(line.points) <= abs(line.nominal)
        assert line.points * line.nominal >= 0  # never the opposite sign
        assert line.counted == (line.points != 0)


@fast
@given(event_lists(), st.sampled_from(YEARS))
def test_counted_points_add_up_to_each_item(events, year):
    result = score_year(events, RULES, DEPARTMENTS, year)
    names = {i.name: i for i in RULES.items}
    for standing in result.standings:
        for item_id, points in standing.items:
            item = RULES.item(item_id)
            credited = sum((line.points for line in result.audit
                            if line.event.department == standing.department.id
                            and names.get(line.item) is item), Decimal(0))
            start = item.max if item.mode == "deduct" else Decimal(0)
            assert points == start + credited


@fast
@given(event_lists(), st.sampled_from(YEARS))
def test_an_entry_earns_at_most_once_a_year(events, year):
    counted = Counter(line.event.entry for line in score_year(events, RULES, DEPARTMENTS, year).audit
                      if line.counted and line.event.entry is not None)
    assert all(n == 1 for n in counted.values())


@fast
@given(event_lists(), st.sampled_from(YEARS))
def test_unapproved_entries_never_earn(events, year):
    for line in score_year(events, RULES, DEPARTMENTS, year).audit:
        if not line.event.approved:
            assert not line.counted
