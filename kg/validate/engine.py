"""Run the shapes: compiled to SPARQL on the store, per document graph in parallel, or all in one run.

:func:`validate_store` is what ``jxkg validate`` uses.  With ``engine="sparql"``
(the default of ``jxkg validate``) the shapes are compiled to SPARQL and run on
the store itself (:mod:`kg.validate.sparql`).  With the pySHACL engines, document graphs are
grouped into shards (each shard: its documents' triples plus the default
graph's ontology, categories and concepts), the per-document shapes run on
each shard in a process pool, and the shapes marked as spanning documents run
once on the shared nodes of all graphs.  :func:`validate_single` is the
reference: one plain pySHACL run of every shape over the union of all graphs.
Both return the same sorted list of :class:`RawResult` (a test checks it).

>>> from pyoxigraph import Store, RdfFormat
>>> from kg.paths import ROOT
>>> store = Store()
>>> store.load(path=str(ROOT / "tests/data/validate_fixture.trig"), format=RdfFormat.TRIG)
>>> results = validate_store(store, jobs=1)
>>> sorted({r.severity for r in results})
['Info', 'Violation', 'Warning']
>>> results == validate_single(store)
True
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
from decimal import Decimal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.paths import ONTOLOGY_DIR
from kg.validate.shapes import JX, SH, SHARED_CLASSES, ShapesError, load_shapes, scoped

__all__ = [
    "RawResult",
    "ValidationError",
    "ENGINES",
    "open_store",
    "validate_store",
    "validate_single",
    "report_results",
]

#: Validation engines: the shapes compiled to SPARQL (kg.validate.sparql), pySHACL (the reference) and
#: pyshacl-turbo (a Rust engine, when installed).
ENGINES = ("sparql", "pyshacl", "turbo")

#: Documents are grouped into shards of about this many triples (fewer, larger pySHACL runs).
SHARD_TRIPLES = 20_000


class ValidationError(Exception):
    """Validation itself failed (store missing, shapes unreadable, engine error)."""


@dataclass(frozen=True, order=True)
class RawResult:
    """One sh:ValidationResult, as plain strings (hashable, comparable, picklable).

    ``value`` is ``("iri", iri)``, ``("literal", lexical, datatype, lang)`` or None;
    ``messages`` holds ``(lang, text)`` pairs.
    """

    focus: str
    shape: str
    severity: str  # Violation | Warning | Info
    component: str  # e.g. MinCountConstraintComponent
    path: str | None
    value: tuple | None
    messages: tuple[tuple[str, str], ...] = ()

    def message(self, lang: str = "zh") -> str:
        for lg, text in self.messages:
            if lg == lang:
                return text
        return self.messages[0][1] if self.messages else ""

    def key(self) -> tuple:
        """What identifies a result when two runs are compared."""
        return (self.focus, self.shape, self.severity, self.component, self.path, self.value)


# ───────────────────────────── report graph → results ─────────────────────────────


def _term(t) -> str:  # type: ignore[no-untyped-def]
    return f"_:{t}" if isinstance(t, BNode) else str(t)


def _value(t) -> tuple | None:  # type: ignore[no-untyped-def]
    if t is None:
        return None
    if isinstance(t, Literal):
        lex = str(t)
        dt = str(t.datatype) if t.datatype else ""
        if dt == "http://www.w3.org/2001/XMLSchema#decimal":
            try:  # 100, 100.0 and 100.00 are one value
                lex = format(Decimal(lex).normalize(), "f")
            except ArithmeticError:
                pass
        return ("literal", lex, dt, t.language or "")
    if isinstance(t, BNode):
        return ("bnode", "")
    return ("iri", str(t))


def _guess_lang(text: str) -> str:
    """Language of a message whose tag the engine dropped (pySHACL does, after {?var} substitution).

    >>> _guess_lang("文件写明的合计 150 万元与项目预算数之和不符"), _guess_lang("The stated 合计 differs")
    ('zh', 'en')
    """
    chars = [c for c in text if not c.isspace()]
    cjk = sum(1 for c in chars if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
    return "zh" if chars and cjk * 3 >= len(chars) else "en"


def _message_languages(shapes: Graph | None) -> list[tuple[re.Pattern[str], str]]:
    """Each sh:message template of *shapes* as a regex, with its language tag."""
    out = []
    if shapes is None:
        return out
    for m in set(shapes.objects(None, SH.message)):
        if isinstance(m, Literal) and m.language:
            parts = re.split(r"\{[?$]\w+\}", str(m))
            out.append((re.compile("^" + ".*?".join(re.escape(p) for p in parts) + "$", re.S), m.language))
    return out


def _lang_of(text: str, templates: list[tuple[re.Pattern[str], str]]) -> str:
    for rx, lang in templates:
        if rx.match(text):
            return lang
    return _guess_lang(text)


def report_results(report: Graph, shapes: Graph | None = None) -> list[RawResult]:
    """The results of a SHACL validation report graph, sorted.

    pySHACL drops the language tag of a message after filling in ``{?var}``;
    given the *shapes*, the tag is recovered from the template it came from.
    """
    templates = _message_languages(shapes)
    out = []
    for r in report.objects(None, SH.result):
        path = report.value(r, SH.resultPath)
        msgs = tuple(
            sorted(
                (m.language or _lang_of(str(m), templates), str(m))
                for m in report.objects(r, SH.resultMessage)
                if isinstance(m, Literal)
            )
        )
        out.append(
            RawResult(
                focus=_term(report.value(r, SH.focusNode)),
                shape=_term(report.value(r, SH.sourceShape)),
                severity=str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                component=str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
                path=None if path is None else (str(path) if isinstance(path, URIRef) else "(path)"),
                value=_value(report.value(r, SH.value)),
                messages=msgs,
            )
        )
    return sorted(set(out))


# ───────────────────────────── engines ─────────────────────────────

_PATCHED = False


def cache_sparql_parsing() -> None:
    """Make rdflib parse each distinct SPARQL text once per process.

    pySHACL hands rdflib the same SHACL-SPARQL query text once per focus node,
    and rdflib parses it each time (about 0.2 s with pyparsing), which made
    parsing, not evaluation, the cost of every sh:sparql shape.  The cache keys
    on the text, base and namespace bindings and keeps the translated algebra,
    which rdflib's evaluator treats as read-only (as for ``prepareQuery``).
    Results are unchanged; ``bench/bench_validate.py --plain`` runs without it.
    """
    global _PATCHED
    if _PATCHED:
        return
    from functools import lru_cache

    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query

    @lru_cache(maxsize=512)
    def translated(text: str, base, ns: frozenset):  # type: ignore[no-untyped-def]
        return processor.translateQuery(processor.parseQuery(text), base, dict(ns))

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # type: ignore[no-untyped-def]
        if isinstance(strOrQuery, str):
            strOrQuery = translated(strOrQuery, base, frozenset((initNs or {}).items()))
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    _PATCHED = True



def _runner(engine: str, shapes: Graph) -> Callable[[Graph], list[RawResult]]:
    """A function validating one data graph with *shapes* on *engine*."""
    if engine == "pyshacl":
        import pyshacl

        cache_sparql_parsing()

        def run(data: Graph) -> list[RawResult]:
            _conforms, report, _text = pyshacl.validate(
                data,
                shacl_graph=shapes,
                inference="none",
                advanced=False,
                inplace=True,
                allow_infos=False,
                allow_warnings=False,
                meta_shacl=False,
                abort_on_first=False,
            )
            return report_results(report, shapes)

        return run
    if engine == "turbo":
        try:
            import pyshacl_turbo
        except ImportError:
            raise ValidationError("engine 'turbo' needs pyshacl-turbo (pip install pyshacl-turbo)") from None
        compiled = pyshacl_turbo.compile_shapes(shapes)

        def run_turbo(data: Graph) -> list[RawResult]:
            _conforms, report, _text = compiled.validate(data)
            return report_results(report, shapes)

        return run_turbo
    raise ValidationError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")


# ───────────────────────────── store access ─────────────────────────────


def open_store(path: str | os.PathLike[str]) -> Store:
    """Open a built store read-only (or copy a ``virtuoso://`` server's graphs, docs/scale.md);
    a clear :class:`ValidationError` when there is none."""
    from kg.build import server_copy

    if (copy := server_copy(path, ValidationError)) is not None:
        return copy
    p = Path(path)
    if not p.is_dir():
        raise ValidationError(f"{p}: no store here (run `jxkg build` first or give --store)")
    try:
        return Store.read_only(str(p))
    except OSError as exc:
        raise ValidationError(f"{p}: cannot open the store read-only: {exc}") from None


def _nt(store: Store, graph) -> bytes:  # type: ignore[no-untyped-def]
    return store.dump(format=RdfFormat.N_TRIPLES, from_graph=graph) or b""


def _ontology_nt(store: Store) -> bytes:
    """The default graph (ontology, categories, concepts); the ontology/ files when it is empty."""
    data = _nt(store, DefaultGraph())
    if data.strip():
        return data
    g = Graph()
    for f in sorted(ONTOLOGY_DIR.glob("*.ttl")) if ONTOLOGY_DIR.is_dir() else []:
        g.parse(f, format="turtle")
    return g.serialize(format="nt", encoding="utf-8")


def _document_graphs(store: Store) -> list[NamedNode]:
    return sorted((g for g in store.named_graphs() if isinstance(g, NamedNode)), key=lambda g: g.value)


def _shared_nt(store: Store) -> bytes:
    """Every triple about a shared node (units, regions, funding documents), from all graphs."""
    values = " ".join(f"<{c}>" for c in SHARED_CLASSES)
    q = (
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s a ?c . VALUES ?c { " + values + " } ?s ?p ?o } }"
    )
    from pyoxigraph import serialize

    return serialize(store.query(q), format=RdfFormat.N_TRIPLES) or b""


def _union_nt(store: Store) -> bytes:
    from pyoxigraph import serialize

    q = "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    return serialize(store.query(q), format=RdfFormat.N_TRIPLES) or b""


def _graph(*chunks: bytes) -> Graph:
    g = Graph()
    for c in chunks:
        if c:
            g.parse(data=c, format="nt")
    return g


# ───────────────────────────── worker processes ─────────────────────────────

_WORKER: dict = {}


def _init_worker(shapes_ttl: bytes, onto_nt: bytes, engine: str) -> None:
    shapes = Graph()
    shapes.parse(data=shapes_ttl, format="turtle")
    _WORKER["run"] = _runner(engine, shapes)
    _WORKER["onto"] = onto_nt


def _validate_shard(nt: bytes) -> list[RawResult]:
    return _WORKER["run"](_graph(_WORKER["onto"], nt))


def _shards(store: Store, graphs: list[NamedNode], target: int) -> Iterator[bytes]:
    """N-Triples of the document graphs, grouped into shards of about *target* triples."""
    buf: list[bytes] = []
    lines = 0
    for g in graphs:
        data = _nt(store, g)
        buf.append(data)
        lines += data.count(b"\n")
        if lines >= target:
            yield b"".join(buf)
            buf, lines = [], 0
    if buf:
        yield b"".join(buf)


def validate_store(
    store: Store,
    shapes_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    engine: str = "pyshacl",
    shard_triples: int = SHARD_TRIPLES,
    progress: Callable[[int, int], None] | None = None,
) -> list[RawResult]:
    """Validate *store*: with ``engine="sparql"`` by SPARQL queries on the store (*jobs* unused), else shard
    by shard with pySHACL or turbo (*jobs* processes; 1 = in this process)."""
    if engine == "sparql":
        from kg.validate.sparql import validate_sparql

        try:
            return validate_sparql(store, shapes_dir, progress=progress)
        except (ValidationError, ShapesError):
            raise
        except Exception as exc:  # an engine crash is a failed validation, not a finding
            raise ValidationError(f"validation failed: {type(exc).__name__}: {exc}") from exc
    shapes = load_shapes(shapes_dir)
    per_doc = scoped(shapes, spanning=False)
    spanning = scoped(shapes, spanning=True)
    onto = _ontology_nt(store)
    graphs = _document_graphs(store)
    jobs = jobs or min(os.cpu_count() or 1, 8)
    results: set[RawResult] = set()
    shards = _shards(store, graphs, shard_triples)
    first = [nt for _, nt in zip(range(2), shards)]  # peek: one shard is not worth a process pool
    done = 0
    try:
        if jobs <= 1 or len(first) < 2:
            _init_worker(per_doc.serialize(format="turtle", encoding="utf-8"), onto, engine)
            for nt in itertools.chain(first, shards):
                results.update(_validate_shard(nt))
                done += 1
                if progress:
                    progress(done, len(graphs))
        else:
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            with ctx.Pool(
                jobs,
                initializer=_init_worker,
                initargs=(per_doc.serialize(format="turtle", encoding="utf-8"), onto, engine),
            ) as pool:
                for part in pool.imap_unordered(_validate_shard, itertools.chain(first, shards)):
                    results.update(part)
                    done += 1
                    if progress:
                        progress(done, len(graphs))
        run = _runner(engine, spanning)
        results.update(run(_graph(onto, _shared_nt(store))))
    except ValidationError:
        raise
    except Exception as exc:  # an engine crash is a failed validation, not a finding
        raise ValidationError(f"validation failed: {type(exc).__name__}: {exc}") from exc
    return sorted(results)


def validate_single(store: Store, shapes_dir: str | Path | None = None, *, engine: str = "pyshacl") -> list[RawResult]:
    """Reference run: every shape, one engine call, over the union of all graphs."""
    if engine == "sparql":
        raise ValidationError("--single is the one-run reference of pyshacl or turbo; the sparql engine always "
                              "validates every document in one pass")
    shapes = load_shapes(shapes_dir)
    run = _runner(engine, shapes)
    return sorted(set(run(_graph(_union_nt(store)))))


def results_graph(results: Iterable[RawResult], shapes: Graph | None = None) -> Graph:
    """A standard ``sh:ValidationReport`` graph of *results* (paths copied from the shapes)."""
    from rdflib.collection import Collection  # noqa: F401  (path lists are copied triple by triple)

    g = Graph()
    g.bind("sh", SH)
    g.bind("jx", JX)
    report = BNode("report")
    g.add((report, RDF.type, SH.ValidationReport))
    results = list(results)
    g.add((report, SH.conforms, Literal(not any(r.severity == "Violation" for r in results))))
    for i, r in enumerate(results):
        node = BNode(f"r{i}")
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, URIRef(r.focus)))
        g.add((node, SH.resultSeverity, SH[r.severity]))
        g.add((node, SH.sourceConstraintComponent, SH[r.component]))
        shape = URIRef(r.shape) if not r.shape.startswith("_:") else BNode(r.shape[2:])
        g.add((node, SH.sourceShape, shape))
        if r.path and r.path != "(path)":
            g.add((node, SH.resultPath, URIRef(r.path)))
        elif r.path == "(path)" and shapes is not None:
            p = shapes.value(shape, SH.path)
            if p is not None:
                g.add((node, SH.resultPath, p))
                _copy_bnode_closure(shapes, p, g)
        if r.value is not None:
            if r.value[0] == "iri":
                g.add((node, SH.value, URIRef(r.value[1])))
            elif r.value[0] == "literal":
                _, lex, dt, lang = r.value
                g.add((node, SH.value, Literal(lex, lang=lang or None, datatype=URIRef(dt) if dt and not lang else None)))
        for lang, text in r.messages:
            g.add((node, SH.resultMessage, Literal(text, lang=lang or None)))
    return g


def _copy_bnode_closure(src: Graph, node, dst: Graph) -> None:  # type: ignore[no-untyped-def]
    todo, seen = [node], set()
    while todo:
        n = todo.pop()
        if n in seen or not isinstance(n, BNode):
            continue
        seen.add(n)
        for p, o in src.predicate_objects(n):
            dst.add((n, p, o))
            todo.append(o)
