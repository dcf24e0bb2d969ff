"""Turn raw SHACL results into findings a reader can act on.

For each focus node the enrichment finds the project it belongs to (the node
itself, ``jx:hasIndicator`` inverse, ``jx:target`` inverse, ``jx:spendingPlan``
inverse), the document (``jx:fileName`` of the graph's disclosure) and the
source lines (``prov:wasDerivedFrom`` → ``jx:SourceSpan``; a target uses its
indicator's span).  When the source file can be found (``--sources``), the
line inside that span which holds the offending text (a placeholder, 750000, a
unit name) is picked and its text shown; otherwise the span's first line.
All this is read with queries over every document graph at once (``GRAPH ?g``),
VALUES-chunked by focus node, so the cost follows the number of findings, not
the number of documents.

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
_CHUNK = 400  # nodes per VALUES block; at 4,000 oxigraph switched some lookups to a whole-store scan
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


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    """*items* in slices of at most ``_CHUNK`` (one VALUES block each).

    >>> [len(c) for c in _chunks([str(i) for i in range(2 * _CHUNK + 1)])]
    [400, 400, 1]
    """
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _graphs_of(store: Store, nodes: list[str]) -> dict[str, list[str]]:
    """Named graphs each node appears in as a subject."""
    out: dict[str, list[str]] = defaultdict(list)
    for part in _chunks(nodes):
        q = f"SELECT DISTINCT ?n ?g WHERE {{ VALUES ?n {{ {_values(part)} }} GRAPH ?g {{ ?n ?p ?o }} }}"
        for row in _query(store, q):
            out[row["n"].value].append(row["g"].value)
    for v in out.values():
        v.sort()
    return out


Pair = tuple[str, str]  # (graph, node)


@dataclass
class _Context:
    """What the findings need from the store, each keyed by (document graph, node).

    Only the graphs a focus node appears in (``where``) and only the nodes a
    finding can point to (its focus node, owner and project) are fetched, so
    the size follows the number of findings, not the size of the store.
    """

    where: dict[str, list[str]]  # focus node → sorted graphs it is a subject in
    owner: dict[Pair, list[tuple[str | None, str | None]]] = field(default_factory=lambda: defaultdict(list))
    spans: dict[Pair, tuple[int, int]] = field(default_factory=dict)
    names: dict[Pair, str] = field(default_factory=dict)
    raw: dict[Pair, str] = field(default_factory=dict)
    docs: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def span(self, graph: str, node: str | None) -> tuple[int, int] | None:
        """(start, end) lines of *node*'s source span in *graph*, if it has one."""
        return self.spans.get((graph, node)) if node else None


# How a focus node leads to its project and to the node whose span it stands for (a
# target uses its indicator's).  Three queries, each starting from the VALUES nodes:
# with the seven cases as one UNION under a single outer VALUES, oxigraph evaluated
# the branches over the whole store (minutes per chunk at 1,000 documents), and a
# VALUES inside each branch costs seven lookups per node.  _owners maps the rows to
# (owner, project).
_TYPED = f"""PREFIX jx: <{JX}>
SELECT ?g ?node ?t WHERE {{ VALUES ?node {{ %s }}
  GRAPH ?g {{ ?node a ?t FILTER (?t IN (jx:Project, jx:StatedTotal, jx:Disclosure)) }} }}"""
_LINKED = f"""PREFIX jx: <{JX}>
SELECT ?g ?node ?p ?x WHERE {{ VALUES ?node {{ %s }}
  GRAPH ?g {{ ?x ?p ?node FILTER (?p IN (jx:hasIndicator, jx:spendingPlan, jx:budgetUnit)) }} }}"""
_TARGETS = f"""PREFIX jx: <{JX}>
SELECT ?g ?node ?owner ?project WHERE {{ VALUES ?node {{ %s }}
  GRAPH ?g {{ ?owner jx:target ?node . ?project jx:hasIndicator ?owner }} }}"""


def _owners(store: Store, nodes: Sequence[str]) -> Iterable[tuple[str, str, str, str | None]]:
    """``(graph, node, owner, project)`` for *nodes*: a project is its own owner and project;
    an indicator or spending plan owns itself under its project; a target is owned by its
    indicator; a stated total or the disclosure owns itself (no project); a budget unit is
    represented by each project that names it.

    >>> from pyoxigraph import Store, Quad, NamedNode as N
    >>> st = Store()
    >>> g, p, i, t = (N(f"urn:{x}") for x in "gpit")
    >>> for s, v, o in ((p, "hasIndicator", i), (i, "target", t)):
    ...     st.add(Quad(s, N(JX + v), o, g))
    >>> sorted(_owners(st, ["urn:i", "urn:t"]))
    [('urn:g', 'urn:i', 'urn:i', 'urn:p'), ('urn:g', 'urn:t', 'urn:i', 'urn:p')]
    """
    values = _values(nodes)
    for row in _query(store, _TYPED % values):
        node = row["node"].value
        yield row["g"].value, node, node, node if row["t"].value == JX + "Project" else None
    for row in _query(store, _LINKED % values):
        node, x = row["node"].value, row["x"].value
        yield row["g"].value, node, x if row["p"].value == JX + "budgetUnit" else node, x
    for row in _query(store, _TARGETS % values):
        yield row["g"].value, row["node"].value, row["owner"].value, row["project"].value


_SPANS = f"""PREFIX jx: <{JX}> PREFIX prov: <{PROV}>
SELECT ?g ?x ?start ?end WHERE {{ VALUES ?x {{ %s }}
  GRAPH ?g {{ ?x prov:wasDerivedFrom ?s . ?s jx:startLine ?start ; jx:endLine ?end }} }}"""
_NAMES = f"PREFIX jx: <{JX}> SELECT ?g ?x ?v WHERE {{ VALUES ?x {{ %s }} GRAPH ?g {{ ?x jx:projectName ?v }} }}"
_RAW = f"PREFIX jx: <{JX}> SELECT ?g ?x ?v WHERE {{ VALUES ?x {{ %s }} GRAPH ?g {{ ?x jx:rawValue ?v }} }}"
# One row per document: bound to a VALUES list of graphs, oxigraph went through every
# disclosure of the store for each chunk (13 s at 10,000 documents against 0.6 s for this).
_DOCS = f"""PREFIX jx: <{JX}>
SELECT ?g ?file ?sha WHERE {{ GRAPH ?g {{ ?d a jx:Disclosure .
  OPTIONAL {{ ?d jx:fileName ?file }} OPTIONAL {{ ?d jx:sha256 ?sha }} }} }}"""


def _context(store: Store, focus: list[str], raw: list[str]) -> _Context:
    """Owners, projects, spans, names and files for the *focus* nodes (and ``jx:rawValue``
    for those in *raw*), in VALUES-chunked queries over all document graphs at once."""
    ctx = _Context(_graphs_of(store, focus))
    inside = {n: set(gs) for n, gs in ctx.where.items()}
    graphs = set().union(*inside.values()) if inside else set()
    linked: set[str] = set(focus)  # nodes whose span may be looked up
    projects: set[str] = set()
    for part in _chunks(focus):
        for g, node, owner, project in _owners(store, part):
            if g not in inside.get(node, ()):  # only a graph the node is described in
                continue
            ctx.owner[(g, node)].append((owner, project))
            linked.add(owner)
            if project:
                linked.add(project)
                projects.add(project)
    for part in _chunks(sorted(linked)):
        for row in _query(store, _SPANS % _values(part)):
            if (g := row["g"].value) in graphs:
                ctx.spans[(g, row["x"].value)] = (int(row["start"].value), int(row["end"].value))
    for table, query, nodes in ((ctx.names, _NAMES, projects), (ctx.raw, _RAW, raw)):
        for part in _chunks(sorted(nodes)):
            for row in _query(store, query % _values(part)):
                if (g := row["g"].value) in graphs:
                    table[(g, row["x"].value)] = row["v"].value
    for row in _query(store, _DOCS):
        if (g := row["g"].value) in graphs and g not in ctx.docs:
            file, sha = row["file"], row["sha"]
            ctx.docs[g] = (file.value if file is not None else None, sha.value if sha is not None else None)
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
    labels = _labels(store, sorted({r.value[1] for r in results if r.value and r.value[0] == "iri"}))
    values = [_display_value(r, labels) for r in results]
    focus = sorted({r.focus for r in results if not r.focus.startswith("_:")})
    no_value = {r.focus for r, v in zip(results, values) if v is None}  # the raw value stands in
    ctx = _context(store, focus, [n for n in focus if n in no_value])
    out = []
    for r, value in zip(results, values):
        f = Finding(
            severity=r.severity,
            shape=_shape_id(r.shape),
            message=r.message("zh"),
            message_en=r.message("en"),
            focus=r.focus,
            value=value,
            component=r.component,
            path=r.path,
        )
        if shape_names and r.shape in shape_names:
            f.shape_name = shape_names[r.shape].get("name_zh")
        candidates = []  # (graph, owner, project)
        for g in ctx.where.get(r.focus, []):
            owners = ctx.owner.get((g, r.focus)) or [(None, None)]
            # by span, then by owner and project IRI (none first): a total order, whatever the rows' order
            owners = sorted(
                owners, key=lambda op: (ctx.span(g, op[0]) or ctx.span(g, op[1]) or (0, 0), op[0] or "", op[1] or "")
            )
            for owner, project in owners:
                candidates.append((g, owner, project))
        # what to look for in the source lines
        needle = f.value if r.value and r.value[0] == "literal" else None
        if f.value is None:
            for g, _owner, _project in candidates:
                raw = ctx.raw.get((g, r.focus))
                if raw:
                    f.value = needle = raw
                    break
        chosen = None
        for g, owner, project in candidates:
            span = ctx.span(g, owner) or ctx.span(g, r.focus) or ctx.span(g, project)
            file, sha = ctx.docs.get(g) or (None, None)
            lines = index.lines(file, sha)
            hit = _find_line(lines, span[0], span[1], needle) if span else None
            pspan = ctx.span(g, project)
            if hit is None and pspan and pspan != span:  # e.g. a plan whose cells follow its header line
                hit = _find_line(lines, pspan[0], pspan[1], needle)
            if hit is None and lines and needle and r.shape.endswith("UnitNameConflictShape"):
                hit = _find_line(lines, 1, len(lines), needle)
            option = (hit is not None, g, owner, project, span, file, lines, hit)
            if chosen is None or (option[0] and not chosen[0]):
                chosen = option
        if chosen is not None:
            _hit_ok, g, owner, project, span, file, lines, hit = chosen
            f.document = file
            f.project = project
            f.project_name = ctx.names.get((g, project)) if project else None
            if span:
                f.line = hit or span[0]
                f.end_line = span[1]
            if lines and f.line and 1 <= f.line <= len(lines):
                f.text = lines[f.line - 1]
        out.append(f)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    out.sort(key=lambda f: (f.document or "\uffff", f.line or 0, rank.get(f.severity, 9), f.shape, f.focus, f.value or ""))
    return out

