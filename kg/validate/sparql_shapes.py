"""The shapes graph as a small typed model, for the SPARQL engine (kg/validate/sparql.py).

:func:`read_shapes` walks every shape of a shapes graph (the ones with targets,
the typed ones, and every shape they reach through ``sh:property``, ``sh:not``,
``sh:or``, ``sh:and``, ``sh:node`` and ``sh:qualifiedValueShape``) and turns
each into a :class:`Shape`.  A SHACL feature the engine does not compile is a
:class:`~kg.validate.engine.ValidationError` naming the shape and the
constraint component, so a shape author learns it at once (pySHACL stays the
reference engine and runs every shape).

>>> from kg.validate.shapes import load_shapes
>>> model = read_shapes(load_shapes())
>>> goal = model.shapes["https://w3id.org/jxkg/shapes#ProjectGoalShape"]
>>> [c.component for c in goal.constraints], goal.severity, goal.path
(['MinCountConstraintComponent', 'NotConstraintComponent'], 'Violation', Path(kind='pred', iri='https://w3id.org/jxkg/ontology#goal', parts=()))
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from kg.validate.shapes import SH

__all__ = ["NOT_COMPILED", "BadShape", "Path", "Constraint", "SparqlConstraint", "Shape", "ShapeModel", "read_shapes", "UnsupportedShape"]


NOT_COMPILED = "the sparql engine does not compile it yet (use --engine pyshacl)"


class UnsupportedShape(Exception):
    """A shape uses a SHACL feature the SPARQL engine does not compile (one clear line)."""


class BadShape(UnsupportedShape):
    """A shape no engine can run (e.g. an invalid sh:pattern)."""


@dataclass(frozen=True)
class Path:
    """A SHACL property path: ``pred`` (iri), ``inv``, ``seq``, ``alt``, ``zeroOrMore``, ``oneOrMore``, ``zeroOrOne``."""

    kind: str
    iri: str | None = None
    parts: tuple[Path, ...] = ()

    def iris(self) -> set[str]:
        """Every predicate IRI the path reads."""
        return {self.iri} if self.iri else set().union(*(p.iris() for p in self.parts))


@dataclass
class Constraint:
    """One constraint of a shape: its component name and its parameter (already decoded)."""

    component: str  # e.g. MinCountConstraintComponent
    param: object  # int | rdflib term | str | Shape | list[Shape] | (Shape, min, max) | (regex, flags)


@dataclass
class SparqlConstraint:
    """A ``sh:sparql`` SELECT constraint with its prefixes and own messages."""

    node: object
    select: str
    prefixes: dict[str, str]
    messages: list[Literal]


@dataclass(eq=False)
class Shape:
    """A node shape (``path`` None) or property shape, as the engine needs it."""

    node: object
    id: str
    label: str = ""  # for messages: jxsh:Name, or "a blank-node shape (inside jxsh:Name)"
    path: Path | None = None
    path_node: object = None
    severity: str = "Violation"
    messages: list[Literal] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    target_classes: list[str] = field(default_factory=list)
    target_subjects_of: list[str] = field(default_factory=list)
    target_objects_of: list[str] = field(default_factory=list)
    target_nodes: list[object] = field(default_factory=list)
    deactivated: bool = False

    @property
    def has_targets(self) -> bool:
        return bool(self.target_classes or self.target_subjects_of or self.target_objects_of or self.target_nodes)

    @property
    def result_path(self) -> str | None:
        """``sh:resultPath`` as RawResult writes it: the IRI, ``(path)`` for a complex path, None for node shapes."""
        if self.path_node is None:
            return None
        return str(self.path_node) if isinstance(self.path_node, URIRef) else "(path)"


@dataclass
class ShapeModel:
    """All shapes by id, and the ids of those with targets (the ones validation starts from)."""

    shapes: dict[str, Shape]
    targeted: list[str]


# Parameters that carry no constraint (or that a constraint reads next to its main parameter).
_META = {SH.name, SH.description, SH.message, SH.severity, SH.deactivated, SH.order, SH.group, SH.defaultValue,
         SH.path, SH.property, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode,
         SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint}  # fmt: skip

#: Constraint parameters the engine compiles, with the component each reports.
COMPONENTS = {
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent",
    SH.qualifiedValueShape: "QualifiedMinCountConstraintComponent",  # or …MaxCount…, per bound
    SH.pattern: "PatternConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH["and"]: "AndConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH.lessThan: "LessThanConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
    SH.equals: "EqualsConstraintComponent",
    SH.disjoint: "DisjointConstraintComponent",
    SH.sparql: "SPARQLConstraintComponent",
}

#: SHACL parameters the engine knows but does not compile yet, with their component (for the error).
_KNOWN_UNSUPPORTED = {
    SH["class"]: "ClassConstraintComponent", SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent", SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent", SH.languageIn: "LanguageInConstraintComponent",
    SH.uniqueLang: "UniqueLangConstraintComponent", SH["in"]: "InConstraintComponent",
    SH.xone: "XoneConstraintComponent", SH.closed: "ClosedConstraintComponent",
    SH.ignoredProperties: "ClosedConstraintComponent", SH.target: "SPARQL-based target (sh:target)",
    SH.rule: "SHACL rule (sh:rule)", SH.js: "JSConstraintComponent", SH.expression: "ExpressionConstraintComponent",
}  # fmt: skip

# Parameters that only make sense with a path (on a property shape).
_NEEDS_PATH = {SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.lessThan, SH.lessThanOrEquals, SH.equals,
               SH.disjoint}  # fmt: skip

_SHAPE_REFS = (SH.property, SH["not"], SH.node, SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["or"], SH["and"])


def _label(g: Graph, node) -> str:  # type: ignore[no-untyped-def]
    if isinstance(node, URIRef):
        try:
            return g.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - any IRI rdflib cannot shorten
            return f"<{node}>"
    return "a blank-node shape"


def _short(p: URIRef) -> str:
    return "sh:" + str(p).rsplit("#", 1)[-1] if str(p).startswith(str(SH)) else f"<{p}>"


class _Reader:
    def __init__(self, g: Graph) -> None:
        self.g = g
        self.shapes: dict[object, Shape] = {}
        self.busy: set = set()

    def where(self, node) -> str:  # type: ignore[no-untyped-def]
        where = _label(self.g, node)
        owner = next(iter(self.g.subjects(None, node)), None) if isinstance(node, BNode) else None
        if owner is not None and isinstance(owner, URIRef):
            where += f" (inside {_label(self.g, owner)})"
        return where

    def fail(self, node, what: str) -> UnsupportedShape:  # type: ignore[no-untyped-def]
        return UnsupportedShape(f"shape {self.where(node)}: {what}; {NOT_COMPILED}")

    def list_of(self, node, head) -> list:  # type: ignore[no-untyped-def]
        try:
            return list(Collection(self.g, head))
        except Exception:  # noqa: BLE001 - a malformed RDF list
            raise self.fail(node, "a malformed RDF list") from None

    def path(self, node, p) -> Path:  # type: ignore[no-untyped-def]
        g = self.g
        if isinstance(p, URIRef):
            return Path("pred", str(p))
        if not isinstance(p, BNode):
            raise self.fail(node, f"sh:path {p!r} is not a path")
        if g.value(p, RDF.first) is not None:
            return Path("seq", parts=tuple(self.path(node, x) for x in self.list_of(node, p)))
        for pred, kind in ((SH.alternativePath, "alt"), (SH.inversePath, "inv"), (SH.zeroOrMorePath, "zeroOrMore"),
                           (SH.oneOrMorePath, "oneOrMore"), (SH.zeroOrOnePath, "zeroOrOne")):  # fmt: skip
            v = g.value(p, pred)
            if v is None:
                continue
            if kind == "alt":
                return Path("alt", parts=tuple(self.path(node, x) for x in self.list_of(node, v)))
            return Path(kind, parts=(self.path(node, v),))
        raise self.fail(node, "an sh:path it cannot read")

    def shape(self, node) -> Shape:  # type: ignore[no-untyped-def]
        if node in self.shapes:
            return self.shapes[node]
        if node in self.busy:
            raise self.fail(node, "a shape that refers to itself (recursive shapes)")
        self.busy.add(node)
        g = self.g
        s = Shape(node=node, id=f"_:{node}" if isinstance(node, BNode) else str(node), label=self.where(node))
        path = g.value(node, SH.path)
        if path is not None:
            s.path, s.path_node = self.path(node, path), path
        sev = g.value(node, SH.severity)
        if sev is not None:
            s.severity = str(sev).rsplit("#", 1)[-1]
        s.messages = [m for m in g.objects(node, SH.message) if isinstance(m, Literal)]
        s.deactivated = (node, SH.deactivated, Literal(True)) in g
        s.target_classes = sorted(str(c) for c in g.objects(node, SH.targetClass))
        s.target_subjects_of = sorted(str(c) for c in g.objects(node, SH.targetSubjectsOf))
        s.target_objects_of = sorted(str(c) for c in g.objects(node, SH.targetObjectsOf))
        s.target_nodes = sorted(g.objects(node, SH.targetNode))
        if any(isinstance(t, BNode) for t in s.target_nodes):
            raise self.fail(node, "a blank node as sh:targetNode")
        if (node, RDF.type, RDFS.Class) in g or (node, RDF.type, OWL.Class) in g:
            raise self.fail(node, "an implicit class target (the shape is also a class)")
        for pred, obj in sorted(g.predicate_objects(node)):
            if pred in _META or not str(pred).startswith(str(SH)):
                continue
            if pred in _KNOWN_UNSUPPORTED or pred not in COMPONENTS:
                comp = _KNOWN_UNSUPPORTED.get(pred, "an unknown SHACL parameter")
                raise self.fail(node, f"{_short(pred)} ({comp})")
            if pred in _NEEDS_PATH and s.path is None:
                raise self.fail(node, f"{_short(pred)} on a node shape (it needs sh:path)")
            self.constraint(s, pred, obj)
        if (node, SH.flags, None) in g and (node, SH.pattern, None) not in g:
            raise self.fail(node, "sh:flags without sh:pattern")
        s.properties = [self.shape(p) for p in sorted(g.objects(node, SH.property), key=str)]
        for p in s.properties:
            if p.path is None:
                raise self.fail(p.node, "an sh:property value without sh:path")
        self.busy.discard(node)
        self.shapes[node] = s
        return s

    def constraint(self, s: Shape, pred, obj) -> None:  # type: ignore[no-untyped-def]
        g, node = self.g, s.node
        comp = COMPONENTS[pred]
        if pred in (SH.minCount, SH.maxCount):
            if not (isinstance(obj, Literal) and isinstance(obj.value, int)):
                raise self.fail(node, f"{_short(pred)} {obj!r} is not an integer")
            s.constraints.append(Constraint(comp, int(obj.value)))
        elif pred == SH.pattern:
            flags = g.value(node, SH.flags)
            s.constraints.append(Constraint(comp, (str(obj), str(flags) if flags is not None else "")))
        elif pred in (SH["not"], SH.node):
            s.constraints.append(Constraint(comp, self.shape(obj)))
        elif pred in (SH["or"], SH["and"]):
            s.constraints.append(Constraint(comp, [self.shape(x) for x in self.list_of(node, obj)]))
        elif pred == SH.qualifiedValueShape:
            if (node, SH.qualifiedValueShapesDisjoint, Literal(True)) in g:
                raise self.fail(node, "sh:qualifiedValueShapesDisjoint true")
            q = self.shape(obj)
            for bound, name in ((SH.qualifiedMinCount, "QualifiedMinCountConstraintComponent"),
                                (SH.qualifiedMaxCount, "QualifiedMaxCountConstraintComponent")):  # fmt: skip
                v = g.value(node, bound)
                if v is None:
                    continue
                if not (isinstance(v, Literal) and isinstance(v.value, int)):
                    raise self.fail(node, f"{_short(bound)} {v!r} is not an integer")
                s.constraints.append(Constraint(name, (q, bound == SH.qualifiedMinCount, int(v.value))))
        elif pred in (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint):
            if not isinstance(obj, URIRef):
                raise self.fail(node, f"{_short(pred)} with a non-IRI property")
            s.constraints.append(Constraint(comp, str(obj)))
        elif pred == SH.hasValue or pred in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            if isinstance(obj, BNode):
                raise self.fail(node, f"{_short(pred)} with a blank node")
            s.constraints.append(Constraint(comp, obj))
        elif pred == SH.sparql:
            s.sparql.append(self.sparql(s, obj))

    def sparql(self, s: Shape, c) -> SparqlConstraint:  # type: ignore[no-untyped-def]
        g = self.g
        if s.path is not None:
            raise self.fail(s.node, "sh:sparql on a property shape ($PATH)")
        allowed = {RDF.type, SH.select, SH.prefixes, SH.message, SH.deactivated}
        for pred in set(g.predicates(c)):
            if pred not in allowed:
                raise self.fail(s.node, f"sh:sparql with {_short(pred)}")
        select = g.value(c, SH.select)
        if select is None:
            raise self.fail(s.node, "sh:sparql without sh:select (ASK validators)")
        return SparqlConstraint(c, str(select), self.prefixes(c), [m for m in g.objects(c, SH.message)])

    def prefixes(self, c) -> dict[str, str]:  # type: ignore[no-untyped-def]
        """The PREFIX map pySHACL builds for a SPARQL constraint (rdf, rdfs, owl, then sh:prefixes' sh:declare)."""
        g = self.g
        out = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
        onts = set(g.subjects(RDF.type, OWL.Ontology))
        global_decl = {d for o in onts for d in g.objects(o, SH.declare)}
        for pv in g.objects(c, SH.prefixes):
            own = set(g.objects(pv, SH.declare))
            for dec in own if (own and pv in onts) else (global_decl | own):
                prefix, ns = g.value(dec, SH.prefix), g.value(dec, SH.namespace)
                if prefix is None or ns is None:
                    raise self.fail(c, "an sh:declare without sh:prefix or sh:namespace")
                out[str(prefix)] = str(ns)
        return out


def read_shapes(g: Graph) -> ShapeModel:
    """Every shape of *g* as a :class:`Shape` (raises :class:`UnsupportedShape` for what is not compiled)."""
    reader = _Reader(g)
    roots: set = set()
    for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target):
        roots.update(g.subjects(p, None))
    roots.update(g.subjects(RDF.type, SH.NodeShape))
    roots.update(g.subjects(RDF.type, SH.PropertyShape))
    for node in sorted(roots, key=str):
        if (node, SH.target, None) in g:
            raise reader.fail(node, f"{_short(SH.target)} ({_KNOWN_UNSUPPORTED[SH.target]})")
        reader.shape(node)
    shapes = {s.id: s for s in reader.shapes.values()}
    targeted = sorted(s.id for s in shapes.values() if s.has_targets and not s.deactivated)
    return ShapeModel(shapes, targeted)

