"""The shapes on the hand-written fixture (tests/data/validate_fixture.trig): each defect found, once,
with its severity and source line; the clean project A/1 has no finding at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store
from rdflib import Literal

from kg.validate.engine import validate_single, validate_store
from kg.validate.findings import enrich
from kg.validate.shapes import SH, load_shapes, shape_labels, spanning_shapes

DATA = Path(__file__).parent / "data"
P = "https://w3id.org/jxkg/id/project/"


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store()
    s.load(path=str(DATA / "validate_fixture.trig"), format=RdfFormat.TRIG)
    return s


@pytest.fixture(scope="module")
def results(store):
    return validate_store(store, jobs=1)


@pytest.fixture(scope="module")
def findings(store, results):
    return enrich(store, results, sources=[DATA])


def hits(findings, shape, **where):
    out = [f for f in findings if f.shape == f"jxsh:{shape}"]
    for k, v in where.items():
        out = [f for f in out if getattr(f, k) == v]
    return out


def test_every_shape_has_bilingual_name_description_and_severity():
    g = load_shapes()
    labels = shape_labels(g)
    reporting = {s for s in g.subjects(SH.severity, None)}
    assert len(reporting) >= 20
    for s in reporting:
        info = labels[str(s)]
        for key in ("name_zh", "name_en", "description_zh", "description_en"):
            assert info.get(key), f"{s} lacks {key}"
        assert info["severity"] in ("Violation", "Warning", "Info")
        langs = {m.language for m in g.objects(s, SH.message) if isinstance(m, Literal)}
        assert {"zh", "en"} <= langs, f"{s} lacks a zh/en sh:message"


def test_only_the_unit_shape_spans_documents():
    assert {str(s).split("#")[1] for s in spanning_shapes(load_shapes())} == {"UnitNameConflictShape"}


def test_clean_project_has_no_finding(findings):
    # only the unit-name conflict points into A/1 (its 预算单位 line is the first naming unit 999001)
    on_a1 = [f for f in findings if f.project == P + "validate_fx_a.txt/1"]
    assert [(f.shape, f.line) for f in on_a1] == [("jxsh:UnitNameConflictShape", 5)]


def test_completeness(findings):
    assert [f.line for f in hits(findings, "ProjectGoalShape")] == [20]
    assert hits(findings, "ProjectGoalShape")[0].value == "1.目标内容1"
    assert [f.project_name for f in hits(findings, "ProjectBenefitShape")] == ["职业培训补贴"]
    assert [(f.project_name, f.severity) for f in hits(findings, "ProjectBudgetShape")] == [("档案管理经费", "Violation")]
    assert [(f.project_name, f.severity) for f in hits(findings, "ProjectUnitShape")] == [("档案管理经费", "Warning")]
    # 满意度: an outside-serving project is a violation, an internal one (租金) a warning
    assert [(f.project_name, f.severity) for f in hits(findings, "SatisfactionShape")] == [("劳动监察经费", "Violation")]
    assert [(f.project_name, f.severity) for f in hits(findings, "InternalSatisfactionShape")] == [("办公楼租金", "Warning")]
    assert {f.project_name for f in hits(findings, "OutputTimelinessShape")} == {"办公楼租金", "职业培训补贴", "劳动监察经费", "档案管理经费"}
    assert [(f.document, f.line) for f in hits(findings, "IndicatorNameShape")] == [("validate_fx_b.txt", 8)]
    assert [(f.document, f.line) for f in hits(findings, "IndicatorTargetShape")] == [("validate_fx_b.txt", 9)]
    assert [(f.document, f.line) for f in hits(findings, "IndicatorCategoryShape")] == [("validate_fx_b.txt", 10)]


def test_values(findings):
    ph = hits(findings, "TargetPlaceholderShape")
    assert [(f.line, f.value, f.severity) for f in ph] == [(21, "≥**%", "Violation")]
    assert [f.line for f in hits(findings, "TargetComparatorShape")] == [22]
    assert [f.line for f in hits(findings, "TargetUnitShape")] == [22]
    dim = hits(findings, "TargetDimensionShape")
    assert [(f.line, f.value) for f in dim] == [(30, "percent")]
    assert "count" in dim[0].message
    rep = hits(findings, "DescriptionRepeatsNameShape")
    assert [(f.line, f.severity) for f in rep] == [(21, "Info")]


def test_structure(findings):
    lv = hits(findings, "Level2FitsLevel1Shape")
    assert {f.line for f in lv} == {32} and {f.severity for f in lv} == {"Violation"}
    cc = hits(findings, "ConceptCategoryShape")
    assert sorted(f.line for f in cc) == [31, 32]
    assert any("补贴发放人数" in f.message and "满意度指标" in f.message for f in cc)


def test_consistency(findings):
    assert [(f.line, f.value) for f in hits(findings, "FundingSumShape")] == [(18, "30")]
    assert [(f.line, f.value, f.text) for f in hits(findings, "PlanCapShape")] == [
        (19, "750000", "资金支出计划\t25%\t50%\t750000%\t100%")
    ]
    assert [f.line for f in hits(findings, "PlanOctoberShape")] == [19]
    assert [(f.line, f.value) for f in hits(findings, "PlanMarchShape")] == [(28, "30")]
    assert [(f.line, f.severity) for f in hits(findings, "PlanEndShape")] == [(28, "Warning")]
    st = hits(findings, "StatedTotalShape")
    assert [(f.line, f.value) for f in st] == [(2, "150")] and "170" in st[0].message
    # the unit conflict spans the two documents: one finding per name, each at its own line
    un = hits(findings, "UnitNameConflictShape")
    assert sorted((f.document, f.line, f.value) for f in un) == [
        ("validate_fx_a.txt", 5, "测试市人力资源和社会保障局"),
        ("validate_fx_b.txt", 4, "测试市人力资源和社会保障厅"),
    ]


def test_messages_are_chinese_with_english_kept(findings):
    for f in findings:
        assert any("\u4e00" <= c <= "\u9fff" for c in f.message), f.message
        assert f.message_en and f.message_en != f.message


def test_sharded_equals_single_run(store, results):
    assert validate_single(store) == results
    assert validate_store(store, jobs=2, shard_triples=50) == results
