"""Export stage on the hand-written fixture (tests/data/export_fixture.trig) in a real store."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.export.data import JXI, ExportError, load, open_store
from kg.export.filters import parse_where
from kg.export.views import VIEWS, build_view

FIXTURE = Path(__file__).parent / "data" / "export_fixture.trig"
FD150 = JXI + "wenhao/冀财社〔2022〕150号"
XH_UNIT = JXI + "unit/河北省/廊坊市/香河县/name/香河县人力资源和社会保障局"
XH_P1 = JXI + "project/001_aa14d432e829dc18.txt/1"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    """The fixture loaded into an on-disk Oxigraph store (what `jxkg build` leaves behind)."""
    path = tmp_path_factory.mktemp("export") / "store"
    st = ox.Store(str(path))
    st.bulk_load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    st.flush()
    del st
    return path


@pytest.fixture(scope="module")
def data(store_dir):
    return load(open_store(store_dir))


def export(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["export", *args])
    return res.exit_code, res.output


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_roundtrip_counts(store_dir, data, tmp_path, view, fmt):
    g = build_view(view, data, store=open_store(store_dir))
    assert g.number_of_nodes() > 0
    out = tmp_path / f"g.{fmt}"
    code, msg = export("--store", str(store_dir), "--format", fmt, "--view", view, "-o", str(out))
    assert code == 0, msg
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
    labels = {d["label"] for _, d in back.nodes(data=True)}
    assert {d["label"] for _, d in g.nodes(data=True)} == labels


def test_funding_view_chain(data):
    g = build_view("funding", data)
    assert g.nodes[FD150]["type"] == "funding" and g.nodes[FD150]["label"] == "冀财社〔2022〕150号"
    assert g.has_edge(FD150, XH_UNIT) and g.has_edge(XH_UNIT, XH_P1)
    assert g.nodes[XH_UNIT]["label"] == "香河县人力资源和社会保障局"
    sub = JXI + "unit/河北省/廊坊市/香河县/name/香河县就业服务中心"
    assert g.edges[FD150, sub]["weight"] == 120.5  # the sub-unit's project budget
    assert "weight" not in g.edges[FD150, XH_UNIT]  # project without a budget: no weight invented
    assert g.nodes[FD150]["unit_count"] == 2 and g.nodes[FD150]["project_count"] == 2
    # a project that only cites a document gets a cites edge, projects without 文号 stay out
    assert g.edges[JXI + "wenhao/冀人社规〔2019〕2号", XH_UNIT]["relation"] == "cites"
    assert JXI + "project/000_85e6e02dec5be085.txt/1" not in g


def test_units_view_counts(data):
    g = build_view("units", data)
    hebei = JXI + "region/河北省"
    assert g.nodes[hebei]["project_count"] == 5
    assert g.nodes[JXI + "region/河北省/廊坊市/香河县"]["project_count"] == 2
    handan = JXI + "unit/河北省/邯郸市/316001"
    assert g.has_edge(handan, JXI + "unit/河北省/邯郸市/316002")  # sub-unit under its parent
    assert g.nodes[JXI + "unit/河北省/邯郸市/316002"]["name_count"] == 2  # two names: a conflict shown


def test_concepts_view_shared_and_idiosyncratic(data):
    g = build_view("concepts", data)
    sat = "https://w3id.org/jxkg/concept/service-satisfaction"
    assert g.nodes[sat]["project_count"] == 4 and g.in_degree(sat) == 4
    assert g.nodes["unlinked:对就业起到积极作用"]["type"] == "unlinked"
    assert g.in_degree("unlinked:对就业起到积极作用") == 1


def test_full_view_folds_spans(data, store_dir):
    g = build_view("full", data, store=open_store(store_dir))
    assert not any(str(n).endswith(("L10-20", "L5-5")) for n in g)
    assert g.nodes[XH_P1]["source"] == "001_aa14d432e829dc18.txt:10-20"
    assert g.nodes[XH_P1 + "/ind/1/target"]["type"] == "target"


@pytest.mark.parametrize(
    "where, expect_projects",
    [
        (["region=香河县"], {"001_aa14d432e829dc18.txt/1", "001_aa14d432e829dc18.txt/2"}),
        (["region=河北省", "year=2020"], {"004_9ef801cc83c252a6.txt/1"}),
        (["year=2023,2020"], {"001_aa14d432e829dc18.txt/1", "001_aa14d432e829dc18.txt/2", "004_9ef801cc83c252a6.txt/1"}),
        (["unit=316001"], {"000_85e6e02dec5be085.txt/1", "000_85e6e02dec5be085.txt/2"}),
        (["unit=就业服务中心"], {"001_aa14d432e829dc18.txt/2", "004_9ef801cc83c252a6.txt/1"}),
        (["wenhao=冀财社【2022】145号"], {"001_aa14d432e829dc18.txt/2"}),
        (["doc=000_"], {"000_85e6e02dec5be085.txt/1", "000_85e6e02dec5be085.txt/2"}),
    ],
)
def test_where_filters(data, where, expect_projects):
    g = build_view("concepts", data, parse_where(where))
    got = {n[len(JXI + "project/"):] for n, t in g.nodes(data="type") if t == "project"}
    assert got == expect_projects


def test_where_errors_are_one_line(store_dir, tmp_path):
    for bad in ("colour=red", "year=23", "region"):
        code, msg = export("--store", str(store_dir), "-f", "graphml", "--where", bad, "-o", str(tmp_path / "x.graphml"))
        assert code == 2 and "Traceback" not in msg
        assert msg.strip().startswith("jxkg export: --where")
    with pytest.raises(ExportError):
        parse_where(["wenhao="])


def test_missing_store_and_bad_format(tmp_path):
    code, msg = export("--store", str(tmp_path / "nope"), "-f", "graphml", "-o", str(tmp_path / "x.graphml"))
    assert code == 2 and "no store here" in msg and "Traceback" not in msg
    code, msg = export("--store", str(FIXTURE), "-f", "png", "-o", str(tmp_path / "x.png"))
    assert code == 2 and "unknown format" in msg


def test_cyjs_structure(store_dir, data, tmp_path):
    out = tmp_path / "g.cyjs"
    assert export("--store", str(store_dir), "-f", "cyjs", "--view", "full", "-o", str(out))[0] == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    ids = [n["data"]["id"] for n in nodes]
    assert len(ids) == len(set(ids)) and all(isinstance(i, str) and i for i in ids)
    edge_ids = {e["data"]["id"] for e in edges}
    assert len(edge_ids) == len(edges) and not edge_ids & set(ids)
    assert all(e["data"]["source"] in set(ids) and e["data"]["target"] in set(ids) for e in edges)
    assert all(set(n) == {"data"} for n in nodes + edges)
    g = build_view("full", data, store=open_store(store_dir))
    assert (len(nodes), len(edges)) == (g.number_of_nodes(), g.number_of_edges())


def test_csv_and_dot(store_dir, data, tmp_path):
    g = build_view("funding", data)
    code, _ = export("--store", str(store_dir), "-f", "csv", "-o", str(tmp_path / "g.csv"))
    assert code == 0
    with (tmp_path / "g.nodes.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == g.number_of_nodes()
    assert {r["label"] for r in rows if r["type"] == "unit"} == {"香河县人力资源和社会保障局", "香河县就业服务中心", "邯郸市就业服务中心"}
    with (tmp_path / "g.edges.csv").open(encoding="utf-8-sig") as fh:
        edges = list(csv.DictReader(fh))
    assert len(edges) == g.number_of_edges() and {"source", "target", "relation", "weight"} <= set(edges[0])
    assert export("--store", str(store_dir), "-f", "dot", "-o", str(tmp_path / "g.dot"))[0] == 0
    dot = (tmp_path / "g.dot").read_text(encoding="utf-8")
    assert dot.startswith("digraph") and dot.count(" -> ") == g.number_of_edges()
    assert len(re.findall(r"^  \"[^\"]+\" \[label=", dot, flags=re.M)) == g.number_of_nodes()


def test_report_adds_finding_counts(store_dir, tmp_path):
    report = [
        {"severity": "Violation", "shape": "jxs:TargetShape", "message": "指标值缺少单位", "focus": XH_P1 + "/ind/1",
         "project": XH_P1, "document": "001_aa14d432e829dc18.txt", "line": 14, "value": "≥95"},
        {"severity": "Warning", "shape": "jxs:UnitShape", "message": "单位名称不一致", "focus": XH_UNIT,
         "project": None, "document": "001_aa14d432e829dc18.txt", "line": None, "value": None},
    ]
    rp = tmp_path / "report.json"
    rp.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "g.graphml"
    assert export("--store", str(store_dir), "-f", "graphml", "--report", str(rp), "-o", str(out))[0] == 0
    g = nx.read_graphml(out)
    assert g.nodes[XH_P1]["findings"] == 1 and g.nodes[XH_P1]["violations"] == 1
    assert g.nodes[XH_UNIT]["findings"] == 1 and g.nodes[XH_UNIT]["violations"] == 0
    assert g.nodes[FD150]["findings"] == 0
    full = tmp_path / "f.graphml"
    assert export("--store", str(store_dir), "-f", "graphml", "--view", "full", "--report", str(rp), "-o", str(full))[0] == 0
    f = nx.read_graphml(full)
    assert f.nodes[JXI + "doc/001_aa14d432e829dc18.txt"]["findings"] == 2  # named by file name
    assert f.nodes[XH_P1 + "/ind/1"]["findings"] == 1
    rp.write_text("{not json", encoding="utf-8")
    code, msg = export("--store", str(store_dir), "-f", "graphml", "--report", str(rp), "-o", str(out))
    assert code == 2 and f"{rp}:1: not valid JSON" in msg


def test_html_is_self_contained(store_dir, tmp_path):
    out = tmp_path / "g.html"
    code, msg = export("--store", str(store_dir), "-f", "html", "--view", "full", "-o", str(out))
    assert code == 0, msg
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, flags=re.I)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", html, flags=re.I)
    assert "@version 9.1.2" in html and "@license" in html  # vis-network inlined with its licence header
    assert "sourceMappingURL" not in html
    data = json.loads(re.search(r'<script type="application/json" id="jxkg-data">(.*?)</script>', html, re.S)[1])
    assert len(data["nodes"]) == int(re.search(r'data-nodes="(\d+)"', html)[1]) > 40
    titles = [f["title"] for f in data["figures"]]
    assert any("funding" in t for t in titles) and any("components" in t for t in titles)


def test_html_sources_option(store_dir, tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    (src / "001_aa14d432e829dc18.txt").write_text("\n".join(f"第{i}行" for i in range(1, 41)), encoding="utf-8")
    out = tmp_path / "g.html"
    assert export("--store", str(store_dir), "-f", "html", "--sources", str(src), "-o", str(out))[0] == 0
    html = out.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="jxkg-data">(.*?)</script>', html, re.S)[1])
    labels = [n[0] for n in data["nodes"]]
    p1 = labels.index("冀财社【2022]】150号关于提前下达2023年中央就业补助资金预算指标的通知")
    lines = data["sources"][str(p1)][0]["lines"]
    assert len(lines) == 11 and lines[0].endswith("第10行") and lines[-1].endswith("第20行")
