"""The SPARQL engine: the shapes compiled to SPARQL SELECT queries, run on the pyoxigraph store itself.

``jxkg validate --engine sparql`` (the default) does not copy any document
into rdflib.  Each constraint of each targeted shape becomes one query that
finds the failing focus nodes of *every* document at once, then the rows
become the same :class:`~kg.validate.engine.RawResult` list pySHACL's report
gives (``tests/test_validate_sparql.py`` compares the two engines).

How the semantics are kept (pySHACL is the reference):

* **data graphs** — a per-document shape sees the document's named graph ∪
  the default graph (:class:`~kg.validate.sparql_scope.DocumentScope`, the
  document travels in ``?_jxg``); a spanning shape sees the shared-node
  triples of all graphs ∪ the default graph
  (:class:`~kg.validate.sparql_scope.SharedScope`).  When the default graph is
  empty, the engine validates an in-memory copy of the store with ``ontology/``
  loaded into it, as the pySHACL engine does with its data graphs;
* **focus nodes** — ``sh:targetClass`` (with the ``rdfs:subClassOf`` closure
  of the default graph), ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``,
  ``sh:targetNode``, as a ``SELECT DISTINCT ?_jxg ?x``;
* **constraints** — compiled set at a time by :mod:`kg.validate.sparql_compile`
  (one query per constraint, sub-queries that pyoxigraph hash-joins,
  ``sh:pattern`` through Python's ``re`` as in pySHACL);
* **sh:sparql** — rewritten by :mod:`kg.validate.sparql_select`; messages are
  filled in as pySHACL fills them.

* **results** — focus, source shape, severity, component, path, value and
  messages as :func:`kg.validate.engine.report_results` reads them from a
  pySHACL report; a shape without ``sh:message`` gets a short English message
  of its own (pySHACL's default wording is not copied).

Supported: see :data:`kg.validate.sparql_shapes.COMPONENTS`; anything else
stops with a one-line :class:`~kg.validate.engine.ValidationError`.

>>> from pyoxigraph import Store, RdfFormat
>>> from kg.paths import ROOT
>>> from kg.validate.engine import validate_store
>>> store = Store()
>>> store.load(path=str(ROOT / "tests/data/validate_fixture.trig"), format=RdfFormat.TRIG)
>>> results = validate_sparql(store)
>>> [r.key() for r in results] == [r.key() for r in validate_store(store, jobs=1)]
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, RdfFormat, Store
from rdflib import Literal as RdfLiteral

from kg.paths import ONTOLOGY_DIR
from kg.validate.engine import RawResult, ValidationError, _lang_of, _message_languages
from kg.validate.shapes import load_shapes, spanning_shapes
from kg.validate.sparql_compile import CompiledQuery, compile_queries
from kg.validate.sparql_scope import Layout
from kg.validate.sparql_select import RDFLIB_SUM, RdflibSum
from kg.validate.sparql_shapes import Shape, UnsupportedShape, read_shapes

__all__ = ["validate_sparql"]

XSD = "http://www.w3.org/2001/XMLSchema#"


# ───────────────────────────── rows → results ─────────────────────────────


def _ox_id(t) -> str:  # type: ignore[no-untyped-def]
    return f"_:{t.value}" if isinstance(t, BlankNode) else str(t.value)


def _ox_value(t) -> tuple | None:  # type: ignore[no-untyped-def]
    """The RawResult ``value`` of a pyoxigraph term (as engine._value writes rdflib's)."""
    if t is None:
        return None
    if isinstance(t, NamedNode):
        return ("iri", t.value)
    if isinstance(t, BlankNode):
        return ("bnode", "")
    lex, dt, lang = t.value, t.datatype.value, t.language or ""
    if lang or dt == XSD + "string":
        dt = ""  # rdflib reads plain and language-tagged literals without a datatype
    if dt == XSD + "decimal":
        try:
            lex = format(Decimal(lex).normalize(), "f")
        except ArithmeticError:
            pass
    return ("literal", lex, dt, lang)


def _messages(literals, templates) -> tuple[tuple[str, str], ...]:  # type: ignore[no-untyped-def]
    return tuple(sorted((m.language or _lang_of(str(m), templates), str(m)) for m in literals))


def _generic(component: str, shape: Shape) -> tuple[tuple[str, str], ...]:
    """An English message for a shape without sh:message (pySHACL writes its own wording)."""
    path = f" on {shape.result_path}" if shape.path is not None else ""
    return (("en", f"{component.replace('ConstraintComponent', '')} constraint not met{path}"),)


def _sparql_result(q: CompiledQuery, row, names: list[str], templates) -> RawResult:  # type: ignore[no-untyped-def]
    """One sh:sparql solution as pySHACL reports it; *names* are the projected variables in order.

    Messages are filled as pySHACL fills them: the other variables first, then ``this`` (only when the
    query projects it), ``path`` and ``value`` (the focus node when unbound), each with ``re.sub``; the
    language tag is then recovered from the template as :func:`~kg.validate.engine.report_results` does."""
    sel = q.select
    assert sel is not None
    focus = row["this"]
    fdict: dict[str, str] = {}
    for name in names:
        t = row[name]
        if name in ("this", "path", "value", "failure") or t is None:
            continue
        text = row[sel.sum_texts[name]] if name in sel.sum_texts else None
        fdict[name] = (text or t).value
    path, value = row["path"], row["value"] or focus
    if sel.projects_this:
        fdict["this"] = focus.value
    if path is not None:
        fdict["path"] = path.value
    fdict["value"] = value.value

    def fill(template: RdfLiteral) -> str:
        msg = str(template.value)
        for var, val in fdict.items():
            msg = re.sub("{{[?$]{}}}".format(var), val, msg)
        return msg

    own = list(q.shape.messages)
    texts = [fill(m) for m in (q.messages or []) if m not in own] + [fill(m) for m in own]
    return RawResult(
        focus=_ox_id(focus),
        shape=q.shape.id,
        severity=q.shape.severity,
        component=q.component,
        path=None if path is None else (path.value if isinstance(path, NamedNode) else "(path)"),
        value=_ox_value(value),
        messages=tuple(sorted((_lang_of(t, templates), t) for t in texts)),
    )


def _with_ontology(store: Store) -> Store:
    """An in-memory copy of *store* whose default graph holds the ontology/ files (it was empty)."""
    mem = Store()
    mem.bulk_extend(store.quads_for_pattern(None, None, None, None))
    for f in sorted(ONTOLOGY_DIR.glob("*.ttl")) if ONTOLOGY_DIR.is_dir() else []:
        mem.bulk_load(path=str(f), format=RdfFormat.TURTLE, to_graph=DefaultGraph())
    return mem


def validate_sparql(
    store: Store,
    shapes_dir: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[RawResult]:
    """Validate *store* with the shapes compiled to SPARQL; the sorted results pySHACL would report."""
    shapes = load_shapes(shapes_dir)
    try:
        model = read_shapes(shapes)
        layout = Layout(store)
        if layout.default_graph_empty():
            store = _with_ontology(store)
            layout = Layout(store)
        spanning = {str(s) for s in spanning_shapes(shapes)}
        queries, functions = compile_queries(model, layout, spanning)
    except UnsupportedShape as exc:
        raise ValidationError(str(exc)) from None
    templates = _message_languages(shapes)
    results: set[RawResult] = set()
    for i, q in enumerate(queries, 1):
        try:
            results.update(_run(store, q, functions, templates))
        except (SyntaxError, OSError, re.error) as exc:
            raise ValidationError(f"shape {q.shape.label} ({q.component}): the sparql engine failed: {exc}") from None
        if progress:
            progress(i, len(queries))
    return sorted(results)


def _run(store: Store, q: CompiledQuery, functions: dict, templates: list) -> Iterator[RawResult]:
    """The results of one compiled query."""
    rows = store.query(q.text, custom_functions=functions, custom_aggregate_functions={RDFLIB_SUM: RdflibSum})
    if q.select is not None:
        names = q.select.projected
        if names is None:  # SELECT *
            names = [v.value for v in rows.variables if not v.value.startswith("_jx")]  # type: ignore[union-attr]
        for row in rows:  # type: ignore[union-attr]
            yield _sparql_result(q, row, names, templates)
        return
    msgs = _messages(q.shape.messages, templates) if q.shape.messages else _generic(q.component, q.shape)
    for row in rows:  # type: ignore[union-attr]
        focus = row["_jxf"]
        value = None if q.value == "none" else focus if q.value == "focus" else row["_jxv"]
        yield RawResult(_ox_id(focus), q.shape.id, q.shape.severity, q.component, q.shape.result_path,
                        _ox_value(value), msgs)  # fmt: skip
