"""The build stage on hand-built documents: quads, named graphs, shared nodes, rebuilds, files."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, parse

from kg.build import build_documents, document_quads, open_store, stats
from kg.build import iri
from kg.build.sample import sample_document
from kg.build.store import sorted_nquads
from kg.model import Indicator, Project, Span, Target, Unit

JX = iri.JX
PREFIX = f"PREFIX jx: <{JX}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n"


def _store(*docs) -> Store:
    result = build_documents(list(docs), store=None)
    assert result.problems == []
    assert result.store is not None
    return result.store


def _rows(store: Store, query: str) -> list[tuple]:
    return [tuple(None if t is None else t.value for t in row) for row in store.query(PREFIX + query)]


def _doc_quads(store: Store, file: str) -> list[Quad]:
    return list(store.quads_for_pattern(None, None, None, NamedNode(iri.doc_graph(file))))


def test_all_quads_in_the_documents_graph() -> None:
    quads = document_quads(sample_document("a b#1.txt"))
    assert {q.graph_name.value for q in quads} == {"https://w3id.org/jxkg/graph/a%20b%231.txt"}


def test_same_document_same_quads() -> None:
    a = sorted_nquads(document_quads(sample_document()))
    b = sorted_nquads(document_quads(copy.deepcopy(sample_document())))
    assert a == b
    assert len(a) > 100


def test_projects_indicators_and_targets() -> None:
    store = _store(sample_document("a.txt"))
    projects = _rows(store, "SELECT ?p ?n WHERE { GRAPH ?g { ?p a jx:Project ; jx:projectName ?n } } ORDER BY ?p")
    assert projects == [
        (iri.project_iri("a.txt", "1"), "就业补助资金"),
        (iri.project_iri("a.txt", "2"), "社保经办服务"),
    ]
    inds = _rows(store, "SELECT ?i ?row WHERE { GRAPH ?g { ?p jx:hasIndicator ?i . ?i jx:rowNumber ?row } } ORDER BY ?i")
    assert [i for i, _ in inds] == [
        iri.project_iri("a.txt", "1") + "/ind/1",
        iri.project_iri("a.txt", "1") + "/ind/2",
        iri.project_iri("a.txt", "2") + "/ind/1",
    ]
    budget = _rows(store, "SELECT (DATATYPE(?b) AS ?t) ?b WHERE { GRAPH ?g { ?p jx:budgetWanYuan ?b } } ORDER BY ?b")
    assert budget == [("http://www.w3.org/2001/XMLSchema#decimal", "3"), ("http://www.w3.org/2001/XMLSchema#decimal", "12.5")]
    target = _rows(
        store,
        "SELECT ?raw ?cmp ?v ?u ?dim ?st WHERE { GRAPH ?g { ?i jx:indicatorName '培训人次' ; jx:target ?t . "
        "?t jx:rawValue ?raw ; jx:comparator ?cmp ; jx:numericValue ?v ; jx:unit ?u ; jx:dimension ?dim ; jx:status ?st } }",
    )
    assert target == [("≥500人次", "≥", "500", "人次", "count", "ok")]
    # fields that are None give no literal
    qual = _rows(store, "SELECT ?p WHERE { GRAPH ?g { ?i jx:indicatorName '办事群众满意度' ; jx:target ?t . ?t ?p ?o } }")
    preds = {p.split("#")[-1] for (p,) in qual}
    assert preds == {"type", "rawValue", "qualitative", "grade", "note", "status"}
    ranged = _rows(store, "SELECT ?lo ?hi ?yuan ?l2 WHERE { GRAPH ?g { ?i jx:level2 ?l2 ; jx:target ?t . ?t jx:numericValue ?lo ; jx:upperValue ?hi ; jx:valueYuan ?yuan } }")
    assert ranged == [("1000", "1200", "1000", iri.JXCAT + "costOutput")]


def test_funded_by_and_cites_are_different_properties() -> None:
    store = _store(sample_document("a.txt"))
    funded = _rows(store, "SELECT ?p ?n WHERE { GRAPH ?g { ?p jx:fundedBy ?f . ?f jx:documentNumber ?n } }")
    cites = _rows(store, "SELECT ?p ?n WHERE { GRAPH ?g { ?p jx:cites ?f . ?f jx:documentNumber ?n } }")
    assert funded == [(iri.project_iri("a.txt", "1"), "乌财社〔2022〕15号")]
    assert cites == [(iri.project_iri("a.txt", "2"), "人社部发〔2021〕3号")]
    cited = _rows(store, "SELECT ?f WHERE { GRAPH ?g { ?d jx:citesDocument ?f } } ORDER BY ?f")
    assert len(cited) == 2
    raw = _rows(store, "SELECT ?r ?y WHERE { GRAPH ?g { ?f jx:documentNumber '乌财社〔2022〕15号' ; jx:rawNumber ?r ; jx:documentYear ?y } }")
    assert raw == [("乌财社【2022】15号", "2022")]


def test_concept_links() -> None:
    store = _store(sample_document("a.txt"))
    rows = _rows(
        store,
        """SELECT ?name ?status ?exact ?close ?score ?rule WHERE { GRAPH ?g {
             ?i jx:indicatorName ?name ; jx:linkStatus ?status .
             OPTIONAL { ?i skos:exactMatch ?exact } OPTIONAL { ?i skos:closeMatch ?close }
             OPTIONAL { ?i jx:linkScore ?score } OPTIONAL { ?i jx:linkRule ?rule } } } ORDER BY ?name""",
    )
    jxc = iri.JXC
    assert sorted(rows) == sorted(
        [
            ("培训人次", "linked", jxc + "trainingCount", None, "1", "exact"),
            ("人均培训成本", "linked", None, jxc + "costPerPerson", "0.75", "fuzzy"),
            ("办事群众满意度", "unlinked", None, None, None, None),
        ]
    )


def test_every_project_and_indicator_has_a_source_span() -> None:
    store = _store(sample_document("a.txt"))
    missing = _rows(
        store,
        """SELECT ?x WHERE { GRAPH ?g { { ?x a jx:Project } UNION { ?x a jx:Indicator }
             FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?s . ?s a jx:SourceSpan ; jx:startLine ?a ; jx:endLine ?b ;
                                    jx:inDisclosure ?d } } }""",
    )
    assert missing == []
    spans = _rows(store, "SELECT ?a ?b WHERE { GRAPH ?g { ?i jx:indicatorName '人均培训成本' ; prov:wasDerivedFrom ?s . ?s jx:startLine ?a ; jx:endLine ?b } }")
    assert spans == [("12", "13")]


def test_disclosure_facts() -> None:
    store = _store(sample_document("a.txt"))
    rows = _rows(
        store,
        "SELECT ?skip ?year ?issuer ?region WHERE { GRAPH ?g { ?d a jx:Disclosure ; jx:skippedLineCount ?skip ; "
        "jx:fiscalYear ?year ; jx:issuer ?issuer ; jx:region ?region } }",
    )
    assert rows == [("2", "2022", iri.unit_iri(["内蒙古自治区", "乌海市"], "418001", ""), iri.region_iri(["内蒙古自治区", "乌海市"]))]
    parent = _rows(store, "SELECT ?c ?p ?l WHERE { GRAPH ?g { ?c jx:parentRegion ?p ; jx:regionLevel ?l } }")
    assert parent == [(iri.region_iri(["内蒙古自治区", "乌海市"]), iri.region_iri(["内蒙古自治区"]), "city")]
    sub = _rows(store, "SELECT ?s ?o WHERE { GRAPH ?g { ?s <http://www.w3.org/ns/org#subOrganizationOf> ?o } }")
    region = ["内蒙古自治区", "乌海市"]
    assert sub == [(iri.unit_iri(region, "418002", ""), iri.unit_iri(region, "418001", ""))]


def test_shared_nodes_merge_across_documents_and_conflicts_are_reported() -> None:
    a = sample_document("a.txt")
    b = sample_document("b.txt", unit_name="上海市人力资源和社会保障局")
    messages: list[str] = []
    result = build_documents([a, b], store=None, echo=messages.append)
    store = result.store
    counts = stats(store)
    assert counts["documents"] == 2
    assert counts["units"] == 2  # 418001 and 418002, shared by both documents
    assert counts["funding_documents"] == 2
    assert counts["projects"] == 4
    names = _rows(store, "SELECT DISTINCT ?n WHERE { GRAPH ?g { ?u jx:unitCode '418001' ; jx:unitName ?n } } ORDER BY ?n")
    assert names == [("上海市人力资源和社会保障局",), ("乌海市人力资源和社会保障局",)]
    assert len(result.conflicts) == 1
    (msg,) = [m for m in messages if "单位名称冲突" in m]
    assert msg.startswith("a.txt:5: ") and "418001" in msg and "（b.txt:5）" in msg and "\n" not in msg


def test_code_less_unit_mentions_merge_with_the_coded_unit_and_else_key_by_name() -> None:
    doc = sample_document("a.txt")
    doc.projects[0].unit = Unit(code=None, name="乌海市人力资源和社会保障局 ")
    doc.projects[1].unit = Unit(code=None, name="乌海市 就业服务中心")
    store = _store(doc)
    units = _rows(store, "SELECT ?p ?u WHERE { GRAPH ?g { ?p jx:budgetUnit ?u } } ORDER BY ?p")
    region = ["内蒙古自治区", "乌海市"]
    assert units == [
        (iri.project_iri("a.txt", "1"), iri.unit_iri(region, "418001", "")),
        (iri.project_iri("a.txt", "2"), iri.unit_iri(region, None, "乌海市就业服务中心")),
    ]


def test_issuer_matches_a_benji_unit_and_unknown_region_is_underscore() -> None:
    doc = sample_document("a.txt", region=())
    doc.issuer = "乌海市人力资源和社会保障局"
    doc.units[0].name = "乌海市人力资源和社会保障局（本级）"
    store = _store(doc)
    assert _rows(store, "SELECT ?u WHERE { GRAPH ?g { ?d jx:issuer ?u } }") == [(iri.JXI + "unit/_/418001",)]
    assert _rows(store, "SELECT ?r WHERE { GRAPH ?g { { ?d jx:region ?r } UNION { ?u jx:inRegion ?r } UNION { ?r a jx:Region } } }") == []


def test_rebuild_replaces_only_its_own_graph(tmp_path: Path) -> None:
    path = tmp_path / "store"
    r = build_documents([sample_document("a.txt"), sample_document("b.txt")], store=path)
    before_b = sorted_nquads(_doc_quads(r.store, "b.txt"))
    total = len(r.store)
    del r
    changed = sample_document("a.txt", budget="99.9")
    r = build_documents([changed], store=path)
    store = r.store
    assert len(store) == total  # same number of facts: the old copy is gone
    budgets = _rows(store, "SELECT ?g ?b WHERE { GRAPH ?g { ?p jx:budgetWanYuan ?b ; jx:tableNumber 1 } } ORDER BY ?g")
    assert budgets == [(iri.doc_graph("a.txt"), "99.9"), (iri.doc_graph("b.txt"), "12.5")]
    assert sorted_nquads(_doc_quads(store, "b.txt")) == before_b


def test_building_twice_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "store"
    first = build_documents([sample_document("a.txt")], store=path)
    n = len(first.store)
    del first
    second = build_documents([sample_document("a.txt")], store=path)
    assert len(second.store) == n
    assert stats(second.store)["documents"] == 1
    # the same document twice in one batch also leaves one copy
    third = build_documents([sample_document("c.txt")], store=None)
    assert build_documents([sample_document("c.txt")] * 1, store=None).quads == third.quads


def test_store_on_disk_reopens_with_ontology_in_default_graph(tmp_path: Path) -> None:
    path = tmp_path / "store"
    r = build_documents([sample_document("a.txt")], store=path)
    del r
    store = open_store(path)
    assert stats(store)["documents"] == 1
    onto = list(store.quads_for_pattern(NamedNode(JX + "Project"), None, None, DefaultGraph()))
    assert onto, "ontology triples are in the default graph"


def test_same_file_name_twice_is_a_problem_and_the_rest_builds() -> None:
    a1 = sample_document("a.txt")
    a2 = sample_document("a.txt")
    a2.path = "/elsewhere/a.txt"
    b = sample_document("b.txt")
    messages: list[str] = []
    result = build_documents([a1, a2, b], store=None, echo=messages.append)
    assert result.documents == 2
    assert len(result.problems) == 1
    assert str(result.problems[0]).startswith("/elsewhere/a.txt: ")
    assert any(m.startswith("/elsewhere/a.txt: ") for m in messages)


def test_a_document_that_cannot_be_built_is_reported_not_raised() -> None:
    bad = sample_document("bad.txt")
    bad.projects.append(Project(name="坏表", indicators=[Indicator(None, None, None, None, "x", None, target=None)], span=Span(1, 1)))  # type: ignore[arg-type]
    good = sample_document("good.txt")
    result = build_documents([bad, good], store=None)
    assert result.documents == 1
    assert [p.file for p in result.problems] == ["/data/bad.txt"]
    assert stats(result.store)["documents"] == 1
    assert _doc_quads(result.store, "bad.txt") == []


def test_document_problems_are_passed_on() -> None:
    from kg.model import Problem

    doc = sample_document("a.txt")
    doc.problems.append(Problem("a.txt", 40, "表格在行中间截断"))
    result = build_documents([doc], store=None)
    assert [str(p) for p in result.problems] == ["a.txt:40: 表格在行中间截断"]
    assert result.documents == 1


def test_odd_values_give_valid_literals() -> None:
    doc = sample_document("a.txt")
    ind = doc.projects[0].indicators[0]
    ind.target = Target(raw="", value=Decimal("1E+3"), upper=Decimal("NaN"), status="unparsed")
    doc.projects[0].budget_wan_yuan = Decimal("-0.0")
    store = _store(doc)
    assert _rows(store, "SELECT ?v WHERE { GRAPH ?g { ?t jx:status 'unparsed' ; jx:numericValue ?v } }") == [("1000",)]
    assert _rows(store, "SELECT ?v WHERE { GRAPH ?g { ?t jx:status 'unparsed' ; jx:upperValue ?v } }") == []
    assert _rows(store, "SELECT ?r WHERE { GRAPH ?g { ?t jx:status 'unparsed' ; jx:rawValue ?r } }") == [("",)]
    assert ("0",) in _rows(store, "SELECT ?b WHERE { GRAPH ?g { ?p jx:budgetWanYuan ?b } }")


@pytest.mark.parametrize("suffix", [".nq", ".trig", ".ttl"])
def test_file_output_is_deterministic_whatever_the_input_order(tmp_path: Path, suffix: str) -> None:
    docs = [sample_document("a.txt"), sample_document("b.txt", unit_name="上海市人力资源和社会保障局")]
    one, two = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
    result = build_documents(docs, out=one)
    assert len(result.conflicts) == 1 and result.store is None  # found without a store too
    build_documents(list(reversed([copy.deepcopy(d) for d in docs])), out=two)
    assert one.read_bytes() == two.read_bytes()
    fmt = {".nq": RdfFormat.N_QUADS, ".trig": RdfFormat.TRIG, ".ttl": RdfFormat.TURTLE}[suffix]
    quads = list(parse(path=str(one), format=fmt))
    graphs = {q.graph_name for q in quads}
    if suffix == ".ttl":
        assert graphs == {DefaultGraph()}
    else:
        assert NamedNode(iri.doc_graph("a.txt")) in graphs and NamedNode(iri.doc_graph("b.txt")) in graphs


def test_file_output_holds_the_same_dataset_as_the_store(tmp_path: Path) -> None:
    docs = [sample_document("a.txt"), sample_document("b.txt")]
    store = build_documents([copy.deepcopy(d) for d in docs], store=None).store
    for suffix, fmt in ((".nq", RdfFormat.N_QUADS), (".trig", RdfFormat.TRIG)):
        out = tmp_path / f"x{suffix}"
        build_documents([copy.deepcopy(d) for d in docs], out=out)
        assert sorted_nquads(parse(path=str(out), format=fmt)) == sorted_nquads(store)
    ttl = tmp_path / "x.ttl"
    build_documents([copy.deepcopy(d) for d in docs], out=ttl)
    union = {(q.subject, q.predicate, q.object) for q in store}
    got = {(q.subject, q.predicate, q.object) for q in parse(path=str(ttl), format=RdfFormat.TURTLE)}
    assert got == union


def test_bad_out_suffix_is_refused(tmp_path: Path) -> None:
    from kg.build import StoreError

    with pytest.raises(StoreError, match=r"\.nq, \.trig or \.ttl"):
        build_documents([sample_document()], out=tmp_path / "x.json")


def test_benji_variant_is_not_a_name_conflict() -> None:
    a = sample_document("a.txt")
    b = sample_document("b.txt", unit_name="乌海市人力资源和社会保障局（本级）")
    result = build_documents([a, b], store=None)
    assert result.conflicts == []
    c = sample_document("c.txt", unit_name="乌海市 人力资源和社会保障局")  # a wrap space is no conflict either
    assert build_documents([a, c], out=None, store=None).conflicts == []
