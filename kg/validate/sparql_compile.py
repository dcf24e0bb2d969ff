"""Compile a :class:`~kg.validate.sparql_shapes.ShapeModel` to SPARQL SELECT queries (kg/validate/sparql.py runs them).

One query per constraint of each targeted shape (and of the property shapes it holds), finding the failing
focus nodes of every document at once.  The work is set at a time: for a set of (document, node) pairs
("a domain", a sub-query binding ``?_jxg`` and the node), :meth:`_Compiler.fail` gives the pairs that fail a
shape and :meth:`_Compiler.passing` those that conform, so ``sh:not``, ``sh:or``, ``sh:and``, ``sh:node`` and
``sh:qualifiedValueShape`` nest without a query per node.  Where a set needs no domain (the nodes with a
value that misses a pattern, the nodes that have a value at all) it is built without one
(:meth:`_Compiler.free_fail`, :meth:`_Compiler.free_pass`), so a domain is not evaluated twice.

Joins go through sub-queries: pyoxigraph evaluates a sub-query once and hash-joins it, where a plain
pattern is looked up once per solution (5-10 times slower on the benchmark store).  Checks on a node alone
(``sh:pattern``, ranges, ``sh:hasValue``, and ``sh:not``/``sh:and``/``sh:or`` of those) are FILTER
expressions; ``sh:pattern`` calls Python's ``re`` through a custom SPARQL function, as pySHACL does (the
regex dialect of SPARQL differs from Python's).

>>> from pyoxigraph import Store
>>> from kg.validate.shapes import load_shapes
>>> from kg.validate.sparql_scope import Layout
>>> from kg.validate.sparql_shapes import read_shapes
>>> queries, functions = compile_queries(read_shapes(load_shapes()), Layout(Store()), set())
>>> sorted({q.component for q in queries})[:3]
['DisjointConstraintComponent', 'EqualsConstraintComponent', 'LessThanOrEqualsConstraintComponent']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib import URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF

from kg.validate.sparql_scope import DocumentScope, Layout, Scope, SharedScope
from kg.validate.sparql_select import Rewritten, rewrite_select
from kg.validate.sparql_shapes import NOT_COMPILED, BadShape, Constraint, Path, Shape, ShapeModel, UnsupportedShape

__all__ = ["CompiledQuery", "compile_queries"]

XSD = "http://www.w3.org/2001/XMLSchema#"
_TRUE, _FALSE = Literal(True), Literal(False)
#: A failure pattern that matches nothing (the constraint cannot fail).
NEVER = ""

# Components whose result carries no sh:value (pySHACL reports the focus node only).
_NO_VALUE = {"MinCountConstraintComponent", "MaxCountConstraintComponent", "HasValueConstraintComponent",
             "QualifiedMinCountConstraintComponent", "QualifiedMaxCountConstraintComponent"}  # fmt: skip
_RANGE = {"MinInclusiveConstraintComponent": ">=", "MaxInclusiveConstraintComponent": "<=",
          "MinExclusiveConstraintComponent": ">", "MaxExclusiveConstraintComponent": "<"}  # fmt: skip
_PAIR = {"LessThanOrEqualsConstraintComponent": "<=", "LessThanConstraintComponent": "<"}


@dataclass
class CompiledQuery:
    """One query and how its rows become results."""

    shape: Shape  # the shape results name (sh:sourceShape)
    component: str
    text: str
    value: str  # "none" (no sh:value), "focus" (value = focus node), "row" (?_jxv), "sparql"
    select: Rewritten | None = None
    messages: list[RdfLiteral] | None = None  # sh:sparql: the constraint's own sh:message


def _n3(term) -> str:  # type: ignore[no-untyped-def]
    """SPARQL text of an rdflib term (a shape parameter)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    return term.n3()


def _string_like(v: str) -> str:
    """SPARQL: is *v* compared as a string by pySHACL (an IRI, an xsd:string or language-tagged literal)?"""
    return (f"(isIRI({v}) || (isLiteral({v}) && (DATATYPE({v}) = <{XSD}string> || LANG({v}) != \"\")))")


class _Compiler:
    """Builds the SPARQL of one scope (per document or spanning)."""

    def __init__(self, scope: Scope, functions: dict[NamedNode, Callable], patterns: dict[tuple[str, str], NamedNode]):
        self.scope = scope
        self.g = scope.graph_var
        self.functions = functions
        self.patterns = patterns

    # ───────────── small pieces ─────────────

    def fresh(self) -> str:
        return self.scope.fresh("_jx")

    def keys(self, x: str) -> str:
        return f"{self.g} {x}" if self.g else x

    def proj(self, vars_: str, pattern: str) -> str:
        return f"{{ SELECT DISTINCT {vars_} WHERE {{ {pattern} }} }}"

    def vals(self, x: str, path: Path, v: str) -> str:
        """(document, x, v) for every value v of *path* from x (unrestricted: joined with a domain later;
        a value reached twice may repeat, which no use of it minds)."""
        return f"{{ SELECT {self.keys(x)} {v} WHERE {{ {self.scope.path(x, path, v, hash=True)} }} }}"

    def pattern_fn(self, regex: str, flags: str) -> NamedNode:
        key = (regex, flags)
        if key not in self.patterns:
            fl = 0
            if "i" in flags.lower():
                fl |= re.I
            if "m" in flags.lower():
                fl |= re.M
            try:
                rx = re.compile(regex, fl)
            except re.error as exc:
                raise BadShape(f"sh:pattern {regex!r} is not a valid regular expression: {exc}") from None
            name = NamedNode(f"urn:jxkg:validate:pattern:{len(self.patterns) + 1}")

            def match(term, rx=rx):  # type: ignore[no-untyped-def]
                if isinstance(term, BlankNode) or term is None:
                    return _FALSE  # blank nodes never match (as in pySHACL)
                text = term.value if isinstance(term, (NamedNode, Literal)) else str(term)
                return _TRUE if rx.search(text) else _FALSE

            self.patterns[key] = name
            self.functions[name] = match
        return self.patterns[key]

    def ok(self, c: Constraint, v: str) -> str | None:
        """A never-failing SPARQL expression: node *v* itself satisfies *c* (None: *c* needs more than the node).

        Patterns, ranges, sh:hasValue on a node, and sh:not / sh:and / sh:or / sh:node over shapes made of
        those are plain FILTER expressions: no join at all."""
        comp = c.component
        if comp == "PatternConstraintComponent":
            regex, flags = c.param  # type: ignore[misc]
            return f"<{self.pattern_fn(regex, flags).value}>({v})"
        if comp in _RANGE:
            return f"COALESCE({v} {_RANGE[comp]} {_n3(c.param)}, false)"
        if comp == "HasValueConstraintComponent":
            return f"sameTerm({v}, {_n3(c.param)})"
        members = [c.param] if comp in ("NotConstraintComponent", "NodeConstraintComponent") else c.param
        if comp not in ("NotConstraintComponent", "NodeConstraintComponent", "AndConstraintComponent",
                        "OrConstraintComponent"):  # fmt: skip
            return None
        exprs = [self.node_expr(m, v) for m in members]  # type: ignore[union-attr]
        if any(e is None for e in exprs):
            return None
        if comp == "NotConstraintComponent":
            return f"!{exprs[0]}"
        return "(" + (" || " if comp == "OrConstraintComponent" else " && ").join(exprs) + ")"  # type: ignore[arg-type]

    def node_expr(self, s: Shape, v: str) -> str | None:
        """*v* conforms to the node shape *s*, as an expression (None when *s* needs a path or a join)."""
        if s.deactivated:
            return "true"
        if s.path is not None or s.properties or s.sparql:
            return None
        exprs = [self.ok(c, v) for c in s.constraints]
        if any(e is None for e in exprs):
            return None
        return "(" + " && ".join(exprs) + ")" if exprs else "true"  # type: ignore[arg-type]

    # ───────────── failing and passing (document, node) pairs ─────────────

    # ───────────── failing and passing (document, node) pairs ─────────────
    #
    # Each function gives a pattern whose solutions are (document, node) pairs.  The "free" ones need no
    # domain (e.g. nodes with a value that misses the pattern); the others are restricted to a domain
    # pattern *dom*.  Free sets are used only where every solution binds the document variable (the path
    # reads document graphs only), so that MINUS and joins never mix documents.

    def union(self, x: str, parts: list[str]) -> str:
        if not parts:
            return NEVER
        return parts[0] if len(parts) == 1 else self.proj(self.keys(x), " UNION ".join(parts))

    def empty(self, x: str) -> str:
        return self.proj(self.keys(x), "FILTER (false)")

    def free_ok(self, *paths: Path) -> bool:
        return not self.g or all(self.scope.locations(p) == {"N"} for p in paths)

    def free_fail(self, s: Shape, x: str) -> str | None:
        """Every (document, x) failing *s*, without a domain; NEVER when *s* cannot fail; None: not expressible."""
        if s.deactivated:
            return NEVER
        if s.sparql:
            return None
        parts = []
        for c in s.constraints:
            f = self.free_fail_node(c, x) if s.path is None else self.free_fail_value(s, c, x)
            if f is None:
                return None
            parts.append(f)
        for p in s.properties:
            if s.path is None:
                f = self.free_fail(p, x)
            elif not self.free_ok(s.path):
                return None
            else:
                v = self.fresh()
                fp = self.free_fail(p, v)
                f = fp if not fp else self.proj(self.keys(x), f"{self.vals(x, s.path, v)} {fp}")
            if f is None:
                return None
            parts.append(f)
        return self.union(x, [f for f in parts if f])

    def free_fail_node(self, c: Constraint, x: str) -> str | None:
        comp = c.component
        if comp == "NotConstraintComponent":
            return self.free_pass(c.param, x)  # type: ignore[arg-type]
        if comp == "NodeConstraintComponent":
            return self.free_fail(c.param, x)  # type: ignore[arg-type]
        if comp in ("AndConstraintComponent", "OrConstraintComponent"):
            fs = [self.free_fail(m, x) for m in c.param]  # type: ignore[union-attr]
            if any(f is None for f in fs):
                return None
            if comp == "AndConstraintComponent":
                return self.union(x, [f for f in fs if f])  # type: ignore[misc]
            return NEVER if NEVER in fs else self.proj(self.keys(x), " ".join(fs))  # type: ignore[arg-type]
        return None  # a check on the node itself needs the node from a domain

    def free_fail_value(self, s: Shape, c: Constraint, x: str) -> str | None:
        comp = c.component
        if comp in _NO_VALUE:
            if comp == "MinCountConstraintComponent" and c.param <= 0:  # type: ignore[operator]
                return NEVER
            if comp == "QualifiedMinCountConstraintComponent" and c.param[2] <= 0:  # type: ignore[index]
                return NEVER
            return None
        assert s.path is not None
        paths = [s.path] + ([Path("pred", c.param)] if isinstance(c.param, str) else [])  # type: ignore[arg-type]
        if not self.free_ok(*paths):
            return None
        rows = self.value_failures(s, c, x, None, self.fresh())
        return rows if not rows else self.proj(self.keys(x), rows)

    def free_pass(self, s: Shape, x: str) -> str | None:
        """Every (document, x) conforming to *s*, without a domain (None: not expressible, e.g. it holds for
        nodes without any value)."""
        if s.deactivated or s.sparql:
            return None
        parts: list[str] = []
        if s.path is None:
            for c in s.constraints:
                comp = c.component
                p: str | None
                if comp == "NotConstraintComponent":
                    f = self.free_fail(c.param, x)  # type: ignore[arg-type]
                    p = None if f is None else (f or self.empty(x))
                elif comp == "NodeConstraintComponent":
                    p = self.free_pass(c.param, x)  # type: ignore[arg-type]
                elif comp in ("AndConstraintComponent", "OrConstraintComponent"):
                    ps = [self.free_pass(m, x) for m in c.param]  # type: ignore[union-attr]
                    joiner = " " if comp == "AndConstraintComponent" else " UNION "
                    p = None if any(q is None for q in ps) else self.proj(self.keys(x), joiner.join(ps))  # type: ignore[arg-type]
                else:
                    p = None
                if p is None:
                    return None
                parts.append(p)
            for prop in s.properties:
                p = self.free_pass(prop, x)
                if p is None:
                    return None
                parts.append(p)
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else self.proj(self.keys(x), " ".join(parts))
        if not self.free_ok(s.path):
            return None
        fails: list[str] = []
        for c in s.constraints:  # generators: what makes a node have values at all
            comp = c.component
            if comp == "MinCountConstraintComponent":
                if c.param > 1:  # type: ignore[operator]
                    return None
                if c.param == 1:
                    parts.append(self.proj(self.keys(x), self.vals(x, s.path, self.fresh())))
            elif comp == "HasValueConstraintComponent":
                parts.append(self.proj(self.keys(x), self.scope.path(x, s.path, _n3(c.param), hash=True)))
            elif comp == "QualifiedMinCountConstraintComponent" and c.param[2] == 1:  # type: ignore[index]
                v = self.fresh()
                qp = self.free_pass(c.param[0], v)  # type: ignore[index]
                if qp is None:
                    return None
                parts.append(self.proj(self.keys(x), f"{self.vals(x, s.path, v)} {qp}"))
            elif comp == "QualifiedMinCountConstraintComponent" and c.param[2] <= 0:  # type: ignore[index]
                continue
            else:
                f = self.free_fail_value(s, c, x)
                if f is None:
                    return None
                if f:
                    fails.append(f)
        for prop in s.properties:
            v = self.fresh()
            fp = self.free_fail(prop, v)
            if fp is None:
                return None
            if fp:
                fails.append(self.proj(self.keys(x), f"{self.vals(x, s.path, v)} {fp}"))
        if not parts:
            return None
        out = parts[0] if len(parts) == 1 else self.proj(self.keys(x), " ".join(parts))
        for f in fails:
            out = f"{{ {out} MINUS {f} }}"
        return out

    def fail(self, s: Shape, x: str, dom: str) -> str | None:
        """The (document, x) pairs of *dom* that do not conform to *s* (None: none can fail)."""
        if s.deactivated:
            return None
        if s.sparql:
            raise UnsupportedShape("sh:sparql inside sh:not, sh:or, sh:and, sh:node or sh:qualifiedValueShape")
        ff = self.free_fail(s, x)
        if ff is not None:
            return self.proj(self.keys(x), f"{dom} {ff}") if ff else None
        parts = [self.fail_constraint(s, c, x, dom) for c in s.constraints]
        if s.path is None:
            parts += [self.fail(p, x, dom) for p in s.properties]
        elif s.properties:
            v = self.fresh()
            vd = self.proj(self.keys(v), dom + " " + self.vals(x, s.path, v))
            for p in s.properties:
                fp = self.fail(p, v, vd)
                if fp:
                    parts.append(self.proj(self.keys(x), f"{dom} {self.vals(x, s.path, v)} {fp}"))
        return self.union(x, [p for p in parts if p]) or None

    def passing(self, s: Shape, x: str, dom: str) -> str:
        """The (document, x) pairs of *dom* that conform to *s*."""
        if s.deactivated:
            return dom
        fp = self.free_pass(s, x)
        if fp is not None:
            return self.proj(self.keys(x), f"{dom} {fp}")
        ff = self.free_fail(s, x)
        if ff is not None:
            return f"{{ {dom} MINUS {ff} }}" if ff else dom
        if s.path is None:  # node shape: narrow the domain constraint by constraint
            cur = dom
            for c in s.constraints:
                cur = self.passing_node(c, x, cur)
            for p in s.properties:
                cur = self.passing(p, x, cur)
            return cur
        f = self.fail(s, x, dom)
        return f"{{ {dom} MINUS {f} }}" if f else dom

    def passing_node(self, c: Constraint, x: str, dom: str) -> str:
        comp = c.component
        ok = self.ok(c, x)
        if ok is not None:
            return self.proj(self.keys(x), f"{dom} FILTER ({ok})")
        if comp == "NotConstraintComponent":
            return self.fail(c.param, x, dom) or self.empty(x)  # type: ignore[arg-type]
        if comp == "NodeConstraintComponent":
            return self.passing(c.param, x, dom)  # type: ignore[arg-type]
        if comp == "AndConstraintComponent":
            for m in c.param:  # type: ignore[union-attr]
                dom = self.passing(m, x, dom)
            return dom
        return self.proj(self.keys(x), " UNION ".join(self.passing(m, x, dom) for m in c.param))  # type: ignore[union-attr]

    def fail_node(self, c: Constraint, x: str, dom: str) -> str | None:
        """Pairs of *dom* whose node x itself fails *c* (a node shape's constraint, or one value node)."""
        comp = c.component
        ok = self.ok(c, x)
        if ok is not None:
            return self.proj(self.keys(x), f"{dom} FILTER (!{ok})")
        if comp == "NotConstraintComponent":
            return self.passing(c.param, x, dom)  # type: ignore[arg-type]
        if comp == "NodeConstraintComponent":
            return self.fail(c.param, x, dom)  # type: ignore[arg-type]
        if comp == "AndConstraintComponent":
            return self.union(x, [p for p in (self.fail(m, x, dom) for m in c.param) if p]) or None  # type: ignore[union-attr]
        if comp == "OrConstraintComponent":
            cur: str | None = dom
            for m in c.param:  # type: ignore[union-attr]
                cur = self.fail(m, x, cur)
                if cur is None:
                    return None
            return cur
        raise UnsupportedShape(f"{comp} on a node shape")  # pragma: no cover - read_shapes rejects these

    def value_failures(self, s: Shape, c: Constraint, x: str, dom: str | None, v: str) -> str | None:
        """(document, x, v) rows: value v of *s*'s path from x fails the value-level constraint *c*.
        Without *dom*: over all nodes (None when that is not expressible); NEVER: nothing can fail."""
        assert s.path is not None
        d = dom or ""
        vals = self.vals(x, s.path, v)
        comp = c.component
        ok = self.ok(c, v)
        if ok is not None:
            return f"{{ {d} {vals} FILTER (!{ok}) }}"
        if comp in _PAIR:
            o = self.fresh()
            other = self.vals(x, Path("pred", c.param), o)  # type: ignore[arg-type]
            op = _PAIR[comp]
            cmp = (f"IF({_string_like(v)} || {_string_like(o)}, {_string_like(v)} && {_string_like(o)} && "
                   f"STR({v}) {op} STR({o}), COALESCE({v} {op} {o}, false))")  # fmt: skip
            return f"{{ {d} {vals} {other} FILTER (!({cmp})) }}"
        if comp == "EqualsConstraintComponent":
            other = self.vals(x, Path("pred", c.param), v)  # type: ignore[arg-type]
            return f"{{ {d} {vals} MINUS {other} }} UNION {{ {d} {other} MINUS {vals} }}"
        if comp == "DisjointConstraintComponent":
            return f"{{ {d} {vals} {self.vals(x, Path('pred', c.param), v)} }}"  # type: ignore[arg-type]
        fv = self.free_fail_node(c, v) if self.free_ok(s.path) else None
        if fv is not None:
            return f"{{ {d} {vals} {fv} }}" if fv else NEVER
        if dom is None:
            return None
        vd = self.proj(self.keys(v), f"{dom} {vals}")
        bad = self.fail_node(c, v, vd)
        return f"{{ {dom} {vals} {bad} }}" if bad else NEVER

    def fail_count(self, s: Shape, c: Constraint, x: str, dom: str) -> str | None:
        """(document, x) pairs failing a count-like constraint of property shape *s*."""
        assert s.path is not None
        comp, v = c.component, self.fresh()
        vals = self.vals(x, s.path, v)

        def at_least(n: int, extra: str = "") -> str:
            if n <= 1 and not extra:
                return vals
            body = f"{dom} {vals} {extra}"
            if n <= 1:
                return self.proj(self.keys(x), body)
            return (f"{{ SELECT {self.keys(x)} WHERE {{ {body} }} GROUP BY {self.keys(x)} "
                    f"HAVING (COUNT(DISTINCT {v}) >= {n}) }}")  # fmt: skip

        if comp == "MinCountConstraintComponent":
            return None if c.param <= 0 else f"{{ {dom} MINUS {at_least(c.param)} }}"  # type: ignore[operator]
        if comp == "MaxCountConstraintComponent":
            return self.proj(self.keys(x), f"{dom} {at_least(c.param + 1)}")  # type: ignore[operator]
        if comp == "HasValueConstraintComponent":
            hv = self.proj(self.keys(x), self.scope.path(x, s.path, _n3(c.param), hash=True))
            return f"{{ {dom} MINUS {hv} }}"
        q, is_min, n = c.param  # type: ignore[misc]
        good = self.free_pass(q, v) if self.free_ok(s.path) else None
        if good is None:
            good = self.passing(q, v, self.proj(self.keys(v), f"{dom} {vals}"))
        if is_min:
            return None if n <= 0 else f"{{ {dom} MINUS {at_least(n, good)} }}"
        return self.proj(self.keys(x), f"{dom} {at_least(n + 1, good)}")

    def fail_constraint(self, s: Shape, c: Constraint, x: str, dom: str) -> str | None:
        if s.path is None:
            return self.fail_node(c, x, dom)
        ff = self.free_fail_value(s, c, x)
        if ff is not None:
            return self.proj(self.keys(x), f"{dom} {ff}") if ff else None
        if c.component in _NO_VALUE:
            return self.fail_count(s, c, x, dom)
        rows = self.value_failures(s, c, x, dom, self.fresh())
        return self.proj(self.keys(x), rows) if rows else None

    # ───────────── result queries ─────────────

    def focus(self, s: Shape, x: str) -> str:
        """SELECT DISTINCT (document, x) over the targets of *s*."""
        layout, scope = self.scope.layout, self.scope
        branches, loose = [], False
        for cls in s.target_classes:
            for c in layout.subclasses(cls):
                locs = layout.where(str(RDF.type), c)
                branches.append(scope.path(x, Path("pred", str(RDF.type)), f"<{c}>"))
                loose |= "D" in locs
        for p in s.target_subjects_of:
            branches.append(scope.path(x, Path("pred", p), self.fresh()))
            loose |= "D" in layout.where(p)
        for p in s.target_objects_of:
            branches.append(scope.path(self.fresh(), Path("pred", p), x))
            loose |= "D" in layout.where(p)
        if s.target_nodes:
            branches.append(f"VALUES {x} {{ {' '.join(_n3(n) for n in s.target_nodes)} }}")
            loose = True
        body = " UNION ".join(f"{{ {b} }}" for b in branches)
        if loose and self.g:  # a focus node from the default graph is one in every document
            body += " " + scope.any_graph()
        return self.proj(self.keys(x), body)

    def results(self, s: Shape, x: str, dom: str) -> Iterator[CompiledQuery]:
        """One query per constraint of *s* (and of its property shapes) over the (document, x) pairs of *dom*."""
        if s.deactivated:
            return
        for c in s.constraints:
            if s.path is None:
                rows = self.fail_node(c, x, dom)
                if rows:
                    value = "none" if c.component in _NO_VALUE else "focus"
                    yield CompiledQuery(s, c.component, f"SELECT DISTINCT ({x} AS ?_jxf) WHERE {{ {rows} }}", value)
            elif c.component in _NO_VALUE:
                rows = self.fail_count(s, c, x, dom)
                if rows:
                    yield CompiledQuery(s, c.component, f"SELECT DISTINCT ({x} AS ?_jxf) WHERE {{ {rows} }}", "none")
            else:
                v = self.fresh()
                rows = self.value_failures(s, c, x, dom, v)
                if rows:
                    text = f"SELECT DISTINCT ({x} AS ?_jxf) ({v} AS ?_jxv) WHERE {{ {rows} }}"
                    yield CompiledQuery(s, c.component, text, "row")
        if s.path is None:
            for p in s.properties:
                yield from self.results(p, x, dom)
        elif s.properties:
            v = self.fresh()
            vd = self.proj(self.keys(v), f"{dom} {self.vals(x, s.path, v)}")
            for p in s.properties:
                yield from self.results(p, v, vd)

    def queries(self, s: Shape) -> Iterator[CompiledQuery]:
        """Every query validating the targeted shape *s*."""
        x = self.fresh()
        dom = self.focus(s, x)
        yield from self.results(s, x, dom)
        for c in s.sparql:
            focus = self.focus(s, "?this")
            select = rewrite_select(c.select, c.prefixes, self.scope, focus)
            yield CompiledQuery(s, "SPARQLConstraintComponent", select.text, "sparql", select, c.messages)


def compile_queries(
    model: ShapeModel, layout: Layout, spanning: set[str]
) -> tuple[list[CompiledQuery], dict[NamedNode, Callable]]:
    """All queries for *model* on a store described by *layout* (shapes in *spanning* use the shared scope),
    and the custom SPARQL functions they call."""
    functions: dict[NamedNode, Callable] = {}
    patterns: dict[tuple[str, str], NamedNode] = {}
    counter = itertools.count(1)
    out: list[CompiledQuery] = []
    for sid in model.targeted:
        scope = SharedScope(layout, counter) if sid in spanning else DocumentScope(layout, counter)
        comp = _Compiler(scope, functions, patterns)
        try:
            out.extend(comp.queries(model.shapes[sid]))
        except UnsupportedShape as exc:
            msg = str(exc)
            if isinstance(exc, BadShape):
                msg = f"shape {model.shapes[sid].label}: {msg}"
            elif not msg.startswith("shape "):
                msg = f"shape {model.shapes[sid].label}: {msg}; {NOT_COMPILED}"
            raise UnsupportedShape(msg) from None
    return out, functions
