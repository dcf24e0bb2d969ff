"""Scale benchmark: serial vs ``--jobs N`` vs Dask builds, bulk load into Virtuoso and the embedded store, queries.

    python bench/bench_scale.py --sizes 10000[,100000] [--variants serial,jobs2,dask2,oxload,virtuoso,queries]
                                [--workdir /tmp/jxkg-bench] [--seed 0]

For each N (corpora from bench/generate.py, reused between runs):

- ``serial``: ``jxkg build CORPUS --store S`` (fresh store);
- ``jobs2``: ``jxkg build CORPUS --store S --jobs 2`` (fresh store and shards);
- ``dask2``: a Dask LocalCluster of 2 worker processes (1 thread each) started by ``dask scheduler`` /
  ``dask worker`` subprocesses, then ``jxkg build CORPUS --store S --scheduler tcp://127.0.0.1:PORT``;
- ``oxload`` / ``virtuoso``: the shards of the ``jobs2`` run (or ``--shards DIR``) bulk-loaded, as the build
  does it (kg.build's sinks), into a fresh embedded store and into a private Virtuoso
  (kg.build.virtuoso.LocalVirtuoso, 2 loader sessions): the load step alone;
- ``queries``: the whole catalogue on the embedded store and on Virtuoso (median and worst seconds).

Each step runs as a child process; wall time and peak RSS (largest process and process tree, including the
Dask workers and, for the load step, the Virtuoso server) are measured as in bench_build.py.  The table is
written to ``bench/out/scale-<date>.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))


def _bench_build():
    spec = importlib.util.spec_from_file_location("bench_build", HERE / "bench_build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BB = _bench_build()


def _rss_of(pid: int) -> int:
    return BB._tree_rss(pid)


def step(cmd: list[str], log: Path, extra_pids: list[int] = ()) -> dict:  # type: ignore[assignment]
    """Run *cmd* measured; *extra_pids* (a server, Dask workers) are sampled for peak RSS as well."""
    import threading

    peak_extra = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_extra
        while not done.wait(0.2):
            peak_extra = max(peak_extra, sum(_rss_of(p) for p in extra_pids))

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    r = BB.run_measured(cmd, log)
    done.set()
    t.join()
    r["peak_extra_rss_bytes"] = peak_extra
    return r


def build_step(n: int, corpus: Path, work: Path, variant: str, extra: list[str], pids: list[int] = (), store: str | None = None,
               shards: Path | None = None) -> dict:  # type: ignore[assignment]
    target = store or str(work / f"store-{n}-{variant}")
    if store is None:
        shutil.rmtree(target, ignore_errors=True)
    cmd = [*BB.jxkg_cmd(), "build", str(corpus), "--store", target, *extra]
    if shards is not None:
        cmd += ["--shards", str(shards)]
    print(f"N={n} {variant}: {' '.join(cmd[2:])}", file=sys.stderr, flush=True)
    r = step(cmd, work / f"scale-{n}-{variant}.log", pids)
    r.update(n=n, variant=variant, docs_per_s=n / r["wall_s"], target=target)
    return r


def dask_cluster(work: Path, workers: int = 2) -> tuple[str, list[subprocess.Popen]]:
    bindir = Path(sys.executable).parent
    port = BB_free_port()
    sched = subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                              "--no-dashboard"], stdout=open(work / "dask-scheduler.log", "wb"), stderr=subprocess.STDOUT)
    addr = f"tcp://127.0.0.1:{port}"
    procs = [sched]
    for i in range(workers):
        procs.append(subprocess.Popen([str(bindir / "dask"), "worker", addr, "--nworkers", "1", "--nthreads", "1",
                                       "--host", "127.0.0.1", "--no-dashboard", "--memory-limit", "0"],
                                      stdout=open(work / f"dask-worker{i}.log", "wb"), stderr=subprocess.STDOUT, cwd=REPO))
    from distributed import Client

    with Client(addr, timeout=60) as c:
        c.wait_for_workers(workers, timeout=120)
    return addr, procs


def BB_free_port() -> int:
    from kg.build.virtuoso import _free_port

    return _free_port()


QUERY_TIMEOUT = 300  # seconds per catalogue query; longer counts as failed


def queries(store_arg: str, work: Path, label: str) -> dict:
    """Seconds per catalogue query (each a `jxkg query` child process, start-up included)."""
    from kg.query.catalog import load_catalog
    from kg.paths import QUERIES_DIR

    times, failed = {}, []
    for name in load_catalog(QUERIES_DIR):
        t0 = time.perf_counter()
        try:
            p = subprocess.run([*BB.jxkg_cmd(), "query", name, "--store", store_arg, "-f", "csv"], capture_output=True,
                               cwd=REPO, timeout=QUERY_TIMEOUT)
            ok = p.returncode == 0
        except subprocess.TimeoutExpired:
            ok = False
        times[name] = time.perf_counter() - t0
        if not ok:
            failed.append(name)
    ok = [t for n, t in times.items() if n not in failed]
    return {"label": label, "times": times, "failed": failed, "median_s": statistics.median(ok) if ok else None,
            "worst_s": max(ok) if ok else None, "worst": max((n for n in times if n not in failed), key=times.get, default=None)}


def load_only(shard_dir: Path, target: str, loaders: int = 2) -> int:
    """Bulk-load every complete shard in *shard_dir* into *target* (a store folder or virtuoso:// URL).

    The load step alone, independent of the code version recorded in the shards (the build command would
    rebuild shards made by other code).  Run as a child: ``bench_scale.py --load-only SHARDS TARGET``.
    """
    from kg.build import _open_sink
    from kg.build.parallel import ONTOLOGY_SHARD

    sink = _open_sink(target, None, shard_dir, loaders)
    n = 0
    for meta_path in sorted(shard_dir.glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        nq = meta_path.with_suffix(".nq")
        if nq.name != ONTOLOGY_SHARD and nq.is_file():
            sink.put_shard(meta["file"], nq, meta["sha256"], meta["quads"], False)
            n += 1
    sink.finish()
    print(f"loaded {n} shards into {target}", file=sys.stderr)
    return 0


def load_step(n: int, shard_dir: Path, target: str, work: Path, variant: str, pids: list[int] = ()) -> dict:  # type: ignore[assignment]
    cmd = [sys.executable, str(HERE / "bench_scale.py"), "--load-only", str(shard_dir), target]
    print(f"N={n} {variant}: load {shard_dir} → {target}", file=sys.stderr, flush=True)
    r = step(cmd, work / f"scale-{n}-{variant}.log", pids)
    r.update(n=n, variant=variant, docs_per_s=n / r["wall_s"], target=target)
    return r


def markdown(rows: list[dict], qrows: list[dict], info: dict) -> str:
    mib = lambda b: f"{b / (1 << 20):.0f}"  # noqa: E731
    out = [f"`jxkg` scale benchmark, {info['date']}: {info['cpu']} ({info['cores']} cores), Python {info['python']}, "
           f"pyoxigraph {info['pyoxigraph']}, commit {info['commit']}.", "",
           "| N | step | wall s | docs/s | peak RSS MiB (largest / tree / server+workers) | exit |",
           "|---:|---|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['n']:,} | {r['variant']} | {r['wall_s']:.1f} | {r['docs_per_s']:.1f} | "
                   f"{mib(r['peak_rss_bytes'])} / {mib(r['peak_tree_rss_bytes'])} / {mib(r['peak_extra_rss_bytes'])} | {r['exit_code']} |")
    if qrows:
        out += ["", "| N | store | queries | median s | worst s (query) | failed |", "|---:|---|---:|---:|---:|---|"]
        for q in qrows:
            out.append(f"| {q['n']:,} | {q['label']} | {len(q['times'])} | {q['median_s'] or 0:.2f} | "
                       f"{q['worst_s'] or 0:.2f} ({q['worst']}) | {', '.join(q['failed']) or '-'} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000")
    ap.add_argument("--variants", default="serial,jobs2,dask2,virtuoso,oxload,queries")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/jxkg-bench"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--load-only", nargs=2, metavar=("SHARDS", "TARGET"), help=argparse.SUPPRESS)
    ap.add_argument("--shards", type=Path, default=None, help="shard folder for the load steps [WORKDIR/shards-N]")
    ap.add_argument("--embedded", type=Path, default=None, help="embedded store for the query step [WORKDIR/store-N-oxload]")
    args = ap.parse_args(argv)
    if args.load_only:
        return load_only(Path(args.load_only[0]), args.load_only[1])
    variants = set(args.variants.split(","))
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    qrows: list[dict] = []
    for n in [int(s.replace("_", "")) for s in args.sizes.split(",")]:
        corpus, _ = BB.corpus_for(n, args.workdir, args.seed)
        shards = args.shards or args.workdir / f"shards-{n}"
        if "serial" in variants:
            rows.append(build_step(n, corpus, args.workdir, "serial", []))
        if "jobs2" in variants:
            shutil.rmtree(shards, ignore_errors=True)
            rows.append(build_step(n, corpus, args.workdir, "jobs2", ["--jobs", "2"], shards=shards))
        if "dask2" in variants:
            addr, procs = dask_cluster(args.workdir)
            try:
                rows.append(build_step(n, corpus, args.workdir, "dask2", ["--scheduler", addr],
                                       pids=[p.pid for p in procs], shards=args.workdir / f"shards-{n}-dask"))
            finally:
                for p in reversed(procs):
                    p.terminate()
                    p.wait()
        if "oxload" in variants and shards.is_dir():
            # the jobs2 shards, bulk-loaded into a fresh embedded store (load step only)
            ox = args.workdir / f"store-{n}-oxload"
            shutil.rmtree(ox, ignore_errors=True)
            rows.append(load_step(n, shards, str(ox), args.workdir, "load: embedded"))
        vt = None
        if "virtuoso" in variants and shards.is_dir():
            from kg.build.virtuoso import LocalVirtuoso

            vdir = args.workdir / f"virtuoso-{n}"
            shutil.rmtree(vdir, ignore_errors=True)
            vt = LocalVirtuoso(vdir, dirs_allowed=[shards]).start()
            rows.append(load_step(n, shards, vt.url, args.workdir, "load: Virtuoso", pids=[vt.proc.pid]))
        try:
            if "queries" in variants:
                ox = args.embedded or args.workdir / f"store-{n}-oxload"
                if ox.is_dir():
                    qrows.append({"n": n, **queries(str(ox), args.workdir, "embedded (pyoxigraph)")})
                if vt is not None:
                    qrows.append({"n": n, **queries(vt.url, args.workdir, "Virtuoso 7.2")})
        finally:
            if vt is not None:
                vt.stop()
    info = {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), **BB.machine()}
    report = markdown(rows, qrows, info)
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"scale-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    stem.with_suffix(".md").write_text(report, encoding="utf-8")
    stem.with_suffix(".json").write_text(json.dumps({"machine": info, "builds": rows, "queries": qrows}, indent=1),
                                         encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
