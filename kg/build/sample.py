"""A small hand-made :class:`~kg.model.Document`, for tests and benchmarks of the later stages.

It has what every part of the build handles: a region path, a unit with a
code (and a sub-unit), a stated total, two projects (one funded by a 文号, one
citing another), three indicators (an exact, a close and no concept link),
a spending plan and targets with a number, a range and a grade; the second
project is a self-evaluation (actual value, points, deviation reason) and one
row is marked annual; together they use every property the build can write.

>>> doc = sample_document()
>>> len(doc.projects), sum(len(p.indicators) for p in doc.projects)
(2, 3)
>>> sample_document("b.txt", unit_name="上海市人力资源和社会保障局").units[0].name
'上海市人力资源和社会保障局'
"""

from __future__ import annotations

from decimal import Decimal

from kg.model import (
    ConceptLink,
    Document,
    FundingRef,
    Indicator,
    Project,
    RegionPart,
    Skipped,
    Span,
    SpendingPlan,
    StatedTotal,
    Target,
    Unit,
)

__all__ = ["sample_document"]

_JXC = "https://w3id.org/jxkg/concept/"


def sample_document(
    file: str = "sample_001.txt",
    *,
    unit_name: str = "乌海市人力资源和社会保障局",
    region: tuple[tuple[str, str], ...] = (("内蒙古自治区", "province"), ("乌海市", "city")),
    budget: str = "12.5",
) -> Document:
    """A linked document of one bureau (unit 418001) with two projects and three indicators."""
    wenhao = FundingRef(
        number="乌财社〔2022〕15号", raw="乌财社【2022】15号", issuer="乌财社", year=2022, serial="15", level="市级", lines=[8]
    )
    cited = FundingRef(number="人社部发〔2021〕3号", raw="人社部发[2021]3号", issuer="人社部发", year=2021, serial="3", level="中央", lines=[20])
    unit = Unit(code="418001", name=unit_name, line=5)
    sub = Unit(code="418002", name="乌海市社会保险事业管理局", line=6)
    p1 = Project(
        name="就业补助资金",
        title="乌财社【2022】15号关于下达就业补助资金的通知 项目支出绩效目标表",
        code="150300-22-001",
        kind="预算项目",
        unit=unit,
        budget_wan_yuan=Decimal(budget),
        fiscal_wan_yuan=Decimal(budget),
        other_wan_yuan=Decimal("0"),
        purpose="职业技能培训补贴",
        goal="完成培训 500 人次，就业率不低于 80%。",
        spending_plan=SpendingPlan(raw=["20%", "50%", "80%", "100%"], percents=[Decimal(20), Decimal(50), Decimal(80), Decimal(100)], line=9),
        funding_documents=[wenhao],
        indicators=[
            Indicator(
                level1="产出指标",
                level1_category="产出指标",
                level2="数量指标",
                level2_category="数量指标",
                name="培训人次",
                description="全年培训人次",
                target=Target(raw="≥500人次", comparator="≥", value=Decimal(500), unit="人次", dimension="count", status="ok"),
                score="10",
                span=Span(11, 11),
                horizon="annual",
                concept=ConceptLink(concept=_JXC + "trainingCount", label="培训人次", score=1.0, rule="exact"),
            ),
            Indicator(
                level1="产出指标",
                level1_category="产出指标",
                level2="成本指标",
                level2_category="成本指标",
                name="人均培训成本",
                description=None,
                target=Target(
                    raw="1000-1200元",
                    comparator="range",
                    value=Decimal(1000),
                    upper=Decimal(1200),
                    unit="元",
                    dimension="money",
                    value_yuan=Decimal(1000),
                    status="ok",
                ),
                basis="计划标准",
                nature="反向",
                direction="小于等于",
                measure_unit="元",
                span=Span(12, 13),
                concept=ConceptLink(concept=_JXC + "costPerPerson", label="人均成本", score=0.75, rule="fuzzy"),
            ),
        ],
        span=Span(7, 13),
        table_no=1,
    )
    p2 = Project(
        name="社保经办服务",
        title="社保经办服务项目支出绩效目标表",
        kind="预算项目",
        unit=sub,
        budget_wan_yuan=Decimal("3.0"),
        cites=[cited],
        indicators=[
            Indicator(
                level1="满意度指标",
                level1_category="满意度指标",
                level2="服务对象满意度指标",
                level2_category="服务对象满意度指标",
                name="办事群众满意度",
                description="办事群众满意度",
                target=Target(raw="≥95%优", qualitative="优", grade="优", note="按等级评分", status="qualitative"),
                score="20",
                span=Span(22, 22),
                concept=None,
                actual="93%",
                points="18",
                deviation_reason="窗口高峰期等候时间较长",
                actual_value=Decimal(93),
            )
        ],
        span=Span(18, 22),
        table_no=2,
        table_kind="self-evaluation",
        evaluation_year=2021,
        executed_wan_yuan=Decimal("2.7"),
        execution_rate=Decimal("90"),
        total_points=Decimal("88"),
    )
    return Document(
        file=file,
        path=f"/data/{file}",
        sha256="0" * 64,
        encoding="utf-8",
        line_count=30,
        issuer=unit_name,
        region="".join(name for name, _ in region),
        region_path=[RegionPart(name, level) for name, level in region],
        year=2022,
        units=[unit, sub],
        org_units=["办公室", "就业促进科"],
        totals=[StatedTotal(kind="项目支出", amount_wan_yuan=Decimal(budget) + Decimal("3.0"), line=16, text="项目支出合计")],
        projects=[p1, p2],
        funding_documents=[wenhao, cited],
        skipped=[Skipped(1, "乌海市人力资源和社会保障局2022年部门预算公开", "heading"), Skipped(2, "目录", "toc")],
    )
