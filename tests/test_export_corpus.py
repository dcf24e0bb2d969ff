"""Export on the seed corpus: `jxkg build` once per session into tmp, then every format.

The Cytoscape.js check installs the ``cytoscape`` npm package into a temp folder and loads
the exported JSON with node (skips when node/npm or the registry is unavailable).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.export.data import JXI, load, open_store
from kg.export.views import VIEWS, build_view

pytestmark = pytest.mark.corpus
FD150 = JXI + "wenhao/冀财社〔2022〕150号"


@pytest.fixture(scope="session")
def seed_store(corpus_dir, tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("seed") / "store"
    res = CliRunner().invoke(app, ["build", str(corpus_dir), "--store", str(store)])
    # exit 1 = input problems reported, everything readable still built
    assert res.exit_code in (0, 1) and store.is_dir(), res.output
    return store


@pytest.fixture(scope="session")
def seed_data(seed_store):
    return load(open_store(seed_store))


def export(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["export", *args])
    return res.exit_code, res.output


@pytest.mark.parametrize("view", [pytest.param(v, marks=pytest.mark.slow) if v == "full" else v for v in VIEWS])
def test_graphml_gexf_roundtrip(seed_store, seed_data, tmp_path, view):
    g = build_view(view, seed_data, store=open_store(seed_store))
    assert g.number_of_nodes() > 0 and g.number_of_edges() > 0
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"{view}.{fmt}"
        code, msg = export("--store", str(seed_store), "-f", fmt, "--view", view, "-o", str(out))
        assert code == 0, msg
        back = reader(out)
        assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges()), fmt


def test_funding_view_links_150_to_xianghe(seed_store, tmp_path):
    out = tmp_path / "funding.graphml"
    assert export("--store", str(seed_store), "-f", "graphml", "--view", "funding", "-o", str(out))[0] == 0
    g = nx.read_graphml(out)
    assert FD150 in g, "冀财社〔2022〕150号 missing from the funding view"
    units = {g.nodes[u]["label"]: u for u in g.successors(FD150)}
    assert "香河县人力资源和社会保障局" in units
    unit = units["香河县人力资源和社会保障局"]
    projects = [p for p in g.successors(unit) if g.nodes[p]["type"] == "project"]
    funded = [p for p in projects if "冀财社〔2022〕150号" in g.nodes[p].get("funding", "")]
    assert funded, "no project of 香河县人社局 carries 冀财社〔2022〕150号"
    assert any("150号" in g.nodes[p]["label"] for p in funded)


def test_filters_on_corpus(seed_data):
    from kg.export.filters import parse_where

    g = build_view("funding", seed_data, parse_where(["wenhao=冀财社【2022]】150号"]))
    assert FD150 in g and all(d.get("region", "").endswith("香河县") for _, d in g.nodes(data=True)
                              if d["type"] == "project")
    assert build_view("units", seed_data, parse_where(["region=邯郸市"])).number_of_nodes() > 0


@pytest.fixture(scope="session")
def cytoscape_dir(tmp_path_factory) -> Path:
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node/npm not installed: cannot load the JSON with Cytoscape.js (structure is checked in test_export.py)")
    folder = tmp_path_factory.mktemp("cyto")
    try:
        proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "cytoscape@3"], cwd=folder,
                              capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        pytest.skip("npm install cytoscape timed out (registry unreachable?)")
    if proc.returncode != 0 or not (folder / "node_modules" / "cytoscape").is_dir():
        pytest.skip(f"npm install cytoscape failed (registry unreachable?): {proc.stderr.strip()[-200:]}")
    return folder


LOADER = """
const cytoscape = require(process.argv[2]);
const fs = require('fs');
const doc = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const cy = cytoscape({ headless: true, elements: doc.elements });
const e = cy.getElementById(process.argv[4]);
console.log(JSON.stringify({ nodes: cy.nodes().length, edges: cy.edges().length,
                             label: e.length ? e.data('label') : null, degree: e.length ? e.degree() : null }));
"""


@pytest.mark.parametrize("view", ["funding", pytest.param("full", marks=pytest.mark.slow)])
def test_cyjs_loads_in_cytoscape(seed_store, seed_data, cytoscape_dir, tmp_path, view):
    out = tmp_path / f"{view}.cyjs"
    assert export("--store", str(seed_store), "-f", "cyjs", "--view", view, "-o", str(out))[0] == 0
    script = tmp_path / "load.js"
    script.write_text(LOADER, encoding="utf-8")
    proc = subprocess.run(["node", str(script), str(cytoscape_dir / "node_modules" / "cytoscape"), str(out), FD150],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    g = build_view(view, seed_data, store=open_store(seed_store))
    assert (got["nodes"], got["edges"]) == (g.number_of_nodes(), g.number_of_edges())
    assert got["label"] == "冀财社〔2022〕150号" and got["degree"] == g.degree(FD150)
