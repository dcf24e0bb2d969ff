"""Catalogue answers on the seed corpus, checked against ../shared/corpus/gold.json.

The corpus is built once per session with `jxkg build` into a temporary store; every expected
figure is computed here from gold.json, not copied.
"""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal

import pytest
from pyoxigraph import Store

from kg.paths import QUERIES_DIR
from kg.query.catalog import load_catalog
from kg.query.engine import bind_params, run_local
from kg.query.results import plain

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


@pytest.fixture(scope="session")
def seed_store(corpus_dir, tmp_path_factory) -> Store:
    path = tmp_path_factory.mktemp("seed") / "store"
    proc = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(corpus_dir), "--store", str(path)],
        capture_output=True, text=True, timeout=600,
    )
    # exit 1 = input problems were reported but everything readable was built
    assert proc.returncode in (0, 1) and path.is_dir(), proc.stderr
    return Store.read_only(str(path))


def rows(store, name, **params):
    q = load_catalog(QUERIES_DIR)[name]
    r = run_local(store, q, bind_params(q, params))
    return [{c: t for c, t in zip(r.columns, row)} for row in r.rows]


def canonical(text: str) -> str:
    """文号 brackets as written (【】 [] （） and typos like 】]) → the canonical 〔〕."""
    text = re.sub(r"[【\[〔]+[\]】〕]*(?=\d)", "〔", text)
    return re.sub(r"(?<=\d)[】\]〕]+", "〕", text)


def test_projects_funded_by_150(seed_store, gold):
    number = "冀财社〔2022〕150号"
    expected = {
        (d["file"], i, p["name"])
        for d in gold["documents"]
        for i, p in enumerate(d["projects"], 1)
        if number in canonical(p["name"])
    }
    assert len(expected) == 1  # 香河县's table 17
    got = {(plain(r["file"]), int(plain(r["tableNumber"])), plain(r["projectName"])) for r in
           rows(seed_store, "funded-projects", fundingDoc=number)}
    assert got == expected


def test_budget_totals_per_document(seed_store, gold):
    by_file = {plain(r["file"]): r for r in rows(seed_store, "budget-by-document")}
    assert set(by_file) == {d["file"] for d in gold["documents"]}
    for d in gold["documents"]:
        budgets = [Decimal(str(p["budget_wan_yuan"])) for p in d["projects"] if p["budget_wan_yuan"] is not None]
        got = by_file[d["file"]]["budgetWanYuan"]
        if not budgets:
            assert got is None, d["file"]
            continue
        assert Decimal(got.value) == sum(budgets), d["file"]
        assert int(by_file[d["file"]]["budgetedProjects"].value) == len(budgets)
    # 004's project budgets add up to the 项目支出 its text states
    d004 = next(r for f, r in by_file.items() if f.startswith("004_"))
    assert Decimal(d004["budgetWanYuan"].value) == Decimal(d004["statedProjectSpending"].value)
    # 002's 合计 row equals the sum of its budgets (gold budget_total_wan_yuan)
    d002 = next(d for d in gold["documents"] if d["file"].startswith("002_"))
    assert Decimal(by_file[d002["file"]]["budgetWanYuan"].value) == Decimal(str(d002["budget_total_wan_yuan"]))


def test_004_projects_without_satisfaction(seed_store, gold):
    d004 = next(d for d in gold["documents"] if d["file"].startswith("004_"))
    expected = sorted(p["name"] for p in d004["projects"] if "满意度指标" not in p["first_level"])
    assert len(expected) == 10
    got = sorted(plain(r["projectName"]) for r in rows(seed_store, "projects-missing-category")
                 if plain(r["file"]) == d004["file"])
    assert got == expected


def test_distinct_funding_documents(seed_store, gold):
    expected = {n for d in gold["documents"] for n in d.get("funding_documents_distinct", [])}
    assert len(expected) == 12
    got = [plain(r["fundingDoc"]) for r in rows(seed_store, "funding-documents")]
    assert sorted(got) == sorted(expected)


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES_DIR.glob("*.rq")))
def test_every_query_runs_on_the_corpus(seed_store, name):
    q = load_catalog(QUERIES_DIR)[name]
    run_local(seed_store, q, bind_params(q, {}))
