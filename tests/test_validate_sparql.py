"""The sparql engine (kg/validate/sparql.py) against pySHACL, the reference.

Results must be equal: in full (messages and their language included) for shapes that have sh:message, on
``RawResult.key()`` for the others (pySHACL writes its own English default there).  Compared on the
hand-written fixture, a store built from examples/, the seed corpus, the fixture mutated so that every
component of shapes/*.ttl fires, extra shapes using the compiled components shapes/ does not use, and a
store without a default graph.  A component the engine does not compile is one clear error.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, RdfFormat, Store
from rdflib import BNode, Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.paths import SHAPES_DIR
from kg.validate.engine import RawResult, ValidationError, open_store, validate_single, validate_store
from kg.validate.shapes import SH, load_shapes
from kg.validate.sparql import validate_sparql

DATA = Path(__file__).parent / "data"
runner = CliRunner()
JX = "https://w3id.org/jxkg/ontology#"
ID = "https://w3id.org/jxkg/id/"


def comparable(results: list[RawResult], shapes: Graph) -> set:
    """Full results for shapes with sh:message (on the shape or its sh:sparql), keys for the rest.

    A blank-node shape gets a new id each time a shapes graph is parsed (the pySHACL engine parses a
    serialised copy), so its results are compared by path and component with the id left out."""
    with_msg = {str(s) for s in shapes.subjects(SH.message, None)}
    with_msg |= {str(s) for s, c in shapes.subject_objects(SH.sparql) if (c, SH.message, None) in shapes}
    blank_msgs = {tuple(sorted((m.language or "", str(m)) for m in shapes.objects(b, SH.message)))
                  for b in shapes.subjects(SH.message, None) if isinstance(b, BNode)}  # fmt: skip
    out = set()
    for r in results:
        if r.shape.startswith("_:"):  # keep the messages when they are a blank shape's own sh:message
            out.add(replace(r, shape="_:", messages=r.messages if r.messages in blank_msgs else ()))
        else:
            out.add(r if r.shape in with_msg else r.key())
    return out


def assert_same(sparql: list[RawResult], reference: list[RawResult], shapes: Graph) -> None:
    a, b = comparable(sparql, shapes), comparable(reference, shapes)
    only_s = sorted(map(str, a - b))[:5]
    only_r = sorted(map(str, b - a))[:5]
    assert a == b, f"only sparql: {only_s}\nonly pySHACL: {only_r}"
    assert len(sparql) == len(reference)


def fixture_store() -> Store:
    s = Store()
    s.load(path=str(DATA / "validate_fixture.trig"), format=RdfFormat.TRIG)
    return s


def components(results: list[RawResult]) -> set[str]:
    return {r.component.replace("ConstraintComponent", "") for r in results}


# ───────────────────────────── the shapes of shapes/ ─────────────────────────────


def test_fixture_equals_pyshacl_sharded_and_single():
    store = fixture_store()
    shapes = load_shapes()
    got = validate_sparql(store)
    assert len(got) == 36
    assert_same(got, validate_store(store, jobs=1), shapes)
    assert_same(got, validate_single(store), shapes)


@pytest.fixture(scope="module")
def examples_store(examples_dir, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ex") / "store"
    res = runner.invoke(app, ["build", str(examples_dir), "--store", str(path)])
    assert res.exit_code == 0, res.output
    return path


def test_examples_store_equals_pyshacl(examples_store):
    store = open_store(examples_store)
    got = validate_store(store, engine="sparql")
    assert len(got) > 20
    assert_same(got, validate_store(store, jobs=1), load_shapes())


# Each line: a SPARQL update on the fixture and what it makes fire (the reference must report it).
MUTATIONS = f"""
PREFIX jx: <{JX}>
PREFIX jxcat: <https://w3id.org/jxkg/category/>
DELETE WHERE {{ GRAPH ?g {{ <{ID}project/validate_fx_a.txt/1> jx:goal ?x }} }} ;
DELETE WHERE {{ GRAPH ?g {{ <{ID}project/validate_fx_b.txt/1> jx:projectName ?x }} }} ;
DELETE {{ GRAPH ?g {{ ?t jx:rawValue ?r }} }} INSERT {{ GRAPH ?g {{ ?t jx:rawValue " \\t " }} }}
  WHERE {{ GRAPH ?g {{ BIND(<{ID}project/validate_fx_a.txt/1/ind/2/target> AS ?t) ?t jx:rawValue ?r }} }} ;
DELETE {{ GRAPH ?g {{ ?t jx:status ?s }} }} INSERT {{ GRAPH ?g {{ ?t jx:status "placeholder" }} }}
  WHERE {{ GRAPH ?g {{ BIND(<{ID}project/validate_fx_a.txt/1/ind/3/target> AS ?t) ?t jx:status ?s }} }} ;
DELETE {{ GRAPH ?g {{ ?t jx:status ?s }} }} INSERT {{ GRAPH ?g {{ ?t jx:status "implausible" }} }}
  WHERE {{ GRAPH ?g {{ BIND(<{ID}project/validate_fx_a.txt/1/ind/1/target> AS ?t) ?t jx:status ?s }} }} ;
DELETE {{ GRAPH ?g {{ ?i jx:indicatorName ?n }} }} INSERT {{ GRAPH ?g {{ ?i jx:indicatorName "人均成本(≥**%)" }} }}
  WHERE {{ GRAPH ?g {{ BIND(<{ID}project/validate_fx_a.txt/1/ind/4> AS ?i) ?i jx:indicatorName ?n }} }} ;
DELETE {{ GRAPH ?g {{ ?p jx:plannedByMarch ?m }} }} INSERT {{ GRAPH ?g {{ ?p jx:plannedByMarch -5 }} }}
  WHERE {{ GRAPH ?g {{ BIND(<{ID}project/validate_fx_a.txt/1/plan> AS ?p) ?p jx:plannedByMarch ?m }} }} ;
DELETE {{ GRAPH ?g {{ ?p jx:budgetWanYuan ?b }} }} INSERT {{ GRAPH ?g {{ ?p jx:budgetWanYuan 99.75 }} }}
  WHERE {{ GRAPH ?g {{ BIND(<{ID}project/validate_fx_a.txt/1> AS ?p) ?p jx:budgetWanYuan ?b }} }} ;
DELETE {{ GRAPH ?g {{ ?p jx:budgetWanYuan ?b }} }} INSERT {{ GRAPH ?g {{ ?p jx:budgetWanYuan 40.25 }} }}
  WHERE {{ GRAPH ?g {{ BIND(<{ID}project/validate_fx_a.txt/3> AS ?p) ?p jx:budgetWanYuan ?b }} }} ;
DELETE {{ GRAPH ?g {{ ?i jx:level1 ?l }} }} INSERT {{ GRAPH ?g {{ ?i jx:level1 jxcat:cost }} }}
  WHERE {{ GRAPH ?g {{ BIND(<{ID}project/validate_fx_b.txt/2/ind/1> AS ?i) ?i jx:level1 ?l }} }}
"""


def test_mutated_fixture_every_component_fires_and_engines_agree():
    store = fixture_store()
    store.update(MUTATIONS)
    shapes = load_shapes()
    reference = validate_store(store, jobs=1)
    need = {"MinCount", "QualifiedMinCount", "Not", "Or", "Pattern", "LessThanOrEquals", "MinInclusive",
            "MaxInclusive", "Equals", "Disjoint", "SPARQL"}  # fmt: skip
    assert need <= components(reference)
    fired = {r.shape.rsplit("#", 1)[-1] for r in reference}
    assert {"ProjectGoalShape", "ProjectNameShape", "TargetImplausibleShape", "TemplateTextInRowShape",
            "ProjectOutputShape", "StatedTotalShape", "UnitNameConflictShape", "ConceptCategoryShape",
            "TargetDimensionShape", "FundingSumShape"} <= fired  # fmt: skip
    got = validate_sparql(store)
    assert_same(got, reference, shapes)
    # rdflib writes SUM(99.75, 30, 40.25) as 170.00, SPARQL engines as 170: the message keeps rdflib's form
    total = next(r for r in got if r.shape.endswith("StatedTotalShape"))
    assert "170.00" in total.message("zh") and total.message("zh") == next(
        r for r in reference if r.shape.endswith("StatedTotalShape")
    ).message("zh")


# ───────────────────────────── compiled components shapes/ does not use ─────────────────────────────

EXTRA = """
# Test shapes for tests/test_validate_sparql.py: the compiled SHACL features shapes/ does not use yet, each
# written so that it reports something on tests/data/validate_fixture.trig.
@prefix sh:    <http://www.w3.org/ns/shacl#> .
@prefix skos:  <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix jx:    <https://w3id.org/jxkg/ontology#> .
@prefix jxcat: <https://w3id.org/jxkg/category/> .
@prefix jxsh:  <https://w3id.org/jxkg/shapes#> .
@prefix ex:    <urn:jxkg:test:> .

ex:Project a sh:NodeShape ;
    sh:targetClass jx:Project ;
    sh:and ( [ sh:path jx:goal ; sh:minCount 1 ] [ sh:path jx:projectName ; sh:pattern "经费$" ] ) ;
    sh:property [ sh:path jx:hasIndicator ; sh:maxCount 3 ] ,
        [ sh:path jx:budgetWanYuan ; sh:minExclusive 10 ; sh:maxExclusive 100 ] ,
        [ sh:path jx:fiscalWanYuan ; sh:lessThan jx:budgetWanYuan ] ,
        [ sh:path jx:inDisclosure ; sh:hasValue <https://w3id.org/jxkg/id/doc/validate_fx_a.txt> ] ,
        [ sh:path jx:hasIndicator ; sh:qualifiedValueShape [ sh:path jx:level1 ; sh:hasValue jxcat:output ] ;
          sh:qualifiedMaxCount 2 ] ,
        [ sh:path jx:hasIndicator ; sh:node ex:Named ; sh:message "指标没有名称"@zh ] ,
        [ sh:path jx:projectName ; sh:pattern "^JIU|^就业|^职业" ; sh:flags "i" ] .

ex:Named a sh:NodeShape ; sh:property [ sh:path jx:indicatorName ; sh:minCount 1 ] .

ex:Inverse a sh:NodeShape ;
    sh:targetClass jx:Indicator ;
    sh:property [ sh:path [ sh:inversePath jx:hasIndicator ] ; sh:minCount 1 ; sh:maxCount 1 ] ,
        [ sh:path ( jx:level2 [ sh:zeroOrMorePath skos:broader ] ) ; sh:minCount 3 ] ,
        [ sh:path jx:target ; sh:node [ sh:property [ sh:path jx:rawValue ; sh:pattern "^≥" ] ] ] .

# a target node is a focus node of every document (here: one that every document describes, and one absent)
ex:Nodes a sh:NodeShape ;
    sh:targetNode <https://w3id.org/jxkg/id/region/测试省> , ex:absent ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] ;
    sh:hasValue ex:absent .

ex:Plans a sh:NodeShape ;
    sh:targetObjectsOf jx:spendingPlan ;
    sh:property [ sh:path jx:plannedByDecember ; sh:hasValue 100 ] .

ex:Targets a sh:NodeShape ;
    sh:targetClass jx:Target ;
    sh:not [ sh:hasValue <https://w3id.org/jxkg/id/project/validate_fx_a.txt/1/ind/1/target> ] .

ex:Off a sh:NodeShape ; sh:targetClass jx:Project ; sh:deactivated true ;
    sh:property [ sh:path jx:goal ; sh:maxCount 0 ] .

ex:Units a sh:NodeShape ;
    sh:targetClass jx:BudgetUnit ;
    sh:property [ sh:path jx:unitName ; sh:maxCount 1 ; sh:severity sh:Info ] .

ex:PlanEnds a sh:NodeShape ;
    sh:targetClass jx:SpendingPlan ;
    sh:message "12月 {?d} < 95（3月 {?m}）"@zh ;
    sh:sparql [ sh:prefixes jxsh: ;
        sh:select "SELECT * WHERE { $this jx:plannedByDecember ?d ; jx:plannedByMarch ?m . FILTER (?d < 95) }" ] .

ex:Paths a sh:NodeShape ;
    sh:targetClass jx:SpendingPlan ;
    sh:message "{?path} = {?value}"@en ;
    sh:sparql [ sh:prefixes jxsh: ;
        sh:select "SELECT $this ?path ?value WHERE { $this ?path ?value FILTER (?path = jx:plannedByOctober && ?value > 100) }" ] .

# rdfs:label is in document graphs and in the default graph: a label in both must be counted once
ex:Labels a sh:NodeShape ;
    sh:targetClass jx:Project ;
    sh:message "{?n} labels"@en ;
    sh:sparql [ sh:prefixes jxsh: ; sh:select '''
        SELECT $this (COUNT(?l) AS ?n) WHERE { $this rdfs:label ?l }
        GROUP BY $this HAVING (COUNT(?l) >= 1)''' ] .

ex:Totals a sh:NodeShape ;
    sh:targetClass jx:StatedTotal ;
    sh:severity sh:Warning ;
    sh:message "合计 {$this} 为 {?value}"@zh ;
    sh:sparql [ sh:prefixes jxsh: ; sh:message "total {?value} of {$this}"@en ;
        sh:select "SELECT ?value WHERE { $this jx:amountWanYuan ?value }" ] .
"""


@pytest.fixture
def extra_shapes(tmp_path) -> Path:
    d = tmp_path / "shapes"
    d.mkdir()
    shutil.copy(SHAPES_DIR / "prefixes.ttl", d / "prefixes.ttl")
    (d / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    return d


def test_extra_components_agree_with_pyshacl(extra_shapes):
    store = fixture_store()
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"  # the default graph repeats one and adds one
    store.update(f'INSERT DATA {{ <{ID}project/validate_fx_a.txt/1> {label} "就业服务经费" , "另一个名称" }}')
    shapes = load_shapes(extra_shapes)
    reference = validate_store(store, extra_shapes, jobs=1)
    need = {"MaxCount", "MinExclusive", "MaxExclusive", "LessThan", "HasValue", "QualifiedMaxCount", "Node",
            "And", "Pattern", "MinCount", "Not", "SPARQL"}  # fmt: skip
    assert need <= components(reference)
    unit = f"{ID}unit/测试省/测试市/999001"
    assert any(r.focus == unit and r.component.startswith("MaxCount") for r in reference)  # a spanning core shape
    assert any(r.focus == "urn:jxkg:test:absent" for r in reference)  # sh:targetNode need not exist
    counts = {r.message("en") for r in reference if r.shape == "urn:jxkg:test:Labels"}
    assert counts == {"1 labels", "2 labels"}  # a triple in both graphs counts once
    assert any(r.shape == "urn:jxkg:test:PlanEnds" and "90" in r.message() for r in reference)
    assert any(r.shape == "urn:jxkg:test:Paths" and r.path == JX + "plannedByOctober" for r in reference)
    assert_same(validate_sparql(store, extra_shapes), reference, shapes)


def test_empty_default_graph_uses_the_ontology_files():
    store = fixture_store()
    store.clear_graph(DefaultGraph())
    reference = validate_store(store, jobs=1)
    assert reference
    assert_same(validate_sparql(store), reference, load_shapes())


# ───────────────────────────── what is not compiled ─────────────────────────────


def _one_shape(tmp_path: Path, body: str) -> Path:
    d = tmp_path / "shapes"
    d.mkdir()
    shutil.copy(SHAPES_DIR / "prefixes.ttl", d / "prefixes.ttl")
    (d / "x.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix jx: <https://w3id.org/jxkg/ontology#> . @prefix jxsh: <https://w3id.org/jxkg/shapes#> .\n" + body,
        encoding="utf-8",
    )
    return d


def test_unsupported_component_is_one_clear_error(tmp_path):
    d = _one_shape(tmp_path, "jxsh:NameType a sh:NodeShape ; sh:targetClass jx:Project ;\n"
                             "  sh:property [ sh:path jx:projectName ; sh:datatype xsd:string ] .")  # fmt: skip
    with pytest.raises(ValidationError) as err:
        validate_store(fixture_store(), d, engine="sparql")
    msg = str(err.value)
    assert "jxsh:NameType" in msg and "sh:datatype" in msg and "DatatypeConstraintComponent" in msg
    assert "\n" not in msg and "--engine pyshacl" in msg
    store_dir = tmp_path / "store"
    s = Store(str(store_dir))
    s.load(path=str(DATA / "validate_fixture.trig"), format=RdfFormat.TRIG)
    s.flush()
    del s
    res = runner.invoke(app, ["validate", "--store", str(store_dir), "--shapes", str(d)])
    assert res.exit_code == 2 and "DatatypeConstraintComponent" in res.output and "Traceback" not in res.output


def test_unsupported_sparql_is_one_clear_error(tmp_path):
    d = _one_shape(tmp_path, 'jxsh:Sub a sh:NodeShape ; sh:targetClass jx:Project ; sh:sparql [ sh:prefixes jxsh: ;\n'
                             '  sh:select "SELECT $this WHERE { { SELECT $this WHERE { $this jx:goal ?g } } }" ] .')  # fmt: skip
    with pytest.raises(ValidationError, match=r"^shape jxsh:Sub: sh:select uses a sub-SELECT; .*--engine pyshacl"):
        validate_sparql(fixture_store(), d)


def test_cli_default_engine_is_sparql_and_matches_pyshacl(tmp_path):
    store_dir = tmp_path / "store"
    s = Store(str(store_dir))
    s.load(path=str(DATA / "validate_fixture.trig"), format=RdfFormat.TRIG)
    s.flush()
    del s
    default = runner.invoke(app, ["validate", "--store", str(store_dir), "--format", "json"])
    pyshacl = runner.invoke(app, ["validate", "--store", str(store_dir), "--format", "json", "--engine", "pyshacl",
                                  "--jobs", "1"])  # fmt: skip
    assert default.exit_code == pyshacl.exit_code == 1
    assert default.stdout == pyshacl.stdout
    res = runner.invoke(app, ["validate", "--store", str(store_dir), "--engine", "sparql", "--single"])
    assert res.exit_code == 2 and "--single" in res.output


# ───────────────────────────── seed corpus ─────────────────────────────


@pytest.fixture(scope="module")
def seed_store(corpus_dir, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "store"
    res = runner.invoke(app, ["build", str(corpus_dir), "--store", str(path)])
    if res.exit_code != 0:
        pytest.fail(f"jxkg build failed on the seed corpus: {res.output}")
    return path


@pytest.mark.corpus
@pytest.mark.slow
def test_seed_corpus_equals_pyshacl(seed_store):
    store = open_store(seed_store)
    got = validate_sparql(store)
    assert len(got) > 500
    assert_same(got, validate_store(store, jobs=2), load_shapes())
