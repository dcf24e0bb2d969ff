"""Query parameters: declared in a query's header, bound as RDF terms.

A value given on the command line (``--param k=v``) or over HTTP is never
pasted into query text: it is turned into a pyoxigraph term of the declared
type, then either passed as a substitution to the embedded store or written
(serialised as an N-Triples term) into a ``VALUES`` block for an endpoint.

>>> to_term("string", 'a" } ; DROP ALL #')
<Literal value=a" } ; DROP ALL # datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
>>> str(to_term("decimal", "90"))
'"90"^^<http://www.w3.org/2001/XMLSchema#decimal>'
>>> str(to_term("iri", "jxcat:satisfaction"))
'<https://w3id.org/jxkg/category/satisfaction>'
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode

XSD = "http://www.w3.org/2001/XMLSchema#"

#: prefixes understood in IRI parameter values and used to shorten IRIs in tables
PREFIXES: dict[str, str] = {
    "jx": "https://w3id.org/jxkg/ontology#",
    "jxi": "https://w3id.org/jxkg/id/",
    "jxg": "https://w3id.org/jxkg/graph/",
    "jxcat": "https://w3id.org/jxkg/category/",
    "jxc": "https://w3id.org/jxkg/concept/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": XSD,
    "owl": "http://www.w3.org/2002/07/owl#",
}

TYPES = ("string", "integer", "decimal", "boolean", "iri")


class ParamError(ValueError):
    """A parameter value that cannot be bound (message says which and why)."""


def to_term(kind: str, value: str) -> NamedNode | Literal:
    """Turn the text *value* into an RDF term of parameter type *kind*."""
    if kind == "string":
        return Literal(value)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise ParamError(f"不是整数 (not an integer): {value!r}")
        return Literal(str(int(value)), datatype=NamedNode(XSD + "integer"))
    if kind == "decimal":
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise ParamError(f"不是数字 (not a number): {value!r}") from None
        if not d.is_finite():
            raise ParamError(f"不是数字 (not a number): {value!r}")
        return Literal(format(d, "f"), datatype=NamedNode(XSD + "decimal"))
    if kind == "boolean":
        v = value.strip().lower()
        if v not in ("true", "false", "1", "0"):
            raise ParamError(f"不是布尔值 (not true/false): {value!r}")
        return Literal("true" if v in ("true", "1") else "false", datatype=NamedNode(XSD + "boolean"))
    if kind == "iri":
        return NamedNode(expand_iri(value))
    raise ParamError(f"unknown parameter type {kind!r} (use one of {', '.join(TYPES)})")


def expand_iri(value: str) -> str:
    """``<…>``, an absolute IRI or a known prefixed name → an absolute IRI (validated).

    >>> expand_iri("jxi:project/a.txt/1")
    'https://w3id.org/jxkg/id/project/a.txt/1'
    """
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        v = v[1:-1]
    prefix, sep, local = v.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        v = PREFIXES[prefix] + local
    if not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", v):
        raise ParamError(f"不是 IRI (not an absolute IRI or known prefixed name): {value!r}")
    try:
        NamedNode(v)
    except ValueError as e:
        raise ParamError(f"不是合法的 IRI (invalid IRI) {value!r}: {e}") from None
    return v


def compact(iri: str) -> str:
    """Shorten *iri* with :data:`PREFIXES` where possible.

    >>> compact("https://w3id.org/jxkg/concept/x")
    'jxc:x'
    """
    best = ""
    for p, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = p
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri
