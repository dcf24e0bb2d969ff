"""The build on the seed corpus: deterministic, idempotent, declared terms, provenance, conflicts.

Also the ``jxkg build`` / ``jxkg stats`` commands as a user runs them (a real subprocess).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import NamedNode, RdfFormat, parse

from kg.build import build, iri, stats
from kg.build.store import sorted_nquads
from kg.pipeline import process_paths

from kg.build.check import undeclared_terms

pytestmark = pytest.mark.corpus

JXKG = [sys.executable, "-m", "kg.cli"]
PREFIX = f"PREFIX jx: <{iri.JX}>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n"


@pytest.fixture(scope="module")
def corpus_build(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    messages: list[str] = []
    path = tmp_path_factory.mktemp("corpus") / "store"
    result = build([corpus_dir], store=path, echo=messages.append)
    return result, messages


def test_whole_corpus_builds(corpus_build, corpus_files: list[Path]) -> None:
    result, _ = corpus_build
    assert result.files == len(corpus_files)
    assert result.documents == len(corpus_files)
    docs = list(process_paths(corpus_files))
    counts = stats(result.store)
    assert counts["documents"] == len(docs)
    assert counts["projects"] == sum(len(d.projects) for d in docs)
    assert counts["indicators"] == sum(len(p.indicators) for d in docs for p in d.projects)
    assert counts["skipped_lines"] == sum(len(d.skipped) for d in docs)
    assert counts["triples"] == len(result.store)


def test_build_is_deterministic(corpus_dir: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    build([corpus_dir], out=a)
    build([corpus_dir], out=b)
    assert a.read_bytes() == b.read_bytes()
    # and two stores hold the same dataset as the file
    s1 = build([corpus_dir], store=tmp_path / "s1").store
    s2 = build(sorted(corpus_dir.glob("*.txt"), reverse=True), store=tmp_path / "s2").store
    assert sorted_nquads(s1) == sorted_nquads(s2) == sorted_nquads(parse(path=str(a), format=RdfFormat.N_QUADS))


def test_building_a_file_twice_leaves_one_copy(corpus_files: list[Path], tmp_path: Path) -> None:
    f = corpus_files[0]
    first = build([f], store=tmp_path / "s")
    n = len(first.store)
    del first
    again = build([f], store=tmp_path / "s")
    assert len(again.store) == n
    assert stats(again.store)["documents"] == 1


def test_every_term_used_is_declared(corpus_build) -> None:
    result, _ = corpus_build
    named = [q for q in result.store if isinstance(q.graph_name, NamedNode)]
    assert named
    assert undeclared_terms(named) == set()


def test_every_project_and_indicator_links_to_its_source_lines(corpus_build) -> None:
    result, _ = corpus_build
    q = """SELECT (COUNT(?x) AS ?n) WHERE { GRAPH ?g { { ?x a jx:Project } UNION { ?x a jx:Indicator }
             FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?s . ?s jx:startLine ?a ; jx:endLine ?b ; jx:inDisclosure ?d } } }"""
    (row,) = list(result.store.query(PREFIX + q))
    assert int(row["n"].value) == 0


def test_one_graph_per_document(corpus_build, corpus_files: list[Path]) -> None:
    result, _ = corpus_build
    graphs = {g.value for g in result.store.named_graphs()}
    assert graphs == {iri.doc_graph(f.name) for f in corpus_files}


def test_unit_418001_name_conflict_is_reported(corpus_build) -> None:
    result, messages = corpus_build
    (conflict,) = [c for c in result.conflicts if c.unit.endswith("/418001")]
    names = {n for n, _, _ in conflict.names}
    assert any(n.startswith("上海市") for n in names) and any(n.startswith("乌海市") for n in names)
    assert all(f.startswith("002_") and line for _, f, line in conflict.names)
    (msg,) = [m for m in messages if "418001" in m]
    assert msg.startswith("002_5953728db6ee8d06.txt:") and "单位名称冲突" in msg
    # kept as one unit
    q = 'SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { GRAPH ?g { ?u jx:unitCode "418001" } }'
    (row,) = list(result.store.query(PREFIX + q))
    assert int(row["n"].value) == 1


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run([*JXKG, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_cli_build_then_stats(corpus_dir: Path, tmp_path: Path) -> None:
    r = _run("build", str(corpus_dir), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "jxkg-store").is_dir()
    assert "built 5 of 5 files" in r.stdout
    s = _run("stats", "--json", cwd=tmp_path)
    assert s.returncode == 0, s.stderr
    counts = json.loads(s.stdout)
    for key in ("documents", "units", "projects", "indicators", "funding_documents", "triples", "skipped_lines"):
        assert isinstance(counts[key], int)
    assert counts["documents"] == 5
    table = _run("stats", cwd=tmp_path)
    assert table.returncode == 0 and "documents" in table.stdout


@pytest.mark.slow
def test_cli_bad_input_is_one_line_each_and_the_rest_builds(corpus_files: list[Path], tmp_path: Path) -> None:
    data = tmp_path / "in"
    data.mkdir()
    (data / "empty.txt").write_bytes(b"")
    (data / "binary.txt").write_bytes(bytes(range(256)) * 4)
    good = corpus_files[2]
    (data / good.name).write_bytes(good.read_bytes())
    r = _run("build", str(data), "--store", str(tmp_path / "s"), cwd=tmp_path)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert any(line.startswith("empty.txt") or "empty.txt:" in line for line in lines)
    assert any("binary.txt" in line for line in lines)
    s = _run("stats", "--json", "--store", str(tmp_path / "s"), cwd=tmp_path)
    assert json.loads(s.stdout)["documents"] == 1


@pytest.mark.slow
def test_cli_out_file_and_missing_store(corpus_files: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "g.trig"
    r = _run("build", str(corpus_files[0]), "--out", str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "jxkg-store").exists()
    g = rdflib.Dataset()
    g.parse(out, format="trig")
    assert len(g) > 100
    s = _run("stats", "--store", str(tmp_path / "nothing"), cwd=tmp_path)
    assert s.returncode == 2 and "no store" in s.stderr
