"""Run a query on the embedded pyoxigraph store or on a SPARQL 1.1 endpoint.

Both paths return the same :class:`Result` (rows of pyoxigraph terms), so the
output does not depend on where the query ran.

>>> from pyoxigraph import Store, Quad, NamedNode, Literal
>>> st = Store()
>>> st.add(Quad(NamedNode("http://e/a"), NamedNode("http://e/p"), Literal("x"), NamedNode("http://e/g")))
>>> q = parse_query_text("t", '# @param v string\\nSELECT ?s ?v WHERE { ?s <http://e/p> ?v }')
>>> r = run_local(st, q, bind_params(q, {"v": "x"}))
>>> r.columns, [str(t) for t in r.rows[0]]
(['s', 'v'], ['<http://e/a>', '"x"'])
>>> len(run_local(st, q, bind_params(q, {"v": "y"})).rows)
0
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, Store, Triple, Variable

from kg.query.catalog import QueryDef, parse_query_text
from kg.query.lexer import outer_where_brace, projected_variables
from kg.query.params import ParamError, to_term

Term = NamedNode | BlankNode | Literal


class QueryError(RuntimeError):
    """A query that could not run (bad syntax, store missing, endpoint error …)."""


@dataclass
class Result:
    """Rows of a SELECT, the answer of an ASK or the triples of a CONSTRUCT/DESCRIBE."""

    kind: str  # select | ask | graph
    columns: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)
    truncated: bool = False


def bind_params(q: QueryDef, given: dict[str, str]) -> dict[str, Term]:
    """Values for every declared parameter: given ones, else defaults; unknown names are errors."""
    for name in given:
        if q.param(name) is None:
            declared = ", ".join(p.name for p in q.params) or "none"
            raise ParamError(f"查询 {q.name} 没有参数 {name!r} (declared: {declared})")
    out: dict[str, Term] = {}
    for p in q.params:
        value = given.get(p.name, p.default)
        if value is None:
            raise ParamError(f"查询 {q.name} 需要参数 {p.name} (required parameter, type {p.kind})")
        try:
            out[p.name] = to_term(p.kind, value)
        except ParamError as e:
            raise ParamError(f"参数 {p.name}: {e}") from None
    return out


def inject_values(text: str, bindings: dict[str, Term]) -> str:
    """Query text with a ``VALUES`` block for *bindings* at the start of the outer WHERE group.

    The values are RDF terms serialised by pyoxigraph (N-Triples syntax), so a
    quote or brace inside a value stays inside its literal.

    >>> inject_values('SELECT ?x WHERE { ?s ?p ?x }', {"x": Literal('a" } #')})
    'SELECT ?x WHERE { VALUES (?x) { ("a\\\\" } #") } ?s ?p ?x }'
    """
    if not bindings:
        return text
    pos = outer_where_brace(text)
    names = " ".join(f"?{n}" for n in bindings)
    terms = " ".join(str(t) for t in bindings.values())
    return f"{text[: pos + 1]} VALUES ({names}) {{ ({terms}) }}{text[pos + 1 :]}"


def open_store(path: str | Path, read_only: bool = True) -> Store:
    """Open an on-disk store, with a one-line error when it is missing."""
    p = Path(path)
    if not p.is_dir():
        raise QueryError(f"{p}: 找不到图数据库 (no store here); build one with `jxkg build … --store {p}`")
    try:
        return Store.read_only(str(p)) if read_only else Store(str(p))
    except OSError as e:
        raise QueryError(f"{p}: 无法打开图数据库 (cannot open store): {e}") from None


#: RAM an in-memory copy takes per quad, measured: 413 bytes at 2.5 million quads, 354 at 25 million
BYTES_PER_QUAD = 420


def available_memory() -> int | None:
    """Bytes of RAM the kernel reports as available (``MemAvailable``), or None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def memory_shortfall(quads: int, available: int | None = None) -> str | None:
    """Why an in-memory copy of *quads* quads would not fit in *available* bytes (default: the
    kernel's ``MemAvailable``), or None when it fits or the available memory is unknown.

    >>> memory_shortfall(1000, available=2**30) is None
    True
    """
    if available is None:
        available = available_memory()
    need = quads * BYTES_PER_QUAD
    if available is None or need <= available:
        return None
    return (f"内存不足 (not enough memory): a copy of {quads:,} quads needs about "
            f"{need / 2**20:,.1f} MiB, {available / 2**20:,.1f} MiB available")


def copy_to_memory(store: Store, available: int | None = None) -> Store:
    """An in-memory pyoxigraph store holding every quad of *store*.

    Refuses (:class:`QueryError`) when the copy would not fit: about
    :data:`BYTES_PER_QUAD` per quad against *available* bytes (default: what the
    kernel reports), so a store too large for RAM gets a message, not the OOM killer.

    Queries on the copy read terms from RAM instead of RocksDB, which speeds up
    lookup-bound queries and slows down some scans and aggregates (docs/query.md has
    the figures).  The copy took 38 s and about 1 GB for 2.5 million quads.
    ``jxkg serve --in-memory`` uses it.

    >>> from pyoxigraph import Store, Quad, NamedNode
    >>> disk = Store()
    >>> disk.add(Quad(NamedNode("http://e/a"), NamedNode("http://e/p"), NamedNode("http://e/b"), NamedNode("http://e/g")))
    >>> mem = copy_to_memory(disk)
    >>> len(mem), list(mem.named_graphs())
    (1, [<NamedNode value=http://e/g>])
    >>> len(copy_to_memory(disk, available=2**20)), len(copy_to_memory(Store(), available=0))
    (1, 0)
    >>> disk.extend(Quad(NamedNode(f"http://e/{i}"), NamedNode("http://e/p"), NamedNode("http://e/b"),
    ...                  NamedNode("http://e/g")) for i in range(5000))
    >>> try:
    ...     copy_to_memory(disk, available=2**20)
    ... except QueryError as e:
    ...     print(e)
    内存不足 (not enough memory): a copy of 5,001 quads needs about 2.0 MiB, 1.0 MiB available
    """
    short = memory_shortfall(len(store), available)  # len() counts: about 9 s at 25 million quads on disk
    if short:
        raise QueryError(short)
    mem = Store()
    mem.bulk_extend(store.quads_for_pattern(None, None, None, None))
    return mem


def run_local(
    store: Store,
    q: QueryDef | str,
    bindings: dict[str, Term] | None = None,
    max_rows: int | None = None,
    union: bool = True,
    cancelled: Any = None,
) -> Result:
    """Run *q* on *store* (default graph = union of all graphs unless *union* is False).

    Parameters are passed as pyoxigraph ``substitutions`` when they are projected
    by the outer SELECT (pyoxigraph requires that); otherwise, and for other query
    forms, through an injected ``VALUES`` block. *cancelled* (a threading.Event)
    stops reading rows.
    """
    if isinstance(q, str):
        q = parse_query_text("query", q)
    bindings = bindings or {}
    text = q.text
    subs = None
    if bindings:
        projected = projected_variables(text)
        if projected is not None and all(n in projected for n in bindings):
            subs = {Variable(n): t for n, t in bindings.items()}
        else:
            text = inject_values(text, bindings)
    try:
        res = store.query(text, use_default_graph_as_union=union, substitutions=subs)
        return _collect(res, max_rows, cancelled)
    except SyntaxError as e:
        raise QueryError(f"{q.path or q.name}: SPARQL 语法错误 (syntax error): {e}") from None
    except (OSError, RuntimeError, ValueError) as e:
        raise QueryError(f"{q.path or q.name}: 查询失败 (query failed): {e}") from None


def _collect(res: Any, max_rows: int | None, cancelled: Any = None) -> Result:
    if isinstance(res, QueryBoolean):
        return Result("ask", boolean=bool(res))
    if isinstance(res, QuerySolutions):
        cols = [v.value for v in res.variables]
        out = Result("select", columns=cols)
        for sol in res:
            if cancelled is not None and cancelled.is_set():
                raise QueryError("查询已取消 (query cancelled: time limit)")
            if max_rows is not None and len(out.rows) >= max_rows:
                out.truncated = True
                break
            out.rows.append([sol[c] for c in cols])
        return out
    out = Result("graph")
    for t in res:
        if cancelled is not None and cancelled.is_set():
            raise QueryError("查询已取消 (query cancelled: time limit)")
        if max_rows is not None and len(out.triples) >= max_rows:
            out.truncated = True
            break
        out.triples.append(t)
    return out


def run_remote(url: str, q: QueryDef | str, bindings: dict[str, Term] | None = None, timeout: float = 120) -> Result:
    """Run *q* on a SPARQL 1.1 endpoint (POST, SPARQL JSON results); parameters go in a VALUES block."""
    if isinstance(q, str):
        q = parse_query_text("query", q)
    text = inject_values(q.text, bindings or {})
    data = urllib.parse.urlencode({"query": text}).encode("utf-8")
    req = urllib.request.Request(
        url,
        data=data,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            ctype = resp.headers.get("Content-Type", "")
            body = resp.read()
            truncated = resp.headers.get("X-JXKG-Truncated") is not None
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace").strip().splitlines()
        raise QueryError(f"{url}: HTTP {e.code}: {detail[0] if detail else e.reason}") from None
    except (urllib.error.URLError, OSError) as e:
        raise QueryError(f"{url}: 无法连接 SPARQL 端点 (cannot reach endpoint): {e}") from None
    if "n-triples" in ctype or "turtle" in ctype:
        from pyoxigraph import RdfFormat, parse

        fmt = RdfFormat.N_TRIPLES if "n-triples" in ctype else RdfFormat.TURTLE
        return Result("graph", triples=[qd.triple for qd in parse(body, format=fmt)], truncated=truncated)
    try:
        doc = json.loads(body)
    except ValueError:
        raise QueryError(f"{url}: 端点没有返回 SPARQL JSON (not SPARQL JSON results; got {ctype!r})") from None
    if "boolean" in doc:
        return Result("ask", boolean=bool(doc["boolean"]))
    cols = doc.get("head", {}).get("vars", [])
    rows = [[_json_term(b.get(c)) for c in cols] for b in doc.get("results", {}).get("bindings", [])]
    return Result("select", columns=cols, rows=rows, truncated=truncated)


def _json_term(b: dict | None) -> Term | None:
    """One SPARQL JSON binding → a pyoxigraph term."""
    if b is None:
        return None
    kind, value = b.get("type"), b.get("value", "")
    if kind == "uri":
        return NamedNode(value)
    if kind == "bnode":
        return BlankNode(value)
    if b.get("xml:lang"):
        return Literal(value, language=b["xml:lang"])
    if b.get("datatype"):
        return Literal(value, datatype=NamedNode(b["datatype"]))
    return Literal(value)
