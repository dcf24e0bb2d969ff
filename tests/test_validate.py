"""`jxkg validate`: exit codes, report formats, and the seed-corpus findings the issue lists."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store
from rdflib import Graph
from rdflib.namespace import RDF
from typer.testing import CliRunner

from kg.cli import app
from kg.validate.engine import open_store, validate_single, validate_store
from kg.validate.findings import enrich
from kg.validate.shapes import SH

DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("vstore") / "store"
    s = Store(str(path))
    s.load(path=str(DATA / "validate_fixture.trig"), format=RdfFormat.TRIG)
    s.flush()
    del s
    return path


def run(*args: str):
    return runner.invoke(app, ["validate", *args])


def test_json_report_fields_and_exit_1(fixture_store, tmp_path):
    out = tmp_path / "r.json"
    res = run("--store", str(fixture_store), "--format", "json", "-o", str(out), "--sources", str(DATA), "--jobs", "1")
    assert res.exit_code == 1, res.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(rows, list) and rows
    for r in rows:
        assert {"severity", "shape", "message", "focus", "project", "document", "line", "value"} <= set(r)
    plan = [r for r in rows if r["shape"] == "jxsh:PlanCapShape"]
    assert plan[0]["document"] == "validate_fx_a.txt" and plan[0]["line"] == 19 and plan[0]["value"] == "750000"


def test_ttl_is_a_standard_validation_report(fixture_store, tmp_path):
    out = tmp_path / "r.ttl"
    res = run("--store", str(fixture_store), "--format", "ttl", "-o", str(out), "--jobs", "1")
    assert res.exit_code == 1
    g = Graph().parse(out, format="turtle")
    report = g.value(predicate=RDF.type, object=SH.ValidationReport, any=False)
    assert report is not None
    assert str(g.value(report, SH.conforms)) == "false"
    assert len(list(g.objects(report, SH.result))) == 36
    # a complex path (sequence) is written as an RDF list, as pySHACL does
    paths = [g.value(r, SH.resultPath) for r in g.objects(report, SH.result)]
    assert any(p is not None and not isinstance(p, type(SH.x)) for p in paths)


@pytest.mark.parametrize("fmt,probe", [("text", "共 36 条"), ("md", "| 行 | 级别 |"), ("html", 'class="finding sev-Violation"')])
def test_other_formats(fixture_store, fmt, probe):
    res = run("--store", str(fixture_store), "--format", fmt, "--sources", str(DATA), "--jobs", "1")
    assert res.exit_code == 1
    assert probe in res.stdout


def test_exit_0_without_violation(fixture_store, tmp_path):
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    here = Path(__file__).parent.parent / "shapes"
    shutil.copy(here / "prefixes.ttl", shapes / "prefixes.ttl")
    src = (here / "values.ttl").read_text(encoding="utf-8")
    # keep only warnings/infos: turn the placeholder violation into a warning
    (shapes / "values.ttl").write_text(src.replace("sh:severity sh:Violation", "sh:severity sh:Warning"), encoding="utf-8")
    res = run("--store", str(fixture_store), "--shapes", str(shapes), "--format", "json", "--jobs", "1")
    assert res.exit_code == 0, res.output
    assert {r["severity"] for r in json.loads(res.stdout)} <= {"Warning", "Info"}


def test_exit_2_on_failure(tmp_path, fixture_store):
    res = run("--store", str(tmp_path / "missing"))
    assert res.exit_code == 2 and "no store here" in res.output
    bad = tmp_path / "badshapes"
    bad.mkdir()
    (bad / "x.ttl").write_text("this is not turtle .", encoding="utf-8")
    res = run("--store", str(fixture_store), "--shapes", str(bad))
    assert res.exit_code == 2 and "x.ttl" in res.output
    res = run("--store", str(fixture_store), "--format", "pdf")
    assert res.exit_code == 2


# ───────────────────────────── seed corpus ─────────────────────────────


@pytest.fixture(scope="session")
def corpus_store(corpus_dir, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "store"
    res = runner.invoke(app, ["build", str(corpus_dir), "--store", str(path)])
    if res.exit_code != 0 or not path.is_dir():
        pytest.fail(f"jxkg build failed on the seed corpus: {res.output}")
    return path


@pytest.fixture(scope="session")
def corpus_results(corpus_store):
    return validate_store(open_store(corpus_store), jobs=2)


@pytest.fixture(scope="session")
def corpus_findings(corpus_store, corpus_results, corpus_dir):
    return enrich(open_store(corpus_store), corpus_results, sources=[corpus_dir])


def _in(findings, doc_prefix, shape=None):
    return [f for f in findings if (f.document or "").startswith(doc_prefix) and (shape is None or f.shape == f"jxsh:{shape}")]


@pytest.mark.corpus
@pytest.mark.slow
def test_004_projects_without_satisfaction(corpus_findings, gold):
    doc = next(d for d in gold["documents"] if d["file"].startswith("004"))
    expected = {p["name"] for p in doc["projects"] if "满意度指标" not in p["first_level"]}
    assert len(expected) == 10
    found = _in(corpus_findings, "004", "SatisfactionShape") + _in(corpus_findings, "004", "InternalSatisfactionShape")
    assert {f.project_name for f in found} == expected
    assert all(f.line and "绩效目标表" in (f.text or "") for f in found)  # each points at its table title


@pytest.mark.corpus
@pytest.mark.slow
def test_003_spending_plan_and_placeholders(corpus_findings, corpus_dir):
    lines = (corpus_dir / "003_d071826548224e33.txt").read_text(encoding="utf-8").splitlines()
    cap = _in(corpus_findings, "003", "PlanCapShape")
    assert [(f.line, f.value) for f in cap] == [(3749, "750000")]
    goals = _in(corpus_findings, "003", "ProjectGoalShape")
    assert goals and all("目标内容1" in lines[f.line - 1] for f in goals)
    assert {f.line for f in goals} == {i + 1 for i, t in enumerate(lines) if t.strip() == "1.目标内容1"}
    stars = _in(corpus_findings, "003", "TemplateTextInRowShape")
    star_lines = {i + 1 for i, t in enumerate(lines) if "**%" in t}
    assert stars and all(f.line in star_lines for f in stars)
    # every row whose name carries (≥**%) is reported (name and description may share one finding)
    assert len({f.focus for f in stars}) >= 9


@pytest.mark.corpus
@pytest.mark.slow
def test_001_table_25_rows_under_wrong_first_level(corpus_findings):
    wrong = _in(corpus_findings, "001", "Level2FitsLevel1Shape")
    assert wrong and {f.project_name for f in wrong} == {"财政负担职业年金"}
    assert {f.focus.split("/")[-3] for f in wrong} == {"25"}
    def hit(n):
        return any(f.line <= n <= (f.end_line or f.line) for f in wrong)

    assert hit(1715)  # 满意度指标 / 数量指标 / 职业年金发放人数
    assert hit(1709)  # 服务对象满意度指标 inherited under 效果指标


@pytest.mark.corpus
@pytest.mark.slow
def test_002_two_names_for_418001(corpus_findings):
    un = _in(corpus_findings, "002", "UnitNameConflictShape")
    assert {f.value for f in un} == {"乌海市人力资源和社会保障局", "上海市人力资源和社会保障局"}
    sh = next(f for f in un if f.value.startswith("上海"))
    assert "上海市" in sh.text and sh.severity == "Violation"


@pytest.mark.corpus
@pytest.mark.slow
def test_000_has_no_completeness_violation(corpus_findings):
    completeness = {"ProjectNameShape", "ProjectBudgetShape", "ProjectGoalShape", "ProjectOutputShape",
                    "ProjectBenefitShape", "SatisfactionShape", "IndicatorCategoryShape", "IndicatorNameShape",
                    "IndicatorTargetShape"}  # fmt: skip
    bad = [f for f in _in(corpus_findings, "000") if f.severity == "Violation" and f.shape[5:] in completeness]
    assert bad == []
    assert len({f.project for f in _in(corpus_findings, "000") if f.project}) <= 12


@pytest.mark.corpus
@pytest.mark.slow
def test_sharded_equals_single_pyshacl_run_on_seed_corpus(corpus_store, corpus_results):
    single = validate_single(open_store(corpus_store))
    assert len(single) > 100
    assert single == corpus_results
