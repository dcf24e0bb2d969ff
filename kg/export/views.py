"""Project the RDF graph onto networkx graphs, one function per view.

Every node carries ``label`` (the Chinese name), ``type`` (an English key from
:data:`NODE_TYPES`), ``type_zh`` and, where it has one, ``iri``, ``source``
(``file:first-last`` line span) and numeric attributes Gephi and Cytoscape can size and
colour by (``budget`` in 万元, ``year``, ``project_count`` …).  Edges carry ``relation`` and,
where it means something, ``weight``.  Attributes whose value is unknown are left out
rather than written as 0.

>>> from pathlib import Path
>>> from kg.export.data import load, open_store
>>> store = open_store(Path(__file__).parents[2] / "tests" / "data" / "export_fixture.trig")
>>> data = load(store)
>>> g = build_view("funding", data)
>>> fd = JXI + "wenhao/冀财社〔2022〕150号"
>>> sorted(g.nodes[n]["label"] for n in g.successors(fd))
['香河县人力资源和社会保障局', '香河县就业服务中心']
>>> g.edges[fd, JXI + "unit/河北省/廊坊市/香河县/name/香河县就业服务中心"]["weight"]
120.5
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.export.data import JX, JXC, JXCAT, JXI, ExportData, ExportError, Project, run
from kg.export.filters import Where, select_disclosures, select_projects

VIEWS = ("funding", "units", "concepts", "full")
SOURCES_SHOWN = 5  # source spans listed on a unit or funding node

NODE_TYPES: dict[str, str] = {
    "funding": "资金文件(文号)",
    "unit": "预算单位",
    "project": "项目",
    "region": "地区",
    "concept": "指标概念",
    "unlinked": "未链接指标",
    "disclosure": "公开文件",
    "indicator": "指标",
    "target": "指标值",
    "plan": "支出计划",
    "total": "公开总数",
    "category": "指标类别",
    "other": "其他",
}

_CLASS_TYPES = {
    JX + "Disclosure": "disclosure", JX + "Project": "project", JX + "Indicator": "indicator",
    JX + "Target": "target", JX + "SpendingPlan": "plan", JX + "StatedTotal": "total",
    JX + "Region": "region", JX + "BudgetUnit": "unit", JX + "FundingDocument": "funding",
    JX + "IndicatorCategory": "category",
}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


def add_node(g: nx.DiGraph, node: str, ntype: str, label: str, **attrs: Any) -> None:
    """Add or update *node*; ``None`` values are dropped, ``iri`` defaults to the node id."""
    data = {"label": label, "type": ntype, "type_zh": NODE_TYPES.get(ntype, ntype)}
    if "://" in node:
        data["iri"] = node
    data.update({k: v for k, v in attrs.items() if v is not None})
    if node in g:
        g.nodes[node].update(data)
    else:
        g.add_node(node, **data)


def add_edge(g: nx.DiGraph, a: str, b: str, relation: str, **attrs: Any) -> None:
    g.add_edge(a, b, relation=relation, **{k: v for k, v in attrs.items() if v is not None})


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _project_node(g: nx.DiGraph, data: ExportData, p: Project) -> None:
    unit = data.units.get(p.owner_unit or "")
    add_node(
        g, p.iri, "project", p.label,
        code=p.code, kind=p.kind, budget=_round(p.budget), year=p.year,
        unit=unit.label if unit else None,
        region="".join(data.region_path(data.project_region(p))) or None,
        file=p.file, table=p.table, indicators=p.indicators,
        funding="；".join(data.funding[f].number if f in data.funding else f for f in p.funding_links) or None,
        source=p.source,
    )


def _unit_node(g: nx.DiGraph, data: ExportData, iri: str, **extra: Any) -> None:
    u = data.units.get(iri)
    if u is None:
        add_node(g, iri, "unit", iri.rsplit("/", 1)[-1], **extra)
        return
    add_node(g, iri, "unit", u.label, code=u.code,
             region="".join(data.region_path(u.region)) or None,
             names=" | ".join(u.names) or None, name_count=len(u.names), **extra)


def _funding_node(g: nx.DiGraph, data: ExportData, iri: str, **extra: Any) -> None:
    f = data.funding.get(iri)
    if f is None:
        add_node(g, iri, "funding", iri.rsplit("/", 1)[-1], **extra)
        return
    add_node(g, iri, "funding", f.number, year=f.year, level=f.level, issuer=f.abbr,
             raw=" | ".join(f.raws) or None, **extra)


def funding_view(data: ExportData, projects: set[str]) -> nx.DiGraph:
    """Funding documents → units → projects; weights are budgets in 万元.

    A funding document → unit edge sums the budgets of the unit's projects funded by the
    document (``jx:fundedBy``); documents that projects only cite give ``relation=cites``.
    Projects that name no funding document are left out of this view.
    """
    g = nx.DiGraph()
    fd_unit: dict[tuple[str, str], dict[str, Any]] = {}
    per_node: dict[str, dict[str, Any]] = defaultdict(lambda: {"projects": set(), "budget": None})
    for iri in sorted(projects):
        p = data.projects[iri]
        links = p.funding_links
        if not links:
            continue
        _project_node(g, data, p)
        owner = p.owner_unit
        if owner:
            _unit_node(g, data, owner)
            add_edge(g, owner, p.iri, "hasProject", weight=_round(p.budget))
            _bump(per_node[owner], p)
        for fd in links:
            _funding_node(g, data, fd)
            _bump(per_node[fd], p, p.budget if fd in p.funded_by else None)
            target = owner or p.iri
            agg = fd_unit.setdefault((fd, target), {"funded": False, "projects": 0, "budget": None})
            agg["projects"] += 1
            if fd in p.funded_by:
                agg["funded"] = True
                if p.budget is not None:
                    agg["budget"] = (agg["budget"] or 0.0) + p.budget
    for (fd, target), agg in fd_unit.items():
        add_edge(g, fd, target, "fundedBy" if agg["funded"] else "cites",
                 weight=_round(agg["budget"]), project_count=agg["projects"])
    for node, agg in per_node.items():
        g.nodes[node]["project_count"] = len(agg["projects"])
        if agg["budget"] is not None:
            g.nodes[node]["budget"] = _round(agg["budget"])
        if g.nodes[node]["type"] == "funding":
            g.nodes[node]["unit_count"] = g.out_degree(node)
        spans = sorted({s for s in (data.projects[p].source for p in agg["projects"]) if s})
        if spans:  # where the unit / 文号 is seen: the spans of its projects (first few)
            g.nodes[node]["source"] = " | ".join(spans[:SOURCES_SHOWN]) + (" | …" if len(spans) > SOURCES_SHOWN else "")
    return g


def _bump(agg: dict[str, Any], p: Project, budget: float | None | str = "project") -> None:
    if p.iri in agg["projects"]:
        return
    agg["projects"].add(p.iri)
    amount = p.budget if budget == "project" else budget
    if amount is not None:
        agg["budget"] = (agg["budget"] or 0.0) + float(amount)


def units_view(data: ExportData, projects: set[str], disclosures: set[str], filtered: bool) -> nx.DiGraph:
    """Region → unit → sub-unit hierarchy with project counts and budget totals."""
    g = nx.DiGraph()
    owned: dict[str, list[Project]] = defaultdict(list)
    for iri in projects:
        p = data.projects[iri]
        if p.owner_unit:
            owned[p.owner_unit].append(p)
    if filtered:
        units = set(owned) | {data.disclosures[d].issuer for d in disclosures if data.disclosures[d].issuer}
        frontier = list(units)
        while frontier:  # parent units give context
            parent = data.units.get(frontier.pop(), None)
            if parent and parent.parent and parent.parent not in units:
                units.add(parent.parent)
                frontier.append(parent.parent)
        regions = {data.units[u].region for u in units if u in data.units and data.units[u].region}
        regions |= {data.disclosures[d].region for d in disclosures if data.disclosures[d].region}
    else:
        units = set(data.units) | set(owned)
        regions = set(data.regions) | {u.region for u in data.units.values() if u.region}
    for r in list(regions):  # ancestors
        seen = set()
        while r and r not in seen:
            seen.add(r)
            regions.add(r)
            r = data.regions[r].parent if r in data.regions else None
    for r in sorted(regions):
        reg = data.regions.get(r)
        add_node(g, r, "region", (reg.label if reg and reg.label else r.rsplit("/", 1)[-1]),
                 level=reg.level if reg else None, path="".join(data.region_path(r)) or None)
    for r in sorted(regions):
        reg = data.regions.get(r)
        if reg and reg.parent in regions:
            add_edge(g, reg.parent, r, "hasSubRegion")
    for u in sorted(units):
        ps = owned.get(u, [])
        budgets = [p.budget for p in ps if p.budget is not None]
        _unit_node(g, data, u, project_count=len(ps), budget=_round(sum(budgets)) if budgets else None,
                   indicators=sum(p.indicators for p in ps))
    for u in sorted(units):
        unit = data.units.get(u)
        if unit and unit.parent in units:
            add_edge(g, unit.parent, u, "hasSubUnit", weight=float(len(owned.get(u, []))))
        elif unit and unit.region in regions:
            add_edge(g, unit.region, u, "hasUnit", weight=float(len(owned.get(u, []))))
    # counts over each region's subtree
    for r in regions:
        g.nodes[r]["unit_count"] = sum(1 for n in g.successors(r) if g.nodes[n]["type"] == "unit")
    for r in regions:
        below = nx.descendants(g, r)
        g.nodes[r]["project_count"] = sum(g.nodes[n].get("project_count", 0) for n in below
                                          if g.nodes[n]["type"] == "unit")
    return g


def concepts_view(data: ExportData, projects: set[str]) -> nx.DiGraph:
    """Projects ↔ indicator concepts; names linked to no concept become ``unlinked`` nodes
    (one per distinct name), so shared indicators are hubs and idiosyncratic ones leaves."""
    g = nx.DiGraph()
    c_projects: dict[str, set[str]] = defaultdict(set)
    c_units: dict[str, set[str]] = defaultdict(set)
    c_rows: Counter = Counter()
    for iri in sorted(projects):
        p = data.projects[iri]
        if not p.concepts and not p.unlinked:
            continue
        _project_node(g, data, p)
        for c, (rows, match) in sorted(p.concepts.items()):
            add_edge(g, p.iri, c, "exactMatch" if match == "exact" else "closeMatch", weight=float(rows))
            c_projects[c].add(p.iri)
            c_units[c].add(p.owner_unit or p.iri)
            c_rows[c] += rows
        for name, rows in sorted(p.unlinked.items()):
            node = "unlinked:" + name
            add_edge(g, p.iri, node, "unlinked", weight=float(rows))
            c_projects[node].add(p.iri)
            c_units[node].add(p.owner_unit or p.iri)
            c_rows[node] += rows
    for node in c_projects:
        common = {"project_count": len(c_projects[node]), "unit_count": len(c_units[node]),
                  "indicator_count": c_rows[node]}
        if node.startswith("unlinked:"):
            add_node(g, node, "unlinked", node[len("unlinked:"):], **common)
        else:
            add_node(g, node, "concept", data.concept_label(node), category=data.concept_category(node), **common)
    return g


def _class_type(iri: str, classes: set[str]) -> str | None:
    for c in classes:
        if c in _CLASS_TYPES:
            return _CLASS_TYPES[c]
    if SKOS + "Concept" in classes:
        if iri.startswith(JXC):
            return "concept"
        if iri.startswith(JXCAT):
            return "category"
        return "concept"
    return None


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[-1]
    return iri


def _owner(node: str, data: ExportData) -> str:
    """The project or disclosure whose IRI *node* sits under ('' for shared nodes).

    >>> _owner(JXI + "project/a.txt/3/ind/2/target", ExportData())
    'https://w3id.org/jxkg/id/project/a.txt/3'
    """
    if not node.startswith(JXI):
        return ""
    parts = node[len(JXI):].split("/")
    if parts[0] == "project" and len(parts) >= 3:
        return JXI + "/".join(parts[:3])
    if parts[0] == "doc" and len(parts) >= 2:
        return JXI + "/".join(parts[:2])
    return ""


def full_view(store: ox.Store, data: ExportData, projects: set[str], disclosures: set[str],
              filtered: bool) -> nx.DiGraph:
    """Every typed resource as a node, literals as attributes, links as edges.

    Source spans are folded into their subjects as a ``source`` attribute rather than drawn.
    With filters, the graph keeps the selected projects (with their indicators, targets,
    plans), the kept disclosures (with their totals) and the shared nodes reached from them.
    """
    triples = list(run(store, "all_triples"))
    classes: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t["p"] == RDF_TYPE and isinstance(t["o"], str):
            classes[t["s"]].add(t["o"])
    spans: dict[str, dict[str, Any]] = defaultdict(dict)
    for t in triples:
        if JX + "SourceSpan" in classes.get(t["s"], ()):
            spans[t["s"]][_local(t["p"])] = t["o"]
    files = {iri: d.file for iri, d in data.disclosures.items()}
    types = {s: _class_type(s, c) for s, c in classes.items()}
    types = {s: t for s, t in types.items() if t is not None}
    attrs: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    edges: list[tuple[str, str, str]] = []
    iri_props: set[str] = set()
    for t in triples:
        s, p, o = t["s"], t["p"], t["o"]
        if s not in types or p == RDF_TYPE:
            continue
        if isinstance(o, str) and o in spans and p == PROV_DERIVED:
            sp = spans[o]
            where = files.get(sp.get("inDisclosure"), sp.get("inDisclosure", "?"))
            attrs[s]["source"].append(f"{where}:{sp.get('startLine', '?')}-{sp.get('endLine', '?')}")
        elif isinstance(o, str) and o in types:
            edges.append((s, o, _local(p)))
            iri_props.add(p)
        elif isinstance(o, str) and "://" in o and p.startswith(SKOS) and o not in types:
            attrs[s][_local(p)].append(o)  # e.g. a link to a concept scheme
        else:
            attrs[s][_local(p)].append(o)
    keep = set(types)
    if filtered:
        roots = projects | disclosures
        owned_by = {node: _owner(node, data) for node in types}
        keep = {n for n, r in owned_by.items() if r and r in roots}
        out: dict[str, list[str]] = defaultdict(list)
        for s, o, _ in edges:
            out[s].append(o)
        frontier = list(keep)
        while frontier:
            n = frontier.pop()
            for m in out.get(n, ()):
                if m not in keep and not owned_by.get(m):
                    keep.add(m)
                    frontier.append(m)
    g = nx.DiGraph()
    for node in sorted(keep):
        a = {k: (v[0] if len(v) == 1 else " | ".join(sorted(str(x) for x in v))) for k, v in attrs[node].items()}
        label = a.pop("label", None) or a.get("prefLabel") or a.get("documentNumber") or a.get("fileName") \
            or a.get("rawValue") or a.get("totalKind") or a.get("rawText") or _local(node)
        add_node(g, node, types[node], str(label), **{k: v for k, v in a.items() if k not in ("type", "iri")})
    for s, o, rel in edges:
        if s in keep and o in keep:
            add_edge(g, s, o, rel)
    return g


def build_view(name: str, data: ExportData, where: Where | None = None,
               store: ox.Store | None = None) -> nx.DiGraph:
    """The networkx projection for view *name*, restricted by *where*."""
    where = where or Where()
    projects = select_projects(data, where)
    builders: dict[str, Callable[[], nx.DiGraph]] = {
        "funding": lambda: funding_view(data, projects),
        "units": lambda: units_view(data, projects, select_disclosures(data, where, projects), bool(where)),
        "concepts": lambda: concepts_view(data, projects),
        "full": lambda: full_view(_need(store), data, projects, select_disclosures(data, where, projects),
                                  bool(where)),
    }
    if name not in builders:
        raise ExportError(f"--view {name}: unknown view (use {', '.join(VIEWS)})")
    g = builders[name]()
    g.graph.update({"view": name, "filters": where.describe(), "selected_projects": len(projects)})
    return g


def _need(store: ox.Store | None) -> ox.Store:
    if store is None:
        raise ExportError("the full view needs the store")
    return store
