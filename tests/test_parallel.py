"""Sharded builds (`jxkg build --jobs N`, `--scheduler`, `--shards`): same graph as a serial build, restartable.

The Dask test starts a real LocalCluster (2 worker processes on 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import build, stats
from kg.build.parallel import code_version, make_shard, shard_paths

pytestmark = pytest.mark.corpus

JXKG = [sys.executable, "-m", "kg.cli"]


@pytest.fixture(scope="module")
def serial_nq(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("serial") / "serial.nq"
    result = build([corpus_dir], out=out)
    assert result.documents == 5
    return out.read_bytes()


@pytest.mark.slow
def test_jobs_2_equals_serial_byte_for_byte(corpus_dir: Path, serial_nq: bytes, tmp_path: Path) -> None:
    out = tmp_path / "par.nq"
    proc = subprocess.run([*JXKG, "build", str(corpus_dir), "--out", str(out), "--jobs", "2"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == serial_nq
    # one complete shard per document, beside the output
    shards = sorted(p.name for p in (tmp_path / "par.nq.shards").glob("*.nq"))
    assert shards == sorted(f"{p.name}.nq" for p in corpus_dir.glob("*.txt"))
    assert "单位名称冲突" in proc.stderr  # the conflict report survives the merge


@pytest.mark.slow
def test_dask_local_cluster_equals_serial(corpus_dir: Path, serial_nq: bytes, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask distributed not installed (pip install dask distributed)")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
        out = tmp_path / "dask.nq"
        result = build([corpus_dir], out=out, scheduler=cluster.scheduler_address, shards=tmp_path / "shards")
    assert result.documents == 5 and not result.problems
    assert sorted(out.read_bytes().splitlines()) == sorted(serial_nq.splitlines())
    assert out.read_bytes() == serial_nq  # already sorted the same way


def test_store_build_with_jobs_matches_serial_store(corpus_files: list[Path], tmp_path: Path) -> None:
    files = corpus_files[:2]
    serial = stats(build(files, store=tmp_path / "a").store)
    sharded = stats(build(files, store=tmp_path / "b", shards=tmp_path / "shards").store)
    assert sharded == serial


def test_restart_skips_complete_unchanged_shards_and_rebuilds_changed(corpus_files: list[Path], tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for f in corpus_files[:2]:
        shutil.copy(f, src / f.name)
    shards = tmp_path / "shards"
    first = build([src], store=tmp_path / "st", shards=shards)
    assert first.documents == 2
    a, b = sorted(src.iterdir())
    # a shard whose JSON is missing (interrupted before it was complete) is made again
    shard_paths(shards, b.name)[1].unlink()
    before = shard_paths(shards, a.name)[0].stat().st_mtime_ns
    infos = {Path(i.path).name: i for i in (make_shard(str(p), str(shards)) for p in (a, b))}
    assert infos[a.name].reused and not infos[b.name].reused
    assert shard_paths(shards, a.name)[0].stat().st_mtime_ns == before
    # a changed source is rebuilt, even though its shard is complete
    with open(a, "a", encoding="utf-8") as fh:
        fh.write("\n")
    again = make_shard(str(a), str(shards))
    assert not again.reused
    meta = json.loads(shard_paths(shards, a.name)[1].read_text(encoding="utf-8"))
    assert meta["code"] == code_version() and meta["sha256"] == again.sha256


def test_restarted_store_build_keeps_one_copy(corpus_files: list[Path], tmp_path: Path) -> None:
    files = corpus_files[:2]
    st = tmp_path / "st"
    n1 = stats(build(files, store=st, shards=tmp_path / "sh").store)["triples"]
    n2 = stats(build(files, store=st, shards=tmp_path / "sh").store)["triples"]
    assert n1 == n2


def test_same_file_name_twice_is_reported_and_built_once(corpus_files: list[Path], tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(corpus_files[0], other / corpus_files[0].name)
    result = build([corpus_files[0], other / corpus_files[0].name], out=tmp_path / "x.nq", shards=tmp_path / "sh")
    assert result.documents == 1
    assert any("文件名与" in p.message for p in result.problems)


def test_unreadable_file_is_a_problem_and_the_rest_builds(corpus_files: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = build([corpus_files[0], bad], out=tmp_path / "x.nq", shards=tmp_path / "sh", jobs=2)
    assert result.documents == 1
    assert any(p.file.endswith("empty.txt") for p in result.problems)


def test_bad_scheduler_address_is_exit_2(corpus_files: list[Path], tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="Dask distributed not installed")
    proc = subprocess.run([*JXKG, "build", str(corpus_files[0]), "--out", str(tmp_path / "x.nq"),
                           "--scheduler", "tcp://127.0.0.1:1"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("jxkg build:")
