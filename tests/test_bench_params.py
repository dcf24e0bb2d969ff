"""`bench/bench_query.py --params auto`: parameter values looked up in the store being measured
(bench/params/NAME.rq), on the hand-written fixture and on a built self-evaluation example."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store
from typer.testing import CliRunner

from kg.cli import app
from kg.query.catalog import load_catalog
from kg.query.engine import bind_params, run_local

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "query_fixture.trig"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_query", REPO / "bench" / "bench_query.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def bench():
    return _bench()


@pytest.fixture(scope="module")
def store() -> Store:
    st = Store()
    st.load(path=str(FIXTURE), format=RdfFormat.TRIG)
    return st


def _run(store: Store, name: str, values: dict[str, str]) -> list:
    q = load_catalog()[name]
    return run_local(store, q, bind_params(q, values)).rows


def test_lookups_pick_items_of_the_store(bench, store):
    chosen = bench.auto_params(store, load_catalog())
    # the fixture's only funding document, cited by two disclosures
    assert chosen["cited-by"]["fundingDoc"] == ("冀财社〔2022〕150号", "lookup bench/params/fundingDoc.rq")
    assert chosen["funded-projects"]["fundingDoc"][0] == "冀财社〔2022〕150号"
    # fc.txt/1 is the only project with a spending plan
    assert chosen["project-facts"]["project"] == (
        "https://w3id.org/jxkg/id/project/fc.txt/1", "lookup bench/params/project.rq")
    # no self-evaluation outcome in the fixture: the default stays, and the report says why
    assert chosen["targets_missed"]["year"] == ("0", "default (lookup found nothing)")
    assert chosen["satisfaction-below"]["threshold"] == ("90", "default (no lookup)")
    assert set(chosen) == set(load_catalog())


def test_looked_up_values_give_rows(bench, store):
    chosen = bench.auto_params(store, load_catalog())
    for name in ("cited-by", "funded-projects", "project-facts"):
        values = {k: v for k, (v, _) in chosen[name].items()}
        assert _run(store, name, values), f"{name} with {values} has no rows"


def test_year_lookup_on_a_self_evaluation_table(bench, examples_dir, tmp_path):
    path = tmp_path / "store"
    res = CliRunner().invoke(app, ["build", str(examples_dir / "layouts" / "16_self_evaluation.txt"), "--store", str(path)])
    assert res.exit_code == 0, res.output
    st = Store.read_only(str(path))
    chosen = bench.auto_params(st, {"targets_missed": load_catalog()["targets_missed"]})
    assert chosen["targets_missed"]["year"] == ("2022", "lookup bench/params/year.rq")
    assert len(_run(st, "targets_missed", {"year": "2022"})) == 2
