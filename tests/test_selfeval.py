"""Self-evaluation tables (绩效自评表): target, actual value, weight and score; the targets_missed query."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from kg.parse import parse
from kg.read import read_file

REPO = Path(__file__).resolve().parent.parent
JX = "https://w3id.org/jxkg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _doc(examples_dir):
    return parse(read_file(examples_dir / "layouts" / "16_self_evaluation.txt"))


def test_self_evaluation_records(examples_dir):
    (p,) = _doc(examples_dir).projects
    assert p.table_kind == "self-evaluation" and p.evaluation_year == 2022
    assert (p.budget_wan_yuan, p.executed_wan_yuan, p.execution_rate, p.total_points) == (
        Decimal("18.60"), Decimal("17.20"), Decimal("92.47"), Decimal("95"))
    first = p.indicators[0]
    assert (first.target.raw, first.actual, first.score, first.points) == ("≥60人", "52人", "20", "15")
    assert first.deviation_reason.startswith("部分见习单位岗位取消")
    assert [i.actual for i in p.indicators] == ["52人", "100%", "25%", "96%"]


def _number(text):
    m = re.search(r"(≥|≤|>|<|=)?\s*(\d+(?:\.\d+)?)", text)
    return (m.group(1) or "=", m.group(2)) if m else (None, None)


def test_targets_missed_query_lists_the_misses(examples_dir):
    """Quads as docs/rdf-model.md proposes them (written here, kg.build does not emit them yet)."""
    doc = _doc(examples_dir)
    store = ox.Store()
    g = ox.NamedNode("https://w3id.org/jxkg/graph/test")

    def add(s, p, o):
        store.add(ox.Quad(s, ox.NamedNode(JX + p), o, g))

    dec = lambda v: ox.Literal(str(v), datatype=ox.NamedNode(XSD + "decimal"))  # noqa: E731
    disclosure = ox.NamedNode("https://w3id.org/jxkg/id/doc/t")
    for p in doc.projects:
        proj = ox.NamedNode(f"https://w3id.org/jxkg/id/project/t/{p.table_no}")
        add(proj, "projectName", ox.Literal(p.name))
        add(proj, "inDisclosure", disclosure)
        for row, i in enumerate(p.indicators, start=1):
            ind = ox.NamedNode(f"{proj.value}/ind/{row}")
            target, outcome = ox.NamedNode(ind.value + "/target"), ox.NamedNode(ind.value + "/outcome")
            comparator, value = _number(i.target.raw)
            add(proj, "hasIndicator", ind)
            add(ind, "indicatorName", ox.Literal(i.name))
            add(ind, "score", ox.Literal(i.score))
            add(ind, "target", target)
            add(ind, "outcome", outcome)
            add(target, "rawValue", ox.Literal(i.target.raw))
            add(target, "comparator", ox.Literal(comparator))
            add(target, "numericValue", dec(value))
            add(outcome, "outcomeOf", target)
            add(outcome, "evaluationYear", ox.Literal(str(p.evaluation_year), datatype=ox.NamedNode(XSD + "integer")))
            add(outcome, "actualRaw", ox.Literal(i.actual))
            add(outcome, "actualValue", dec(_number(i.actual)[1]))
            add(outcome, "points", dec(i.points))
    query = (REPO / "queries" / "targets_missed.rq").read_text(encoding="utf-8")
    year = ox.Literal("0", datatype=ox.NamedNode(XSD + "integer"))
    rows = list(store.query(query, substitutions={ox.Variable("year"): year}, use_default_graph_as_union=True))
    got = [(r["indicatorName"].value, r["actualRaw"].value, r["fullScoreDespiteMiss"].value) for r in rows]
    assert sorted(got) == [("参加见习人数", "52人", "false"), ("见习期满留用率", "25%", "true")]
    other_year = ox.Literal("2021", datatype=ox.NamedNode(XSD + "integer"))
    assert list(store.query(query, substitutions={ox.Variable("year"): other_year}, use_default_graph_as_union=True)) == []
