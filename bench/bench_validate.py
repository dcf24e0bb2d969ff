"""Benchmark `jxkg validate` against `jxkg build` on a generated corpus.

    python bench/bench_validate.py [--docs 10000] [--plain-docs 1000] [--engine pyshacl|turbo] [--jobs 2]
                                   [--workdir bench/out/validate] [--skip-plain]

1. generates N documents (bench/generate.py), builds them (`jxkg build`, timed);
2. validates the store sharded and in parallel (kg.validate.engine.validate_store, timed);
3. on the first --plain-docs documents, times one plain pySHACL run of all shapes over the whole graph
   (no sharding, no SPARQL parse cache) against the sharded run, and checks both give the same results.
Prints one JSON object with the times and speed-ups (the figures docs/validate.md quotes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _run(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def build(n: int, work: Path) -> tuple[Path, float]:
    corpus = work / f"corpus{n}"
    store = work / f"store{n}"
    if not (corpus / "manifest.json").is_file():
        _run([sys.executable, str(REPO / "bench/generate.py"), str(n), str(corpus)])
    if store.exists():
        subprocess.run(["rm", "-rf", str(store)], check=True)
    jxkg = str(Path(sys.executable).parent / "jxkg")
    seconds = _run([jxkg, "build", str(corpus), "--store", str(store)])
    return store, seconds


def plain_pyshacl(store_path: Path) -> tuple[float, int]:
    """One plain pySHACL call over the union graph, in a fresh process (no parse cache)."""
    code = (
        "import time,sys,pyshacl\n"
        "from kg.validate.engine import open_store,_union_nt,_graph,report_results\n"
        "from kg.validate.shapes import load_shapes\n"
        f"s=open_store({str(store_path)!r}); g=_graph(_union_nt(s)); sh=load_shapes()\n"
        "t=time.perf_counter(); c,r,_=pyshacl.validate(g,shacl_graph=sh,inference='none',inplace=True)\n"
        "d=time.perf_counter()-t; print(d, len(report_results(r, sh)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=REPO)
    seconds, count = out.stdout.split()
    return float(seconds), int(count)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--plain-docs", type=int, default=1_000)
    ap.add_argument("--engine", default="pyshacl")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--workdir", type=Path, default=REPO / "bench/out/validate")
    ap.add_argument("--skip-plain", action="store_true")
    a = ap.parse_args()
    from kg.validate.engine import open_store, validate_single, validate_store

    a.workdir.mkdir(parents=True, exist_ok=True)
    report: dict = {"engine": a.engine, "jobs": a.jobs}
    store, build_s = build(a.docs, a.workdir)
    t = time.perf_counter()
    results = validate_store(open_store(store), jobs=a.jobs, engine=a.engine)
    report.update(docs=a.docs, build_s=round(build_s, 1), validate_s=round(time.perf_counter() - t, 1),
                  results=len(results))  # fmt: skip
    report["validate_not_slower_than_build"] = report["validate_s"] <= report["build_s"]
    if not a.skip_plain:
        small, small_build = build(a.plain_docs, a.workdir)
        t = time.perf_counter()
        sharded = validate_store(open_store(small), jobs=a.jobs, engine=a.engine)
        sharded_s = time.perf_counter() - t
        plain_s, plain_n = plain_pyshacl(small)
        same = sharded == validate_single(open_store(small)) if a.engine == "pyshacl" else None
        report.update(plain_docs=a.plain_docs, plain_build_s=round(small_build, 1),
                      plain_pyshacl_s=round(plain_s, 1), plain_results=plain_n,
                      sharded_s=round(sharded_s, 1), sharded_results=len(sharded),
                      speedup=round(plain_s / sharded_s, 1), sharded_equals_single=same)  # fmt: skip
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
