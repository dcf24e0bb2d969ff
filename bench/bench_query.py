"""Run the whole query catalogue on a built store and on the same quads in an rdflib Dataset.

    .venv/bin/python bench/bench_query.py --store DIR [--rdflib] [--repeat 3] [--rdflib-timeout 300]
    .venv/bin/python bench/bench_query.py --size 1000 [--workdir /tmp/jxkg-bench] [--rdflib]

With ``--size N`` the corpus is generated (bench/generate.py, seed 0) and built (`jxkg build`) under
--workdir unless it is already there.  Every query runs with its default parameters: on pyoxigraph
through ``substitutions`` (median of --repeat runs), on rdflib through the VALUES-injected text that
``--endpoint`` sends, in a forked child so that a query over the time limit can be stopped.  Results
are compared as multisets of rows (numbers by value, GROUP_CONCAT lists as sets).  A Markdown and a
JSON report go to bench/out/.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pyoxigraph import Literal, NamedNode, RdfFormat, Store  # noqa: E402

from kg.query.catalog import load_catalog  # noqa: E402
from kg.query.engine import bind_params, inject_values, run_local  # noqa: E402

NUMERIC = ("#decimal", "#integer", "#double", "#float", "#int", "#long")
SEP = " | "


def _norm_value(kind: str, value: str, datatype: str) -> tuple:
    if kind == "iri":
        return ("iri", value)
    if kind == "bnode":
        return ("bnode", "")
    if datatype.endswith(NUMERIC):
        try:
            return ("num", Decimal(value).quantize(Decimal("1e-9")).normalize())
        except ArithmeticError:
            return ("lit", value)
    if SEP in value:
        return ("list", tuple(sorted(value.split(SEP))))
    return ("lit", value)


def norm_oxigraph(term) -> tuple | None:
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return _norm_value("iri", term.value, "")
    if isinstance(term, Literal):
        return _norm_value("lit", term.value, term.datatype.value if term.datatype else "")
    return ("bnode", "")


def norm_rdflib(term) -> tuple | None:
    from rdflib import BNode, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return _norm_value("iri", str(term), "")
    if isinstance(term, BNode):
        return ("bnode", "")
    return _norm_value("lit", str(term), str(term.datatype or ""))


def rows_key(rows: list[tuple]) -> list[str]:
    return sorted(repr(r) for r in rows)


def ensure_store(size: int, workdir: Path) -> Path:
    corpus = workdir / f"corpus-{size}-seed0"
    store = workdir / f"store-{size}"
    if not corpus.is_dir():
        subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(size), str(corpus)], check=True)
    if not store.is_dir():
        subprocess.run([str(REPO / ".venv" / "bin" / "jxkg"), "build", str(corpus), "--store", str(store)])
    return store


_DATASET = None  # the rdflib Dataset, inherited by forked children


def _rdflib_child(text: str, conn) -> None:
    try:
        t0 = time.perf_counter()
        res = _DATASET.query(text)
        names = [str(v) for v in res.vars]
        rows = [tuple(norm_rdflib(d.get(n)) for n in names) for d in (row.asdict() for row in res)]
        conn.send(("ok", time.perf_counter() - t0, rows))
    except Exception as e:  # report any engine failure as a result, not a crash
        conn.send(("error", 0.0, f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


def run_rdflib(text: str, timeout: float) -> tuple[str, float, object]:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_child, args=(text, child))
    proc.start()
    child.close()
    if parent.poll(timeout):
        out = parent.recv()
        proc.join()
        return out
    proc.kill()
    proc.join()
    return ("timeout", timeout, None)


def main() -> None:
    global _DATASET
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path)
    ap.add_argument("--size", type=int)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/jxkg-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rdflib", action="store_true", help="also run every query on rdflib and compare")
    ap.add_argument("--rdflib-timeout", type=float, default=300.0)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    args = ap.parse_args()
    if args.store is None and args.size is None:
        ap.error("give --store DIR or --size N")
    store_path = args.store or ensure_store(args.size, args.workdir)
    store = Store.read_only(str(store_path))
    triples = len(store)
    docs = int(next(iter(store.query(
        "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/jxkg/ontology#Disclosure> }",
        use_default_graph_as_union=True)))["n"].value)
    print(f"store {store_path}: {docs} documents, {triples} quads", flush=True)

    catalogue = load_catalog()
    results = []
    for name, q in catalogue.items():
        bindings = bind_params(q, {})
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = run_local(store, q, bindings)
            times.append(time.perf_counter() - t0)
        rows = [tuple(norm_oxigraph(t) for t in row) for row in r.rows]
        results.append({"query": name, "oxigraph_s": statistics.median(times), "rows": len(rows),
                        "_rows": rows, "_text": inject_values(q.text, bindings)})
        print(f"  oxigraph {name:28s} {1000 * statistics.median(times):9.1f} ms  {len(rows)} rows", flush=True)

    load_s = None
    if args.rdflib:
        from rdflib import Dataset

        t0 = time.perf_counter()
        data = store.dump(format=RdfFormat.N_QUADS)
        _DATASET = Dataset(default_union=True)
        _DATASET.parse(data=data, format="nquads")
        load_s = time.perf_counter() - t0
        del data
        print(f"rdflib: loaded {len(_DATASET)} triples in {load_s:.1f} s", flush=True)
        for res in results:
            status, secs, payload = run_rdflib(res["_text"], args.rdflib_timeout)
            res["rdflib_status"] = status
            res["rdflib_s"] = secs if status == "ok" else None
            if status == "ok":
                res["equal"] = rows_key(payload) == rows_key(res["_rows"])
                res["ratio"] = secs / res["oxigraph_s"] if res["oxigraph_s"] > 0 else None
            else:
                res["equal"] = None
                res["ratio"] = None
                res["rdflib_error"] = payload if status == "error" else f"over {args.rdflib_timeout:g} s"
            print(f"  rdflib   {res['query']:28s} {status:8s} {1000 * secs:9.1f} ms  ratio "
                  f"{res['ratio'] and round(res['ratio'], 1)}  equal {res['equal']}", flush=True)

    for res in results:
        res.pop("_rows"), res.pop("_text")
    med = statistics.median(r["oxigraph_s"] for r in results)
    ratios = [r["ratio"] for r in results if r.get("ratio")]
    summary = {
        "store": str(store_path), "documents": docs, "quads": triples, "repeat": args.repeat,
        "median_oxigraph_s": med, "rdflib_load_s": load_s,
        "median_ratio": statistics.median(ratios) if ratios else None,
        "all_equal": all(r.get("equal") for r in results) if args.rdflib else None,
        "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "queries": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"query-{docs}-{stamp}.json").write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
    lines = [f"Query catalogue on {docs} documents ({triples:,} quads), {datetime.now():%Y-%m-%d %H:%M}", "",
             "| query | rows | pyoxigraph ms | rdflib ms | rdflib ÷ pyoxigraph | same result |", "|---|---:|---:|---:|---:|---|"]
    for r in results:
        rd = f"{1000 * r['rdflib_s']:.1f}" if r.get("rdflib_s") else (r.get("rdflib_status") or "—")
        ratio = f"{r['ratio']:.1f}×" if r.get("ratio") else "—"
        lines.append(f"| {r['query']} | {r['rows']} | {1000 * r['oxigraph_s']:.1f} | {rd} | {ratio} | {r.get('equal', '—')} |")
    lines += ["", f"Median pyoxigraph time: {1000 * med:.1f} ms."]
    if ratios:
        lines.append(f"Median speed-up over rdflib: {statistics.median(ratios):.1f}× (rdflib load {load_s:.1f} s); "
                     f"all results equal: {summary['all_equal']}.")
    (args.out / f"query-{docs}-{stamp}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
