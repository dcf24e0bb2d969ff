"""`bench/bench_query.py` end to end on a small on-disk store: the on-disk store, its in-memory copy
(``--memory``, what ``jxkg serve --in-memory`` answers from) and rdflib give the same rows, and the
report carries every figure the notes quote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from kg.query.engine import copy_to_memory

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "query_fixture.trig"
QUERIES = "funded-projects,budget-by-document,unit-hierarchy,target-spread"


def _disk_store(path: Path) -> Path:
    st = Store(str(path))
    st.load(path=str(FIXTURE), format=RdfFormat.TRIG)
    st.flush()
    del st
    return path


def test_copy_to_memory_keeps_every_quad(tmp_path):
    disk = Store.read_only(str(_disk_store(tmp_path / "store")))
    mem = copy_to_memory(disk)
    assert len(mem) == len(disk) > 0
    assert set(mem) == set(disk)
    assert set(mem.named_graphs()) == set(disk.named_graphs())


def test_bench_on_disk_in_memory_and_rdflib_agree(tmp_path):
    store = _disk_store(tmp_path / "store")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench_query.py"), "--store", str(store), "--rdflib", "--memory",
         "--repeat", "1", "--params", "auto", "--queries", QUERIES, "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (report,) = out.glob("query-*.json")
    summary = json.loads(report.read_text(encoding="utf-8"))
    n = len(QUERIES.split(","))
    assert summary["memory"] is True and summary["memory_load_s"] is not None
    assert summary["memory_identical"] == n
    assert summary["identical"] == n and summary["all_equal"] is True
    for q in summary["queries"]:
        assert q["oxigraph_status"] == q["memory_status"] == q["rdflib_status"] == "ok", q
        assert q["rows"] > 0, f"{q['query']} has no rows on the fixture"
        assert q["ratio"] > 0 and q["ratio_memory"] > 0
    assert summary["median_ratio"] > 0 and summary["median_ratio_memory"] > 0
    md = next(out.glob("query-*.md")).read_text(encoding="utf-8")
    assert "rdflib ÷ in memory" in md and "median speed-up over rdflib" in md
