"""Time `jxkg export` on generated corpora and the graph page in headless chromium.

    python bench/bench_export.py [N ...] [--work DIR] [--formats graphml,html] [--page-nodes 5000]

For each N (default 1000): generate N documents with bench/generate.py into DIR/cN (unless
present), build them with `jxkg build` into DIR/sN (unless present), then time every view
in every format (fresh process per export, as a user runs it; wall seconds and peak memory).
With chromium installed it also writes a synthetic funding-shaped page of --page-nodes nodes
and reports the time to the first drawing (the page's own data-draw-ms) and the whole
chromium run.  Nothing here is asserted; the numbers go to stdout as a table.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
JXKG = [PY, "-m", "kg.cli"]
VIEWS = ("funding", "units", "concepts")


def sh(args: list[str], **kw) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run *args*; return (wall seconds, peak RSS of children in MB, process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, **kw)
    secs = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return secs, max(peak, before) // 1024, proc


def corpus(n: int, work: Path) -> Path:
    docs, store = work / f"c{n}", work / f"s{n}"
    if not docs.is_dir():
        secs, _, proc = sh([PY, str(REPO / "bench" / "generate.py"), str(n), str(docs)])
        print(f"generated {n} documents in {secs:.1f} s", flush=True)
        if proc.returncode:
            sys.exit(proc.stderr)
    if not store.is_dir():
        secs, mb, proc = sh([*JXKG, "build", str(docs), "--store", str(store)])
        print(f"built {n} documents in {secs:.1f} s (peak {mb} MB): {proc.stderr.strip().splitlines()[-1:]}",
              flush=True)
    return store


def page_load(nodes: int, work: Path) -> None:
    sys.path.insert(0, str(REPO))
    from kg.export.browser import chromium, find_chromium
    from kg.export.html import write_html
    from kg.export.measures import components

    sys.path.insert(0, str(REPO / "tests"))
    from test_export_browser import synthetic  # the same generator the browser test uses

    if find_chromium() is None:
        print("chromium not installed: page-load measurement skipped (apt-get install chromium)")
        return
    g = synthetic(nodes)
    page = work / f"page_{nodes}.html"
    t0 = time.perf_counter()
    write_html(g, page, [components(g)])
    write_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as profile:
        dom, secs = chromium(page.as_uri(), Path(profile), dump_dom=True, budget_ms=60000, timeout=300)
    import re

    ms = re.search(r'data-draw-ms="(\d+)"', dom)
    drawn = re.search(r'data-drawn="(\d+)"', dom)
    print(f"page with {nodes} nodes / {g.number_of_edges()} edges: layout+write {write_s:.1f} s, "
          f"{page.stat().st_size / 1e6:.1f} MB; first drawing after {ms[1] if ms else '?'} ms in the page "
          f"(drawn nodes {drawn[1] if drawn else '?'}); whole chromium run {secs:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000])
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "jxkg-bench-export")
    ap.add_argument("--formats", default="graphml,gexf,cyjs,csv,html")
    ap.add_argument("--page-nodes", type=int, default=5000)
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    for n in a.sizes:
        store = corpus(n, a.work)
        print(f"\n{n} documents: view  format  seconds  peak-MB (highest child so far)  result", flush=True)
        for view in VIEWS:
            for fmt in a.formats.split(","):
                out = a.work / f"e{n}_{view}.{fmt}"
                secs, mb, proc = sh([*JXKG, "export", "--store", str(store), "-f", fmt, "--view", view, "-o", str(out)])
                last = (proc.stderr.strip().splitlines() or ["?"])[0]
                print(f"  {view:9} {fmt:8} {secs:7.1f}  {mb:7}  {last}", flush=True)
    if a.page_nodes:
        page_load(a.page_nodes, a.work)


if __name__ == "__main__":
    main()
