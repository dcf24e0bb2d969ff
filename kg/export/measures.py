"""A few networkx measures that help a reviewer read the graph (shown on the HTML page).

Each figure is ``{"title", "note", "rows"}``; a row cell is a number, a text, or
``{"text": label, "iri": node}`` for a node the page can jump to.  The figures are
computed over the *selected* projects, whatever the view draws, except the connected
components, which are those of the drawn view.

>>> from pathlib import Path
>>> from kg.export.data import load, open_store
>>> from kg.export.views import build_view
>>> data = load(open_store(Path(__file__).parents[2] / "tests" / "data" / "export_fixture.trig"))
>>> figs = figures(build_view("funding", data), data, set(data.projects))
>>> [f["title"] for f in figs][:2]
['资金文件的度 (funding documents by units funded)', '共享指标概念最多的单位对 (unit pairs sharing the most concepts)']
>>> figs[0]["rows"][0][0]["text"], figs[0]["rows"][0][1]
('冀财社〔2022〕150号', 2)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

import networkx as nx

from kg.export.data import ExportData

TOP = 10
PAIR_UNITS = 400  # unit pairs are compared among the units with the most concepts


def _unit_ref(data: ExportData, iri: str) -> dict[str, str]:
    u = data.units.get(iri)
    return {"text": u.label if u else iri.rsplit("/", 1)[-1], "iri": iri}


def funding_degree(data: ExportData, projects: set[str]) -> dict[str, Any]:
    """Funding documents ranked by their degree in the funding-document–unit graph."""
    b = nx.Graph()
    n_projects: Counter = Counter()
    budget: dict[str, float] = defaultdict(float)
    for iri in projects:
        p = data.projects[iri]
        for fd in p.funding_links:
            b.add_node(fd, kind="funding")
            b.add_edge(fd, p.owner_unit or p.iri)
            n_projects[fd] += 1
            if fd in p.funded_by and p.budget is not None:
                budget[fd] += p.budget
    fds = [n for n, k in b.nodes(data="kind") if k == "funding"]
    ranked = sorted(fds, key=lambda f: (-b.degree(f), -n_projects[f], f))[:TOP]
    rows = []
    for f in ranked:
        fd = data.funding.get(f)
        rows.append([{"text": fd.number if fd else f.rsplit("/", 1)[-1], "iri": f}, b.degree(f), n_projects[f],
                     round(budget[f], 2) if f in budget else "—"])
    return {"title": "资金文件的度 (funding documents by units funded)",
            "note": f"{len(fds)} 个文号; 列: 文号, 单位数 (degree), 项目数, 预算合计(万元)", "rows": rows}


def shared_concepts(data: ExportData, projects: set[str]) -> dict[str, Any]:
    """Unit pairs with the most indicator concepts in common."""
    per_unit: dict[str, set[str]] = defaultdict(set)
    for iri in projects:
        p = data.projects[iri]
        if p.owner_unit:
            per_unit[p.owner_unit].update(p.concepts)
    units = sorted(per_unit, key=lambda u: (-len(per_unit[u]), u))[:PAIR_UNITS]
    pairs = []
    for a, b in combinations(units, 2):
        n = len(per_unit[a] & per_unit[b])
        if n:
            pairs.append((n, a, b))
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    rows = [[_unit_ref(data, a), _unit_ref(data, b), n] for n, a, b in pairs[:TOP]]
    note = "列: 单位, 单位, 共同概念数"
    if len(per_unit) > PAIR_UNITS:
        note += f" (在概念最多的 {PAIR_UNITS} 个单位中比较, 共 {len(per_unit)} 个)"
    return {"title": "共享指标概念最多的单位对 (unit pairs sharing the most concepts)", "note": note, "rows": rows}


def concept_spread(data: ExportData, projects: set[str]) -> dict[str, Any]:
    """Concepts used by the most units, and how many are used by one unit only."""
    units: dict[str, set[str]] = defaultdict(set)
    for iri in projects:
        p = data.projects[iri]
        for c in p.concepts:
            units[c].add(p.owner_unit or p.iri)
    ranked = sorted(units, key=lambda c: (-len(units[c]), c))[:TOP]
    single = sum(1 for c in units if len(units[c]) == 1)
    return {"title": "使用最广的指标概念 (concepts used by most units)",
            "note": f"{len(units)} 个概念被使用, 其中 {single} 个只出现在一个单位; 列: 概念, 单位数",
            "rows": [[{"text": data.concept_label(c), "iri": c}, len(units[c])] for c in ranked]}


def components(g: nx.DiGraph) -> dict[str, Any]:
    """Weakly connected components of the drawn graph: how many, the largest, isolated nodes."""
    comps = sorted(nx.weakly_connected_components(g), key=len, reverse=True) if len(g) else []
    rows = []
    for i, c in enumerate(comps[:TOP], 1):
        hub = max(c, key=lambda n: (g.degree(n), str(n)))
        rows.append([i, len(c), {"text": str(g.nodes[hub].get("label", hub)), "iri": hub}])
    isolated = sum(1 for c in comps if len(c) == 1)
    return {"title": "连通分量 (connected components)",
            "note": f"{len(comps)} 个分量, {isolated} 个孤立节点; 列: 序号, 节点数, 度最大的节点",
            "rows": rows}


def figures(g: nx.DiGraph, data: ExportData, projects: set[str]) -> list[dict[str, Any]]:
    """All figures for the page, in display order."""
    return [funding_degree(data, projects), shared_concepts(data, projects), concept_spread(data, projects),
            components(g)]
