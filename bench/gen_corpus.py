#!/usr/bin/env python3
"""Generate a large, realistic, fictional site project for benchmarks.

    python bench/gen_corpus.py OUT_DIR --entries 1000 [--seed 1] [--departments 12]

Writes OUT_DIR/site.yaml, OUT_DIR/content/YYYY-MM/eNNNNN-<department>.md and
OUT_DIR/content/ledger/bench.yaml.  Everything is built from phrase banks in
the register of Chinese police publicity (工作动态, 先进典型, 工作总结) about the
fictional city 云岭市; people's names are random combinations, never real ones.
The same seed always gives byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

FIRST_DAY = date(2022, 1, 1)
LAST_DAY = date(2024, 12, 31)
CN_DIGITS = "〇一二三四五六七八九"

# ---------------------------------------------------------------- departments


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str  # selects the topic bank


DEPARTMENT_BANK: tuple[Department, ...] = (
    Department("jiaoguan", "交管大队", ("交警大队", "交通管理大队"), "traffic"),
    Department("xingzhen", "刑侦大队", ("刑警大队",), "criminal"),
    Department("kanshousuo", "看守所", ("市看守所",), "detention"),
    Department("chengguan-pcs", "城关派出所", ("城关所", "城关镇派出所"), "station"),
    Department("hexi-pcs", "河西派出所", ("河西所",), "station"),
    Department("zhian", "治安大队", ("治安管理大队",), "order"),
    Department("jingdu", "禁毒大队", ("禁毒办",), "drugs"),
    Department("zhengzhi", "政治处", ("政工室", "宣传科"), "political"),
    Department("jingzhen", "经侦大队", ("经济犯罪侦查大队",), "economic"),
    Department("wangan", "网安大队", ("网络安全保卫大队",), "cyber"),
    Department("qingshi-pcs", "青石派出所", ("青石所", "青石乡派出所"), "station"),
    Department("tejing", "巡特警大队", ("特警大队",), "patrol"),
    Department("dongshan-pcs", "东山派出所", ("东山所",), "station"),
    Department("fazhi", "法制大队", ("法制室",), "legal"),
    Department("zhihui", "指挥中心", ("110指挥中心",), "command"),
    Department("nanping-pcs", "南坪派出所", ("南坪所",), "station"),
    Department("churujing", "出入境管理大队", ("出入境大队",), "service"),
    Department("ducha", "督察大队", ("警务督察大队",), "inspection"),
)


def cn_number(n: int) -> str:
    """1..99 as Chinese numerals (for generated department names)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def make_departments(count: int) -> list[Department]:
    departments = list(DEPARTMENT_BANK[:count])
    for n in range(1, count - len(departments) + 1):
        departments.append(Department(f"xinqu-{n}-pcs", f"新区第{cn_number(n)}派出所",
                                      (f"新区{cn_number(n)}所",), "station"))
    return departments


# ---------------------------------------------------------------- phrase banks

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
            "贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红鹏飞斌宇浩凯健俊帆鑫波宁志晨"
         "昊然雪梅婷琳蕾岩峰松海林振国建新文博远晓雯思佳嘉怡子涵欣悦一鸣承泽晋川")

PLACES = ("云岭大道", "北环路", "城关镇", "河西街道", "青石乡", "东山镇", "南坪社区", "翠湖社区",
          "柳湾村", "石门村", "云岭市第三中学", "云岭经济开发区", "滨河公园", "火车站广场",
          "西关农贸市场", "长岭工业园", "白云小区", "杏花村")

TAGS = ("教育整顿", "警示教育", "学习教育", "查纠整改", "顽瘴痼疾整治", "建章立制", "我为群众办实事",
        "反诈宣传", "矛盾纠纷调解", "交通安全", "春运安保", "禁毒宣传", "扫黑除恶", "执法规范化",
        "监管安全", "从优待警", "先进典型", "最美之星", "党史学习", "警营文化", "社区警务",
        "便民服务", "网络安全", "经济犯罪", "平安建设", "应急处置", "值班备勤", "队伍建设",
        "廉政建设", "工作总结")

KIND_TAGS: dict[str, tuple[str, ...]] = {
    "traffic": ("交通安全", "春运安保", "应急处置"),
    "criminal": ("扫黑除恶", "反诈宣传", "执法规范化"),
    "detention": ("监管安全", "执法规范化"),
    "station": ("社区警务", "矛盾纠纷调解", "反诈宣传", "平安建设"),
    "order": ("平安建设", "值班备勤", "应急处置"),
    "drugs": ("禁毒宣传",),
    "political": ("队伍建设", "从优待警", "警营文化", "党史学习", "最美之星"),
    "economic": ("经济犯罪", "反诈宣传"),
    "cyber": ("网络安全", "反诈宣传"),
    "patrol": ("应急处置", "值班备勤", "平安建设"),
    "legal": ("执法规范化",),
    "command": ("值班备勤", "应急处置"),
    "service": ("便民服务",),
    "inspection": ("廉政建设", "队伍建设"),
}
COLUMNS = ("教育整顿进行时", "警营风采", "平安云岭")
OUTLETS_CENTRAL = ("人民日报", "新华社", "求是", "央视总台", "光明日报", "经济日报", "学习强国")
OUTLETS_LOCAL = ("云岭日报", "云岭广播电视台", "云岭晚报", "云岭发布")
SECTIONS = ("要闻", "政法", "新闻直播间", "地方新闻", "基层传真", "法治在线")
PLATFORMS = {"national": ("学习强国", "央视频", "人民网"),
             "regional": ("区公安厅新媒体矩阵", "区政法委公众号"),
             "city": ("云岭市融媒体中心", "云岭发布")}
AWARD_NAMES = {"news": ("新闻宣传优秀作品一等奖", "新闻宣传优秀作品二等奖", "新闻宣传优秀作品三等奖",
                        "好新闻评选优秀奖"),
               "culture": ("公安文化原创作品一等奖", "原创微视频评比二等奖", "警营摄影大赛三等奖",
                           "原创文学作品优秀奖")}
AWARD_PREFIX = {"national": "全国公安", "regional": "全区公安", "city": "全市政法系统"}

ACTIVITY_TOPICS: dict[str, tuple[str, ...]] = {
    "traffic": ("春运交通安全专项整治", "酒驾醉驾集中整治行动", "交通安全宣传进校园活动",
                "电动自行车安全隐患排查", "重点路段夜查行动", "“一盔一带”安全守护行动"),
    "criminal": ("积案攻坚专项行动", "电信网络诈骗案件集中侦办", "命案积案清理攻坚",
                 "刑事案件质量评查", "侵财类案件打击整治"),
    "detention": ("监管安全隐患“大起底”", "在押人员教育转化工作", "监所安全大检查",
                  "监管执法规范化建设", "家属会见便民服务"),
    "station": ("反诈宣传进社区活动", "矛盾纠纷排查化解", "辖区治安隐患排查",
                "“民警进万家”入户走访", "平安社区创建活动", "冬季防火安全检查"),
    "order": ("旅馆业从业人员培训", "寄递物流安全检查", "易燃易爆物品专项检查",
              "娱乐场所治安整治", "大型活动安保演练"),
    "drugs": ("禁毒宣传进校园活动", "“6·26”国际禁毒日集中宣传", "易制毒化学品专项检查",
              "铲毒踏查行动", "社区戒毒康复帮扶"),
    "political": ("政治轮训", "“最美之星”评选", "青年民警座谈会", "新警入职宣誓仪式",
                  "宣传骨干业务培训", "从优待警暖警惠警活动"),
    "economic": ("防范非法集资宣传月活动", "涉企经济犯罪专项打击", "经济犯罪案件回访",
                 "优化营商环境护企行动"),
    "cyber": ("网络安全宣传周活动", "重点单位网络安全检查", "打击整治网络谣言专项行动",
              "公民个人信息保护宣传"),
    "patrol": ("街面巡逻防控", "实战化练兵比武", "校园周边护学岗", "应急处突拉动演练"),
    "legal": ("执法规范化专题培训", "案件法制审核讲评", "执法问题专项整治", "以案释法宣传"),
    "command": ("110接处警规范化培训", "警情研判分析会", "节假日值班备勤工作", "指挥调度实战演练"),
    "service": ("出入境便民服务进企业", "“放管服”改革便民举措", "证件办理延时服务"),
    "inspection": ("警务督察专项检查", "作风纪律明察暗访", "执法执勤规范化督察"),
}
EDUCATION_TOPICS = ("警示教育大会", "学习教育专题党课", "查纠整改推进会", "顽瘴痼疾专项整治",
                    "建章立制工作", "英模事迹报告会", "“我为群众办实事”实践活动", "廉政谈话",
                    "政治轮训", "党史学习教育读书班")
ACTIONS = ("开展", "扎实开展", "深入开展", "组织开展", "全面推进", "启动", "部署", "持续推进")
MEETING_ACTIONS = ("召开", "举办", "组织召开")
PURPOSES = ("推动教育整顿走深走实", "切实提升群众安全感和满意度", "进一步筑牢安全防线",
            "以教育整顿成果推动各项工作提质增效", "全力守护辖区平安稳定", "不断提升队伍执法规范化水平",
            "切实把教育整顿成果转化为为民服务的实际成效")

GENERIC_SENTENCES = (
    "{dept}党支部高度重视，第一时间成立工作专班，明确责任分工，细化工作措施。",
    "活动中，民警深入{place}，面对面向群众讲解防范知识，发放宣传资料{n}余份。",
    "截至目前，已累计开展相关工作{m}次，排查整改各类问题{m}个。",
    "{dept}负责人表示，将以此次活动为契机，持续巩固教育整顿成果，推动各项工作再上新台阶。",
    "参会民警纷纷表示，要以案为鉴、警钟长鸣，切实做到忠诚履职、清正廉洁。",
    "针对排查中发现的问题，{dept}逐项建立台账，明确整改时限和责任人，实行销号管理。",
    "工作中，{dept}坚持问题导向，聚焦群众反映强烈的突出问题，推动解决了一批急难愁盼问题。",
    "为确保工作取得实效，{dept}实行领导包片、民警包点，层层压实责任。",
    "群众纷纷点赞：“民警服务热情周到，解决问题又快又好。”",
    "此次活动覆盖群众{n}余人次，受到辖区群众广泛好评。",
    "{dept}还充分利用政务新媒体平台，推送宣传信息{m}条，阅读量累计超过{n}次。",
    "通过集中学习、专题研讨、交流发言等形式，引导全体民警进一步坚定理想信念。",
    "下一步，{dept}将坚持常态长效，不断完善工作机制，确保各项措施落地见效。",
    "{person}带领民警连续奋战{m}个昼夜，圆满完成了各项任务。",
    "在{place}，民警与群众拉家常、听意见，现场解答群众咨询{m}个。",
    "{dept}将此项工作纳入教育整顿重点任务，定期调度、跟踪问效。",
    "会上，通报了近期全市公安机关违纪违法典型案例，并对下一阶段工作作出安排部署。",
    "各中队结合工作实际，逐条对照、深挖细查，确保查摆问题见人见事见细节。",
    "民警利用集日、庙会等人员密集时机，在{place}设立宣传点，现场解答群众疑问。",
    "{dept}同步梳理完善制度{m}项，推动形成长效机制。",
    "活动现场，民警通过展板展示、案例讲解、互动问答等方式，增强了宣传的针对性和吸引力。",
    "{dept}坚持把学习教育贯穿始终，组织民警逐篇研读规定篇目，撰写心得体会{m}篇。",
)
LIST_INTROS = ("活动中，{dept}重点抓好以下几项工作：", "具体工作中，{dept}坚持做到“四个到位”：",
               "此次行动突出以下重点：", "{dept}主要采取了以下措施：")
LIST_ITEMS = (
    ("查人员", "逐人排查思想动态、家庭情况，对重点人员落实“一人一策”帮教措施；"),
    ("查制度", "对照工作规范逐项自查，对执行不到位的环节立行立改；"),
    ("强宣传", "依托社区网格员和政务新媒体平台，扩大宣传覆盖面；"),
    ("抓整改", "对发现的问题建立台账，实行“发现一处、整改一处、销号一处”；"),
    ("重服务", "推出预约办理、延时服务等便民举措，让群众少跑腿；"),
    ("严督导", "成立督导组开展明察暗访，对工作落实情况跟踪问效；"),
    ("强保障", "落实值班备勤和装备保障，确保遇有情况快速响应；"),
    ("促长效", "及时总结经验做法，固化形成制度机制。"),
)
TABLE_ROWS = (
    ("开展宣传活动", "场"), ("发放宣传资料", "份"), ("走访群众", "户"), ("排查隐患", "处"),
    ("化解矛盾纠纷", "起"), ("推送宣传信息", "条"), ("开展专题培训", "期"), ("整改问题", "个"),
    ("查处违法行为", "起"), ("办理便民事项", "件"),
)

FIGURE_EPITHETS = ("扎根基层的“平安守护者”", "群众身边的贴心人", "攻坚克难的排头兵", "街头的“铁骑先锋”",
                   "监所里的“老黄牛”", "反诈一线的“拦截能手”", "社区里的“百事通”", "侦查破案的“尖刀”")
FIGURE_TITLES = ("社区民警、一级警长", "中队长、二级警长", "副所长、一级警长", "侦查员、三级警长",
                 "管教民警、二级警长", "铁骑中队副中队长", "宣传干事、四级警长", "教导员、一级警长")
FIGURE_UNITS = ("社区警务队", "城区中队", "铁骑中队", "侦查一中队", "管教一中队", "综合室", "巡逻中队")
HONORS = ("个人三等功", "个人二等功", "全市优秀人民警察", "“最美之星”", "全市公安机关先进个人",
          "优秀共产党员", "全区公安机关优秀通讯员", "嘉奖")
FIGURE_HEADINGS = ("把群众的事当成自己的事", "关键时刻冲得上去", "一本“民情日记”", "与时间赛跑",
                   "把严管和厚爱融在一起", "干一行、钻一行", "一家人的支持", "群众心中的“好警察”")
FIGURE_SENTENCES = (
    "{name}从警{m}年，始终坚守在基层一线。",
    "“群众的事没有小事。”这是{name}常挂在嘴边的一句话。",
    "{m}年来，{name}累计走访群众{n}余户，调解矛盾纠纷{m}0余起。",
    "今年{month}月的一个深夜，{name}接到群众求助，第一时间赶到{place}处置。",
    "面对荣誉，{name}说：“我只是做了一名人民警察应该做的事。”",
    "同事们说，{name}的工作笔记写满了{m}本，记下的都是群众的大事小情。",
    "教育整顿中，{name}带头查摆问题、带头整改落实，发挥了很好的示范作用。",
    "为了把工作做细做实，{name}经常加班到深夜，家人早已习以为常。",
    "在{name}的带动下，所在中队形成了比学赶超的良好氛围。",
    "辖区群众送来锦旗，上面写着：“心系群众解民忧，人民警察为人民。”",
)
FIGURE_BANK = FIGURE_SENTENCES + GENERIC_SENTENCES[:4]
SUMMARY_PERIODS = ("上半年", "第一季度", "1—5月", "全年", "第三季度", "下半年")
SUMMARY_THEMES = ("教育整顿", "新闻宣传", "学习教育", "查纠整改", "队伍建设", "执法规范化建设",
                  "禁毒宣传教育")
SUMMARY_POINTS = ("学习教育扎实开展", "查纠整改持续深化", "顽瘴痼疾整治成效明显", "建章立制不断完善",
                  "为民服务水平持续提升", "宣传工作亮点纷呈", "队伍作风明显转变", "执法质量稳步提升")
SUMMARY_PROBLEMS = ("宣传形式创新不够，部分活动仍停留在发资料、挂横幅层面",
                    "个别民警学习存在“上热中温下冷”现象",
                    "整改措施的针对性还不够强，长效机制有待健全",
                    "宣传队伍力量薄弱，原创作品数量少、精品不多",
                    "基层所队工作发展不均衡，偏远地区覆盖频次偏低")
SUMMARY_PLANS = ("持续巩固教育整顿成果，推动学习教育常态化长效化",
                 "加大原创宣传作品创作力度，积极向上级媒体平台推送",
                 "深化执法规范化建设，强化案件全流程监督管理",
                 "加强宣传骨干队伍建设，定期组织业务培训",
                 "坚持以人民为中心，持续推出便民利民举措")


# ---------------------------------------------------------------- helpers

_YAML_SPECIAL = re.compile(r"[:#,\[\]{}&*!|>'\"%@`]|^[-?\s]|\s$"
                           r"|^(?:[0-9.+-]+|true|false|null|yes|no|on|off|~)$", re.IGNORECASE)


def q(value: str) -> str:
    """A YAML scalar: plain when safe, otherwise a JSON (= YAML double-quoted) string."""
    return json.dumps(value, ensure_ascii=False) if _YAML_SPECIAL.search(value) else value


def flow(values: list[str]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


class Writer:
    """One random generator and the phrase banks, so each entry costs a few microseconds."""

    def __init__(self, seed: int, departments: list[Department]) -> None:
        self.rng = random.Random(seed)
        self.departments = departments
        self.decks: dict[int, list[str]] = {}

    # -- small pieces
    def person(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def fill(self, template: str, dept: str, **extra: str) -> str:
        rng = self.rng
        return template.format(dept=dept, place=rng.choice(PLACES), n=rng.randrange(2, 60) * 100,
                               m=rng.randrange(2, 40), person=extra.get("person") or self.person(),
                               name=extra.get("name", ""), month=rng.randrange(1, 13))

    def draw(self, bank: tuple[str, ...]) -> str:
        """Sentences dealt from a shuffled deck, so an entry rarely repeats itself."""
        deck = self.decks.get(id(bank))
        if not deck:
            deck = self.decks[id(bank)] = list(bank)
            self.rng.shuffle(deck)
        return deck.pop()

    def paragraph(self, bank: tuple[str, ...], dept: str, budget: int, **extra: str) -> str:
        out: list[str] = []
        size = 0
        while not out or (size < budget and len(out) < 5):
            sentence = self.fill(self.draw(bank), dept, **extra)
            out.append(sentence)
            size += len(sentence)
        return "".join(out)

    def bullet_list(self, dept: str) -> str:
        picked = sorted(self.rng.sample(range(len(LIST_ITEMS)), self.rng.randrange(3, 6)))
        items = [LIST_ITEMS[i] for i in picked]
        intro = self.fill(self.rng.choice(LIST_INTROS), dept)
        return intro + "\n\n" + "\n".join(f"- **{k}**：{v}" for k, v in items)

    def table(self) -> str:
        rows = self.rng.sample(TABLE_ROWS, self.rng.randrange(3, 6))
        lines = ["| 工作项目 | 数量 | 同比 |", "|---|---:|---:|"]
        for label, unit in rows:
            change = self.rng.randrange(-20, 60)
            lines.append(f"| {label} | {self.rng.randrange(3, 400)}{unit} | {change:+d}% |")
        return "主要工作数据如下：\n\n" + "\n".join(lines)

    def body_blocks(self, dept: str, bank: tuple[str, ...], first: str, tables: bool = True,
                    **extra: str) -> list[str]:
        """5–15 paragraphs, 300–2000 characters, sometimes a list, a table, bold text."""
        rng = self.rng
        count = rng.randrange(5, 16)
        target = int(300 + 1700 * rng.random() ** 1.5)
        budget = max(30, target // count)
        blocks = [first]
        size = len(first)
        while len(blocks) < count and (size < target or len(blocks) < 5):
            roll = rng.random()
            if roll < 0.08:
                block = self.bullet_list(dept)
            elif roll < 0.11 and tables:
                block = self.table()
            else:
                block = self.paragraph(bank, dept, budget, **extra)
                if roll > 0.9:
                    cut = block.find("，")
                    if 0 < cut < 40:
                        block = f"**{block[:cut]}**{block[cut:]}"
            blocks.append(block)
            size += len(block)
        return blocks

    # -- entry types
    def briefing(self, dept: Department, day: date, author: str) -> tuple[str, str]:
        rng = self.rng
        if rng.random() < 0.35:
            topic = rng.choice(EDUCATION_TOPICS)
            action = rng.choice(MEETING_ACTIONS if topic.endswith(("会", "课", "班")) else ACTIONS)
        else:
            topic, action = rng.choice(ACTIVITY_TOPICS[dept.kind]), rng.choice(ACTIONS)
        title = f"{dept.name}{action}{topic}"
        lead = (f"本报讯（通讯员 {author}）{day.month}月{day.day}日，{dept.name}{action}{topic}，"
                f"{rng.choice(PURPOSES)}。")
        return title, "\n\n".join(self.body_blocks(dept.name, GENERIC_SENTENCES, lead))

    def model_figure(self, dept: Department, day: date) -> tuple[str, str, dict[str, str | list[str]]]:
        rng = self.rng
        name = self.person()
        epithet = rng.choice(FIGURE_EPITHETS)
        title = f"{name}：{epithet}" if rng.random() < 0.6 else f"{dept.name}民警{name}：{epithet}"
        honors = rng.sample(HONORS, rng.randrange(1, 4))
        honors = [f"{day.year - rng.randrange(0, 3)}年度{h}" if h.startswith("个人")
                  else f"{day.year}年{rng.randrange(3, 9)}月云岭市公安局{h}" if h == "“最美之星”"
                  else h for h in honors]
        figure: dict[str, str | list[str]] = {
            "name": name, "unit": f"云岭市公安局{dept.name}{rng.choice(FIGURE_UNITS)}",
            "title": rng.choice(FIGURE_TITLES), "honors": honors}
        lead = (f"在云岭市公安局{dept.name}，提起{name}，同事和群众都竖起大拇指。"
                + self.fill(rng.choice(FIGURE_SENTENCES), dept.name, name=name))
        blocks = self.body_blocks(dept.name, FIGURE_BANK, lead, tables=False, name=name)
        headings = rng.sample(FIGURE_HEADINGS, min(3, max(1, len(blocks) // 3)))
        step = max(1, (len(blocks) - 1) // len(headings))
        for i, heading in reversed(list(enumerate(headings))):
            blocks.insert(1 + i * step, f"### {heading}")
        return title, "\n\n".join(blocks), figure

    def work_summary(self, dept: Department, day: date) -> tuple[str, str]:
        rng = self.rng
        period, theme = rng.choice(SUMMARY_PERIODS), rng.choice(SUMMARY_THEMES)
        year = day.year - 1 if period == "全年" and day.month < 3 else day.year
        title = f"{dept.name}{year}年{period}{theme}工作总结"
        intro = (f"今年以来，{dept.name}在局党委的坚强领导下，紧紧围绕{theme}各项任务，"
                 f"{rng.choice(PURPOSES)}，各项工作取得了阶段性成效。现将有关情况总结如下。")
        blocks = [intro, "### 一、主要工作及成效"]
        ordinals = "一二三四五六"
        for i, point in enumerate(rng.sample(SUMMARY_POINTS, rng.randrange(2, 6))):
            blocks.append(f"{ordinals[i]}是**{point}**。" + self.paragraph(GENERIC_SENTENCES, dept.name, 120))
        if rng.random() < 0.5:
            blocks.append(self.table())
        blocks.append("### 二、存在的问题")
        problems = rng.sample(SUMMARY_PROBLEMS, rng.randrange(2, 4))
        blocks.append("；".join(f"{ordinals[i]}是{p}" for i, p in enumerate(problems)) + "。")
        blocks.append("### 三、下一步工作打算")
        plans = rng.sample(SUMMARY_PLANS, rng.randrange(2, 5))
        blocks.append("；".join(f"{ordinals[i]}是{p}" for i, p in enumerate(plans)) + "。")
        return title, "\n\n".join(blocks)

    # -- score events
    def event_day(self, day: date) -> str:
        return min(day + timedelta(days=self.rng.randrange(0, 75)), max(day, LAST_DAY)).isoformat()

    def score_events(self, day: date) -> list[str]:
        rng = self.rng
        adoptions: list[str] = []
        placements: list[str] = []
        awards: list[str] = []
        showcases: list[str] = []
        for _ in range(rng.choices((1, 2, 3), (6, 3, 1))[0]):
            roll = rng.random()
            if roll < 0.55:
                level = rng.choices(("county", "city", "province", "ministry"), (4, 4, 2, 1))[0]
                kind = rng.choices(("article", "photo", "video"), (5, 3, 2))[0]
                adoptions.append(f"  - {{level: {level}, date: {self.event_day(day)}, kind: {kind}}}")
            elif roll < 0.75:
                central = rng.random() < 0.5
                outlet = rng.choice(OUTLETS_CENTRAL if central else OUTLETS_LOCAL)
                section = f", section: {rng.choice(SECTIONS)}" if rng.random() < 0.5 else ""
                placements.append(f"  - {{outlet: {outlet}, date: {self.event_day(day)}{section}}}")
            elif roll < 0.9:
                level = rng.choice(("national", "regional", "city"))
                kind = rng.choice(("news", "culture"))
                name = AWARD_PREFIX[level] + rng.choice(AWARD_NAMES[kind])
                awards.append(f"  - {{level: {level}, name: {q(name)}, date: {self.event_day(day)}, "
                              f"kind: {kind}}}")
            else:
                level = rng.choice(("national", "regional", "city"))
                showcases.append(f"  - {{level: {level}, platform: {rng.choice(PLATFORMS[level])}, "
                                 f"date: {self.event_day(day)}}}")
        out: list[str] = []
        for key, items in (("adoptions", adoptions), ("placements", placements), ("awards", awards),
                           ("showcases", showcases)):
            if items:
                out += [f"{key}:", *items]
        return out

    # -- one entry
    def entry(self, day: date, dept: Department) -> str:
        rng = self.rng
        entry_type = rng.choices(("briefing", "model-figure", "work-summary"), (70, 18, 12))[0]
        authors = [self.person() for _ in range(rng.randrange(1, 3))]
        figure: dict[str, str | list[str]] | None = None
        if entry_type == "briefing":
            title, body = self.briefing(dept, day, authors[0])
        elif entry_type == "model-figure":
            title, body, figure = self.model_figure(dept, day)
        else:
            title, body = self.work_summary(dept, day)
        roll = rng.random()
        department = dept.name if roll < 0.7 else dept.id if roll < 0.85 else rng.choice(dept.aliases)
        tags = [rng.choice(KIND_TAGS[dept.kind])]
        for tag in rng.sample(TAGS[:9], rng.randrange(0, 3)):
            if tag not in tags:
                tags.append(tag)
        if entry_type == "work-summary":
            tags.append("工作总结")
        elif entry_type == "model-figure" and "先进典型" not in tags:
            tags.insert(0, "先进典型")
        status = rng.choices(("approved", "draft", "review"), (90, 5, 5))[0]
        lines = ["---", f"title: {q(title)}", f"date: {day.isoformat()}", f"type: {entry_type}",
                 f"department: {q(department)}"]
        if rng.random() < 0.6:
            lines.append(f"column: {rng.choices(COLUMNS, (6, 3, 1))[0]}")
        lines += [f"authors: {flow(authors)}", f"tags: {flow(tags)}"]
        if rng.random() < 0.25:
            lines.append(f"summary: {q(body.split(chr(10))[0][:90].rstrip('，') + '。')}")
        if status != "approved" or rng.random() < 0.8:
            lines.append(f"status: {status}")
        if status == "approved" and rng.random() < 0.7:
            lines.append(f"reviewer: {self.person()}")
        lines.append(f"classification: {'public' if rng.random() < 0.4 else 'internal'}")
        if figure is not None:
            lines += ["figure:", f"  name: {figure['name']}", f"  unit: {q(str(figure['unit']))}",
                      f"  title: {q(str(figure['title']))}", f"  honors: {flow(list(figure['honors']))}"]
        if rng.random() < 0.2:
            lines += self.score_events(day)
        lines.append("---")
        return "\n".join(lines) + "\n\n" + body + "\n"

    def ledger(self, count: int) -> str:
        rng = self.rng
        lines = ["# 压力测试用积分台账（由 bench/gen_corpus.py 生成，虚构数据）", ""]
        events = []
        for _ in range(count):
            day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
            dept = rng.choice(self.departments)
            kind = rng.choices(("missed-response", "emergency-task", "correspondent-award",
                                "unapproved-account", "missed-star-selection"), (4, 3, 2, 1, 1))[0]
            item = [f"- date: {day.isoformat()}", f"  department: {dept.id}", f"  kind: {kind}"]
            if kind == "correspondent-award":
                item += [f"  person: {self.person()}", f"  level: {rng.choice(('regional', 'city'))}",
                         f"  note: 获评{day.year - 1}年度优秀通讯员"]
            elif kind == "missed-star-selection":
                day = day.replace(month=rng.randrange(3, 9), day=rng.randrange(1, 29))
                item[0] = f"- date: {day.isoformat()}"
                item.append(f"  note: {day.month}月“最美之星”推荐材料未按时报送")
            elif kind == "unapproved-account":
                item.append("  note: 擅自开设短视频账号被通报")
                if rng.random() < 0.3:
                    item.append("  negative_opinion: true")
            elif kind == "missed-response":
                item.append("  note: 市局矩阵转发任务未按时完成")
            else:
                item.append("  note: 高质量完成临时性应急宣传任务")
            events.append((day, dept.id, item))
        events.sort(key=lambda e: (e[0], e[1]))
        for _, _, item in events:
            lines += [*item, ""]
        return "\n".join(lines)


def site_yaml(departments: list[Department]) -> str:
    lines = ["# 压力测试用站点配置（由 bench/gen_corpus.py 生成，虚构单位）", "title: 教育整顿进行时",
             "organization: 云岭市公安局政治部", "base_url: /", "departments:"]
    for dept in departments:
        lines += [f"  - id: {dept.id}", f"    name: {dept.name}", f"    aliases: {flow(list(dept.aliases))}"]
    lines += [f"columns: {flow(list(COLUMNS))}",
              "types: {briefing: 工作动态, model-figure: 先进典型, work-summary: 工作总结}",
              "default_status: approved",
              "newsletter:", "  title: 教育整顿简报", "  issuer: 云岭市政法队伍教育整顿领导小组办公室",
              "  distribution:", "    报: [市委政法委]", "    送: [市公安局党委]",
              "    发: [各派出所、局属各部门]",
              "  copies: 60", ""]
    return "\n".join(lines)


def generate(out_dir: Path, entries: int, seed: int = 1, departments: int = 12) -> dict[str, int]:
    """Write the project; return counts {entries, ledger, departments, bytes}."""
    depts = make_departments(departments)
    writer = Writer(seed, depts)
    rng = writer.rng
    span = (LAST_DAY - FIRST_DAY).days + 1
    days = sorted(FIRST_DAY + timedelta(days=rng.randrange(span)) for _ in range(entries))
    content = out_dir / "content"
    content.mkdir(parents=True, exist_ok=True)
    (out_dir / "site.yaml").write_text(site_yaml(depts), encoding="utf-8")
    total = 0
    made: set[Path] = set()
    width = max(5, len(str(entries)))
    for number, day in enumerate(days, 1):
        dept = rng.choice(depts)
        folder = content / f"{day:%Y-%m}"
        if folder not in made:
            folder.mkdir(exist_ok=True)
            made.add(folder)
        writer.decks.clear()
        text = writer.entry(day, dept)
        (folder / f"e{number:0{width}d}-{dept.id}.md").write_text(text, encoding="utf-8")
        total += len(text.encode())
    ledger_lines = max(1, round(2 * entries / 100))
    (content / "ledger").mkdir(exist_ok=True)
    (content / "ledger" / "bench.yaml").write_text(writer.ledger(ledger_lines), encoding="utf-8")
    return {"entries": entries, "ledger": ledger_lines, "departments": len(depts), "bytes": total}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="project directory to write")
    parser.add_argument("--entries", type=int, default=1000, help="number of entries (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--departments", type=int, default=12, help="number of departments (default 12)")
    parser.add_argument("--force", action="store_true",
                        help="replace OUT_DIR/site.yaml and OUT_DIR/content/ if they exist")
    args = parser.parse_args(argv)
    if args.entries < 1 or not 1 <= args.departments <= len(DEPARTMENT_BANK) + 99:
        parser.error(f"--entries must be ≥ 1 and --departments 1..{len(DEPARTMENT_BANK) + 99}")
    existing = [p for p in (args.out_dir / "site.yaml", args.out_dir / "content") if p.exists()]
    if existing and not args.force:
        parser.error(f"{existing[0]} already exists (use --force to replace site.yaml and content/)")
    for path in existing:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    started = time.perf_counter()
    stats = generate(args.out_dir, args.entries, args.seed, args.departments)
    print(f"wrote {stats['entries']} entries ({stats['bytes'] / 1e6:.1f} MB), "
          f"{stats['ledger']} ledger lines, "
          f"{stats['departments']} departments to {args.out_dir} in {time.perf_counter() - started:.2f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
