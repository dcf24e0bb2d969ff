"""Plain records passed between the pipeline stages.

``read`` yields :class:`SourceText` (decoded lines), ``parse`` turns it into a
:class:`Document` (units, projects, indicator rows, skipped lines), ``link``
fills the normalised fields (:class:`Target` values, :class:`ConceptLink`,
:class:`FundingRef`) in place, ``build`` turns documents into quads.

Line numbers are 1-based and refer to the decoded source file.  ``*_raw``
fields keep the text exactly as written; the other text fields are the cell
text with whitespace trimmed (and, for names, wrap-spaces removed).

>>> t = Target(raw="≥95%")
>>> t.status
'unlinked'
>>> Span(3, 5).as_dict()
{'line': 3, 'end_line': 5}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Span:
    """A run of source lines, ``line`` to ``end_line`` inclusive."""

    line: int
    end_line: int

    def as_dict(self) -> dict[str, int]:
        return {"line": self.line, "end_line": self.end_line}


@dataclass
class Line:
    """One decoded input line: ``raw`` as in the file, ``text`` normalised for matching."""

    number: int
    raw: str
    text: str
    where: str | None = None  # locator in a native file (第12段, 表3 第2行 第4格, Sheet1!B7); None for text


@dataclass
class SourceText:
    """A decoded input file (output of the read stage)."""

    path: str
    name: str  # file name, used for document identity and reports
    encoding: str
    sha256: str
    lines: list[Line]
    format: str = "text"  # text | docx | xlsx | html (told from the content, not the name)


@dataclass
class Skipped:
    """A non-blank line that did not become part of any record, and why."""

    line: int
    text: str
    reason: str  # heading | prose | toc | table title | unrecognised table row | ...


@dataclass
class Unit:
    """A budget unit (预算单位) as written in one document."""

    code: str | None
    name: str
    line: int | None = None


@dataclass
class StatedTotal:
    """A total a document states in prose or in a 合计 row, in 万元."""

    kind: str  # 预算收入 | 预算支出 | 基本支出 | 项目支出 | 合计
    amount_wan_yuan: Decimal
    line: int
    text: str


@dataclass
class FundingRef:
    """A 文号 (funding or policy document number) found in text."""

    number: str  # canonical, e.g. 冀财社〔2022〕150号
    raw: str
    issuer: str | None = None  # abbreviation part, e.g. 冀财社
    year: int | None = None
    serial: str | None = None
    level: str | None = None  # 中央 | 省级 | 市级 | 县级 | None
    lines: list[int] = field(default_factory=list)


@dataclass
class Target:
    """A target value (指标值).  ``raw`` is set by parse; the rest by link."""

    raw: str
    comparator: str | None = None  # ≥ ≤ = > < range
    value: Decimal | None = None
    upper: Decimal | None = None  # for ranges
    unit: str | None = None
    dimension: str | None = None  # percent count money duration date area score ...
    qualitative: str | None = None
    grade: str | None = None  # 优 良 中 差 …
    note: str | None = None
    value_yuan: Decimal | None = None  # money targets also in 元
    status: str = "unlinked"  # ok | qualitative | placeholder | implausible | unparsed


@dataclass
class ConceptLink:
    """Result of linking an indicator name to the SKOS indicator concept scheme."""

    concept: str | None  # concept IRI, None when unlinked
    label: str | None
    score: float
    rule: str  # exact | alt | head | fuzzy | unlinked
    broader: list[str] = field(default_factory=list)


@dataclass
class Indicator:
    """One 三级指标 row of a target table."""

    level1: str | None  # 一级 as written (inherited on continuation rows)
    level1_category: str | None  # canonical: 产出指标 | 效益指标 | 满意度指标 | 成本指标
    level2: str | None
    level2_category: str | None  # canonical: 数量指标 | 质量指标 | 时效指标 | 成本指标 | 社会效益指标 …
    name: str
    description: str | None
    target: Target
    basis: str | None = None  # 指标值确定依据
    nature: str | None = None  # 指标性质: 正向 | 反向 | 定性
    direction: str | None = None  # 指标方向: 大于等于 | 等于 | 小于等于
    measure_unit: str | None = None  # 计量单位
    score: str | None = None  # 分值
    span: Span = field(default_factory=lambda: Span(0, 0))
    concept: ConceptLink | None = None
    # Self-evaluation tables (项目支出绩效自评表); None in target tables.
    actual: str | None = None  # 实际完成值, as written
    points: str | None = None  # 得分, as written
    deviation_reason: str | None = None  # 偏差原因分析及改进措施
    actual_value: Decimal | None = None  # ``actual`` as a number in the target's unit (set by link)
    # Tables with long-term and annual column groups (二级指标(长期) … 二级指标(年度)): which group
    # the row was read from, "long-term" or "annual"; None for ordinary tables.
    horizon: str | None = None


@dataclass
class SpendingPlan:
    """资金支出计划: cumulative % by the end of March, June, October and December."""

    raw: list[str]  # four cells as written ('' where empty)
    percents: list[Decimal | None]  # parsed values, None where empty or unreadable
    line: int | None = None


@dataclass
class Project:
    """A project (预算项目 or 专项资金) with its target table."""

    name: str
    title: str | None = None  # the table title as written
    code: str | None = None
    kind: str | None = None  # 预算项目 | 专项资金 | 部门预算项目 …
    unit: Unit | None = None
    budget_wan_yuan: Decimal | None = None
    fiscal_wan_yuan: Decimal | None = None
    other_wan_yuan: Decimal | None = None
    purpose: str | None = None  # 资金用途
    spending_plan: SpendingPlan | None = None
    goal: str | None = None
    funding_documents: list[FundingRef] = field(default_factory=list)
    cites: list[FundingRef] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    span: Span = field(default_factory=lambda: Span(0, 0))
    table_no: int | None = None  # position of the table in the document, 1-based
    # Self-evaluation tables (项目支出绩效自评表); None in target tables.
    table_kind: str = "target"  # target (绩效目标表) | self-evaluation (绩效自评表)
    evaluation_year: int | None = None  # the year evaluated (from the title or document)
    executed_wan_yuan: Decimal | None = None  # 执行数
    execution_rate: Decimal | None = None  # 执行率, %
    total_points: Decimal | None = None  # 总分 stated in the table


@dataclass(frozen=True)
class RegionPart:
    """One level of a region path, e.g. ``RegionPart("秦皇岛市", "city")``."""

    name: str
    level: str  # province | city | county | district | new-area


@dataclass
class Problem:
    """A problem with the input that a user must see (bad file, cut-off table …)."""

    file: str
    line: int | None
    message: str
    where: str | None = None  # locator in a native file (表3 第2行 第4格), None for text files

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.where:
            where += f" ({self.where})"
        return f"{where}: {self.message}"


@dataclass
class Document:
    """Everything recovered from one source file."""

    file: str
    path: str
    sha256: str
    encoding: str
    line_count: int  # all lines, blank included
    issuer: str | None = None
    region: str | None = None  # full name, e.g. 河北省秦皇岛市北戴河区 (set by link)
    region_path: list[RegionPart] = field(default_factory=list)  # province first (set by link)
    year: int | None = None
    year_source: str | None = None  # the text the year was read from
    units: list[Unit] = field(default_factory=list)
    org_units: list[str] = field(default_factory=list)  # 机构设置 table rows
    totals: list[StatedTotal] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    funding_documents: list[FundingRef] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    covered_lines: set[int] = field(default_factory=set, repr=False)


def to_jsonable(obj: Any) -> Any:
    """Dataclasses/Decimals → JSON-friendly values (Decimal → float or int).

    >>> to_jsonable({"a": Decimal("1.20"), "b": [Span(1, 2)]})
    {'a': 1.2, 'b': [{'line': 1, 'end_line': 2}]}
    """
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() and "." not in str(obj) else float(obj)
    if hasattr(obj, "__dataclass_fields__"):
        return {k: to_jsonable(v) for k, v in asdict(obj).items()}
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, set):
        return sorted(obj)
    return obj
