"""Load the SHACL shapes of ``shapes/`` and split them by scope.

Most shapes look at one project and its rows, whose nodes live in one document
graph: those run per document (in parallel).  A shape whose focus nodes are
shared by several document graphs (budget units, regions, funding documents)
must see every document at once: it is marked ``jxsh:spansDocuments true`` in
the shapes file (or targets a shared class) and runs once on the merged graph.

Splitting works by switching targets off: :func:`scoped` returns a copy of the
shapes graph in which the node shapes outside the wanted scope have no
``sh:target*`` triples, so every referenced helper shape is still there.

>>> shapes = load_shapes()
>>> "UnitNameConflictShape" in {str(s).split("#")[1] for s in spanning_shapes(shapes)}
True
>>> per_doc = scoped(shapes, spanning=False)
>>> any(True for _ in per_doc.triples((JXSH.UnitNameConflictShape, SH.targetSubjectsOf, None)))
False
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from kg.paths import SHAPES_DIR

__all__ = [
    "SH",
    "JX",
    "JXSH",
    "ShapesError",
    "shape_files",
    "load_shapes",
    "spanning_shapes",
    "scoped",
    "shape_labels",
]

SH = Namespace("http://www.w3.org/ns/shacl#")
JX = Namespace("https://w3id.org/jxkg/ontology#")
JXSH = Namespace("https://w3id.org/jxkg/shapes#")

TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)

#: Classes whose nodes several document graphs share (docs/rdf-model.md, "Shared nodes").
SHARED_CLASSES = (JX.BudgetUnit, JX.Region, JX.FundingDocument)
#: Properties that only shared nodes carry (a sh:targetSubjectsOf on them spans documents).
SHARED_PROPERTIES = (JX.unitCode, JX.unitName, JX.inRegion, JX.regionLevel, JX.parentRegion,
                     JX.documentNumber, JX.rawNumber, JX.fundingLevel)  # fmt: skip


class ShapesError(Exception):
    """The shapes cannot be read (message names the file)."""


def shape_files(shapes_dir: str | Path | None = None) -> list[Path]:
    """The Turtle files of *shapes_dir* (default ``shapes/``), sorted by name."""
    d = Path(shapes_dir) if shapes_dir is not None else SHAPES_DIR
    if not d.is_dir():
        raise ShapesError(f"{d}: shapes folder not found")
    files = sorted(d.glob("*.ttl"))
    if not files:
        raise ShapesError(f"{d}: no *.ttl shape files")
    return files


def load_shapes(shapes_dir: str | Path | None = None) -> Graph:
    """All shape files parsed into one rdflib graph; a syntax error raises :class:`ShapesError`."""
    g = Graph()
    for f in shape_files(shapes_dir):
        try:
            g.parse(f, format="turtle")
        except Exception as exc:  # rdflib raises several parser exception types
            raise ShapesError(f"{f}: cannot parse Turtle: {exc}") from None
    g.bind("sh", SH)
    g.bind("jx", JX)
    g.bind("jxsh", JXSH)
    return g


def _targeted_shapes(g: Graph) -> set:
    return {s for p in TARGET_PREDICATES for s in g.subjects(p, None)}


def spanning_shapes(g: Graph) -> set:
    """Node shapes that must run on the merged graph (marked, or targeting shared nodes)."""
    out = set()
    for s in _targeted_shapes(g):
        if (s, JXSH.spansDocuments, Literal(True)) in g:
            out.add(s)
        elif any((s, SH.targetClass, c) in g for c in SHARED_CLASSES):
            out.add(s)
        elif any((s, SH.targetSubjectsOf, p) in g for p in SHARED_PROPERTIES):
            out.add(s)
    return out


def scoped(g: Graph, *, spanning: bool) -> Graph:
    """A copy of *g* where only the spanning (or only the per-document) shapes keep targets."""
    span = spanning_shapes(g)
    drop = {s for s in _targeted_shapes(g) if (s in span) != spanning}
    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns)
    for t in g:
        if t[0] in drop and t[1] in TARGET_PREDICATES:
            continue
        out.add(t)
    return out


def shape_labels(g: Graph) -> dict[str, dict[str, str]]:
    """For every named shape: ``{"name_zh", "name_en", "description_zh", "description_en"}``."""
    out: dict[str, dict[str, str]] = {}
    for s in set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape)):
        if not isinstance(s, URIRef):
            continue
        info: dict[str, str] = {}
        for pred, key in ((SH.name, "name"), (SH.description, "description")):
            for lit in g.objects(s, pred):
                if isinstance(lit, Literal) and lit.language in ("zh", "en"):
                    info[f"{key}_{lit.language}"] = str(lit)
        sev = g.value(s, SH.severity)
        if sev is not None:
            info["severity"] = str(sev).rsplit("#", 1)[-1]
        out[str(s)] = info
    return out
