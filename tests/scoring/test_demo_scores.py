"""The demo project's 2024 score table, computed by hand from its front-matter and ledger.

Rule book (the demo's scoring.yaml = the default): 矩阵策划 article city 0.2 / province 0.3 (max 2);
图片视频 photo|video county 0.1 / city 0.2 / province 0.3 (max 7); 矩阵响应 2 − 0.2 each;
创佳绩 news award national 0.3 / regional 0.2 / city 0.1, correspondent regional 0.3 / city 0.2,
emergency task 0.2 (max 1); 新媒体 1 − 0.2 each (×2 with negative opinion); 最美之星 3 − 0.5 each;
展播 national 0.5 / regional 0.2; 获奖 culture national 0.5 / regional 0.2; 中央媒体 人民日报 新华社
求是 央视总台 2, 光明日报 经济日报 1.5, 学习强国 1, other outlets nothing.
Only approved entries earn (status omitted = approved, site.yaml's default_status); an entry earns
once, at its highest event.  No cap is reached anywhere in the demo.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import copy_demo

from site_builder import load_project
from site_builder.scores import year_scores

REPO = Path(__file__).resolve().parents[2]
D = Decimal
CATEGORIES = ("基础业务", "政务新媒体", "典型选树", "公安文化", "外宣刊稿")

# department id: (基础业务, 政务新媒体, 典型选树, 公安文化, 外宣刊稿), total, rank
EXPECTED = {
    # 交管大队 — 图片视频: chunyun-anbao city photo 0.2 + jingshi-jiaoyu county photo 0.1
    #   + wanzhang-zhengzhi 0.3 (county photo 0.1, city photo 0.2, city article 0.2 and province
    #   photo 0.3: only the province photo counts) + qingming-anbao city video 0.2 = 0.8;
    #   创佳绩: zhouhaitao regional news award 0.2 + ledger correspondent 李明远 regional 0.3
    #   + emergency tasks 02-18, 06-09 0.2 × 2 = 0.9;
    #   基础业务 = 0.8 + 0 + 矩阵响应 2 + 0.9 = 3.7;
    #   外宣: huangzhenhua 央视总台 2 + xiaoyuan-jiaotong 人民日报 2 = 4;
    #   total 3.7 + 1 + 3 + 0 + 4 = 11.7
    "jiaoguan": ((D("3.7"), D(1), D(3), D(0), D(4)), D("11.7"), 1),
    # 刑侦大队 — 矩阵策划: anjian city article 0.2 + diandongche city article 0.2 = 0.4;
    #   矩阵响应 2 − 0.2 (ledger 04-22) = 1.8; 基础业务 = 0.4 + 1.8 = 2.2;
    #   外宣: zhaolei 新华社 2 (chenlixin's 云岭日报: no rule); anjian-pingcha is in review, no events;
    #   total 2.2 + 1 + 3 + 0 + 2 = 8.2
    "xingzhen": ((D("2.2"), D(1), D(3), D(0), D(2)), D("8.2"), 2),
    # 城关派出所 — 反诈宣传进社区: city photo 0.2 vs 学习强国 1 → only 学习强国 1 (外宣);
    #   banshi-dating city photo 0.2 (its 云岭日报 placement: no rule) → 图片视频 0.2;
    #   创佳绩: correspondent 周婧 city 0.2 + emergency task 05-04 0.2 = 0.4;
    #   基础业务 = 0.2 + 2 + 0.4 = 2.6; 公安文化: liuxiaoyan national showcase 0.5;
    #   total 2.6 + 1 + 3 + 0.5 + 1 = 8.1
    "chengguan-pcs": ((D("2.6"), D(1), D(3), D("0.5"), D(1)), D("8.1"), 3),
    # 政治处 — 矩阵策划: dongyuan-bushu city article 0.2 + xuexi-jiaoyu-zongjie province
    #   article 0.3 = 0.5; 基础业务 = 0.5 + 2 = 2.5; 公安文化: hanxuemei regional culture award 0.2;
    #   total 2.5 + 1 + 3 + 0.2 + 0 = 6.7
    "zhengzhi": ((D("2.5"), D(1), D(3), D("0.2"), D(0)), D("6.7"), 4),
    # 禁毒大队 — 626-xuanchuan city video 0.2; 创佳绩: correspondent 何静怡 city 0.2;
    #   基础业务 = 0.2 + 2 + 0.2 = 2.4; 公安文化: yangjing regional showcase 0.2
    #   (jin-qiye is a draft without events); total 2.4 + 1 + 3 + 0.2 + 0 = 6.6
    "jingdu": ((D("2.4"), D(1), D(3), D("0.2"), D(0)), D("6.6"), 5),
    # 河西派出所 — chunjie-anbao city photo 0.2 + fanzha-jishi (BOM, CRLF) city photo 0.2 = 0.4;
    #   矩阵响应 2 − 0.2 (03-12) = 1.8; 基础业务 = 0.4 + 1.8 = 2.2;
    #   新媒体 1 − 0.2 × 2 (06-05, negative opinion) = 0.6; total 2.2 + 0.6 + 3 = 5.8
    "hexi-pcs": ((D("2.2"), D("0.6"), D(3), D(0), D(0)), D("5.8"), 6),
    # 看守所 — jiedaihui (GB18030 file) city photo 0.2; majianjun city news award 0.1;
    #   基础业务 = 0.2 + 2 + 0.1 = 2.3; 新媒体 1 − 0.2 (04-15) = 0.8;
    #   最美之星 3 − 0.5 (05-31) = 2.5; total 2.3 + 0.8 + 2.5 = 5.6
    "kanshousuo": ((D("2.3"), D("0.8"), D("2.5"), D(0), D(0)), D("5.6"), 7),
    # 治安大队 — no scoring events on its entries; 最美之星 3 − 0.5 × 3 (03-31, 04-30, 06-30) = 1.5;
    #   total 2 + 1 + 1.5 = 4.5
    "zhian": ((D(2), D(1), D("1.5"), D(0), D(0)), D("4.5"), 8),
}


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    return year_scores(load_project(copy_demo(tmp_path_factory.mktemp("demo"))), 2024)


def test_every_department_is_in_the_table(scores):
    assert {s.department.id for s in scores.standings} == set(EXPECTED)


@pytest.mark.parametrize("department", list(EXPECTED))
def test_department_categories(scores, department):
    assert dict(scores.standing(department).categories) == \
        dict(zip(CATEGORIES, EXPECTED[department][0], strict=True))


@pytest.mark.parametrize("department", list(EXPECTED))
def test_department_total(scores, department):
    assert scores.standing(department).total == EXPECTED[department][1]


def test_ranks_and_order(scores):
    assert [(s.department.id, s.rank) for s in scores.standings] == \
        [(dept, rank) for dept, (_, _, rank) in EXPECTED.items()]


def test_the_highest_adoption_of_wanzhang_zhengzhi_counts(scores):
    lines = [line for line in scores.audit if line.event.entry == "jiaoguan-wanzhang-zhengzhi"]
    assert [(line.event.level, line.event.kind, line.points, line.reason) for line in lines] == [
        ("county", "photo", D(0), "superseded"), ("city", "photo", D(0), "superseded"),
        ("city", "article", D(0), "superseded"), ("province", "photo", D("0.3"), "counted")]


def test_no_event_of_an_unapproved_demo_entry_counts(scores):
    assert not any(line.counted for line in scores.audit if not line.event.approved)
