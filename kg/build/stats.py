"""Counts over a built store (``jxkg stats``) and the unit-name conflict report.

Everything is asked with SPARQL on the pyoxigraph store, so the figures are
what a query would see.

>>> from kg.build.store import open_store
>>> stats(open_store(None))["documents"]
0
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Literal, Store

from kg.build import iri

__all__ = ["name_key", "stats", "unit_name_conflicts", "conflicts_in", "NameConflict", "MentionIndex", "STAT_FIELDS"]

_PREFIX = f"PREFIX jx: <{iri.JX}>\n"

# JSON field → SPARQL query returning one integer ?n.
_COUNTS = {
    "documents": "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?g { ?d a jx:Disclosure } }",
    "units": "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { GRAPH ?g { ?u a jx:BudgetUnit } }",
    "projects": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?p a jx:Project } }",
    "indicators": "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { GRAPH ?g { ?i a jx:Indicator } }",
    "funding_documents": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { GRAPH ?g { ?f a jx:FundingDocument } }",
    "regions": "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH ?g { ?r a jx:Region } }",
    "skipped_lines": "SELECT (SUM(?c) AS ?n) WHERE { GRAPH ?g { ?d a jx:Disclosure ; jx:skippedLineCount ?c } }",
    "unlinked_indicators": 'SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { GRAPH ?g { ?i jx:linkStatus "unlinked" } }',
}

#: Field names of :func:`stats` (``jxkg stats --json`` keys), in display order.
STAT_FIELDS = (
    "documents",
    "units",
    "projects",
    "indicators",
    "funding_documents",
    "triples",
    "skipped_lines",
    "regions",
    "unlinked_indicators",
    "targets_by_status",
)


def _int(store: Store, query: str) -> int:
    for row in store.query(_PREFIX + query):
        value = row["n"]
        return int(value.value) if isinstance(value, Literal) else 0
    return 0


def stats(store: Store) -> dict[str, object]:
    """Counts of a store: documents, units, projects, indicators, funding documents, triples …

    ``triples`` is the number of quads stored (every document graph counts
    its own copy of the facts it states about shared nodes; the ontology in
    the default graph is included).
    """
    out: dict[str, object] = {name: _int(store, q) for name, q in _COUNTS.items()}
    out["triples"] = len(store)
    by_status: dict[str, int] = {}
    q = "SELECT ?s (COUNT(?t) AS ?n) WHERE { GRAPH ?g { ?t a jx:Target ; jx:status ?s } } GROUP BY ?s ORDER BY ?s"
    for row in store.query(_PREFIX + q):
        by_status[row["s"].value] = int(row["n"].value)
    out["targets_by_status"] = by_status
    return {k: out[k] for k in STAT_FIELDS}


def name_key(name: str) -> str:
    """What two unit names must share to count as the same name.

    Normalised (:func:`kg.build.iri.normalise_name`) and without a trailing
    ``(本级)``, which marks a bureau's own budget, not another unit.

    >>> name_key("丰镇市人力资源和社会保障局（本级）") == name_key("丰镇市人力资源和社会保障局")
    True
    """
    n = iri.normalise_name(name)
    return n[: -len("(本级)")] if n.endswith("(本级)") else n


@dataclass
class NameConflict:
    """A unit IRI carrying more than one distinct name; *names* as (name, file, line|None)."""

    unit: str
    names: list[tuple[str, str, int | None]]

    def message(self) -> str:
        """One line, ``file:line: …``, in Chinese, naming every variant and where it is written.

        >>> c = NameConflict(iri.unit_iri(["内蒙古自治区", "乌海市"], "418001", ""),
        ...                  [("乌海市人社局", "a.txt", 3), ("上海市人社局", "a.txt", None)])
        >>> print(c.message())
        a.txt:3: 单位名称冲突：编码 418001（地区 内蒙古自治区/乌海市）有 2 个不同名称：「乌海市人社局」（a.txt:3）；「上海市人社局」（a.txt）；已作为同一单位保留
        """
        first_name, file, line = self.names[0]
        where = f"{file}:{line}" if line else file
        rest = self.unit[len(iri.JXI) + len("unit/") :]
        if "/name/" in rest:
            region, key = rest.split("/name/", 1)
            who = f"名称 {iri.unquote(key)}"
        else:
            region, key = rest.rsplit("/", 1)
            who = f"编码 {iri.unquote(key)}"
        region = "未知" if region == iri.UNKNOWN_REGION else iri.unquote(region)
        variants = "；".join(f"「{n}」（{f}{':' + str(ln) if ln else ''}）" for n, f, ln in self.names)
        return f"{where}: 单位名称冲突：{who}（地区 {region}）有 {len(self.names)} 个不同名称：{variants}；已作为同一单位保留"


#: unit IRI → name_key(name) → (name as written, file, line) of its first mention
MentionIndex = dict[str, dict[str, tuple[str, str, "int | None"]]]


def conflicts_in(index: MentionIndex) -> list[NameConflict]:
    """Name conflicts among the mentions of one run (no store needed), sorted by unit IRI."""
    return [NameConflict(u, list(names.values())) for u, names in sorted(index.items()) if len(names) > 1]


def unit_name_conflicts(store: Store, index: MentionIndex | None = None) -> list[NameConflict]:
    """Units in *store* whose names differ (compared by :func:`name_key`), sorted by unit IRI.

    *index* gives file and line for the names written in this run; names
    from documents built earlier are reported by file only.
    """
    q = """
    SELECT ?u ?name ?g WHERE {
      { SELECT ?u WHERE { GRAPH ?g0 { ?u jx:unitName ?n0 } } GROUP BY ?u HAVING (COUNT(DISTINCT ?n0) > 1) }
      GRAPH ?g { ?u jx:unitName ?name }
    } ORDER BY ?u ?g ?name
    """
    index = index or {}
    found: dict[str, dict[str, tuple[str, str, int | None]]] = {}
    for row in store.query(_PREFIX + q):
        unit, name, graph = row["u"].value, row["name"].value, row["g"].value
        key = name_key(name)
        names = found.setdefault(unit, {})
        if key not in names:
            known = index.get(unit, {}).get(key)
            names[key] = known if known else (name, iri.unquote(graph[len(iri.JXG) :]), None)
    return [NameConflict(u, list(names.values())) for u, names in sorted(found.items()) if len(names) > 1]
