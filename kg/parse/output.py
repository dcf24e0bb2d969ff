"""The recovered tables as plain records: JSON, CSV and Excel (``jxkg extract``).

The JSON shape is an interface other tools rely on: the field names below are
fixed; fields may be added.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from kg.model import Document, FundingRef, Indicator, Project, to_jsonable


def _ref(r: FundingRef) -> dict[str, Any]:
    return to_jsonable(r)


def indicator_record(ind: Indicator, file: str) -> dict[str, Any]:
    target = to_jsonable(ind.target)
    return {
        "level1": ind.level1,
        "level1_category": ind.level1_category,
        "level2": ind.level2,
        "level2_category": ind.level2_category,
        "name": ind.name,
        "description": ind.description,
        "target": target,
        "basis": ind.basis,
        "nature": ind.nature,
        "direction": ind.direction,
        "measure_unit": ind.measure_unit,
        "score": ind.score,
        "actual": ind.actual,
        "points": ind.points,
        "deviation_reason": ind.deviation_reason,
        "actual_value": to_jsonable(ind.actual_value),
        "horizon": ind.horizon,
        "concept": to_jsonable(ind.concept) if ind.concept else None,
        "source": {"file": file, "line": ind.span.line, "end_line": ind.span.end_line},
    }


def project_record(p: Project, file: str) -> dict[str, Any]:
    plan = p.spending_plan
    return {
        "table_no": p.table_no,
        "name": p.name,
        "title": p.title,
        "code": p.code,
        "kind": p.kind,
        "unit": {"code": p.unit.code, "name": p.unit.name} if p.unit else None,
        "budget_wan_yuan": to_jsonable(p.budget_wan_yuan),
        "fiscal_wan_yuan": to_jsonable(p.fiscal_wan_yuan),
        "other_wan_yuan": to_jsonable(p.other_wan_yuan),
        "purpose": p.purpose,
        "spending_plan": (
            {"raw": plan.raw, "percents": to_jsonable(plan.percents), "line": plan.line} if plan else None
        ),
        "goal": p.goal,
        "table_kind": p.table_kind,
        "evaluation_year": p.evaluation_year,
        "executed_wan_yuan": to_jsonable(p.executed_wan_yuan),
        "execution_rate": to_jsonable(p.execution_rate),
        "total_points": to_jsonable(p.total_points),
        "funding_documents": [_ref(r) for r in p.funding_documents],
        "cites": [_ref(r) for r in p.cites],
        "source": {"file": file, "line": p.span.line, "end_line": p.span.end_line},
        "indicators": [indicator_record(i, file) for i in p.indicators],
    }


def document_record(doc: Document) -> dict[str, Any]:
    return {
        "file": doc.file,
        "path": doc.path,
        "sha256": doc.sha256,
        "encoding": doc.encoding,
        "lines": doc.line_count,
        "issuer": doc.issuer,
        "region": doc.region,
        "region_path": [{"name": r.name, "level": r.level} for r in doc.region_path],
        "year": doc.year,
        "year_source": doc.year_source,
        "units": [{"code": u.code, "name": u.name, "line": u.line} for u in doc.units],
        "org_units": doc.org_units,
        "totals": [to_jsonable(t) for t in doc.totals],
        "funding_documents": [_ref(r) for r in doc.funding_documents],
        "projects": [project_record(p, doc.file) for p in doc.projects],
        "skipped": [{"line": s.line, "text": s.text, "reason": s.reason} for s in doc.skipped],
        "problems": [{"file": pr.file, "line": pr.line, "message": pr.message} for pr in doc.problems],
    }


def to_json(docs: list[Document]) -> str:
    return json.dumps({"documents": [document_record(d) for d in docs]}, ensure_ascii=False, indent=2)


#: One CSV/Excel row per indicator, with its project's columns repeated (what people retype today).
FLAT_COLUMNS = [
    "file", "table_no", "project", "project_code", "unit_code", "unit_name", "budget_wan_yuan",
    "fiscal_wan_yuan", "other_wan_yuan", "funding_documents", "level1", "level1_category", "level2",
    "level2_category", "indicator", "description", "target_raw", "comparator", "value", "unit", "status",
    "concept", "basis", "nature", "direction", "measure_unit", "score", "line",
]


def flat_rows(docs: list[Document]) -> list[dict[str, Any]]:
    rows = []
    for d in docs:
        for p in d.projects:
            for i in p.indicators:
                rows.append({
                    "file": d.file,
                    "table_no": p.table_no,
                    "project": p.name,
                    "project_code": p.code,
                    "unit_code": p.unit.code if p.unit else None,
                    "unit_name": p.unit.name if p.unit else None,
                    "budget_wan_yuan": to_jsonable(p.budget_wan_yuan),
                    "fiscal_wan_yuan": to_jsonable(p.fiscal_wan_yuan),
                    "other_wan_yuan": to_jsonable(p.other_wan_yuan),
                    "funding_documents": "; ".join(r.number for r in p.funding_documents),
                    "level1": i.level1,
                    "level1_category": i.level1_category,
                    "level2": i.level2,
                    "level2_category": i.level2_category,
                    "indicator": i.name,
                    "description": i.description,
                    "target_raw": i.target.raw,
                    "comparator": i.target.comparator,
                    "value": to_jsonable(i.target.value),
                    "unit": i.target.unit,
                    "status": i.target.status,
                    "concept": i.concept.label if i.concept else None,
                    "basis": i.basis,
                    "nature": i.nature,
                    "direction": i.direction,
                    "measure_unit": i.measure_unit,
                    "score": i.score,
                    "line": i.span.line,
                })
    return rows


def to_csv(docs: list[Document]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FLAT_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(flat_rows(docs))
    return buf.getvalue()


def write_xlsx(docs: list[Document], path: Path) -> None:
    """An Excel workbook: sheets 指标 (one row per indicator), 项目, 文档, 跳过的行."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(FLAT_COLUMNS)
    for row in flat_rows(docs):
        ws.append([row[c] for c in FLAT_COLUMNS])
    projects = wb.create_sheet("项目")
    pcols = ["file", "table_no", "name", "code", "unit_code", "unit_name", "budget_wan_yuan", "fiscal_wan_yuan",
             "other_wan_yuan", "purpose", "goal", "spending_plan", "funding_documents", "indicators", "line"]
    projects.append(pcols)
    for d in docs:
        for p in d.projects:
            projects.append([
                d.file, p.table_no, p.name, p.code, p.unit.code if p.unit else None, p.unit.name if p.unit else None,
                to_jsonable(p.budget_wan_yuan), to_jsonable(p.fiscal_wan_yuan), to_jsonable(p.other_wan_yuan),
                p.purpose, p.goal, " | ".join(p.spending_plan.raw) if p.spending_plan else None,
                "; ".join(r.number for r in p.funding_documents), len(p.indicators), p.span.line,
            ])
    documents = wb.create_sheet("文档")
    documents.append(["file", "issuer", "region", "year", "projects", "indicators", "skipped", "problems"])
    for d in docs:
        documents.append([d.file, d.issuer, d.region, d.year, len(d.projects),
                          sum(len(p.indicators) for p in d.projects), len(d.skipped), len(d.problems)])
    skipped = wb.create_sheet("跳过的行")
    skipped.append(["file", "line", "reason", "text"])
    for d in docs:
        for s in d.skipped:
            skipped.append([d.file, s.line, s.reason, s.text[:500]])
    wb.save(path)
