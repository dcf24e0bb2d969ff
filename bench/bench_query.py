"""Run the whole query catalogue on a built store and on the same quads in an rdflib Dataset.

    .venv/bin/python bench/bench_query.py --store DIR [--rdflib] [--repeat 3] [--timeout 300] [--rdflib-timeout 300]
        [--queries NAME,NAME] [--params default|auto]
    .venv/bin/python bench/bench_query.py --size 1000 [--workdir /tmp/jxkg-bench] [--rdflib] [--memory]

With ``--size N`` the corpus is generated (bench/generate.py, seed 0) and built (`jxkg build`) under
--workdir unless it is already there.  Every query runs with its default parameters, or with
``--params auto`` with values looked up in the store itself (bench/params/NAME.rq, see the README
there; a parameter without a lookup, or whose lookup finds nothing, keeps its default).  It runs on
pyoxigraph through ``substitutions`` (median of --repeat runs), on rdflib through the VALUES-injected
text that ``--endpoint`` sends, each in a forked child so that a query over the time limit can be
stopped.  With ``--memory`` every query also runs on an in-memory copy of the store (what
``jxkg serve --in-memory`` serves), timed the same way, and its rows are compared too.  Results are
compared as multisets of rows (numbers by value, GROUP_CONCAT lists as sets).
A Markdown and a JSON report go to bench/out/.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
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

from kg.query.catalog import QueryDef, load_catalog  # noqa: E402
from kg.query.engine import bind_params, copy_to_memory, inject_values, memory_shortfall, run_local  # noqa: E402

PARAMS_DIR = REPO / "bench" / "params"
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


def auto_params(store: Store, catalogue: dict[str, QueryDef]) -> dict[str, dict[str, tuple[str, str]]]:
    """For every query, ``{param: (value text, source)}`` with values looked up in *store*.

    The lookup for a parameter NAME is ``bench/params/NAME.rq`` (first column of its first row, run
    once per NAME); source says ``lookup bench/params/NAME.rq``, ``default (no lookup)`` or
    ``default (lookup found nothing)``.
    """
    found: dict[str, str | None] = {}
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for name, q in catalogue.items():
        chosen = {}
        for p in q.params:
            path = PARAMS_DIR / f"{p.name}.rq"
            if not path.is_file():
                chosen[p.name] = (p.default, "default (no lookup)")
                continue
            if p.name not in found:
                row = next(iter(store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)), None)
                found[p.name] = row[0].value if row is not None and row[0] is not None else None
            if found[p.name] is None:
                chosen[p.name] = (p.default, "default (lookup found nothing)")
            else:
                chosen[p.name] = (found[p.name], f"lookup bench/params/{p.name}.rq")
        out[name] = chosen
    return out


_DATASET = None  # the rdflib Dataset, inherited by forked children


def _rdflib_child(text: str, conn) -> None:
    try:
        # timed: the query and reading every row (as pyoxigraph's side reads every row into a list);
        # turning the rows into comparable tuples is left out of the time on both sides
        t0 = time.perf_counter()
        res = _DATASET.query(text)
        raw = list(res)
        secs = time.perf_counter() - t0
        names = [str(v) for v in res.vars]
        rows = [tuple(norm_rdflib(d.get(n)) for n in names) for d in (row.asdict() for row in raw)]
        conn.send(("ok", secs, rows))
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


def _oxigraph_child(store, q, bindings, repeat: int, conn) -> None:
    try:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            r = run_local(store, q, bindings)
            times.append(time.perf_counter() - t0)
        conn.send(("ok", times, [tuple(norm_oxigraph(t) for t in row) for row in r.rows]))
    except Exception as e:  # report any engine failure as a result, not a crash
        conn.send(("error", [], f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


def run_oxigraph(store, q, bindings, repeat: int, timeout: float) -> tuple[str, list[float], list | None]:
    """Median-of-*repeat* timing in a forked child, stopped after *timeout* seconds in all."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_oxigraph_child, args=(store, q, bindings, repeat, child))
    proc.start()
    child.close()
    if parent.poll(timeout * repeat):
        try:
            status, times, rows = parent.recv()
        except EOFError:
            status, times, rows = "error", [], None
        proc.join()
        return status, times, rows if status == "ok" else None
    proc.kill()
    proc.join()
    return "timeout", [], None


def main() -> None:
    global _DATASET
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path)
    ap.add_argument("--size", type=int)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/jxkg-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rdflib", action="store_true", help="also run every query on rdflib and compare")
    ap.add_argument("--rdflib-timeout", type=float, default=300.0)
    ap.add_argument("--timeout", type=float, default=300.0, help="per-query limit on pyoxigraph (s)")
    ap.add_argument("--queries", help="comma-separated catalogue names (default: all)")
    ap.add_argument("--params", choices=("default", "auto"), default="default",
                    help="parameter values: the catalogue defaults, or looked up in the store (bench/params/)")
    ap.add_argument("--memory", action="store_true",
                    help="also time every query on an in-memory copy of the store (jxkg serve --in-memory)")
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
    if args.memory and (short := memory_shortfall(triples)):
        ap.error(f"--memory: {short}")  # before the on-disk runs, not after them

    catalogue = load_catalog()
    if args.queries:
        wanted = args.queries.split(",")
        unknown = [n for n in wanted if n not in catalogue]
        if unknown:
            ap.error(f"unknown queries: {', '.join(unknown)}")
        catalogue = {n: catalogue[n] for n in wanted}
    if args.params == "auto":
        chosen = auto_params(store, catalogue)
    else:
        chosen = {name: {p.name: (p.default, "default") for p in q.params} for name, q in catalogue.items()}
    for name, ps in chosen.items():
        for pname, (value, source) in ps.items():
            print(f"  param    {name:28s} {pname} = {value}  ({source})", flush=True)
    results = []
    for name, q in catalogue.items():
        bindings = bind_params(q, {k: v for k, (v, _) in chosen[name].items()})
        status, times, rows = run_oxigraph(store, q, bindings, args.repeat, args.timeout)
        res = {"query": name, "params": {k: {"value": v, "source": src} for k, (v, src) in chosen[name].items()},
               "oxigraph_status": status, "oxigraph_s": statistics.median(times) if times else None,
               "oxigraph_runs_s": times, "rows": len(rows) if rows is not None else None,
               "_rows": rows, "_text": inject_values(q.text, bindings), "_bindings": bindings}
        results.append(res)
        shown = f"{1000 * res['oxigraph_s']:9.1f} ms" if times else f"{status} (> {args.timeout:g} s)"
        print(f"  oxigraph {name:28s} {shown}  {res['rows']} rows", flush=True)

    # The in-memory copy is made after the on-disk runs, so that it cannot slow them down.
    mem_load_s = mem_rss = None
    if args.memory:
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        memory = copy_to_memory(store)
        mem_load_s = time.perf_counter() - t0
        mem_rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) * 1024
        print(f"in-memory copy: {len(memory)} quads in {mem_load_s:.1f} s, peak RSS +{mem_rss / 2**20:.0f} MiB", flush=True)
        for res in results:
            mstatus, mtimes, mrows = run_oxigraph(memory, catalogue[res["query"]], res["_bindings"], args.repeat,
                                                  args.timeout)
            res["memory_status"] = mstatus
            res["memory_s"] = statistics.median(mtimes) if mtimes else None
            res["memory_runs_s"] = mtimes
            res["memory_equal"] = res["_rows"] is not None and mrows is not None and rows_key(res["_rows"]) == rows_key(mrows)
            shown = f"{1000 * res['memory_s']:9.1f} ms" if mtimes else f"{mstatus} (> {args.timeout:g} s)"
            print(f"  memory   {res['query']:28s} {shown}  same rows as on disk: {res['memory_equal']}", flush=True)
        del memory

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
            res["equal"] = res["ratio"] = res["ratio_memory"] = None
            res["ratio_lower_bound"] = False
            ox = res["oxigraph_s"]
            if status == "ok":
                if res["_rows"] is not None:
                    res["equal"] = rows_key(payload) == rows_key(res["_rows"])
                if ox:
                    res["ratio"] = secs / ox
                if res.get("memory_s"):
                    res["ratio_memory"] = secs / res["memory_s"]
            else:
                res["rdflib_error"] = payload if status == "error" else f"over {args.rdflib_timeout:g} s"
                if status == "timeout" and ox:
                    res["ratio"], res["ratio_lower_bound"] = args.rdflib_timeout / ox, True
                    if res.get("memory_s"):
                        res["ratio_memory"] = args.rdflib_timeout / res["memory_s"]
            ratio = f"{'≥' if res['ratio_lower_bound'] else ''}{res['ratio']:.1f}" if res["ratio"] else "—"
            print(f"  rdflib   {res['query']:28s} {status:8s} {1000 * secs:9.1f} ms  ratio "
                  f"{ratio}  equal {res['equal']}", flush=True)

    for res in results:
        res.pop("_rows"), res.pop("_text"), res.pop("_bindings")
    ox_times = [r["oxigraph_s"] if r["oxigraph_s"] is not None else float("inf") for r in results]
    med = statistics.median(ox_times)
    worst = max(results, key=lambda r: r["oxigraph_s"] if r["oxigraph_s"] is not None else float("inf"))
    ratios = [r["ratio"] for r in results if r.get("ratio")]
    mem_ratios = [r["ratio_memory"] for r in results if r.get("ratio_memory")]
    mem_times = [r["memory_s"] if r["memory_s"] is not None else float("inf") for r in results] if args.memory else []
    summary = {
        "store": str(store_path), "documents": docs, "quads": triples, "repeat": args.repeat, "params": args.params,
        "timeout_s": args.timeout, "rdflib_timeout_s": args.rdflib_timeout if args.rdflib else None,
        "median_oxigraph_s": med, "worst_query": worst["query"], "worst_oxigraph_s": worst["oxigraph_s"],
        "oxigraph_timeouts": sum(r["oxigraph_status"] != "ok" for r in results), "rdflib_load_s": load_s,
        "median_ratio": statistics.median(ratios) if ratios else None,
        "memory": args.memory, "memory_load_s": mem_load_s, "memory_rss_bytes": mem_rss,
        "median_memory_s": statistics.median(mem_times) if mem_times else None,
        "median_ratio_memory": statistics.median(mem_ratios) if mem_ratios else None,
        "memory_identical": sum(r.get("memory_equal") is True for r in results) if args.memory else None,
        "ratio_lower_bounds": sum(bool(r.get("ratio_lower_bound")) for r in results),
        "identical": sum(r.get("equal") is True for r in results) if args.rdflib else None,
        "different": [r["query"] for r in results if r.get("equal") is False] if args.rdflib else None,
        "all_equal": all(r.get("equal") for r in results) if args.rdflib else None,
        "empty_answers": [r["query"] for r in results if r["rows"] == 0],
        "machine": f"{platform.processor() or platform.machine()}, {mp.cpu_count()} cores, "
                   f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end",
        "queries": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"query-{docs}-{stamp}.json").write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
    lines = [f"Query catalogue on {docs} documents ({triples:,} quads), {datetime.now():%Y-%m-%d %H:%M}, "
             f"parameters: {args.params}", ""]
    for name, ps in chosen.items():
        for pname, (value, source) in ps.items():
            lines.append(f"- {name}: {pname} = `{value}` ({source})")
    mem_head = (" pyoxigraph in memory ms | rdflib ÷ in memory | in memory = on disk |", "---:|---:|---|") if args.memory else ("", "")
    lines += ["",
             f"| query | rows | pyoxigraph ms | rdflib ms | rdflib ÷ pyoxigraph | same result |{mem_head[0]}",
             f"|---|---:|---:|---:|---:|---|{mem_head[1]}"]
    for r in results:
        if r.get("rdflib_s"):
            rd = f"{1000 * r['rdflib_s']:.1f}"
        elif r.get("rdflib_status") == "timeout":
            rd = f"> {1000 * args.rdflib_timeout:.0f}"
        else:
            rd = r.get("rdflib_status") or "—"
        ratio = f"{'≥ ' if r.get('ratio_lower_bound') else ''}{r['ratio']:.1f}×" if r.get("ratio") else "—"
        ox = f"{1000 * r['oxigraph_s']:.1f}" if r["oxigraph_s"] is not None else f"{r['oxigraph_status']} (> {args.timeout:g} s)"
        rows = r["rows"] if r["rows"] is not None else "—"
        mem = ""
        if args.memory:
            mo = f"{1000 * r['memory_s']:.1f}" if r.get("memory_s") is not None else r.get("memory_status", "—")
            mr = f"{r['ratio_memory']:.1f}×" if r.get("ratio_memory") else "—"
            mem = f" {mo} | {mr} | {r.get('memory_equal')} |"
        lines.append(f"| {r['query']} | {rows} | {ox} | {rd} | {ratio} | {r.get('equal', '—')} |{mem}")
    lines += ["", f"Median pyoxigraph time: {1000 * med:.1f} ms; slowest: {worst['query']} "
              f"({'%.1f ms' % (1000 * worst['oxigraph_s']) if worst['oxigraph_s'] is not None else 'timeout'})."]
    if summary["empty_answers"]:
        lines.append(f"Queries with an empty answer: {', '.join(summary['empty_answers'])}.")
    if ratios:
        lines.append(f"Median speed-up over rdflib: {statistics.median(ratios):.1f}× over {len(ratios)} queries, "
                     f"{summary['ratio_lower_bounds']} of them lower bounds (rdflib over {args.rdflib_timeout:g} s); "
                     f"rdflib load {load_s:.1f} s; identical results: {summary['identical']} of {len(results)}"
                     f"{' (different: ' + ', '.join(summary['different']) + ')' if summary['different'] else ''}.")
    if args.memory:
        lines.append(f"In memory (jxkg serve --in-memory): copy {mem_load_s:.1f} s, peak RSS +{mem_rss / 2**20:.0f} MiB; "
                     f"median time {1000 * summary['median_memory_s']:.1f} ms; rows equal to the on-disk store's: "
                     f"{summary['memory_identical']} of {len(results)}"
                     + (f"; median speed-up over rdflib {summary['median_ratio_memory']:.1f}× over {len(mem_ratios)} queries."
                        if mem_ratios else "."))
    (args.out / f"query-{docs}-{stamp}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
