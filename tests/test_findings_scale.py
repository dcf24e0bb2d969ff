"""kg.validate.findings.enrich on many document graphs: the same findings per document, and a
number of store queries that follows the findings (VALUES chunks), not the number of graphs.

The store holds K renamed copies of tests/data/validate_fixture.trig (every data IRI and graph
under ``c<k>/``, every file name prefixed ``c<k>_``), so each copy must yield exactly the
fixture's own findings.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store

import kg.validate.findings as findings
from kg.validate.engine import validate_store
from kg.validate.findings import enrich

DATA = Path(__file__).parent / "data"
ID = "https://w3id.org/jxkg/id/"
GRAPH = "https://w3id.org/jxkg/graph/"
SOURCES = ("validate_fx_a.txt", "validate_fx_b.txt")


def _fixture() -> Store:
    st = Store()
    st.load(path=str(DATA / "validate_fixture.trig"), format=RdfFormat.TRIG)
    return st


def _renamed(term, k: int):  # type: ignore[no-untyped-def]
    if isinstance(term, NamedNode):
        for ns in (ID, GRAPH):
            if term.value.startswith(ns):
                return NamedNode(f"{ns}c{k}/{term.value[len(ns):]}")
    if isinstance(term, Literal) and term.value in SOURCES:
        return Literal(f"c{k}_{term.value}", datatype=term.datatype)
    return term


def _copies(count: int) -> Store:
    """The fixture's default graph once, its document graphs *count* times."""
    st = Store()
    for q in _fixture():
        if isinstance(q.graph_name, DefaultGraph):
            st.add(q)
            continue
        for k in range(count):
            st.add(Quad(_renamed(q.subject, k), q.predicate, _renamed(q.object, k), _renamed(q.graph_name, k)))
    return st


def _sources(tmp_path: Path, count: int) -> Path:
    for k in range(count):
        for name in SOURCES:
            shutil.copy(DATA / name, tmp_path / f"c{k}_{name}")
    return tmp_path


def _back(rows: list[dict], k: int) -> list[dict]:
    """Rows of copy *k* with its renaming undone (also inside messages and texts)."""
    text = json.dumps(rows, ensure_ascii=False).replace(f"{ID}c{k}/", ID).replace(f"c{k}_validate_fx_", "validate_fx_")
    return json.loads(text)


def test_each_copy_gets_the_fixture_findings(tmp_path):
    fixture = _fixture()
    expected = [f.as_json() for f in enrich(fixture, validate_store(fixture, jobs=1), sources=[DATA])]
    assert any(r["text"] for r in expected) and any(r["project"] for r in expected)
    count = 4
    st = _copies(count)
    found = [f.as_json() for f in enrich(st, validate_store(st, jobs=1), sources=[_sources(tmp_path, count)])]
    assert len(found) == count * len(expected)
    for k in range(count):
        mine = [r for r in found if r["focus"].startswith(f"{ID}c{k}/")]
        assert _back(mine, k) == expected, f"copy {k}"


@pytest.fixture
def count_queries(monkeypatch):
    calls: list[str] = []
    real = findings._query

    def counting(store, q):  # type: ignore[no-untyped-def]
        calls.append(q)
        return real(store, q)

    monkeypatch.setattr(findings, "_query", counting)
    return calls


def test_queries_do_not_grow_with_documents(count_queries):
    made = {}
    for count in (1, 6):  # 6 copies: 12 document graphs, still one VALUES chunk of focus nodes
        st = _copies(count)
        results = validate_store(st, jobs=1)
        assert len({r.focus for r in results}) < findings._CHUNK
        count_queries.clear()
        enrich(st, results)
        made[count] = len(count_queries)
    assert made[1] == made[6], made
