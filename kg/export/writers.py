"""Write a projected graph as GraphML, GEXF, Cytoscape.js JSON, Graphviz DOT or CSV.

Attribute types are made uniform per key first (an attribute that is a number on one
node and text on another becomes text everywhere), because GraphML and GEXF declare one
type per attribute.  GEXF files also get ``viz`` colours by node type so Gephi opens them
coloured.

>>> g = nx.DiGraph()
>>> g.add_node("a", label="甲", type="unit", budget=1.5)
>>> g.add_edge("a", "b", relation="hasProject", weight=2.0)
>>> g.nodes["b"].update(label="乙", type="project", budget="未知")
>>> h = harmonise(g)
>>> h.nodes["a"]["budget"], h.nodes["b"]["budget"]
('1.5', '未知')
>>> print(to_dot(h).splitlines()[3])
  "a" [label="甲", type="unit", budget="1.5", fillcolor="#1f77b466"];
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.data import ExportError

FORMATS = ("graphml", "gexf", "cyjs", "dot", "html", "csv")

# one colour per node type (also used by the HTML page)
TYPE_COLOURS: dict[str, str] = {
    "funding": "#d62728",
    "unit": "#1f77b4",
    "project": "#2ca02c",
    "region": "#9467bd",
    "concept": "#ff7f0e",
    "unlinked": "#bcbd22",
    "disclosure": "#8c564b",
    "indicator": "#17becf",
    "target": "#7f7f7f",
    "plan": "#e377c2",
    "total": "#c49c94",
    "category": "#ffbb78",
    "other": "#aaaaaa",
}


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    return "str"


def _uniform(items: list[dict[str, Any]]) -> None:
    kinds: dict[str, set[str]] = {}
    for d in items:
        for k, v in d.items():
            kinds.setdefault(k, set()).add(_kind(v))
    for k, ks in kinds.items():
        if len(ks) == 1:
            continue
        to = float if ks <= {"int", "float"} else str
        for d in items:
            if k in d and not isinstance(d[k], to):
                d[k] = to(d[k])


def harmonise(g: nx.DiGraph) -> nx.DiGraph:
    """A copy of *g* with one value type per attribute key (nodes and edges separately)."""
    h = g.copy()
    _uniform([d for _, d in h.nodes(data=True)])
    _uniform([d for _, _, d in h.edges(data=True)])
    for k, v in list(h.graph.items()):
        if not isinstance(v, (str, int, float)):
            h.graph[k] = str(v)
    return h


def _hex_rgb(colour: str) -> dict[str, int]:
    c = colour.lstrip("#")
    return {"r": int(c[0:2], 16), "g": int(c[2:4], 16), "b": int(c[4:6], 16), "a": 1.0}


def write_graphml(g: nx.DiGraph, path: Path) -> None:
    nx.write_graphml(harmonise(g), path, encoding="utf-8", prettyprint=True)


def write_gexf(g: nx.DiGraph, path: Path) -> None:
    h = harmonise(g)
    for _, d in h.nodes(data=True):
        d["viz"] = {"color": _hex_rgb(TYPE_COLOURS.get(d.get("type", "other"), TYPE_COLOURS["other"]))}
    nx.write_gexf(h, path, encoding="utf-8", prettyprint=True)


def to_cyjs(g: nx.DiGraph) -> dict[str, Any]:
    """Cytoscape.js elements: ``{"elements": {"nodes": [{"data": …}], "edges": [{"data": …}]}}``.

    Node ``data.id`` is the node id (the IRI); edges get ids ``e0, e1 …`` and ``source``/``target``.
    Node ``data.name`` repeats the label, which Cytoscape desktop shows by default.
    """
    h = harmonise(g)
    nodes = [{"data": {**d, "id": str(n), "name": d.get("label", str(n))}} for n, d in h.nodes(data=True)]
    edges = [
        {"data": {**d, "id": f"e{i}", "source": str(a), "target": str(b)}}
        for i, (a, b, d) in enumerate(h.edges(data=True))
    ]
    graph = {k: v for k, v in h.graph.items()}
    return {"data": graph, "directed": True, "elements": {"nodes": nodes, "edges": edges}}


def write_cyjs(g: nx.DiGraph, path: Path) -> None:
    path.write_text(json.dumps(to_cyjs(g), ensure_ascii=False, indent=1), encoding="utf-8")


def _dot_quote(v: Any) -> str:
    s = str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def to_dot(g: nx.DiGraph) -> str:
    """Graphviz DOT text (written here, so no pydot/pygraphviz is needed)."""
    h = harmonise(g)
    lines = ["digraph jxkg {", "  graph [overlap=false, fontname=\"sans-serif\"];",
             "  node [style=filled, fontname=\"sans-serif\"];"]
    for n, d in h.nodes(data=True):
        attrs = ", ".join(f"{k}={_dot_quote(v)}" for k, v in d.items() if k not in ("iri", "type_zh"))
        colour = TYPE_COLOURS.get(d.get("type", "other"))
        if colour and "type" in d:
            attrs += f", fillcolor={_dot_quote(colour + '66')}"
        lines.append(f"  {_dot_quote(n)} [{attrs}];" if attrs else f"  {_dot_quote(n)};")
    for a, b, d in h.edges(data=True):
        # Graphviz's own ``weight`` must be an integer for dot: keep the budget as ``amount``
        attrs = ", ".join(f"{'amount' if k == 'weight' else k}={_dot_quote(v)}" for k, v in d.items())
        if "relation" in d:
            attrs += f", label={_dot_quote(d['relation'])}"
        lines.append(f"  {_dot_quote(a)} -> {_dot_quote(b)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_dot(g: nx.DiGraph, path: Path) -> None:
    path.write_text(to_dot(g), encoding="utf-8")


def csv_paths(path: Path) -> tuple[Path, Path]:
    """``out.csv`` → (``out.nodes.csv``, ``out.edges.csv``); any other name gets the suffixes added.

    >>> [p.name for p in csv_paths(Path("g.csv"))]
    ['g.nodes.csv', 'g.edges.csv']
    """
    stem = path.with_suffix("") if path.suffix.lower() == ".csv" else path
    return stem.with_name(stem.name + ".nodes.csv"), stem.with_name(stem.name + ".edges.csv")


def write_csv(g: nx.DiGraph, path: Path) -> list[Path]:
    """A nodes file (``id`` + attributes) and an edges file (``source``, ``target`` + attributes),
    UTF-8 with BOM so spreadsheet programs read the Chinese text; Gephi imports both."""
    nodes_path, edges_path = csv_paths(path)
    ncols: list[str] = []
    for _, d in g.nodes(data=True):
        ncols.extend(k for k in d if k not in ncols)
    ecols: list[str] = []
    for _, _, d in g.edges(data=True):
        ecols.extend(k for k in d if k not in ecols)
    with nodes_path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", *ncols])
        for n, d in g.nodes(data=True):
            w.writerow([n, *(d.get(k, "") for k in ncols)])
    with edges_path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "target", *ecols])
        for a, b, d in g.edges(data=True):
            w.writerow([a, b, *(d.get(k, "") for k in ecols)])
    return [nodes_path, edges_path]


def write(g: nx.DiGraph, fmt: str, path: Path) -> list[Path]:
    """Write *g* to *path* in *fmt* (not ``html``: see :mod:`kg.export.html`); return files written."""
    writers = {"graphml": write_graphml, "gexf": write_gexf, "cyjs": write_cyjs, "dot": write_dot}
    if fmt == "csv":
        return write_csv(g, path)
    if fmt not in writers:
        raise ExportError(f"--format {fmt}: unknown format (use {', '.join(FORMATS)})")
    writers[fmt](g, path)
    return [path]
