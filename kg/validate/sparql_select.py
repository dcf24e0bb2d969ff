"""Rewrite a SHACL-SPARQL ``sh:select`` so that one query validates every focus node of the store.

pySHACL runs a constraint's SELECT once per focus node with ``$this``
pre-bound, on that node's data graph.  :func:`rewrite_select` produces one
query instead: the focus nodes come first (a ``SELECT DISTINCT`` of
``?_jxg ?this`` pairs: document and focus node), so that every later
pattern sees ``?this`` bound as pre-binding would have it; every triple pattern of the
body is rewritten by a :class:`~kg.validate.sparql_scope.Scope` to read that
document's data graph, and ``GROUP BY`` gains ``?_jxg ?this`` so aggregates
still work per focus node and per document.  Expressions, ``FILTER``,
``BIND``, ``OPTIONAL``, ``UNION`` and ``(NOT) EXISTS`` are kept as written.

What pySHACL forbids in a SPARQL constraint (``MINUS``, ``VALUES``,
``SERVICE``) and what would change meaning per focus node (sub-SELECTs,
``GRAPH``, ``LIMIT``/``OFFSET``, aggregates without ``GROUP BY``,
``$currentShape``, ``$shapesGraph``, ``$PATH``) raises
:class:`~kg.validate.sparql_shapes.UnsupportedShape`.

One detail keeps messages identical to pySHACL's: a ``{?sum}`` in
``sh:message`` prints rdflib's lexical form of ``SUM``, which keeps trailing
zeros (0.25 + 0.75 = ``1.00``) where SPARQL engines print ``1``; each
``(SUM(…) AS ?v)`` also projects ``?_jxsum_v``, the same sum as rdflib writes
it (custom aggregate :data:`RDFLIB_SUM`, :class:`RdflibSum`).

>>> from pyoxigraph import Store
>>> from kg.validate.sparql_scope import DocumentScope, Layout
>>> focus = "{ SELECT DISTINCT ?_jxg ?this WHERE { GRAPH ?_jxg { ?this a <urn:C> } } }"
>>> q = rewrite_select("SELECT $this ?v WHERE { $this <urn:p> ?v FILTER (?v > 1) }", {},
...                    DocumentScope(Layout(Store())), focus)
>>> q.text
'SELECT ?this ?v WHERE { { SELECT DISTINCT ?_jxg ?this WHERE { GRAPH ?_jxg { ?this a <urn:C> } } } { SELECT * WHERE { GRAPH ?_jxg { ?this <urn:p> ?v } } } FILTER (?v > 1) }'
>>> q.projected, q.projects_this
(['v'], True)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode
from rdflib import Literal, URIRef
from rdflib.plugins.sparql.aggregates import type_safe_numbers
from rdflib.plugins.sparql.datatypes import type_promotion
from rdflib.plugins.sparql.operators import numeric
from rdflib.plugins.sparql.sparql import SPARQLError

from kg.query.lexer import tokens
from kg.validate.sparql_scope import Scope
from kg.validate.sparql_shapes import Path, UnsupportedShape

__all__ = ["Rewritten", "rewrite_select", "RDFLIB_SUM", "RdflibSum"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: Custom aggregate (pyoxigraph ``custom_aggregate_functions``): SUM as rdflib writes it.
RDFLIB_SUM = NamedNode("urn:jxkg:validate:rdflib-sum")

_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
_FORBIDDEN = {"MINUS": "MINUS", "VALUES": "VALUES", "SERVICE": "SERVICE", "GRAPH": "GRAPH", "FROM": "FROM",
              "LIMIT": "LIMIT", "OFFSET": "OFFSET", "BASE": "BASE"}  # fmt: skip
_PREBOUND = {"currentShape", "shapesGraph", "PATH"}  # pySHACL's names (case-sensitive; ?path is a result)


@dataclass
class Rewritten:
    """The rewritten query and what the result rows mean."""

    text: str
    projected: list[str] | None  # projected variable names (without this/path/value order kept); None for SELECT *
    projects_this: bool
    sum_texts: dict[str, str] = field(default_factory=dict)  # variable → variable holding rdflib's lexical sum
    aggregates: bool = False


class _Tokens:
    def __init__(self, text: str) -> None:
        self.toks: list[tuple[str, str]] = []
        for t in tokens(text):
            if t.kind == "other":
                raise UnsupportedShape(f"sh:select: cannot read the query at {text[t.start:t.start + 30]!r}")
            if t.kind != "comment":
                self.toks.append((t.kind, t.text))
        self.i = 0

    def peek(self, k: int = 0) -> tuple[str, str]:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else ("end", "")

    def word(self, k: int = 0) -> str:
        kind, text = self.peek(k)
        return text.upper() if kind == "word" else ""

    def take(self) -> tuple[str, str]:
        t = self.peek()
        self.i += 1
        return t

    def expect(self, text: str) -> None:
        kind, got = self.take()
        if got.upper() != text.upper():
            raise UnsupportedShape(f"sh:select: expected {text!r}, found {got or 'the end'!r}")


class _Rewriter:
    def __init__(self, text: str, prefixes: dict[str, str], scope: Scope) -> None:
        self.t = _Tokens(text)
        self.prefixes = dict(prefixes)
        self.scope = scope
        self.exact = False
        self.in_exists = 0
        for kind, tok in self.t.toks:
            if kind == "word" and tok.upper() in _FORBIDDEN:
                raise UnsupportedShape(f"sh:select uses {_FORBIDDEN[tok.upper()]}")
            if kind == "var" and tok[1:] in _PREBOUND:
                raise UnsupportedShape(f"sh:select uses the pre-bound variable {tok}")
            if kind == "word" and tok.upper() in _AGGREGATES:
                self.exact = True  # duplicates would change counts and sums

    # ───────────── terms and paths ─────────────

    def iri_of(self, kind: str, tok: str) -> str:
        if kind == "iri":
            return tok[1:-1]
        prefix, _, local = tok.partition(":")
        if prefix not in self.prefixes:
            raise UnsupportedShape(f"sh:select: undeclared prefix {prefix!r}")
        return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)

    def term(self) -> str:
        """One RDF term or variable (a blank node label becomes a variable)."""
        kind, tok = self.t.take()
        if kind == "var":
            return "?" + tok[1:]
        if kind in ("iri", "pname"):
            return f"<{self.iri_of(kind, tok)}>"
        if kind == "bnode":
            return "?_jxb_" + re.sub(r"\W", "_", tok[2:])
        if kind == "num" or (kind == "word" and tok.lower() in ("true", "false")):
            return tok
        if tok in ("+", "-") and self.t.peek()[0] == "num":
            return tok + self.t.take()[1]
        if kind == "string":
            out = tok
            if self.t.peek()[0] == "lang":
                out += self.t.take()[1]
            elif self.t.peek()[1] == "^^":
                self.t.take()
                k2, t2 = self.t.take()
                out += f"^^<{self.iri_of(k2, t2)}>"
            return out
        raise UnsupportedShape(f"sh:select: unexpected {tok or 'end'!r} where a term belongs")

    def path(self) -> Path:
        return self._path_list("|", self.path_seq, "alt")

    def path_seq(self) -> Path:
        return self._path_list("/", self.path_elt, "seq")

    def _path_list(self, sep: str, item: Callable[[], Path], kind: str) -> Path:
        """``item (sep item)*``: one element stays itself, several become a *kind* path."""
        parts = [item()]
        while self.t.peek()[1] == sep:
            self.t.take()
            parts.append(item())
        return parts[0] if len(parts) == 1 else Path(kind, parts=tuple(parts))

    def path_elt(self) -> Path:
        if self.t.peek()[1] == "^":
            self.t.take()
            return Path("inv", parts=(self.path_elt(),))
        kind, tok = self.t.take()
        if tok == "(":
            p = self.path()
            self.t.expect(")")
        elif tok == "!":
            p = Path("neg", iri="!" + self.negated())
        elif kind == "word" and tok == "a":
            p = Path("pred", RDF_TYPE)
        elif kind in ("iri", "pname"):
            p = Path("pred", self.iri_of(kind, tok))
        else:
            raise UnsupportedShape(f"sh:select: unexpected {tok or 'end'!r} in a property path")
        mod = self.t.peek()
        if mod[0] == "punct" and mod[1] in ("*", "+", "?"):
            self.t.take()
            p = Path({"*": "zeroOrMore", "+": "oneOrMore", "?": "zeroOrOne"}[mod[1]], parts=(p,))
        return p

    def negated(self) -> str:
        kind, tok = self.t.take()
        if tok == "(":
            items = [self.negated_one()]
            while self.t.peek()[1] == "|":
                self.t.take()
                items.append(self.negated_one())
            self.t.expect(")")
            return "(" + "|".join(items) + ")"
        self.t.i -= 1
        return self.negated_one()

    def negated_one(self) -> str:
        inv = ""
        if self.t.peek()[1] == "^":
            self.t.take()
            inv = "^"
        kind, tok = self.t.take()
        if kind == "word" and tok == "a":
            return inv + f"<{RDF_TYPE}>"
        return inv + f"<{self.iri_of(kind, tok)}>"

    # ───────────── triples ─────────────

    def starts_term(self) -> bool:
        kind, tok = self.t.peek()
        return kind in ("var", "iri", "pname", "bnode", "string", "num") or tok in ("[", "(") or (
            kind == "word" and tok.lower() in ("true", "false")
        )

    def node(self, out: list[tuple[str, Path, str]]) -> str:
        if self.t.peek()[1] == "[":
            self.t.take()
            v = self.scope.fresh("_jxb")
            if self.t.peek()[1] != "]":
                self.property_list(v, out)
            self.t.expect("]")
            return v
        if self.t.peek()[1] == "(":
            raise UnsupportedShape("sh:select uses an RDF collection ( … ) in a triple pattern")
        return self.term()

    def property_list(self, subject: str, out: list[tuple[str, Path, str]]) -> None:
        while True:
            kind, tok = self.t.peek()
            if kind == "var":
                self.t.take()
                verb = Path("var", iri="?" + tok[1:])
            else:
                verb = self.path()
            while True:
                out.append((subject, verb, self.node(out)))
                if self.t.peek()[1] != ",":
                    break
                self.t.take()
            if self.t.peek()[1] != ";":
                return
            while self.t.peek()[1] == ";":
                self.t.take()
            kind, tok = self.t.peek()
            if not (kind in ("var", "iri", "pname") or tok in ("^", "(", "!") or (kind == "word" and tok == "a")):
                return

    def triples_block(self) -> str:
        triples: list[tuple[str, Path, str]] = []
        while True:
            subject = self.node(triples)
            if not (self.t.peek()[1] in (".", "}") and subject.startswith("?_jxb")):
                self.property_list(subject, triples)
            if self.t.peek()[1] != ".":
                break
            self.t.take()
            if not self.starts_term():
                break
        hash_join = not self.in_exists  # inside EXISTS the solution binds the variables: lookups are cheap
        return " ".join(self.scope.path(s, p, o, exact=self.exact, hash=hash_join) for s, p, o in triples)

    # ───────────── groups and expressions ─────────────

    def group(self) -> str:
        """A ``{ … }`` group graph pattern, rewritten (returned without its braces)."""
        self.t.expect("{")
        if self.t.word() == "SELECT":
            raise UnsupportedShape("sh:select uses a sub-SELECT")
        out: list[str] = []
        while self.t.peek()[1] != "}":
            w = self.t.word()
            kind, tok = self.t.peek()
            if kind == "end":
                raise UnsupportedShape("sh:select: unbalanced braces")
            if w == "OPTIONAL":
                self.t.take()
                out.append("OPTIONAL { " + self.group() + " }")
            elif w == "FILTER":
                self.t.take()
                out.append("FILTER " + self.constraint())
            elif w == "BIND":
                self.t.take()
                out.append("BIND " + self.bracketed())
            elif tok == "{":
                alts = ["{ " + self.group() + " }"]
                while self.t.word() == "UNION":
                    self.t.take()
                    alts.append("{ " + self.group() + " }")
                out.append(" UNION ".join(alts) if len(alts) > 1 else alts[0])
            elif tok == ".":
                self.t.take()
            else:
                out.append(self.triples_block())
        self.t.expect("}")
        return " ".join(x for x in out if x)

    def constraint(self) -> str:
        """A FILTER/HAVING constraint: ( expr ), a built-in or function call, or (NOT) EXISTS { … }."""
        kind, tok = self.t.peek()
        if tok == "(":
            return self.bracketed()
        w = self.t.word()
        if w in ("EXISTS", "NOT"):
            return self.exists()
        self.t.take()
        name = tok if kind == "word" else f"<{self.iri_of(kind, tok)}>"
        return name + " " + self.bracketed()

    def exists(self) -> str:
        neg = ""
        if self.t.word() == "NOT":
            self.t.take()
            neg = "NOT "
        self.t.expect("EXISTS")
        self.in_exists += 1
        inner = self.group()
        self.in_exists -= 1
        return f"{neg}EXISTS {{ {inner} }}"

    def bracketed(self) -> str:
        """A parenthesised expression, copied (EXISTS groups rewritten, prefixed names expanded)."""
        self.t.expect("(")
        out, depth = ["("], 1
        while depth:
            kind, tok = self.t.peek()
            w = self.t.word()
            if kind == "end":
                raise UnsupportedShape("sh:select: unbalanced parentheses")
            if w == "EXISTS" or (w == "NOT" and self.t.word(1) == "EXISTS"):
                out.append(self.exists())
                continue
            self.t.take()
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
            if w == "AS" and self.t.peek()[1][1:].lower() == "this":
                raise UnsupportedShape("sh:select binds $this with AS")
            if w == "AS":
                out.append("AS")
            elif kind == "pname":
                out.append(f"<{self.iri_of(kind, tok)}>")
            elif kind == "var":
                out.append("?" + tok[1:])
            elif kind == "string" and self.t.peek()[1] == "^^":
                self.t.take()
                k2, t2 = self.t.take()
                out.append(f"{tok}^^<{self.iri_of(k2, t2)}>")
            else:
                out.append(tok)
        return _join(out)

    # ───────────── the query ─────────────

    def query(self, focus: str) -> Rewritten:
        t = self.t
        while t.word() == "PREFIX":
            t.take()
            _, pname = t.take()
            _, iri = t.take()
            self.prefixes[pname[:-1]] = iri[1:-1]
        t.expect("SELECT")
        head = ["SELECT"]
        if t.word() in ("DISTINCT", "REDUCED"):
            head.append(t.take()[1].upper())
        items: list[str] = []
        projected: list[str] | None = []
        sums: dict[str, str] = {}
        if t.peek()[1] == "*":
            t.take()
            items.append("*")
            projected = None
        else:
            while t.peek()[0] == "var" or t.peek()[1] == "(":
                if t.peek()[0] == "var":
                    name = t.take()[1][1:]
                    items.append("?" + name)
                    projected.append(name)
                    continue
                start = t.i
                expr = self.bracketed()
                name = t.toks[t.i - 2][1][1:]
                if t.toks[t.i - 3][1].upper() != "AS":
                    raise UnsupportedShape("sh:select: a projected expression without AS ?var")
                if name.lower() == "this":
                    raise UnsupportedShape("sh:select binds $this with AS")
                items.append(expr)
                projected.append(name)
                if _single_sum(t.toks[start + 1 : t.i - 3]):
                    body = expr[1:].rsplit(" AS ", 1)[0].strip()
                    sums[name] = f"_jxsum_{name}"
                    items.append(f"(<{RDFLIB_SUM.value}>{body[body.index('('):]} AS ?_jxsum_{name})")
        projects_this = projected is None or "this" in projected
        if projected is not None:  # ?this first (results need it even when pySHACL's rows would lack it)
            projected = [v for v in projected if v != "this"]
            items = ["?this"] + [i for i in items if i != "?this"]
        if t.word() == "WHERE":
            t.take()
        body = self.group()
        where = f"WHERE {{ {focus} {body} }}"
        tail: list[str] = []
        grouped = False
        if t.word() == "GROUP":
            t.take()
            t.expect("BY")
            grouped = True
            keys = [k for k in (self.scope.graph_var, "?this") if k]
            while t.peek()[0] == "var" or t.peek()[1] == "(" or t.peek()[0] in ("word", "pname", "iri"):
                if t.word() in ("HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"):
                    break
                if t.peek()[0] == "var":
                    v = "?" + t.take()[1][1:]
                    if v not in keys:
                        keys.append(v)
                elif t.peek()[1] == "(":
                    keys.append(self.bracketed())
                else:
                    keys.append(self.constraint())
            tail.append("GROUP BY " + " ".join(keys))
        if t.word() == "HAVING":
            t.take()
            conds = []
            while t.peek()[1] == "(" or (t.peek()[0] in ("word", "pname", "iri") and t.word() not in ("ORDER",)):
                conds.append(self.constraint())
            tail.append("HAVING " + " ".join(conds))
        if t.word() == "ORDER":  # the order of results does not matter: dropped
            t.take()
            t.expect("BY")
            while t.peek()[0] != "end":
                if t.peek()[1] == "(":
                    self.bracketed()
                else:
                    t.take()
        if t.peek()[0] != "end":
            raise UnsupportedShape(f"sh:select: unexpected {t.peek()[1]!r} after the query")
        aggregates = self.exact
        if aggregates and not grouped:
            raise UnsupportedShape("sh:select aggregates without GROUP BY")
        text = " ".join([*head, *items, where, *tail])
        return Rewritten(text, projected, projects_this, sums, aggregates)


def _join(parts: list[str]) -> str:
    """Expression tokens as text: ``f(a, b)`` spacing (pyoxigraph rejects ``COALESCE ( …``).

    >>> _join(["(", "COALESCE", "(", "?a", ",", "1", ")", "AS", "?b", ")"])
    '(COALESCE(?a, 1) AS ?b)'
    """
    out = ""
    for p in parts:
        if out and not (out.endswith("(") or p in (")", ",") or (p == "(" and re.search(r"[\w>]$", out))):
            out += " "
        out += p
    return out


def _single_sum(expr: list[tuple[str, str]]) -> bool:
    """Whether the tokens *expr* are exactly one ``SUM( … )`` call."""
    if len(expr) < 3 or expr[0][1].upper() != "SUM" or expr[1][1] != "(":
        return False
    depth = 0
    for i, (_, tok) in enumerate(expr[1:], 1):
        depth += tok == "("
        depth -= tok == ")"
        if depth == 0:
            return i == len(expr) - 1
    return False


def rewrite_select(select: str, prefixes: dict[str, str], scope: Scope, focus: str) -> Rewritten:
    """*select* rewritten to run over the whole store.  *focus* is a pattern whose solutions are the distinct
    (graph variable, ``?this``) pairs of the focus nodes (a ``SELECT DISTINCT`` sub-query)."""
    return _Rewriter(select, prefixes, scope).query(focus)


class RdflibSum:
    """Accumulator for :data:`RDFLIB_SUM`: the sum, typed and written as rdflib's SPARQL ``SUM`` writes it.

    >>> from pyoxigraph import Literal, NamedNode
    >>> acc = RdflibSum()
    >>> for lex in ("0.25", "0.75"):
    ...     acc.accumulate(Literal(lex, datatype=NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))
    >>> acc.finish().value
    '1.00'
    """

    def __init__(self) -> None:
        self.value: object = 0
        self.datatype: object = None
        self.ok = True

    def accumulate(self, term) -> None:  # type: ignore[no-untyped-def]
        if term is None or not self.ok:
            return
        if not isinstance(term, OxLiteral):
            self.ok = False
            return
        lit = Literal(term.value, datatype=URIRef(term.datatype.value))
        try:
            dt = lit.datatype if self.datatype is None else type_promotion(self.datatype, lit.datatype)
            self.value = sum(type_safe_numbers(self.value, numeric(lit)))
            self.datatype = dt
        except SPARQLError:  # a non-numeric value: rdflib's SUM fails too
            self.ok = False

    def finish(self) -> OxLiteral:
        if not self.ok:
            return OxLiteral("")
        v = self.value
        return OxLiteral(str(Literal(v, datatype=self.datatype)) if self.datatype is not None else str(v))
