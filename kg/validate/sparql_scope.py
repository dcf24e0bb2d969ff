"""How a SHACL data graph is read with SPARQL over the whole store (used by kg/validate/sparql.py).

pySHACL validates one data graph at a time.  The SPARQL engine runs every
document at once instead, so each triple pattern must say which data graph it
reads:

* per document (:class:`DocumentScope`): the data graph of document ``g`` is
  its named graph ∪ the default graph (ontology, categories, concepts).  The
  variable ``?_jxg`` carries the document; a pattern on a predicate that only
  document graphs hold becomes ``GRAPH ?_jxg { … }``, one that only the
  default graph holds stays a plain pattern (it belongs to every document),
  one held by both becomes the union of the two;
* spanning (:class:`SharedScope`): the data graph is the triples about shared
  nodes (units, regions, funding documents) of all graphs ∪ the default graph,
  as ``kg.validate.engine._shared_nt`` builds it for pySHACL; a document-graph
  pattern becomes a ``SELECT DISTINCT`` over every graph whose subject is
  typed with a shared class in that graph.

Where a predicate's triples live is asked of the store once (:class:`Layout`,
two ``ASK`` queries per predicate), so the queries depend on the store only
through those facts.

>>> from pyoxigraph import Store, RdfFormat
>>> from kg.paths import ROOT
>>> store = Store()
>>> store.load(path=str(ROOT / "tests/data/validate_fixture.trig"), format=RdfFormat.TRIG)
>>> layout = Layout(store)
>>> sorted(layout.where("https://w3id.org/jxkg/ontology#goal")), sorted(layout.where(str(SKOS.broader)))
(['N'], ['D'])
>>> scope = DocumentScope(layout)
>>> scope.path("?x", Path("seq", parts=(Path("pred", JX + "level2"), Path("pred", str(SKOS.broader)))), "?v")
'GRAPH ?_jxg { ?x <https://w3id.org/jxkg/ontology#level2> ?_jx1 } ?_jx1 <http://www.w3.org/2004/02/skos/core#broader> ?v'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from pyoxigraph import DefaultGraph, Store
from rdflib.namespace import RDF, RDFS, SKOS

from kg.validate.shapes import SHARED_CLASSES
from kg.validate.sparql_shapes import Path, UnsupportedShape

__all__ = ["Layout", "Scope", "DocumentScope", "SharedScope", "path_text", "GRAPH_VAR", "JX"]

JX = "https://w3id.org/jxkg/ontology#"
#: The variable that carries the document graph in per-document queries.
GRAPH_VAR = "?_jxg"
_N, _D = "N", "D"


class Layout:
    """Facts about *store*: which predicates (and which ``rdf:type`` classes) document graphs / the default graph hold."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._where: dict[tuple[str, str | None], frozenset[str]] = {}

    def _ask(self, q: str) -> bool:
        return bool(self.store.query(q))

    def where(self, predicate: str, obj: str | None = None) -> frozenset[str]:
        """``{"N", "D"}`` subset: document graphs (N) / the default graph (D) hold a triple with *predicate* (and IRI *obj*)."""
        key = (predicate, obj)
        if key not in self._where:
            o = f"<{obj}>" if obj else "?o"
            t = f"?s <{predicate}> {o}"
            out = set()
            if self._ask(f"ASK {{ GRAPH ?g {{ {t} }} }}"):
                out.add(_N)
            if self._ask(f"ASK {{ {t} }}"):
                out.add(_D)
            self._where[key] = frozenset(out)
        return self._where[key]

    def default_graph_empty(self) -> bool:
        return next(iter(self.store.quads_for_pattern(None, None, None, DefaultGraph())), None) is None

    def subclasses(self, cls: str) -> list[str]:
        """*cls* and its ``rdfs:subClassOf`` descendants in the default graph (pySHACL takes them from the data graph)."""
        if _N in self.where(str(RDFS.subClassOf)):
            raise UnsupportedShape(
                "targets a class while document graphs hold rdfs:subClassOf triples (the sparql engine reads the "
                "class hierarchy from the default graph)"
            )
        q = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* <{cls}> }}"
        return sorted({cls} | {s["c"].value for s in self.store.query(q)})  # type: ignore[union-attr,index]


def path_text(p: Path) -> str:
    """SPARQL property-path text of *p*.

    >>> path_text(Path("alt", parts=(Path("pred", "urn:a"), Path("inv", parts=(Path("pred", "urn:b"),)))))
    '(<urn:a>|^<urn:b>)'
    """
    if p.kind == "pred":
        return f"<{p.iri}>"
    if p.kind in ("var", "neg"):
        return str(p.iri)
    if p.kind == "inv":
        return "^" + path_text(p.parts[0])
    if p.kind == "seq":
        return "(" + "/".join(path_text(x) for x in p.parts) + ")"
    if p.kind == "alt":
        return "(" + "|".join(path_text(x) for x in p.parts) + ")"
    mod = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}[p.kind]
    return "(" + path_text(p.parts[0]) + ")" + mod


def _vars(*terms: str) -> list[str]:
    return [t for t in terms if t.startswith("?")]


class Scope:
    """Turns triple and path patterns into SPARQL that reads one SHACL data graph per solution."""

    #: the graph variable solutions carry ("" when the scope has none)
    graph_var = ""

    def __init__(self, layout: Layout, counter: Iterator[int] | None = None) -> None:
        self.layout = layout
        self.counter = counter or itertools.count(1)

    def fresh(self, stem: str = "_jx") -> str:
        return f"?{stem}{next(self.counter)}"

    def locations(self, p: Path, obj: str | None = None) -> frozenset[str]:
        if p.kind in ("var", "neg"):
            return frozenset((_N, _D))
        if p.kind == "pred":
            assert p.iri is not None
            o = obj[1:-1] if (p.iri == str(RDF.type) and obj and obj.startswith("<")) else None
            return self.layout.where(p.iri, o)
        return frozenset().union(*(self.locations(x) for x in p.parts))

    def path(self, s: str, p: Path, o: str, *, exact: bool = False, hash: bool = False) -> str:
        """A pattern matching *s* *p* *o* in the data graph.

        With *exact*, a triple that both a document graph and the default graph hold matches once (needed
        under aggregates), else possibly twice.  With *hash*, every triple or path pattern is a sub-query:
        pyoxigraph evaluates it once and hash-joins it, instead of one index lookup per solution, which is
        5-10 times faster when most focus nodes have a value (outside EXISTS)."""
        locs = self.locations(p, o)
        split = hash and p.kind in ("seq", "alt", "inv")  # one hash join per step
        if p.kind in ("pred", "var", "neg") or (self.whole(locs) and not split):
            step = self.step(s, path_text(p), o, locs, exact)
            return f"{{ SELECT * WHERE {{ {step} }} }}" if hash else step
        if p.kind == "inv":
            return self.path(o, p.parts[0], s, exact=exact, hash=hash)
        if p.kind == "seq":
            nodes = [s] + [self.fresh() for _ in p.parts[1:]] + [o]
            return " ".join(self.path(a, x, b, exact=exact, hash=hash) for a, x, b in zip(nodes, p.parts, nodes[1:]))
        if p.kind == "alt":
            return " UNION ".join("{ " + self.path(s, x, o, exact=exact, hash=hash) + " }" for x in p.parts)
        raise UnsupportedShape(
            f"the path {path_text(p)} repeats over triples that both document graphs and the default graph hold"
        )

    def whole(self, locs: frozenset[str]) -> bool:
        """Whether a complex path over predicates held in *locs* can stay one path pattern."""
        return len(locs) <= 1

    def step(self, s: str, p: str, o: str, locs: frozenset[str], exact: bool) -> str:
        raise NotImplementedError

    def any_graph(self) -> str:
        """A pattern binding the graph variable to every document graph (empty when the scope has none)."""
        return ""


class DocumentScope(Scope):
    """Data graph = document graph ``?_jxg`` ∪ default graph."""

    graph_var = GRAPH_VAR

    def step(self, s: str, p: str, o: str, locs: frozenset[str], exact: bool) -> str:
        t = f"{s} {p} {o}"
        if locs == {_D}:
            return t
        if _D not in locs:  # document graphs only (or nowhere: matches nothing)
            return f"GRAPH {GRAPH_VAR} {{ {t} }}"
        if not exact:  # a default-graph solution leaves ?_jxg unbound: it joins with every document
            return f"{{ GRAPH {GRAPH_VAR} {{ {t} }} }} UNION {{ {t} }}"
        return (f"{{ GRAPH {GRAPH_VAR} {{ {t} }} }} UNION "
                f"{{ {t} GRAPH {GRAPH_VAR} {{ }} FILTER NOT EXISTS {{ GRAPH {GRAPH_VAR} {{ {t} }} }} }}")  # fmt: skip

    def any_graph(self) -> str:
        return f"GRAPH {GRAPH_VAR} {{ }}"


class SharedScope(Scope):
    """Data graph = triples about shared nodes from all graphs ∪ default graph (the spanning shapes)."""

    def whole(self, locs: frozenset[str]) -> bool:
        return _N not in locs  # every step must check that its subject is a shared node

    def shared(self, t: str, s: str) -> str:
        g, c = self.fresh("_jxs"), self.fresh("_jxc")
        classes = " ".join(f"<{x}>" for x in SHARED_CLASSES)
        return f"GRAPH {g} {{ {t} . {s} a {c} }} VALUES {c} {{ {classes} }}"

    def step(self, s: str, p: str, o: str, locs: frozenset[str], exact: bool) -> str:
        t = f"{s} {p} {o}"
        if locs == {_D}:
            return t
        vs = _vars(s, o)
        inner = self.shared(t, s)
        doc = f"{{ SELECT DISTINCT {' '.join(dict.fromkeys(vs))} WHERE {{ {inner} }} }}" if vs else f"FILTER EXISTS {{ {inner} }}"
        if _D not in locs:
            return doc
        if not vs:
            return f"FILTER (EXISTS {{ {inner} }} || EXISTS {{ {t} }})"
        if not exact:
            return f"{{ {doc} }} UNION {{ {t} }}"
        return f"{{ {doc} }} UNION {{ {t} FILTER NOT EXISTS {{ {self.shared(t, s)} }} }}"
