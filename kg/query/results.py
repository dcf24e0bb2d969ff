"""Write a :class:`~kg.query.engine.Result` out: tables for people, SPARQL result formats for programs.

``csv`` and ``tsv`` follow *SPARQL 1.1 Query Results CSV and TSV Formats*
(CSV: plain values; TSV: terms in N-Triples syntax); ``sparql-json`` and
``sparql-xml`` are the W3C JSON and XML result formats; the CLI's ``json`` is
a simpler ``{"columns": […], "rows": [{…}]}`` with numbers as JSON numbers.

>>> from pyoxigraph import Literal, NamedNode
>>> from kg.query.engine import Result
>>> r = Result("select", ["p", "n"], [[NamedNode("https://w3id.org/jxkg/id/x"), Literal("1.5", datatype=NamedNode(XSD + "decimal"))]])
>>> to_csv(r).splitlines()
['p,n', 'https://w3id.org/jxkg/id/x,1.5']
>>> to_simple_json(r)["rows"]
[{'p': 'https://w3id.org/jxkg/id/x', 'n': 1.5}]
>>> plain(r.rows[0][0], short=True)
'jxi:x'
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, serialize

from kg.query.engine import Result
from kg.query.params import PREFIXES, XSD, compact

_INTS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger")}
_NUMS = {XSD + t for t in ("decimal", "double", "float")}


def plain(term: Any, short: bool = False) -> str:
    """A term as plain text (IRIs optionally shortened with the project prefixes)."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact(term.value) if short else term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return term.value
    return str(term)


def py_value(term: Any) -> Any:
    """A term as a JSON-friendly Python value (numbers and booleans typed)."""
    if isinstance(term, Literal):
        dt = term.datatype.value if term.datatype else ""
        try:
            if dt in _INTS:
                return int(term.value)
            if dt in _NUMS:
                d = Decimal(term.value)
                return float(d)
        except (ValueError, ArithmeticError):
            return term.value
        if dt == XSD + "boolean":
            return term.value in ("true", "1")
    return plain(term)


def to_csv(r: Result) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if r.kind == "ask":
        w.writerow(["boolean"])
        w.writerow(["true" if r.boolean else "false"])
        return buf.getvalue()
    w.writerow(r.columns)
    for row in r.rows:
        w.writerow([plain(t) for t in row])
    return buf.getvalue()


def to_tsv(r: Result) -> str:
    if r.kind == "ask":
        return "?boolean\n" + ("true" if r.boolean else "false") + "\n"
    lines = ["\t".join(f"?{c}" for c in r.columns)]
    for row in r.rows:
        lines.append("\t".join("" if t is None else _tsv_term(t) for t in row))
    return "\n".join(lines) + "\n"


def _tsv_term(t: Any) -> str:
    return str(t).replace("\t", "\\t").replace("\n", "\\n")


def to_simple_json(r: Result) -> dict:
    if r.kind == "ask":
        return {"boolean": bool(r.boolean)}
    out = {"columns": r.columns, "rows": [{c: py_value(t) for c, t in zip(r.columns, row) if t is not None} for row in r.rows]}
    if r.truncated:
        out["truncated"] = True
    return out


def _json_binding(t: Any) -> dict:
    if isinstance(t, NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, BlankNode):
        return {"type": "bnode", "value": t.value}
    b: dict[str, str] = {"type": "literal", "value": t.value}
    if t.language:
        b["xml:lang"] = t.language
    elif t.datatype and t.datatype.value != XSD + "string":
        b["datatype"] = t.datatype.value
    return b


def to_sparql_json(r: Result) -> str:
    if r.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(r.boolean)})
    bindings = [{c: _json_binding(t) for c, t in zip(r.columns, row) if t is not None} for row in r.rows]
    return json.dumps({"head": {"vars": r.columns}, "results": {"bindings": bindings}}, ensure_ascii=False)


def to_sparql_xml(r: Result) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    if r.kind == "ask":
        out += ["</head>", f"<boolean>{'true' if r.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"<variable name={quoteattr(c)}/>" for c in r.columns]
    out += ["</head>", "<results>"]
    for row in r.rows:
        out.append("<result>")
        for c, t in zip(r.columns, row):
            if t is None:
                continue
            if isinstance(t, NamedNode):
                v = f"<uri>{escape(t.value)}</uri>"
            elif isinstance(t, BlankNode):
                v = f"<bnode>{escape(t.value)}</bnode>"
            elif t.language:
                v = f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
            elif t.datatype and t.datatype.value != XSD + "string":
                v = f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
            else:
                v = f"<literal>{escape(t.value)}</literal>"
            out.append(f"<binding name={quoteattr(c)}>{v}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def graph_bytes(r: Result, fmt: str = "turtle") -> bytes:
    """CONSTRUCT/DESCRIBE triples as Turtle (with the project prefixes) or N-Triples."""
    if fmt == "turtle":
        return serialize(r.triples, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    return serialize(r.triples, format=RdfFormat.N_TRIPLES) or b""
