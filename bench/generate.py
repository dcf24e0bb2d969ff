"""Make a synthetic corpus of budget-performance disclosures for benchmarks and parser tests.

    python bench/generate.py N OUTDIR [--seed S] [--no-quirks]

Writes N UTF-8 ``.txt`` documents into OUTDIR, mixing the three layouts of the seed corpus
(roughly its mix): one cell per tab-led line (like 000/003), tab-separated rows of 13 columns (like 002)
and whole 部门预算公开 documents whose project tables have no code or budget cells (like 001).  Regions are
real counties and cities (河北, 内蒙古 and a few others); units, codes, project names, figures and 文号 are
invented.  文号 come from a fixed pool of about 200 numbers, so different documents (and different corpora)
cite the same funding documents, as real ones do.

Alongside the documents it writes ``OUTDIR/manifest.json``: for each document its layout, region, issuer,
year and every project (name, code, budget, number of indicator rows, distinct 一级指标 in order), so a
test can check that the parser finds exactly what was generated.

Document *i* depends only on (seed, i), not on N: the first 100 documents of a 10,000-document corpus are
the 100-document corpus.  Output is byte-identical for the same seed.

>>> doc = make_document(3, seed=7)
>>> doc.text == make_document(3, seed=7).text
True
>>> doc.layout in LAYOUTS and 3 <= len(doc.projects) <= 15
True
>>> all(3 <= p["indicator_rows"] <= 15 for p in doc.projects)
True
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

LAYOUTS = ("one_cell_per_line", "tab_rows", "full_disclosure")
LAYOUT_WEIGHTS = (0.55, 0.2, 0.25)  # seed corpus: 000/003 cell tables, 002 tab rows, 001/004 full documents

# (province, city, county or "" for a city-level bureau, admin code, province abbreviation, city abbreviation)
REGIONS: list[tuple[str, str, str, str, str, str]] = [
    ("河北省", "石家庄市", "正定县", "130123", "冀", "石"),
    ("河北省", "石家庄市", "藁城区", "130109", "冀", "石"),
    ("河北省", "唐山市", "迁安市", "130283", "冀", "唐"),
    ("河北省", "秦皇岛市", "昌黎县", "130322", "冀", "秦"),
    ("河北省", "邯郸市", "武安市", "130481", "冀", "邯"),
    ("河北省", "邢台市", "沙河市", "130582", "冀", "邢"),
    ("河北省", "邢台市", "临城县", "130522", "冀", "邢"),
    ("河北省", "保定市", "涿州市", "130681", "冀", "保"),
    ("河北省", "保定市", "安国市", "130683", "冀", "保"),
    ("河北省", "张家口市", "蔚县", "130726", "冀", "张"),
    ("河北省", "承德市", "平泉市", "130881", "冀", "承"),
    ("河北省", "沧州市", "任丘市", "130982", "冀", "沧"),
    ("河北省", "沧州市", "献县", "130929", "冀", "沧"),
    ("河北省", "廊坊市", "三河市", "131082", "冀", "廊"),
    ("河北省", "衡水市", "深州市", "131182", "冀", "衡"),
    ("河北省", "沧州市", "", "130900", "冀", "沧"),
    ("河北省", "衡水市", "", "131100", "冀", "衡"),
    ("内蒙古自治区", "呼和浩特市", "土默特左旗", "150121", "内", "呼"),
    ("内蒙古自治区", "包头市", "固阳县", "150222", "内", "包"),
    ("内蒙古自治区", "赤峰市", "宁城县", "150429", "内", "赤"),
    ("内蒙古自治区", "通辽市", "开鲁县", "150523", "内", "通"),
    ("内蒙古自治区", "鄂尔多斯市", "准格尔旗", "150622", "内", "鄂"),
    ("内蒙古自治区", "呼伦贝尔市", "扎兰屯市", "150783", "内", "呼伦"),
    ("内蒙古自治区", "乌兰察布市", "丰镇市", "150981", "内", "乌"),
    ("内蒙古自治区", "巴彦淖尔市", "五原县", "150821", "内", "巴"),
    ("内蒙古自治区", "包头市", "", "150200", "内", "包"),
    ("山西省", "大同市", "阳高县", "140221", "晋", "同"),
    ("山西省", "晋中市", "平遥县", "140728", "晋", "晋中"),
    ("山东省", "德州市", "齐河县", "371425", "鲁", "德"),
    ("河南省", "安阳市", "林州市", "410581", "豫", "安"),
    ("辽宁省", "朝阳市", "凌源市", "211382", "辽", "朝"),
    ("吉林省", "四平市", "梨树县", "220322", "吉", "四"),
    ("陕西省", "榆林市", "神木市", "610881", "陕", "榆"),
]

SUBJECTS = [
    "就业补助", "养老保险", "劳动监察", "人才", "档案", "职业技能培训", "社会保险经办", "劳动人事争议仲裁",
    "公共就业服务", "人事考试", "创业担保贷款贴息", "高校毕业生就业见习", "工伤保险", "退休人员社会化管理",
    "人社信息化", "机关事业单位养老保险", "失业保险", "劳务派遣人员", "公益性岗位", "职称评审", "技工院校助学",
    "城乡居民养老保险", "农民工工资保障", "人力资源市场", "流动人员档案",
]
SUFFIXES = ["经费", "资金", "补助", "补助资金", "专项经费", "工作经费", "专项资金", "运行经费"]
FUNDS_FOR_WENHAO = [
    "就业补助资金", "就业创业扶持资金", "城乡居民基本养老保险补助资金", "机关事业单位养老保险制度改革补助经费",
    "现代职业教育发展专项资金", "学生资助补助经费", "人才发展专项资金", "城乡居民社会保险代办员补助资金",
    "职业技能提升行动资金", "困难群体就业援助资金",
]
# 文号 prefixes: (prefix, province abbreviation it belongs to or "" for central)
WENHAO_PREFIXES = [
    ("财社", ""), ("财教", ""), ("人社部发", ""),
    ("冀财社", "冀"), ("冀财教", "冀"), ("冀人社字", "冀"), ("冀财规", "冀"),
    ("石财社", "冀"), ("保财社", "冀"), ("邯财社", "冀"), ("沧财社", "冀"), ("唐财社", "冀"),
    ("内财社", "内"), ("内财教", "内"), ("内人社发", "内"), ("包财社", "内"), ("赤财社", "内"),
    ("晋财社", "晋"), ("鲁财社", "鲁"), ("豫财社", "豫"), ("辽财社", "辽"), ("吉财社", "吉"), ("陕财社", "陕"),
]
UNIT_CODE_BASES = ["301", "313", "316", "318", "327", "405", "415", "418", "512", "606"]
SUB_UNITS = ["就业服务中心", "社会保险事业服务中心", "劳动保障监察大队", "人才交流服务中心", "城乡居民养老保险服务中心",
             "劳动人事争议仲裁院", "职业技能鉴定中心", "人事考试中心"]

# Indicator pools: second level -> list of (name, description, target factory key)
OUTPUT = {
    "数量指标": [
        ("补贴发放人数", "全年享受补贴的人数", "count:人"), ("培训人次", "全年组织培训的人次", "count:人次"),
        ("举办招聘会场次", "全年举办招聘活动的场次", "count:场"), ("管理档案数量", "在管人事档案份数", "count:份"),
        ("检查用人单位户数", "日常巡查的用人单位数量", "count:户"), ("参保缴费人数", "当年参保并缴费的人数", "wan:万人"),
        ("新增就业人数", "城镇新增就业人数", "count:人"), ("维护设备数量", "日常维护的终端设备台数", "count:台"),
        ("受理案件数量", "全年受理的争议案件", "count:件"), ("办公用房面积", "租用办公用房面积", "count:平方米"),
    ],
    "质量指标": [
        ("资金发放准确率", "按标准和对象准确发放的比例", "pct"), ("验收合格率", "验收合格的比例", "pct"),
        ("案件结案率", "结案案件占受理案件比例", "pct"), ("待遇足额发放率", "足额发放人数占应发人数比例", "pct"),
        ("系统正常运行率", "系统全年正常运行时间占比", "pct"), ("档案整理规范率", "整理规范的档案占比", "pct"),
    ],
    "时效指标": [
        ("完成时间", "全年工作完成时间", "month"), ("资金拨付及时率", "按时拨付资金的比例", "pct"),
        ("补贴发放及时性", "补贴按时发放到位", "date"), ("工作完成时限", "按计划完成的时间", "month"),
    ],
    "成本指标": [
        ("预算控制数", "全年支出控制在预算内", "money"), ("人均补助标准", "每人每年补助金额", "per_person"),
        ("项目控制预算数", "不超过财政安排经费", "yesno"), ("单次活动成本", "每次活动的平均费用", "money"),
    ],
}
EFFECT = {
    "社会效益指标": [
        ("促进就业作用", "对稳定和扩大就业的作用", "qual"), ("城镇登记失业率", "年末城镇登记失业率", "rate_max"),
        ("群众办事便利度", "群众办事便利程度提升", "qual"), ("政策知晓率", "政策宣传覆盖对象知晓的比例", "pct"),
    ],
    "经济效益指标": [
        ("提高工作效率", "是否提高工作效率", "yesno"), ("降低运行成本", "单位运行成本下降", "qual"),
    ],
    "可持续影响指标": [
        ("长期使用性", "持续满足工作需求", "qual"), ("单位正常运转", "保障单位持续正常运转", "month_ge"),
        ("制度长效运行", "制度长期平稳运行", "qual"),
    ],
    "生态效益指标": [("节约资源", "节约水电等资源", "yesno")],
}
SATISFACTION = {
    "服务对象满意度指标": [
        ("服务对象满意度", "服务对象对工作的满意程度", "sat"), ("参保群众满意度", "参保群众的满意程度", "sat"),
        ("工作人员满意度", "工作人员的满意程度", "sat"), ("受益群众满意度", "受益群众的满意程度", "sat"),
    ],
}
QUALITATIVE = ["有效保障", "有效提升", "明显改善", "稳步提高", "长期", "对就业起到积极作用", "有效促进"]
BASES = ["年度工作计划", "计划标准", "行业标准", "历史标准", "预算支出标准", "根据实际统计", "根据工作计划", "上年完成情况"]
GOAL_PARTS = [
    "保障业务工作正常开展", "资金专款专用、按时拨付", "提高公共服务水平", "确保待遇按时足额发放",
    "稳定和扩大就业", "提升经办效率和服务质量", "维护劳动者合法权益", "加强人才队伍建设",
    "推进业务信息化", "确保档案安全完整",
]
PROSE = [
    "围绕稳就业、保民生、促和谐，统筹推进就业创业、社会保障、人事人才和劳动关系各项工作。",
    "严格执行预算，按月调度支出进度，确保资金使用安全高效。",
    "健全绩效运行监控机制，发现偏差及时纠正，年底组织开展绩效自评。",
    "完善内部控制制度，规范资金审批和资产管理流程。",
    "加强业务培训，提升经办人员政策水平和服务能力。",
    "推动社会保险扩面征缴，提高参保缴费率。",
    "做好重点群体就业帮扶，开发公益性岗位托底安置。",
    "深化“放管服”改革，推行社保业务一窗通办和网上办理。",
    "开展根治欠薪专项行动，畅通劳动者投诉举报渠道。",
    "落实人才引进政策，为重点产业集聚急需紧缺人才。",
    "规范事业单位公开招聘，做好人事考试组织工作。",
    "推进技能人才评价改革，扩大职业技能等级认定范围。",
    "加强社会保险基金监管，防范基金运行风险。",
    "办好各类招聘活动，促进供需双方精准对接。",
]
CN_NUMBERS = "一二三四五六七八九十"
DESC_TAILS = ["，反映项目实施的实际情况", "，按年度工作计划考核", "，以财务和业务台账为准", "，数据来源于业务系统统计",
              "，用于衡量资金使用效果", "，年底前完成"]


def wenhao_pool() -> list[tuple[str, int, int, str]]:
    """The shared pool of about 200 文号: (prefix, year, serial, fund).  Fixed, independent of --seed."""
    rng = random.Random("jxkg-wenhao-pool")
    # the two 文号 of the bundled examples come first, so generated documents share them too
    pool: list[tuple[str, int, int, str]] = [("冀财社", 2021, 88, "就业创业扶持资金"),
                                             ("冀财社", 2021, 121, "城乡居民基本养老保险补助资金")]
    seen: set[tuple[str, int, int]] = {w[:3] for w in pool}
    while len(pool) < 200:
        prefix, _ = rng.choice(WENHAO_PREFIXES)
        key = (prefix, rng.randint(2018, 2022), rng.randint(1, 260))
        if key not in seen:
            seen.add(key)
            pool.append((*key, rng.choice(FUNDS_FOR_WENHAO)))
    return pool


WENHAO_POOL = wenhao_pool()


@dataclass
class GeneratedDoc:
    """One generated document and what a parser must find in it."""

    name: str
    layout: str
    text: str
    region: str
    issuer: str
    year: int
    units: dict[str, str] = field(default_factory=dict)
    projects: list[dict] = field(default_factory=list)
    funding_documents: list[str] = field(default_factory=list)  # canonical 〔〕 form
    totals: list[dict] = field(default_factory=list)

    def manifest_entry(self) -> dict:
        return {
            "file": self.name,
            "layout": self.layout,
            "region": self.region,
            "issuer": self.issuer,
            "year": self.year,
            "units": self.units,
            "funding_documents_distinct": sorted(set(self.funding_documents)),
            "totals": self.totals,
            "project_count": len(self.projects),
            "indicator_rows_total": sum(p["indicator_rows"] for p in self.projects),
            "bytes": len(self.text.encode("utf-8")),
            "projects": self.projects,
        }


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.2f}")


def _fmt(d: Decimal) -> str:
    return f"{d:.2f}"


class _Maker:
    """State for generating one document (random source, region, year, quirk rate)."""

    def __init__(self, index: int, seed: int, quirks: float) -> None:
        self.rng = random.Random(f"{seed}:{index}")
        self.index = index
        self.quirks = quirks
        rng = self.rng
        self.layout = rng.choices(LAYOUTS, LAYOUT_WEIGHTS)[0]
        self.province, self.city, self.county, self.admin, self.prov_abbr, self.city_abbr = rng.choice(REGIONS)
        self.place = self.county or self.city  # the bureau's own place name
        self.region = self.province + self.city + self.county
        self.issuer = f"{self.place}人力资源和社会保障局"
        self.year = rng.randint(2019, 2023)
        base = rng.choice(UNIT_CODE_BASES)
        self.unit_code = f"{base}001"
        self.unit_name = f"{self.city}{self.county}人力资源和社会保障局" if self.county else self.issuer
        self.sub_units = [(f"{base}{i + 2:03d}", self.place + s) for i, s in enumerate(rng.sample(SUB_UNITS, 3))]
        self.cited: list[str] = []
        self.noted: list[str] = []  # quirks put into the current project (reported in the manifest)

    def note(self, quirk: str) -> None:
        if quirk not in self.noted:
            self.noted.append(quirk)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p * self.quirks

    # --- names and values -------------------------------------------------------------------------

    def wenhao(self) -> tuple[str, str, str]:
        """A 文号 usable in this region: (raw as written, canonical, fund name)."""
        rng = self.rng
        usable = [w for w in WENHAO_POOL if w[0] in {p for p, a in WENHAO_PREFIXES if a in ("", self.prov_abbr)}]
        prefix, year, serial, fund = rng.choice(usable)
        canonical = f"{prefix}〔{year}〕{serial}号"
        style = rng.random()
        if style < 0.5 or not self.quirks:
            raw = canonical
        elif style < 0.75:
            raw = f"{prefix}【{year}】{serial}号"
        elif style < 0.9:
            raw = f"{prefix}[{year}]{serial}号"
        elif style < 0.97:
            raw = f"{prefix}（{year}）{serial}号"
        else:
            raw = f"{prefix}【{year}]】{serial}号"
        self.cited.append(canonical)
        return raw, canonical, fund

    def project_name(self, used: set[str]) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.12:
                raw, _, fund = self.wenhao()
                level = rng.choice(["中央", "省级", "市级"])
                name = f"{raw}关于{rng.choice(['提前下达', '下达', '拨付'])}{self.year}年{level}{fund}预算的通知"
            else:
                name = rng.choice(SUBJECTS) + rng.choice(SUFFIXES)
                if rng.random() < 0.2:
                    name = f"{self.year}年{name}"
            if name not in used:
                used.add(name)
                return name

    def target(self, kind: str) -> str:
        rng = self.rng
        if self.chance(0.015):
            self.note("placeholder target")
            return rng.choice(["≥**%", "目标内容1", "%", "人"])
        if kind.startswith("count:"):
            unit = kind.split(":", 1)[1]
            return f"{rng.choice(['≥', '≥', '', '≤'])}{rng.randint(2, 5000)}{unit}"
        if kind.startswith("wan:"):
            return f"≥{rng.randint(1, 60)}.{rng.randint(0, 9)}{kind.split(':', 1)[1]}"
        if kind in ("pct", "sat"):
            value = rng.choice([100, 100, 98, 95, 95, 90, 85, 80]) if kind == "pct" else rng.choice([95, 90, 85, 80])
            form = rng.random()
            if form < 0.6:
                return f"≥{value}%" if value < 100 else "100%"
            if form < 0.75:
                return f"≥{value}百分比"
            if form < 0.85:
                return f"{value}比率"
            if form < 0.92:
                return f"≥{value}％"
            return f"≥{value}.00%"
        if kind == "rate_max":
            return f"≤{rng.choice(['4.5', '5', '5.5', '3.8'])}%"
        if kind == "month":
            return rng.choice(["≤12月", "12月", "≤10月", "≥12月"])
        if kind == "month_ge":
            return rng.choice(["≥12月", "≥1年", "长期"])
        if kind == "date":
            return f"{self.year}年12月31日前"
        if kind == "money":
            return f"≤{rng.choice([0.5, 1.2, 3, 5.6, 8, 12.5, 20, 46.1])}万元"
        if kind == "per_person":
            return rng.choice(["240元/人/年", "≤1800元/人/月", "≤6000元", "≤180元/人"])
        if kind == "yesno":
            return "是/否" if rng.random() < 0.7 else "是"
        return rng.choice(QUALITATIVE)

    def indicator_rows(self, effect_word: str) -> list[tuple[str, str, str, str, str, str]]:
        """3–15 rows (一级, 二级, 三级, description, target, basis); graded rows count one each."""
        rng = self.rng
        want = rng.randint(3, 15)
        n_sat = 0 if rng.random() < 0.2 or want < 4 else rng.randint(1, 2)
        n_eff = max(1, min(want - n_sat - 1, rng.randint(1, 4))) if rng.random() > 0.08 else 0
        n_out = want - n_sat - n_eff
        rows: list[tuple[str, str, str, str, str, str]] = []
        taken: set[str] = set()
        for level1, pool, count in (("产出指标", OUTPUT, n_out), (effect_word, EFFECT, n_eff),
                                    ("满意度指标", SATISFACTION, n_sat)):
            made = 0
            while made < count:
                level2 = rng.choice(list(pool))
                name, desc, kind = rng.choice(pool[level2])
                if name in taken and rng.random() < 0.9:
                    name = rng.choice(SUBJECTS) + name
                taken.add(name)
                if count - made >= 3 and kind in ("pct", "sat") and self.layout != "tab_rows" and self.chance(0.08):
                    self.note("graded rows")
                    for grade, target in (("优", "≥95"), ("良", "≥85"), ("差", "<70")):
                        rows.append((level1, level2, name, desc, target + grade, ""))
                    made += 3
                    continue
                if self.chance(0.015):
                    self.note("placeholder in name")
                    name += "(≥**%)"
                if rng.random() < 0.6:
                    desc += rng.choice(DESC_TAILS)
                rows.append((level1, level2, name, desc, self.target(kind), rng.choice(BASES)))
                made += 1
        order = {name: i for i, name in enumerate([*OUTPUT, *EFFECT, *SATISFACTION])}
        level1_order = {"产出指标": 0, effect_word: 1, "满意度指标": 2}
        return sorted(rows, key=lambda r: (level1_order[r[0]], order[r[1]]))  # stable: graded rows stay together

    def spending_plan(self) -> list[str]:
        rng = self.rng
        plans = [[25, 50, 75, 100], [30, 60, 90, 100], [20, 50, 80, 100], [None, None, None, 100],
                 [None, 40, 75, 100], [10, 40, 90, 100]]
        plan = rng.choice(plans)
        style = rng.choice(["{:.2f}%", "{:.2f}", "{}%"])
        cells = ["" if v is None else style.format(v) for v in plan]
        if self.chance(0.01):
            self.note("spending plan typo")
            cells[1] = "750000%"
        return cells

    def goal(self) -> list[str]:
        """Numbered goal lines (the first goes in the 绩效目标 cell, the rest wrap onto untabbed lines)."""
        rng = self.rng
        lines = []
        for i in range(rng.randint(1, 4)):
            a, b = rng.sample(GOAL_PARTS, 2)
            tail = rng.choice(["", f"，全年完成率达到{rng.choice([90, 95, 100])}%", f"，惠及群众约{rng.randint(2, 900)}0人",
                               "，确保各项工作按计划推进", "，不断提升群众获得感"])
            lines.append(f"{i + 1}.{a}，{b}{tail}。")
        return lines

    def paragraph(self, k: int) -> str:
        return "".join(self.rng.sample(PROSE, k))

    def preface(self, names: list[str]) -> list[str]:
        """Whole-department goals, one 分项绩效目标 item per project and 工作保障措施 (prose, skipped by parsers)."""
        rng = self.rng
        out = [self.paragraph(rng.randint(4, 8)), ""]
        out.append("二、分项绩效目标 TC 分项绩效目标 \\f A \\l 1 ")
        for i, name in enumerate(names):
            number = CN_NUMBERS[i] if i < 10 else "十" + CN_NUMBERS[i - 10]
            out += [f"（{number}）{name}", f"绩效目标：{rng.choice(GOAL_PARTS)}，{rng.choice(GOAL_PARTS)}。",
                    f"绩效指标：按计划完成工作，不超过预算，{rng.choice(GOAL_PARTS)}，服务对象满意。"]
        out.append("三、工作保障措施 TC 工作保障措施 \\f A \\l 1 ")
        for i in range(rng.randint(3, 6)):
            out += [f"（{CN_NUMBERS[i]}）{self.paragraph(rng.randint(3, 6))}", ""]
        return out

    def project_code(self, kind: str) -> str:
        rng = self.rng
        alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        if kind == "A":
            return self.admin + f"{self.year % 100:02d}" + "".join(rng.choice(alnum) for _ in range(13))
        return f"{self.unit_code[:3]}-{rng.randint(401, 1002):04d}-J{rng.choice('BSZC')}N-" + "".join(
            rng.choice(alnum) for _ in range(4))

    # --- layouts -----------------------------------------------------------------------------------

    def cell_table(self, out: list[str], no: int, name: str, unit: tuple[str, str], with_code: bool,
                   code_kind: str, effect_word: str) -> dict:
        """One project in the one-cell-per-line layout; returns its manifest record."""
        rng = self.rng
        title = f"{name}绩效目标表"
        style = rng.random()
        if style < 0.45:
            out.append(f"{no}.{title} TC {no}、{title} \\f C \\l 1 ")
        elif style < 0.75:
            out.append(f"[bookmark: _Toc_4_4_{no + 3:010d}]{no}.{title}")
        else:
            out.append(f"{no}、{title}")
        out += [f"\t{unit[0]}{unit[1]}", "\t单位：万元", ""]
        code = self.project_code(code_kind) if with_code else None
        budget = _money(rng, 0.3, 2500) if rng.random() < 0.9 else _money(rng, 0.1, 9)
        other = Decimal(0) if rng.random() < 0.8 else _money(rng, 0, float(budget) / 3)
        fiscal = budget - other
        label = "专项资金名称" if code_kind == "B" and rng.random() < 0.3 else "项目名称"
        if code:
            out += ["\t项目编码", f"\t{code}"]
        out += [f"\t{label}", f"\t{name}", ""]
        out += ["\t预算规模及资金用途", "\t预算数", f"\t{_fmt(budget)}", "\t其中：财政资金", f"\t{_fmt(fiscal)}",
                "\t其他资金", f"\t{_fmt(other) if other else rng.choice(['0', '', ' '])}", ""]
        out += ["\t", f"\t用于{rng.choice(GOAL_PARTS)}，{rng.choice(GOAL_PARTS)}", ""]
        out += ["\t资金支出计划（%）", "\t3月底", "\t6月底", "\t10月底", "\t12月底", "", "\t"]
        out += [f"\t{c}" for c in self.spending_plan()] + [""]
        goal = self.goal()
        out += ["\t绩效目标", f"\t{goal[0]}"] + goal[1:] + ["", ""]
        out += ["\t一级指标", "\t二级指标", "\t三级指标", "\t绩效指标描述", "\t指标值", "\t指标值确定依据", ""]
        rows = self.indicator_rows(effect_word)
        previous = None
        for level1, level2, iname, desc, target, basis in rows:
            cells = ["" if level1 == previous else level1, level2, iname, desc, target, basis]
            previous = level1
            if self.chance(0.03):  # blank lines inside a row, as in 003
                self.note("blank lines inside a row")
                out += [f"\t{cells[0]}", f"\t{cells[1]}", f"\t{cells[2]}", "", f"\t{cells[3]}", "",
                        f"\t{cells[4]}", f"\t{cells[5]}", ""]
            else:
                out += [f"\t{c}" for c in cells] + [""]
        out.append("")
        return self.record(name, code, budget, rows, unit[0])

    def record(self, name: str, code: str | None, budget: Decimal | None, rows: list, unit_code: str | None) -> dict:
        """The manifest entry of a finished project (and reset the quirk notes for the next one)."""
        quirks, self.noted = self.noted, []
        first: list[str] = []
        for r in rows:
            if r[0] not in first:
                first.append(r[0])
        return {"name": name, "code": code, "unit_code": unit_code,
                "budget_wan_yuan": float(budget) if budget is not None else None,
                "indicator_rows": len(rows), "first_level": first, "quirks": quirks}

    def prose(self, k: int) -> list[str]:
        return self.rng.sample(PROSE, k)

    def doc_one_cell(self) -> tuple[list[str], list[dict]]:
        rng = self.rng
        used: set[str] = set()
        names = [self.project_name(used) for _ in range(rng.randint(3, 15))]
        out = [" 第一部分", f"{self.issuer}{self.year}年度预算绩效目标", "一、总体绩效目标 TC 总体绩效目标 \\f A \\l 1 "]
        out += self.preface(names) + ["第二部分", "预算项目绩效目标"]
        units = [(self.unit_code, self.unit_name + "（本级）")] + self.sub_units
        code_kind = "A" if rng.random() < 0.7 else "B"
        projects = []
        for no, name in enumerate(names, 1):
            unit = units[0] if rng.random() < 0.6 else rng.choice(units[1:])
            projects.append(self.cell_table(out, no, name, unit, True, code_kind, "效益指标"))
        return out, projects

    def doc_full(self) -> tuple[list[str], list[dict], list[dict]]:
        rng = self.rng
        used: set[str] = set()
        names = [self.project_name(used) for _ in range(rng.randint(3, 15))]
        amounts = [_money(rng, 0.5, 900) for _ in names]
        project_total = sum(amounts, Decimal(0))
        basic = _money(rng, 200, 9000)
        income = basic + project_total
        org = [self.issuer] + [n for _, n in self.sub_units]
        out = ["", self.issuer, f"{self.year}年部门预算信息公开情况说明", "",
               f"现将{self.issuer}{self.year}年部门预算有关情况说明如下。", "一、部门职责及机构设置情况", "部门职责："]
        out += [f"（{c}）{p}" for c, p in zip("一二三", self.prose(3))]
        out += ["", "机构设置：", "部门机构设置情况", "\t单位名称", "\t单位性质", "\t单位规格", "\t经费保障形式", ""]
        for i, unit in enumerate(org):
            out += [f"\t{unit}", "\t行政单位" if i == 0 else "\t事业单位", "\t正科级" if i == 0 else "\t副科级",
                    "\t财政拨款" if i == 0 else "\t财政性资金基本保证", ""]
        listed = "、".join(f"{n}{_fmt(a)}万元" for n, a in zip(names, amounts))
        out += ["", "二、部门预算安排的总体情况", "1、收入说明",
                f"{self.year}年预算收入{_fmt(income)}万元，其中：一般公共预算收入{_fmt(income)}万元，政府性基金预算收入0万元。",
                "2、支出说明",
                f"{self.year}年支出预算{_fmt(income)}万元，其中基本支出{_fmt(basic)}万元，主要为人员经费和日常公用经费；"
                f"项目支出{_fmt(project_total)}万元，包括{listed}。",
                "三、预算绩效信息", "第一部分部门整体绩效目标"] + self.preface(names) + ["", "第二部分资金绩效目标", ""]
        effect_word = "效果指标" if rng.random() < 0.7 else "效益指标"
        projects = []
        for no, name in enumerate(names, 1):
            out += [f"{no}.{name}绩效目标表", ""]
            goal = self.goal()
            out += ["\t绩效目标", f"\t{goal[0]}"] + goal[1:] + [""]
            out += ["\t一级指标", "\t二级指标", "\t三级指标", "\t绩效指标描述", "\t指标值", "\t指标值确定依据", ""]
            rows = self.indicator_rows(effect_word)
            previous = None
            for level1, level2, iname, desc, target, basis in rows:
                cells = ["" if level1 == previous else level1, level2, iname, desc, target, basis]
                previous = level1
                out += [f"\t{c}" for c in cells] + [""]
            out += ["", "", ""]
            projects.append(self.record(name, None, None, rows, None))
        totals = [{"kind": "预算收入", "amount_wan_yuan": float(income)},
                  {"kind": "预算支出", "amount_wan_yuan": float(income)},
                  {"kind": "基本支出", "amount_wan_yuan": float(basic)},
                  {"kind": "项目支出", "amount_wan_yuan": float(project_total)}]
        return out, projects, totals

    def _wrap(self, text: str) -> str:
        """Insert stray spaces every few characters, as a wrapped Excel cell exported to text does."""
        step = self.rng.randint(4, 9)
        return " ".join(text[i:i + step] for i in range(0, len(text), step))

    def doc_tab_rows(self) -> tuple[list[str], list[dict], list[dict]]:
        rng = self.rng
        out = ["", "", f"{self.year}年度项目绩效目标表", "", "单位：万元", "",
               "项目名称\t项目单位\t项目类别\t预算数\t年度绩效目标\t一级指标\t二级指标\t三级指标\t指标性质\t指标方向\t目标值\t计量单位\t分值"]
        used: set[str] = set()
        projects = []
        total = Decimal(0)
        unit = f"{self.unit_code}-{self.unit_name}"
        for _ in range(rng.randint(3, 15)):
            name = self.project_name(used)
            budget = _money(rng, 1, 300)
            total += budget
            goal = "".join(self.goal())
            rows = self.indicator_rows("效益指标")
            # a project cut by a page break: "text" cuts name, unit and goal mid-word; "code" puts a fragment of
            # the unit code in the name cell and writes the name only after the break (as 002 does)
            split = rng.choice(["text", "code"]) if len(rows) >= 4 and len(name) >= 4 and self.chance(0.02) else None
            brk = rng.randint(2, len(rows) - 1) if (split or self.chance(0.15)) and len(rows) >= 3 else None
            if split:
                self.note(f"project cut by a page break ({split})")
            elif brk is not None:
                self.note("page break")
            for r, (level1, level2, iname, _desc, target, _basis) in enumerate(rows):
                nature, direction, value, measure = self.tab_target(target)
                l1, l2 = level1, level2
                if level2 in EFFECT or level2 in SATISFACTION:  # 002 writes 社会效益, 可持续影响, 服务对象满意度
                    l2 = level2.removesuffix("指标")
                if self.chance(0.02):
                    self.note("stray spaces in category cells")
                    l1, l2 = self._wrap(l1), self._wrap(l2)
                tail = [l1, l2, iname, nature, direction, value, measure, str(rng.choice([2, 5, 10, 15]))]
                if brk is not None and r == brk:
                    out.append("")  # page break
                if r == 0 and split == "text":
                    cut, ucut = rng.randint(2, len(name) - 2), rng.randint(8, len(unit) - 4)
                    out.append("\t".join([name[:cut], unit[:ucut], "部门预算项目", "", goal[:len(goal) // 2]] + tail))
                elif r == brk and split == "text":
                    out.append("\t".join([name[cut:], unit[ucut:], "", _fmt(budget), goal[len(goal) // 2:]] + tail))
                elif r == 0 and split == "code":
                    out.append("\t".join([unit[:8], "", "", "", goal[:len(goal) // 2]] + tail))
                elif r == brk and split == "code":
                    out.append("\t".join([name, self.unit_name, "部门预算项目", _fmt(budget), goal[len(goal) // 2:]]
                                          + tail))
                elif r == 0:
                    out.append("\t".join([name, unit, "部门预算项目", _fmt(budget), goal] + tail))
                elif r == brk and rng.random() < 0.6:  # project columns repeated after the page break
                    self.note("project columns repeated after a page break")
                    out.append("\t".join([self._wrap(name), f"{self.unit_code}-{self._wrap(self.unit_name)}",
                                          "部门预算项目", _fmt(budget),
                                          self._wrap(goal)] + tail))
                elif self.chance(0.01):  # row shifted 5 columns left
                    self.note("row shifted 5 columns left")
                    out.append("\t".join(tail + [""] * 5))
                else:
                    out.append("\t".join([""] * 5 + tail))
            projects.append(self.record(name, None, budget, rows, self.unit_code))
        out.append("\t".join(["合计", "", "", _fmt(total)] + [""] * 9))
        return out, projects, [{"kind": "合计", "amount_wan_yuan": float(total)}]

    def tab_target(self, target: str) -> tuple[str, str, str, str]:
        """Split a target into (指标性质, 指标方向, 目标值, 计量单位) the way the 13-column layout writes it."""
        for sign, nature, direction in (("≥", "正向", "大于等于"), ("≤", "反向", "小于等于")):
            if target.startswith(sign):
                number, unit = _split_number(target[1:])
                if number:
                    return nature, direction, number, unit
        number, unit = _split_number(target)
        if number and not any(ch in unit for ch in "优良差前"):
            return "正向", "等于", number, unit
        return "定性", "", target, ""


def _split_number(text: str) -> tuple[str, str]:
    i = 0
    while i < len(text) and (text[i].isdigit() or text[i] == "."):
        i += 1
    return text[:i], text[i:]


def make_document(index: int, seed: int = 0, quirks: float = 1.0) -> GeneratedDoc:
    """Generate document number *index* of the corpus for *seed*."""
    m = _Maker(index, seed, quirks)
    totals: list[dict] = []
    units = {m.unit_code: m.unit_name}
    if m.layout == "one_cell_per_line":
        lines, projects = m.doc_one_cell()
        units = {m.unit_code: m.unit_name + "（本级）", **{c: n for c, n in m.sub_units}}
        used_codes = {p["unit_code"] for p in projects}
        units = {c: n for c, n in units.items() if c in used_codes}
    elif m.layout == "full_disclosure":
        lines, projects, totals = m.doc_full()
        units = {}
    else:
        lines, projects, totals = m.doc_tab_rows()
    text = "\n".join(lines) + "\n"
    digest = hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:16]
    return GeneratedDoc(name=f"{index:06d}_{digest}.txt", layout=m.layout, text=text, region=m.region,
                        issuer=m.issuer, year=m.year, units=units, projects=projects,
                        funding_documents=m.cited, totals=totals)


def generate(n: int, outdir: Path, seed: int = 0, quirks: float = 1.0) -> dict:
    """Write *n* documents and ``manifest.json`` into *outdir*; return the manifest."""
    outdir.mkdir(parents=True, exist_ok=True)
    entries = []
    for i in range(n):
        doc = make_document(i, seed, quirks)
        (outdir / doc.name).write_text(doc.text, encoding="utf-8")
        entries.append(doc.manifest_entry())
    manifest = {
        "about": "Synthetic corpus made by bench/generate.py; per document what a correct extraction must find.",
        "seed": seed,
        "quirks": quirks,
        "generator_sha256": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
        "count": n,
        "project_count": sum(e["project_count"] for e in entries),
        "indicator_rows_total": sum(e["indicator_rows_total"] for e in entries),
        "bytes": sum(e["bytes"] for e in entries),
        "documents": entries,
    }
    (outdir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("outdir", type=Path, help="output folder (created if missing)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--no-quirks", action="store_true",
                        help="clean documents: no placeholders, typos, split cells or odd brackets")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be >= 0")
    start = time.perf_counter()
    manifest = generate(args.n, args.outdir, args.seed, 0.0 if args.no_quirks else 1.0)
    took = time.perf_counter() - start
    print(f"{args.n} documents, {manifest['project_count']} projects, {manifest['indicator_rows_total']} indicator rows, "
          f"{manifest['bytes'] / 1e6:.1f} MB in {args.outdir} ({took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
