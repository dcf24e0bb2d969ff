"""Turn raw SHACL results into findings a reader can act on.

For each focus node the enrichment finds the project it belongs to (the node
itself, ``jx:hasIndicator`` inverse, ``jx:target`` inverse, ``jx:spendingPlan``
inverse), the document (``jx:fileName`` of the graph's disclosure) and the
source lines (``prov:wasDerivedFrom`` → ``jx:SourceSpan``; a target uses its
indicator's span).  When the source file can be found (``--sources``), the
line inside that span which holds the offending text (a placeholder, 750000, a
unit name) is picked and its text shown; otherwise the span's first line.

>>> from pyoxigraph import Store, RdfFormat
>>> from kg.paths import ROOT
>>> from kg.validate.engine import validate_store
>>> store = Store()
>>> store.load(path=str(ROOT / "tests/data/validate_fixture.trig"), format=RdfFormat.TRIG)
>>> found = enrich(store, validate_store(store, jobs=1), sources=[ROOT / "tests/data"])
>>> plan = [f for f in found if f.shape == "jxsh:PlanCapShape"][0]
>>> (plan.document, plan.line, plan.value, plan.text)
('validate_fx_a.txt', 19, '750000', '资金支出计划\\t25%\\t50%\\t750000%\\t100%')
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pyoxigraph import Store

from kg.validate.engine import RawResult

__all__ = ["Finding", "SourceIndex", "enrich", "SEVERITIES"]

SEVERITIES = ("Violation", "Warning", "Info")
JX = "https://w3id.org/jxkg/ontology#"
JXSH = "https://w3id.org/jxkg/shapes#"
PROV = "http://www.w3.org/ns/prov#"
_CHUNK = 400
_BLANKS = re.compile(r"\s+")


@dataclass
class Finding:
    """One result with its context.  :meth:`as_json` gives the fixed JSON record."""

    severity: str
    shape: str  # jxsh:LocalName (or the full IRI of a shape outside jxsh:)
    message: str  # Chinese
    message_en: str
    focus: str
    project: str | None = None
    project_name: str | None = None
    document: str | None = None  # source file name
    line: int | None = None
    end_line: int | None = None  # last line of the span the finding points into
    value: str | None = None
    text: str | None = None  # the source line, when the file was found
    component: str = ""
    path: str | None = None
    shape_name: str | None = None
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """``{severity, shape, message, focus, project, document, line, value}`` plus context fields."""
        d = asdict(self)
        d.pop("extra")
        return d


def _shape_id(iri: str) -> str:
    return "jxsh:" + iri[len(JXSH):] if iri.startswith(JXSH) else iri


def _display_value(r: RawResult, labels: dict[str, str]) -> str | None:
    if r.value is None:
        return None
    if r.value[0] == "literal":
        return r.value[1]
    if r.value[0] == "iri":
        return None if r.value[1] == r.focus else labels.get(r.value[1], r.value[1])
    return None


def _labels(store: Store, iris: list[str]) -> dict[str, str]:
    """Chinese skos:prefLabel (else rdfs:label) of IRIs such as categories, from any graph."""
    out: dict[str, str] = {}
    for i in range(0, len(iris), _CHUNK):
        q = f"""SELECT ?x ?l WHERE {{ VALUES ?x {{ {_values(iris[i : i + _CHUNK])} }}
          {{ ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }} UNION {{ GRAPH ?g {{ ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}
          FILTER (LANG(?l) = "zh" || LANG(?l) = "") }}"""
        for row in _query(store, q):
            out.setdefault(row["x"].value, row["l"].value)
    return out


def _squash(text: str) -> str:
    return _BLANKS.sub("", text)


class SourceIndex:
    """Finds and reads source files by name in the given folders (recursively), caching lines."""

    def __init__(self, dirs: Sequence[str | Path] = ()) -> None:
        self.dirs = [Path(d) for d in dirs]
        self._paths: dict[str, Path] | None = None
        self._lines: dict[str, list[str] | None] = {}

    def _index(self) -> dict[str, Path]:
        if self._paths is None:
            self._paths = {}
            for d in self.dirs:
                if d.is_file():
                    self._paths.setdefault(d.name, d)
                elif d.is_dir():
                    for p in sorted(d.rglob("*")):
                        if p.is_file():
                            self._paths.setdefault(p.name, p)
        return self._paths

    def lines(self, name: str | None, sha256: str | None = None) -> list[str] | None:
        """The file's decoded lines (index 0 = line 1), None when it is not found or has changed."""
        if not name:
            return None
        if name not in self._lines:
            path = self._index().get(name)
            result = None
            if path is not None:
                try:
                    from kg.read import read_file

                    src = read_file(path)
                    if not sha256 or not src.sha256 or src.sha256 == sha256:
                        result = [ln.raw for ln in src.lines]
                except Exception:  # an unreadable file only costs the line text
                    result = None
            self._lines[name] = result
        return self._lines[name]


def _query(store: Store, q: str):  # type: ignore[no-untyped-def]
    return store.query(q)


def _values(nodes: Iterable[str]) -> str:
    return " ".join(f"<{n}>" for n in nodes)


def _graphs_of(store: Store, nodes: list[str]) -> dict[str, list[str]]:
    """Named graphs each node appears in as a subject."""
    out: dict[str, list[str]] = defaultdict(list)
    for i in range(0, len(nodes), _CHUNK):
        part = nodes[i : i + _CHUNK]
        q = f"SELECT DISTINCT ?n ?g WHERE {{ VALUES ?n {{ {_values(part)} }} GRAPH ?g {{ ?n ?p ?o }} }}"
        for row in _query(store, q):
            out[row["n"].value].append(row["g"].value)
    for v in out.values():
        v.sort()
    return out


def _graph_context(store: Store, graph: str, nodes: list[str]) -> dict:
    """Project, span owner and texts for *nodes* inside one document graph."""
    g = f"<{graph}>"
    ctx: dict = {"owner": defaultdict(list), "project": {}, "spans": {}, "names": {}, "raw": {}, "doc": None}
    for i in range(0, len(nodes), _CHUNK):
        part = nodes[i : i + _CHUNK]
        q = f"""PREFIX jx: <{JX}>
        SELECT ?node ?project ?owner WHERE {{ GRAPH {g} {{ VALUES ?node {{ {_values(part)} }}
          {{ ?node a jx:Project . BIND(?node AS ?project) BIND(?node AS ?owner) }}
          UNION {{ ?project jx:hasIndicator ?node . BIND(?node AS ?owner) }}
          UNION {{ ?project jx:hasIndicator ?owner . ?owner jx:target ?node }}
          UNION {{ ?project jx:spendingPlan ?node . BIND(?node AS ?owner) }}
          UNION {{ ?node a jx:StatedTotal . BIND(?node AS ?owner) }}
          UNION {{ ?node a jx:Disclosure . BIND(?node AS ?owner) }}
          UNION {{ ?project jx:budgetUnit ?node . BIND(?project AS ?owner) }}
        }} }}"""
        for row in _query(store, q):
            node = row["node"].value
            project = row["project"].value if row["project"] is not None else None
            owner = row["owner"].value if row["owner"] is not None else None
            ctx["owner"][node].append((owner, project))
    q = f"""PREFIX jx: <{JX}> PREFIX prov: <{PROV}>
    SELECT ?x ?start ?end WHERE {{ GRAPH {g} {{ ?x prov:wasDerivedFrom ?s . ?s jx:startLine ?start ; jx:endLine ?end }} }}"""
    for row in _query(store, q):
        ctx["spans"][row["x"].value] = (int(row["start"].value), int(row["end"].value))
    q = f"""PREFIX jx: <{JX}>
    SELECT ?x ?name WHERE {{ GRAPH {g} {{ ?x jx:projectName ?name }} }}"""
    for row in _query(store, q):
        ctx["names"][row["x"].value] = row["name"].value
    q = f"""PREFIX jx: <{JX}>
    SELECT ?x ?raw WHERE {{ GRAPH {g} {{ ?x jx:rawValue ?raw }} }}"""
    for row in _query(store, q):
        ctx["raw"][row["x"].value] = row["raw"].value
    q = f"""PREFIX jx: <{JX}>
    SELECT ?d ?file ?sha WHERE {{ GRAPH {g} {{ ?d a jx:Disclosure . OPTIONAL {{ ?d jx:fileName ?file }}
      OPTIONAL {{ ?d jx:sha256 ?sha }} }} }} LIMIT 1"""
    for row in _query(store, q):
        ctx["doc"] = (
            row["file"].value if row["file"] is not None else None,
            row["sha"].value if row["sha"] is not None else None,
        )
    return ctx


def _find_line(lines: list[str] | None, start: int, end: int, needle: str | None) -> int | None:
    """First line in start..end whose text (blanks removed) contains *needle* (blanks removed)."""
    if not lines or not needle:
        return None
    n = _squash(needle)
    if not n:
        return None
    rng = range(max(start, 1), min(end, len(lines)) + 1)
    for ln in rng:  # a cell of its own first (a bare 人 is not the 人 in 人数)
        if _squash(lines[ln - 1]) == n:
            return ln
    for ln in rng:
        if n in _squash(lines[ln - 1]):
            return ln
    return None


def enrich(
    store: Store,
    results: Sequence[RawResult],
    *,
    sources: Sequence[str | Path] = (),
    shape_names: dict[str, dict[str, str]] | None = None,
) -> list[Finding]:
    """One :class:`Finding` per result, sorted by document, line, severity."""
    index = SourceIndex(sources)
    focus = sorted({r.focus for r in results if not r.focus.startswith("_:")})
    where = _graphs_of(store, focus)
    by_graph: dict[str, list[str]] = defaultdict(list)
    for node, graphs in where.items():
        for g in graphs:
            by_graph[g].append(node)
    contexts = {g: _graph_context(store, g, nodes) for g, nodes in by_graph.items() if g}

    labels = _labels(store, sorted({r.value[1] for r in results if r.value and r.value[0] == "iri"}))
    out = []
    for r in results:
        f = Finding(
            severity=r.severity,
            shape=_shape_id(r.shape),
            message=r.message("zh"),
            message_en=r.message("en"),
            focus=r.focus,
            value=_display_value(r, labels),
            component=r.component,
            path=r.path,
        )
        if shape_names and r.shape in shape_names:
            f.shape_name = shape_names[r.shape].get("name_zh")
        candidates = []  # (graph, owner, project)
        for g in where.get(r.focus, []):
            ctx = contexts.get(g)
            if ctx is None:
                continue
            spans = ctx["spans"]
            owners = ctx["owner"].get(r.focus, []) or [(None, None)]
            owners = sorted(owners, key=lambda op: (spans.get(op[0] or "") or spans.get(op[1] or "") or (0, 0), op))
            for owner, project in owners:
                candidates.append((g, owner, project))
        # what to look for in the source lines
        needle = f.value if r.value and r.value[0] == "literal" else None
        if f.value is None:
            for g, _owner, _project in candidates:
                raw = contexts[g]["raw"].get(r.focus)
                if raw:
                    f.value = needle = raw
                    break
        chosen = None
        for g, owner, project in candidates:
            ctx = contexts[g]
            span = ctx["spans"].get(owner or "") or ctx["spans"].get(r.focus) or ctx["spans"].get(project or "")
            file, sha = ctx["doc"] or (None, None)
            lines = index.lines(file, sha)
            hit = _find_line(lines, span[0], span[1], needle) if span else None
            pspan = ctx["spans"].get(project or "")
            if hit is None and pspan and pspan != span:  # e.g. a plan whose cells follow its header line
                hit = _find_line(lines, pspan[0], pspan[1], needle)
            if hit is None and lines and needle and r.shape.endswith("UnitNameConflictShape"):
                hit = _find_line(lines, 1, len(lines), needle)
            option = (hit is not None, g, owner, project, span, file, lines, hit)
            if chosen is None or (option[0] and not chosen[0]):
                chosen = option
        if chosen is not None:
            _hit_ok, g, owner, project, span, file, lines, hit = chosen
            ctx = contexts[g]
            f.document = file
            f.project = project
            f.project_name = ctx["names"].get(project or "")
            if span:
                f.line = hit or span[0]
                f.end_line = span[1]
            if lines and f.line and 1 <= f.line <= len(lines):
                f.text = lines[f.line - 1]
        out.append(f)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    out.sort(key=lambda f: (f.document or "\uffff", f.line or 0, rank.get(f.severity, 9), f.shape, f.focus, f.value or ""))
    return out

