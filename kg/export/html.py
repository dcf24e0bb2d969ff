"""The offline graph page: one HTML file with vis-network, its CSS, the glue script and the
graph data inlined; it loads nothing at view time.

vis-network (Apache-2.0 / MIT, licence header kept) is taken from the installed ``pyvis``
package.  Graphs up to :data:`PHYSICS_MAX` nodes are laid out by vis-network's physics
(then frozen); larger ones get positions from :mod:`kg.export.layout` and no physics.

>>> import networkx as nx
>>> g = nx.DiGraph(view="funding", filters="")
>>> g.add_node("a", label="冀财社〔2022〕150号", type="funding")
>>> g.add_edge("a", "b", relation="fundedBy", weight=3.0)
>>> g.nodes["b"].update(label="香河县</script>", type="unit")
>>> html = page(g, [])
>>> "香河县<\\\\/script>" in html and "http://" not in html.split("vis-network")[0]
True
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.data import ExportError
from kg.export.layout import positions
from kg.export.views import NODE_TYPES
from kg.export.writers import TYPE_COLOURS

PHYSICS_MAX = 1000
MAX_SOURCE_LINES = 40  # per span, when --sources gives the documents
_VIS_DIR = "templates/lib/vis-9.1.2"
_SKIP_ATTRS = {"label", "type", "type_zh"}


def _asset(name: str) -> str:
    return (resources.files("kg.export") / "assets" / name).read_text(encoding="utf-8")


def vis_library() -> tuple[str, str]:
    """(JavaScript, CSS) of vis-network from the pyvis package, source-map comment removed."""
    try:
        base = resources.files("pyvis") / _VIS_DIR
        js = (base / "vis-network.min.js").read_text(encoding="utf-8")
        css = (base / "vis-network.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ExportError(f"vis-network not found in the pyvis package ({exc}); install pyvis 0.3.x") from None
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.M)
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
    return js, css


def _safe_json(obj: Any) -> str:
    """JSON that can sit inside a <script> element."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/").replace("<!--", "<\\!--")


_SPAN = re.compile(r"^(?P<file>.+):(?P<start>\d+)-(?P<end>\d+)$")


class SourceReader:
    """Reads line ranges of the original documents (``--sources DIR``) with their encodings."""

    def __init__(self, root: Path, encodings: dict[str, str]):
        self.root = root
        self.encodings = encodings
        self.cache: dict[str, list[str] | None] = {}

    def lines(self, file: str, start: int, end: int) -> list[str] | None:
        if file not in self.cache:
            path = self.root / file
            try:
                raw = path.read_bytes()
                self.cache[file] = raw.decode(self.encodings.get(file) or "utf-8", errors="replace").splitlines()
            except (OSError, LookupError):
                self.cache[file] = None
        text = self.cache[file]
        if text is None:
            return None
        end = min(end, start + MAX_SOURCE_LINES - 1)
        return [f"{k:>5}  {text[k - 1]}" for k in range(start, end + 1) if 0 < k <= len(text)]


def page_data(g: nx.DiGraph, figures: list[dict[str, Any]], findings: dict[str, list[dict]] | None = None,
              sources: SourceReader | None = None, layout: str = "auto") -> dict[str, Any]:
    """The JSON the page script reads (compact: nodes and edges as arrays)."""
    index = {n: i for i, n in enumerate(g.nodes)}
    type_keys = list(NODE_TYPES)
    for _, t in g.nodes(data="type"):
        if t not in type_keys:
            type_keys.append(t)
    tpos = {t: i for i, t in enumerate(type_keys)}
    relations: list[str] = []
    rpos: dict[str, int] = {}
    physics = layout == "physics" or (layout == "auto" and len(g) <= PHYSICS_MAX)
    pos = {} if physics else positions(g)
    nodes, attrs = [], []
    src_out: dict[int, list[dict[str, Any]]] = {}
    for n, d in g.nodes(data=True):
        i = index[n]
        x, y = pos.get(n, (None, None))
        nodes.append([str(d.get("label", n)), tpos[d.get("type", "other")], 1 + g.degree(n), x, y])
        attrs.append({k: v for k, v in d.items() if k not in _SKIP_ATTRS})
        if sources is not None and isinstance(d.get("source"), str):
            spans = []
            for part in d["source"].split(" | "):
                m = _SPAN.match(part.strip())
                if m:
                    got = sources.lines(m["file"], int(m["start"]), int(m["end"]))
                    if got:
                        spans.append({"file": m["file"], "start": int(m["start"]), "end": int(m["end"]),
                                      "lines": got})
            if spans:
                src_out[i] = spans
    edges = []
    for a, b, d in g.edges(data=True):
        rel = str(d.get("relation", ""))
        if rel not in rpos:
            rpos[rel] = len(relations)
            relations.append(rel)
        w = d.get("weight")
        edges.append([index[a], index[b], rpos[rel], w if isinstance(w, (int, float)) else None])
    figs = []
    for f in figures:
        rows = [[({"text": c["text"], "node": index.get(c.get("iri"))} if isinstance(c, dict) else c) for c in r]
                for r in f.get("rows", [])]
        figs.append({"title": f["title"], "note": f.get("note", ""), "rows": rows})
    out: dict[str, Any] = {
        "types": [[t, NODE_TYPES.get(t, t), TYPE_COLOURS.get(t, TYPE_COLOURS["other"])] for t in type_keys],
        "relations": relations, "nodes": nodes, "edges": edges, "attrs": attrs, "figures": figs,
        "physics": physics, "iterations": 250 if len(g) <= 300 else 120,
    }
    if findings:
        out["findings"] = {index[n]: [[str(r.get("severity", "")).rsplit("#", 1)[-1], r.get("message", ""),
                                       r.get("line"), r.get("value")] for r in rs[:50]]
                           for n, rs in findings.items() if n in index}
    if src_out:
        out["sources"] = src_out
    return out


def page(g: nx.DiGraph, figures: list[dict[str, Any]], findings: dict[str, list[dict]] | None = None,
         sources: SourceReader | None = None, layout: str = "auto", title: str | None = None) -> str:
    """The complete HTML page as text."""
    js, css = vis_library()
    view = g.graph.get("view", "")
    title = title or f"绩效知识图谱 · {view}"
    sub = f"视图 {view}; {len(g)} 个节点, {g.number_of_edges()} 条边"
    if g.graph.get("filters"):
        sub += f"; 筛选 {g.graph['filters']}"
    data = _safe_json(page_data(g, figures, findings, sources, layout))
    html = _asset("page.html")
    # replace the small markers first and the large inlined blobs last, so that nothing inside
    # the library or the data can be mistaken for a marker
    for marker, value in (("@@TITLE@@", _escape(title)), ("@@SUBTITLE@@", _escape(sub)),
                          ("@@NODE_COUNT@@", str(len(g))), ("@@EDGE_COUNT@@", str(g.number_of_edges()))):
        html = html.replace(marker, value)
    head, rest = html.split("@@VIS_CSS@@")
    rest_a, rest_b = rest.split("@@PAGE_CSS@@")
    rest_b1, rest_b2 = rest_b.split("@@DATA@@")
    rest_c1, rest_c2 = rest_b2.split("@@VIS_JS@@")
    rest_d1, rest_d2 = rest_c2.split("@@PAGE_JS@@")
    return "".join([head, css, rest_a, _asset("page.css"), rest_b1, data, rest_c1, js, rest_d1,
                    _asset("page.js"), rest_d2])


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def write_html(g: nx.DiGraph, path: Path, figures: list[dict[str, Any]], **kw: Any) -> None:
    path.write_text(page(g, figures, **kw), encoding="utf-8")
