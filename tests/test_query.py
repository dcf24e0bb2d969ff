"""The query catalogue, parameter binding and output, on the hand-written fixture
tests/data/query_fixture.trig (three small disclosures that follow docs/rdf-model.md)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store
from typer.testing import CliRunner

from kg.cli import app
from kg.paths import QUERIES_DIR
from kg.query.catalog import CatalogError, load_catalog, parse_query_text, resolve
from kg.query.engine import bind_params, inject_values, run_local
from kg.query.lexer import forbidden_keywords, projected_variables
from kg.query.params import ParamError, to_term
from kg.query.results import plain, to_simple_json, to_sparql_json, to_sparql_xml, to_tsv

FIXTURE = Path(__file__).parent / "data" / "query_fixture.trig"
JXI = "https://w3id.org/jxkg/id/"


@pytest.fixture(scope="module")
def store() -> Store:
    st = Store()
    st.load(path=str(FIXTURE), format=RdfFormat.TRIG)
    return st


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("qstore") / "store"
    st = Store(str(path))
    st.load(path=str(FIXTURE), format=RdfFormat.TRIG)
    st.flush()
    del st
    return path


@pytest.fixture(scope="module")
def catalogue():
    return load_catalog(QUERIES_DIR)


def run(store, name, **params):
    q = load_catalog(QUERIES_DIR)[name]
    r = run_local(store, q, bind_params(q, {k: str(v) for k, v in params.items()}))
    return [{c: t for c, t in zip(r.columns, row)} for row in r.rows]


def val(term):
    """Python value of a result cell (Decimal for numbers)."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype.value.endswith(("#decimal", "#integer", "#double")):
        return Decimal(term.value)
    return plain(term)


# -- the catalogue ---------------------------------------------------------------------------

def test_catalogue_has_twenty_documented_queries(catalogue):
    assert len(catalogue) >= 20
    for name, q in catalogue.items():
        assert q.title_zh and q.title_en, f"{name}: header needs '# zh:' and '# en:'"
        assert q.examples and all(e.startswith("jxkg query ") for e in q.examples), name
        assert f"jxkg query {name}" in " ".join(q.examples), f"{name}: an example must run this query"
        for p in q.params:
            assert p.default is not None, f"{name}: parameter {p.name} needs a default"
            # pyoxigraph substitutions need the parameter in the outer projection
            assert p.name in (projected_variables(q.text) or []), f"{name}: ?{p.name} not projected"


def test_catalogue_covers_the_issue(catalogue):
    wanted = {
        "funded-projects", "funding-documents", "budget-by-unit", "budget-by-region", "budget-by-year",
        "budget-by-funding-level", "target-spread", "satisfaction-below", "projects-missing-category",
        "similar-projects", "cost-per-output", "data-quality-ranking", "project-total-mismatch",
        "document-total-check", "unit-hierarchy", "unlinked-indicators", "project-facts",
    }
    assert wanted <= set(catalogue)


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES_DIR.glob("*.rq")))
def test_substitution_and_values_injection_agree(store, name):
    """The embedded path (substitutions) and the endpoint path (VALUES block) give the same rows."""
    q = load_catalog(QUERIES_DIR)[name]
    bindings = bind_params(q, {})
    a = run_local(store, q, bindings)
    b = run_local(store, inject_values(q.text, bindings), {})
    assert a.columns == b.columns
    assert sorted(map(str, a.rows)) == sorted(map(str, b.rows))


def test_header_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# zh: x\n# en: y\n# @param n number default 3\nSELECT ?n WHERE {}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"bad.rq:3: .*unknown type"):
        resolve(str(bad))
    with pytest.raises(CatalogError, match="unknown query"):
        resolve("no-such-query")


# -- answers on the fixture -------------------------------------------------------------------

def test_funded_projects_across_documents(store):
    rows = run(store, "funded-projects")
    assert [plain(r["project"]) for r in rows] == [JXI + "project/fa.txt/1", JXI + "project/fb.txt/1"]
    assert {plain(r["unitName"]) for r in rows} == {"香河县人力资源和社会保障局", "邯郸市人社局机关"}
    assert run(store, "funded-projects", fundingDoc="冀财社〔2022〕151号") == []


def test_funding_documents_do_not_double_count_shared_nodes(store):
    # the funding document is stated in two document graphs; the union must not count it twice
    [row] = run(store, "funding-documents")
    assert val(row["projects"]) == 2 and val(row["budgetWanYuan"]) == Decimal("400")
    assert val(row["citedIn"]) == 2 and plain(row["level"]) == "中央"


def test_budget_totals(store):
    by_doc = {plain(r["file"]): r for r in run(store, "budget-by-document")}
    assert val(by_doc["fa.txt"]["budgetWanYuan"]) == Decimal("120")
    assert val(by_doc["fb.txt"]["budgetWanYuan"]) == val(by_doc["fb.txt"]["statedProjectSpending"]) == Decimal("304.5")
    levels = {plain(r["fundingLevel"]): val(r["budgetWanYuan"]) for r in run(store, "budget-by-funding-level")}
    assert levels == {"中央": Decimal("400"), "本级": Decimal("89.5")}
    regions = {plain(r["regionName"]): val(r["budgetWanYuan"]) for r in run(store, "budget-by-region")}
    assert regions["河北省"] == Decimal("424.5") and regions["香河县"] == Decimal("120")
    years = {plain(r["year"]): val(r["budgetWanYuan"]) for r in run(store, "budget-by-year")}
    assert years == {"2020": Decimal("304.5"), "2023": Decimal("120"), "未注明": Decimal("65")}
    cube_total = sum(val(r["budgetWanYuan"]) for r in run(store, "budget-cube"))
    assert cube_total == sum(val(r["budgetWanYuan"]) for r in run(store, "budget-by-unit")) == Decimal("489.5")


def test_target_spread_median_and_lowest(store):
    rows = run(store, "target-spread")  # jxc:satisfaction and its narrower jxc:satisfactionPublic
    assert [val(r["value"]) for r in rows] == [80, 85, 95]
    assert {(val(r["minValue"]), val(r["medianValue"]), val(r["maxValue"])) for r in rows} == {(80, 85, 95)}
    assert [plain(r["unitName"]) for r in rows if plain(r["isLowest"]) == "true"] == ["乌海市人力资源和社会保障局"]
    even = run(store, "target-spread", concept="jxcat:quantity")
    people = [r for r in even if plain(r["targetUnit"]) == "人"]
    assert {val(r["medianValue"]) for r in people} == {500}


def test_quality_and_consistency_queries(store):
    assert [plain(r["projectName"]) for r in run(store, "satisfaction-below", threshold=86)] == [
        "人力资源社保窗口经办经费", "冀财社【2022]】150号关于提前下达2023年中央就业补助资金预算指标的通知"]
    assert run(store, "satisfaction-below", threshold=80) == []
    missing = {plain(r["projectName"]) for r in run(store, "projects-missing-category")}
    assert missing == {"培训经费", "劳动监察办案经费"}
    assert {plain(r["projectName"]) for r in run(store, "projects-missing-category", category="jxcat:output")} == set()
    [mm] = run(store, "project-total-mismatch")
    assert plain(mm["projectName"]) == "培训经费" and val(mm["difference"]) == 2
    checks = {plain(r["file"]): plain(r["agrees"]) for r in run(store, "document-total-check")}
    assert checks == {"fa.txt": "true", "fb.txt": "true", "fc.txt": "false"}
    ranking = run(store, "data-quality-ranking")
    assert plain(ranking[0]["unitName"]) == "邯郸市劳动监察支队"
    assert {plain(r["indicatorName"]) for r in run(store, "unlinked-indicators")} == {"办案质量", "目标内容1"}
    assert run(store, "weak-links") == []  # the fixture's weakest link scores 0.8, not below
    [weak] = run(store, "weak-links", belowPercent=90)
    assert (plain(weak["indicatorName"]), plain(weak["conceptLabel"]), val(weak["score"]), plain(weak["rule"]),
            plain(weak["file"]), val(weak["line"])) == ("就业补贴人数", "受益人数", Decimal("0.8"), "fuzzy", "fb.txt", 12)
    assert len(run(store, "weak-links", belowPercent=100)) == 2  # and the alt link at 0.95
    [conflict] = run(store, "unit-name-conflicts")
    assert val(conflict["names"]) == 2
    [plan] = run(store, "spending-plan-anomalies")
    assert plain(plan["problem"]) == "累计进度下降"


def test_hierarchy_similarity_and_facts(store):
    rows = run(store, "unit-hierarchy")
    sub = [r for r in rows if plain(r["unitCode"]) == "316011"]
    assert plain(sub[0]["parentName"]) == "邯郸市人社局机关" and len(rows) == 4
    sim = run(store, "similar-projects")
    assert sorted(val(r["costPerUnitYuan"]) for r in sim) == [2000, 3000]
    cost = run(store, "cost-per-output")
    assert [val(r["costPerUnitYuan"]) for r in cost] == [2000, 3000, 5000]
    facts = run(store, "project-facts", project="jxi:project/fa.txt/2")
    lines = {(plain(r["property"]).rsplit("#", 1)[-1], val(r["line"])) for r in facts}
    assert ("projectName", 30) in lines and ("rawValue", 34) in lines  # a target gets its row's line
    assert all(r["line"] is not None for r in facts)


# -- safe parameters ---------------------------------------------------------------------------

INJECTIONS = ['" } ; DROP ALL #', "x' } INSERT DATA { <a:b> <a:c> <a:d> } #", '"""\n} UNION { ?s ?p ?o } #', "\\\" }"]


@pytest.mark.parametrize("evil", INJECTIONS)
def test_injection_attempts_stay_literals(store, evil):
    before = len(store)
    q = load_catalog(QUERIES_DIR)["funded-projects"]
    bindings = bind_params(q, {"fundingDoc": evil})
    assert bindings["fundingDoc"] == Literal(evil)
    assert run_local(store, q, bindings).rows == []
    injected = inject_values(q.text, bindings)
    assert run_local(store, injected).rows == []  # parses, and matches nothing
    assert forbidden_keywords(injected) == []  # the value sits inside a string literal
    assert len(store) == before


def test_bad_parameter_values_are_refused():
    with pytest.raises(ParamError):
        to_term("decimal", "90; DROP")
    with pytest.raises(ParamError):
        to_term("iri", "http://x/> } #")
    with pytest.raises(ParamError):
        to_term("iri", "not an iri")
    with pytest.raises(ParamError):
        to_term("integer", "1.5")
    q = parse_query_text("t", "# @param n integer\nSELECT ?n WHERE {}")
    with pytest.raises(ParamError, match="required"):
        bind_params(q, {})


# -- the lexer: no false positives -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x> { }" }',
    "SELECT * WHERE { ?s ?p '''LOAD <http://x>''' }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE and DROP ALL in a comment",
    "SELECT ?service ?load WHERE { ?service <http://e/p#LOAD> ?load }",
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:service ex:insert }",
    'SELECT * WHERE { ?s ?p "a \\" SERVICE" }',
])
def test_lexer_has_no_false_positives(text):
    assert forbidden_keywords(text) == []


@pytest.mark.parametrize("text,word", [
    ("SELECT * WHERE { service <http://x/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("LOAD <http://x/data.ttl>", "LOAD"),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),
    ("# comment\nDROP ALL", "DROP"),
])
def test_lexer_finds_forbidden_keywords(text, word):
    assert word in forbidden_keywords(text)


# -- output formats and the CLI ----------------------------------------------------------------

def test_result_formats(store):
    q = load_catalog(QUERIES_DIR)["budget-by-year"]
    r = run_local(store, q, {})
    sj = json.loads(to_sparql_json(r))
    assert sj["head"]["vars"] == r.columns and len(sj["results"]["bindings"]) == 3
    assert "<sparql" in to_sparql_xml(r) and to_tsv(r).startswith("?year\t")
    assert to_simple_json(r)["rows"][0]["budgetWanYuan"] == 304.5


def test_cli_query_and_catalogue(store_dir):
    runner = CliRunner()
    res = runner.invoke(app, ["query", "funded-projects", "--store", str(store_dir), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [r["file"] for r in data["rows"]] == ["fa.txt", "fb.txt"]
    res = runner.invoke(app, ["query", "satisfaction-below", "--store", str(store_dir), "-p", "threshold=81", "-f", "csv"])
    assert res.exit_code == 0 and res.stdout.splitlines()[1].startswith("81,fc.txt,14,")
    res = runner.invoke(app, ["query", str(QUERIES_DIR / "budget-by-year.rq"), "--store", str(store_dir), "-f", "tsv"])
    assert res.exit_code == 0 and res.stdout.startswith("?year\t")
    res = runner.invoke(app, ["queries", "--format", "json"])
    assert res.exit_code == 0 and len(json.loads(res.stdout)) >= 20


def test_cli_errors_are_one_line(store_dir, tmp_path):
    runner = CliRunner()
    for args in (
        ["query", "funded-projects", "--store", str(tmp_path / "none")],
        ["query", "funded-projects", "--store", str(store_dir), "-p", "nope=1"],
        ["query", "satisfaction-below", "--store", str(store_dir), "-p", "threshold=abc"],
        ["query", "no-such-query", "--store", str(store_dir)],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code != 0
        assert "Traceback" not in res.output and res.output.strip().count("\n") == 0, res.output
