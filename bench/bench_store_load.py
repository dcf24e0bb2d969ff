"""Time pyoxigraph's bulk loader alone: load an N-Quads file into an empty on-disk store.

    .venv/bin/python bench/bench_store_load.py QUADS.nq [--batch-mb 20 | --batch-mb 0] [--store DIR]

Make the file with ``jxkg build CORPUS --out QUADS.nq``.  ``--batch-mb 20`` feeds the loader the way
``jxkg build --store`` does (``kg.build.store``: about 20 MB of N-Quads per ``bulk_load`` call);
``--batch-mb 0`` loads the whole file in one call.  Prints wall time, CPU time (user + sys of this
process, the loader's threads included), peak RSS and the quad count, as one JSON object: the store's
share of a build, measured apart from reading, parsing and linking.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from pyoxigraph import RdfFormat, Store


def load(quads: Path, store_dir: Path, batch_bytes: int) -> dict:
    """Bulk-load *quads* into a new store at *store_dir*; return the measurements."""
    if store_dir.exists():
        shutil.rmtree(store_dir)
    store = Store(str(store_dir))
    started = time.perf_counter()
    if batch_bytes <= 0:
        store.bulk_load(path=str(quads), format=RdfFormat.N_QUADS)
    else:
        buf: list[bytes] = []
        size = 0
        with open(quads, "rb") as f:
            for line in f:
                buf.append(line)
                size += len(line)
                if size >= batch_bytes:
                    store.bulk_load(b"".join(buf), format=RdfFormat.N_QUADS)
                    buf, size = [], 0
        if buf:
            store.bulk_load(b"".join(buf), format=RdfFormat.N_QUADS)
    store.flush()
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "file": str(quads),
        "batch_mb": batch_bytes / 1e6,
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mib": usage.ru_maxrss // 1024,
        "quads": len(store),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("quads", type=Path, help="an N-Quads file (jxkg build … --out x.nq)")
    ap.add_argument("--batch-mb", type=float, default=20.0, help="MB per bulk_load call; 0 = the whole file at once")
    ap.add_argument("--store", type=Path, default=None, help="store folder (default: a temporary one, removed after)")
    args = ap.parse_args()
    if not args.quads.is_file():
        ap.error(f"{args.quads}: no such file")
    tmp = None
    store_dir = args.store
    if store_dir is None:
        tmp = tempfile.mkdtemp(prefix="jxkg-load-")
        store_dir = Path(tmp) / "store"
    try:
        print(json.dumps(load(args.quads, store_dir, int(args.batch_mb * 1e6))))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
