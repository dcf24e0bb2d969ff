"""Interpret a run of cells (one-cell-per-line layout) as project target tables.

The cells before the indicator header are read as label → value pairs
(项目编码, 项目名称/专项资金名称, 预算数, 其中：财政资金, 其他资金, 资金支出计划, 绩效目标);
the header cells (一级指标 … 指标值确定依据) give the columns; the cells after
it are read row by row, a row being as many cells as the header has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kg.model import Indicator, Problem, Project, Skipped, Span, SpendingPlan, Target, Unit
from kg.parse.cells import Cell, Run
from kg.parse.vocab import (
    column_horizon,
    indicator_column,
    join_wrapped,
    key,
    level1_category,
    level2_category,
    strip_field_code,
)

NAME_LABELS = {"项目名称": "预算项目", "专项资金名称": "专项资金"}
CODE_LABELS = {"项目编码", "项目代码"}
GOAL_LABELS = {"绩效目标", "年度绩效目标", "年度目标"}
BUDGET_LABELS = {
    "预算数": "budget", "其中:财政资金": "fiscal", "财政资金": "fiscal", "其他资金": "other",
    # self-evaluation tables (绩效自评表)
    "年度预算数": "budget", "全年预算数": "budget", "执行数": "executed", "全年执行数": "executed",
    "执行率": "rate", "预算执行率": "rate", "总分": "total_points",
}
YEAR_LABELS = {"评价年度", "自评年度", "年度"}
TITLE_YEAR = re.compile(r"(20\d\d)\s*年度?")
PLAN_LABEL = re.compile(r"^资金支出计划")
MONTH = re.compile(r"^\d{1,2}月(底|末)?$")
UNIT_CELL = re.compile(r"^(\d{6})\s*[-－—]?\s*(\S.*)?$")
NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")
TITLE_NUMBER = re.compile(r"^\s*(\[bookmark:[^\]]*\])*\s*\d+\s*[.、．]\s*")
TITLE_SUFFIX = re.compile(r"\s*(项目支出)?绩效(目标|自评)表\s*$")


def decimal_of(text: str | None) -> Decimal | None:
    """The first number in *text* as a Decimal (``'1,392.00'`` → 1392.00), None when there is none.

    >>> decimal_of("1,392.00"), decimal_of("30.00%"), decimal_of(" ")
    (Decimal('1392.00'), Decimal('30.00'), None)
    """
    if not text:
        return None
    m = NUMBER.search(text)
    if not m:
        return None
    try:
        return Decimal(m.group(0).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex only admits numbers
        return None


def unit_of(text: str, line: int | None) -> Unit | None:
    """A unit from a cell like ``316001秦皇岛市…局(本级）`` or ``418001-乌海市…局``.

    >>> unit_of("418001-乌海市人力资源和社会保障局", 3)
    Unit(code='418001', name='乌海市人力资源和社会保障局', line=3)
    """
    m = UNIT_CELL.match(join_wrapped(text))
    if not m:
        return None
    return Unit(m.group(1), (m.group(2) or "").strip(), line)


def name_from_title(title: str) -> str:
    """Project name from a table title: numbering, TOC field code and 绩效目标表 removed."""
    t = strip_field_code(title)
    t = TITLE_NUMBER.sub("", t)
    return TITLE_SUFFIX.sub("", t).strip()


def make_indicator(
    values: dict[str, str], span: Span, inherited_level1: str | None, inherited_level2: str | None = None
) -> Indicator:
    """Build an Indicator from column → cell text; a blank 一级 inherits from the row above.

    A blank 二级 inherits only when *inherited_level2* is given (callers pass it
    for layouts where merged cells are known to be lost, not for Word text).
    """
    own_level1 = join_wrapped(values.get("level1", ""))
    level1 = own_level1 or inherited_level1
    level2 = join_wrapped(values.get("level2", "")) or (None if own_level1 else inherited_level2)
    return Indicator(
        level1=level1,
        level1_category=level1_category(level1),
        level2=level2,
        level2_category=level2_category(level2),
        name=join_wrapped(values.get("name", "").replace("\n", "")),
        description=(values.get("description") or "").strip() or None,
        target=Target(raw=(values.get("target") or "").strip()),
        basis=(values.get("basis") or "").strip() or None,
        nature=join_wrapped(values.get("nature", "")) or None,
        direction=join_wrapped(values.get("direction", "")) or None,
        measure_unit=(values.get("measure_unit") or "").strip() or None,
        score=(values.get("score") or "").strip() or None,
        span=span,
        actual=(values.get("actual") or "").strip() or None,
        points=(values.get("points") or "").strip() or None,
        deviation_reason=(values.get("deviation_reason") or "").strip() or None,
    )


def row_indicators(
    header: list[str | None], horizons: list[str | None], texts: list[str], span: Span, last: dict[str | None, Indicator]
) -> list[Indicator]:
    """The indicators of one table row: one, or one per column group when the header has both
    long-term (长期) and annual (年度) groups side by side.

    *horizons* is the group of each header column (None for shared columns such as 一级指标);
    *last* holds the previous indicator of each group (for a blank 一级 to inherit) and is updated.
    The annual indicator comes first; a group whose 三级指标 and 指标值 cells are both empty gives none.

    >>> h, g = ["level1", "name", "target", "name", "target"], [None, "long-term", "long-term", "annual", "annual"]
    >>> last = {}
    >>> [(i.horizon, i.name, i.target.raw) for i in row_indicators(h, g, ["产出指标", "累计人数", "≥3000人", "年度人数", "≥600人"], Span(1, 1), last)]
    [('annual', '年度人数', '≥600人'), ('long-term', '累计人数', '≥3000人')]
    >>> [(i.horizon, i.level1, i.name) for i in row_indicators(h, g, ["", "", "", "合格率", "≥95%"], Span(2, 2), last)]
    [('annual', '产出指标', '合格率')]
    """
    groups = [g for g in ("annual", "long-term") if g in horizons] if {"annual", "long-term"} <= set(horizons) else []
    if not groups:
        prev = last.get(None)
        ind = make_indicator({c: t for c, t in zip(header, texts) if c}, span, prev.level1 if prev else None)
        last[None] = ind
        return [ind]
    out = []
    for g in groups:
        values = {c: t for c, hz, t in zip(header, horizons, texts) if c and hz in (None, g)}
        if not any((values.get(c) or "").strip() for c in ("name", "target")):
            continue
        prev = last.get(g)
        ind = make_indicator(values, span, prev.level1 if prev else None)
        ind.horizon = g
        last[g] = ind
        out.append(ind)
    return out


@dataclass
class TableResult:
    projects: list[Project] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    covered: set[int] = field(default_factory=set)


def is_project_run(run: Run) -> bool:
    keys = {key(c.text) for c in run.cells[:80]}
    return "一级指标" in keys or bool(keys & GOAL_LABELS)


def _lines(cell: Cell) -> range:
    return range(cell.line, cell.end_line + 1)


class _Reader:
    """Walks the cells of one run, producing projects."""

    def __init__(self, run: Run, file: str, result: TableResult):
        self.cells = run.cells
        self.file = file
        self.result = result
        self.i = 0

    def peek(self, offset: int = 0) -> Cell | None:
        j = self.i + offset
        return self.cells[j] if j < len(self.cells) else None

    def take(self) -> Cell:
        cell = self.cells[self.i]
        self.i += 1
        return cell

    def cover(self, cell: Cell) -> None:
        self.result.covered.update(_lines(cell))

    def skip(self, cell: Cell, reason: str) -> None:
        self.result.skipped.extend(Skipped(n, "", reason) for n in _lines(cell))

    # -- one project ------------------------------------------------------------------
    def read_project(self, title: str | None, title_line: int | None) -> Project:
        project = Project(name="", title=title)
        first_line = title_line or self.peek().line  # type: ignore[union-attr]
        header: list[str | None] = []
        while self.i < len(self.cells):
            cell = self.peek()
            assert cell is not None
            k = key(cell.text)
            if header:
                break
            if k == "一级指标":
                header = self.read_header()
                break
            if project.name and (k in NAME_LABELS or k in CODE_LABELS) and project.indicators:
                break
            self.take()
            self.cover(cell)
            if k in CODE_LABELS and self.peek() is not None:
                value = self.take()
                self.cover(value)
                project.code = key(value.text) or None
            elif k in NAME_LABELS and self.peek() is not None:
                value = self.take()
                self.cover(value)
                project.name = join_wrapped(value.text.replace("\n", ""))
                project.kind = NAME_LABELS[k]
            elif k in BUDGET_LABELS:
                self.read_budget(project, BUDGET_LABELS[k])
            elif k in YEAR_LABELS and (nxt := self.peek()) is not None and TITLE_YEAR.search(key(nxt.text)):
                self.take()
                self.cover(nxt)
                project.evaluation_year = int(TITLE_YEAR.search(key(nxt.text)).group(1))  # type: ignore[union-attr]
            elif PLAN_LABEL.match(k):
                self.read_plan(project)
            elif k in GOAL_LABELS:
                nxt = self.peek()
                if nxt is not None and key(nxt.text) != "一级指标":
                    self.take()
                    self.cover(nxt)
                    project.goal = nxt.text.strip() or None
            elif project.unit is None and not project.name and (u := unit_of(cell.text, cell.line)):
                project.unit = u
            elif k.startswith("单位:") or k in {"", "预算规模及资金用途"}:
                pass
            else:
                # 资金用途: the free cell after the budget figures.
                if project.budget_wan_yuan is not None or project.fiscal_wan_yuan is not None:
                    if project.purpose is None:
                        project.purpose = cell.text.strip()
                        continue
                self.skip(cell, "unrecognised table cell")
                self.result.covered.difference_update(_lines(cell))
        if header:
            if "actual" in header or "points" in header:
                project.table_kind = "self-evaluation"
                if project.evaluation_year is None and title and (m := TITLE_YEAR.search(title)):
                    project.evaluation_year = int(m.group(1))
            self.read_rows(project, header)
            self.read_total(project)
        if not project.name and title:
            project.name = name_from_title(title)
        last = self.cells[self.i - 1].end_line if self.i else first_line
        project.span = Span(first_line, last)
        return project

    def read_budget(self, project: Project, which: str) -> None:
        value = self.peek()
        if value is None or key(value.text) in BUDGET_LABELS:
            return
        self.take()
        self.cover(value)
        amount = decimal_of(value.text)
        if value.text.strip() and amount is None:
            self.result.problems.append(Problem(self.file, value.line, f"预算金额无法读取: {value.text.strip()!r}"))
        if which == "budget":
            project.budget_wan_yuan = amount
        elif which == "fiscal":
            project.fiscal_wan_yuan = amount
        elif which == "executed":
            project.executed_wan_yuan = amount
        elif which == "rate":
            project.execution_rate = amount
        elif which == "total_points":
            project.total_points = amount
        else:
            project.other_wan_yuan = amount
            # The purpose cell follows, after an empty label cell.
            nxt = self.peek()
            if nxt is not None and key(nxt.text) == "":
                after = self.peek(1)
                if after is not None and not PLAN_LABEL.match(key(after.text)) and key(after.text) not in GOAL_LABELS:
                    self.take()
                    self.cover(nxt)
                    self.take()
                    self.cover(after)
                    project.purpose = after.text.strip() or None

    def read_total(self, project: Project) -> None:
        """A closing ``总分 | 100 | 92.5`` row of a self-evaluation table: the last number is the score given."""
        c = self.peek()
        if c is None or key(c.text) != "总分":
            return
        self.take()
        self.cover(c)
        while (v := self.peek()) is not None and (decimal_of(v.text) is not None or key(v.text) == "") and key(v.text) not in BUDGET_LABELS:
            self.take()
            self.cover(v)
            if decimal_of(v.text) is not None:
                project.total_points = decimal_of(v.text)

    def read_plan(self, project: Project) -> None:
        months = 0
        while (c := self.peek()) is not None and MONTH.match(key(c.text)):
            self.take()
            self.cover(c)
            months += 1
        if months == 0:
            return
        c = self.peek()
        if c is not None and key(c.text) == "":
            # The row label cell is empty; the values follow.
            following = [self.peek(j) for j in range(1, months + 1)]
            if all(f is not None and key(f.text) not in GOAL_LABELS for f in following):
                self.take()
                self.cover(c)
        raw: list[str] = []
        line = None
        for _ in range(months):
            c = self.peek()
            if c is None or key(c.text) in GOAL_LABELS or key(c.text) == "一级指标":
                break
            self.take()
            self.cover(c)
            raw.append(c.text.strip())
            line = line or c.line
        project.spending_plan = SpendingPlan(raw=raw, percents=[decimal_of(r) for r in raw], line=line)

    def read_header(self) -> list[str | None]:
        header: list[str | None] = []
        self.horizons: list[str | None] = []
        while (c := self.peek()) is not None:
            column = indicator_column(c.text)
            if column is None:
                break
            self.take()
            self.cover(c)
            header.append(column)
            self.horizons.append(column_horizon(c.text))
        return header

    def read_rows(self, project: Project, header: list[str | None]) -> None:
        width = len(header)
        last: dict[str | None, Indicator] = {}
        while self.i < len(self.cells):
            start = self.peek()
            assert start is not None
            k = key(start.text)
            if k in NAME_LABELS or k in CODE_LABELS or (k in GOAL_LABELS and project.indicators):
                return  # a new table begins in the same run
            if k == "总分" and project.table_kind == "self-evaluation":
                return
            if self.i + width > len(self.cells):
                rest = self.cells[self.i :]
                self.result.problems.append(
                    Problem(self.file, start.line, f"表格在行中截断: 需要 {width} 个单元格, 只有 {len(rest)} 个")
                )
                for c in rest:
                    self.skip(c, "incomplete table row")
                self.i = len(self.cells)
                return
            row = [self.take() for _ in range(width)]
            span = Span(row[0].line, row[-1].end_line)
            project.indicators.extend(row_indicators(header, self.horizons, [c.text for c in row], span, last))
            for c in row:
                self.cover(c)


def read_run(run: Run, file: str, result: TableResult) -> None:
    """Read every project table in *run* into *result*."""
    reader = _Reader(run, file, result)
    title = run.before.text if run.before else None
    title_line = run.before.line if run.before else None
    first = True
    while reader.i < len(reader.cells):
        start = reader.i
        project = reader.read_project(title if first else None, title_line if first else None)
        if title_line is not None and first:
            result.covered.add(title_line)
        first = False
        if project.indicators or project.name:
            result.projects.append(project)
        if reader.i == start:  # nothing consumed: avoid looping forever
            cell = reader.take()
            reader.skip(cell, "unrecognised table cell")
