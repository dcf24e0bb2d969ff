"""Table recovery for the row-per-line layout (tab-separated rows, 002).

A header row names the columns (项目名称 项目单位 项目类别 预算数 年度绩效目标 一级指标 …).
Each following row is anchored on its 一级 category cell rather than on its
position, so rows shifted left or right by a page break still read correctly:
cells before the anchor are project columns, cells from it on are indicator
columns.  Project columns are filled only on a project's first row; a row that
repeats the current project's name (after a page break) continues it; a row
whose name cell holds a unit-code fragment starts a project whose name comes
on the next page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import Indicator, Problem, Project, Skipped, Span, StatedTotal, Unit
from kg.parse.tables import TableResult, decimal_of, row_indicators, unit_of
from kg.parse.vocab import PROJECT_COLUMNS, column_horizon, indicator_column, join_wrapped, key, level1_category

UNIT_FRAGMENT = re.compile(r"^\d{6}\s*-")


@dataclass
class Header:
    project: list[str | None]  # project columns, left of the 一级 column
    indicator: list[str | None]  # indicator columns, from 一级 on
    horizons: list[str | None] | None = None  # column group of each indicator column (长期/年度), see tables.row_indicators


def header_of(raw: str) -> Header | None:
    """The column layout if *raw* is a header row of this layout, else None.

    >>> h = header_of("项目名称\\t项目单位\\t项目类别\\t预算数\\t年度绩效目标\\t一级指标\\t二级指标\\t三级指标\\t指标值")
    >>> h.project, h.indicator
    (['name', 'unit', 'kind', 'budget', 'goal'], ['level1', 'level2', 'name', 'target'])
    """
    if raw.count("\t") < 4:
        return None
    cells = [key(c) for c in raw.split("\t")]
    if "项目名称" not in cells or "一级指标" not in cells:
        return None
    at = cells.index("一级指标")
    return Header(
        project=[PROJECT_COLUMNS.get(c) for c in cells[:at]],
        indicator=[indicator_column(c) for c in cells[at:]],
        horizons=[column_horizon(c) for c in cells[at:]],
    )


def is_row(raw: str) -> bool:
    return raw.count("\t") >= 2


def read_rows(lines: list[tuple[int, str]], header: Header, file: str, result: TableResult, totals: list[StatedTotal]) -> None:
    """Read the rows after a header; *lines* are (number, raw) pairs, blank lines removed."""
    current: Project | None = None
    pending_name = False
    last: dict[str | None, Indicator] = {}

    def close() -> None:
        if current is not None:
            last = max([current.span.line] + [i.span.end_line for i in current.indicators])
            current.span = Span(current.span.line, max(last, current.span.end_line))

    for number, raw in lines:
        cells = raw.split("\t")
        if key(cells[0]) in {"合计", "总计"}:
            amount = next((a for a in (decimal_of(c) for c in cells[1:]) if a is not None), None)
            if amount is None:
                result.skipped.append(Skipped(number, raw, "total row without an amount"))
            else:
                totals.append(StatedTotal("合计", amount, number, raw.strip()))
                result.covered.add(number)
            continue
        anchor = next((i for i, c in enumerate(cells) if level1_category(c)), None)
        pre = cells[:anchor] if anchor is not None else cells
        post = cells[anchor:] if anchor is not None else []
        project_values = {
            col: join_wrapped(text)
            for col, text in zip(header.project, pre)
            if col and text.strip()
        }
        if project_values:
            name = project_values.get("name", "")
            if (
                current is not None
                and current.budget_wan_yuan is None
                and not pending_name
                and "budget" in header.project
                and "unit" in project_values
                and unit_of(project_values["unit"], number) is None
                and current.unit is not None
                and current.unit.code
            ):
                # The rest of a project cut by a page break: name, unit and goal continue, the budget follows.
                current.name = join_wrapped(current.name + name)
                current.unit = type(current.unit)(current.unit.code, current.unit.name + project_values["unit"], current.unit.line)
                current.goal = (current.goal or "") + project_values.get("goal", "")
                _fill(current, {k: v for k, v in project_values.items() if k in ("kind", "budget")}, number, overwrite=False)
            elif current is not None and (pending_name or key(name) == key(current.name)) and not UNIT_FRAGMENT.match(name):
                if pending_name:
                    current.name = name
                    current.goal = (current.goal or "") + project_values.get("goal", "")
                    _fill(current, project_values, number, overwrite=True)
                    pending_name = False
                # else: a page-break repeat of the project columns
            else:
                close()
                current = Project(name="" if UNIT_FRAGMENT.match(name) else name, span=Span(number, number))
                pending_name = bool(UNIT_FRAGMENT.match(name))
                if pending_name:
                    unit_text = name + project_values.get("unit", "")
                    current.unit = unit_of(unit_text, number)
                    project_values.pop("name", None)
                _fill(current, project_values, number, overwrite=False)
                current.goal = project_values.get("goal")
                result.projects.append(current)
                last = {}
        if current is None:
            result.skipped.append(Skipped(number, raw, "unrecognised table row"))
            continue
        result.covered.add(number)
        current.span = Span(current.span.line, number)
        if post and len(post) < len(header.indicator) and "target" in header.indicator[len(post) :]:
            # The row stops before its target column: cut off (end of file, lost page).
            result.problems.append(
                Problem(file, number, f"表格在行中截断: 需要 {len(header.indicator)} 个单元格, 只有 {len(post)} 个")
            )
            result.covered.discard(number)
            result.skipped.append(Skipped(number, raw, "incomplete table row"))
            continue
        if post:
            horizons = header.horizons or [None] * len(header.indicator)
            current.indicators.extend(row_indicators(header.indicator, horizons, post, Span(number, number), last))
            extra = [c for c in post[len(header.indicator) :] if c.strip()]
            if extra:
                result.problems.append(Problem(file, number, f"行尾多出 {len(extra)} 个单元格: {' | '.join(extra)}"))
        elif not project_values:
            result.covered.discard(number)
            result.skipped.append(Skipped(number, raw, "unrecognised table row"))
    close()


def _fill(project: Project, values: dict[str, str], line: int, overwrite: bool) -> None:
    if "unit" in values and (overwrite or project.unit is None):
        unit = unit_of(values["unit"], line)
        if unit is None:
            # A unit cell without its code: on a page after a fragment like "418001-乌" it completes that unit.
            code = project.unit.code if project.unit else None
            unit = Unit(code, values["unit"], line)
        project.unit = unit
    if "kind" in values and (overwrite or project.kind is None):
        project.kind = values["kind"]
    if "budget" in values and (overwrite or project.budget_wan_yuan is None):
        project.budget_wan_yuan = decimal_of(values["budget"])
