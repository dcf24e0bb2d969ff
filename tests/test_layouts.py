"""Text layouts from copied web pages and PDFs (examples/layouts/): every indicator row is found.

Expected figures were counted by hand from the files.
"""

from __future__ import annotations

import pytest

from kg.parse import parse
from kg.read import read_file

# file → (project name, indicator rows, [(一级, 二级, 三级, 指标值)] of selected rows by index)
EXPECTED = {
    "11_blank_separated.txt": ("职业技能培训补贴", 4, {1: ("产出指标", "质量指标", "取证率", "≥85%")}),
    "12_pipe_cells.txt": ("劳动监察执法经费", 5, {0: ("产出指标(50分)", "数量指标", "检查用人单位户数", "≥300户"),
                                           2: ("产出指标(50分)", None, "投诉处理规范率", "100%")}),
    "13_space_separated.txt": ("创业担保贷款贴息", 5, {1: ("产出指标", "质量指标", "贴息资金拨付准确率", "100%"),
                                                4: ("满意度指标", "服务对象满意度指标", "贷款人满意度", "≥90%")}),
    "14_target_split.txt": ("社保卡服务网点运行经费", 5, {2: ("产出指标", "时效指标", "补换卡办理时限", "5")}),
    "15_column_groups.txt": ("公益性岗位补贴", 9, {0: ("产出指标", "数量指标", "年度安置人数", "≥150人"),
                                            1: ("产出指标", "数量指标", "三年累计安置人数", "≥450人"),
                                            8: ("成本指标", "经济成本指标", "人均补贴标准", "≤2000元/月")}),
    "16_self_evaluation.txt": ("就业见习补贴资金", 4, {0: ("产出指标", "数量指标", "参加见习人数", "≥60人")}),
    "17_run_together.txt": ("创业培训补贴", 8, {1: ("产出指标", "质量指标", "培训合格率", "90%"),
                                          3: ("产出指标", "数量指标", "12333热线咨询量", "≥2000次")}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_example_gives_every_row(examples_dir, name):
    source = read_file(examples_dir / "layouts" / name)
    doc = parse(source)
    want_name, rows, samples = EXPECTED[name]
    (project,) = doc.projects
    assert project.name == want_name
    assert len(project.indicators) == rows
    for i, (l1, l2, l3, value) in samples.items():
        ind = project.indicators[i]
        assert (ind.level1, ind.level2, ind.name, ind.target.raw) == (l1, l2, l3, value)
    assert all(i.level1_category for i in project.indicators)
    nonblank = {l.number for l in source.lines if l.raw.strip()}
    skipped = {s.line for s in doc.skipped}
    assert nonblank <= doc.covered_lines | skipped and not doc.covered_lines & skipped
    assert not [s for s in doc.skipped if s.reason == "unaccounted"]
    assert not doc.problems


def test_truncated_headers_and_score_suffix(examples_dir):
    doc = parse(read_file(examples_dir / "layouts" / "12_pipe_cells.txt"))
    assert {i.level1_category for i in doc.projects[0].indicators} == {"产出指标", "效益指标", "满意度指标"}
    assert doc.projects[0].goal == "开展用人单位守法检查，及时处理欠薪投诉"


def test_target_split_into_nature_value_unit(examples_dir):
    ind = parse(read_file(examples_dir / "layouts" / "14_target_split.txt")).projects[0].indicators[0]
    assert (ind.nature, ind.target.raw, ind.measure_unit, ind.score) == ("≥", "25", "个", "20")


def test_column_groups_keep_both_long_term_and_annual_rows(examples_dir):
    """二级指标(长期) … 二级指标(年度) side by side: each group its own row, marked; nothing overwritten."""
    from kg.parse.output import document_record

    doc = parse(read_file(examples_dir / "layouts" / "15_column_groups.txt"))
    inds = doc.projects[0].indicators
    # counted by hand: 5 table rows; the 成本指标 row has an empty long-term group
    assert [i.horizon for i in inds].count("annual") == 5 and [i.horizon for i in inds].count("long-term") == 4
    by_line = {}
    for i in inds:
        by_line.setdefault(i.span.line, {})[i.horizon] = (i.name, i.target.raw)
    assert by_line[9] == {"annual": ("安置人员稳定在岗率", "≥85%"), "long-term": ("就业困难人员就业率", "逐年提高")}
    assert by_line[11] == {"annual": ("人均补贴标准", "≤2000元/月")}
    record = document_record(doc)
    assert [i["horizon"] for i in record["projects"][0]["indicators"]][:2] == ["annual", "long-term"]


def test_column_groups_in_tab_rows():
    """The 13-column row layout with column groups reads the same way."""
    from kg.read import read_bytes

    header = "项目名称\t项目单位\t预算数\t年度绩效目标\t一级指标\t二级指标(长期)\t三级指标(长期)\t指标值(长期)\t二级指标(年度)\t三级指标(年度)\t指标值(年度)"
    row1 = "某项目\t316001-某局\t10.00\t做好\t产出指标\t数量指标\t累计人数\t≥300人\t数量指标\t年度人数\t≥100人"
    row2 = "\t\t\t\t满意度指标\t\t\t\t服务对象满意度指标\t满意度\t≥90%"
    doc = parse(read_bytes("\n".join(["某局2023年项目绩效目标", header, row1, row2]).encode(), "t.txt"))
    got = [(i.horizon, i.level1, i.name, i.target.raw) for i in doc.projects[0].indicators]
    assert got == [("annual", "产出指标", "年度人数", "≥100人"), ("long-term", "产出指标", "累计人数", "≥300人"),
                   ("annual", "满意度指标", "满意度", "≥90%")]


def test_ordinary_tables_have_no_horizon(examples_dir):
    for name in ("12_pipe_cells.txt", "13_space_separated.txt", "16_self_evaluation.txt"):
        doc = parse(read_file(examples_dir / "layouts" / name))
        assert {i.horizon for p in doc.projects for i in p.indicators} == {None}


def test_run_together_rows_split_or_kept_as_skipped(examples_dir):
    """Cells with no separator: split on category names, comparators, numbers and known target phrases."""
    doc = parse(read_file(examples_dir / "layouts" / "17_run_together.txt"))
    (p,) = doc.projects
    assert (p.name, p.goal) == ("创业培训补贴", "组织有创业意愿的城乡劳动者参加创业培训")
    rows = {i.span.line: (i.name, i.target.raw) for i in p.indicators}
    # line 11: a name with digits, the target anchored on the number after a Han character;
    # line 13: a qualitative target anchored on a known target phrase
    assert rows[11] == ("12345热线回访率", "95%")
    assert rows[13] == ("创业环境", "持续改善")
    assert not [s for s in doc.skipped if s.reason == "cells run together, cannot split"]
    assert [i.level2 for i in p.indicators] == [
        "数量指标", "质量指标", "时效指标", "数量指标", "质量指标", "社会效益指标", "可持续影响指标", "服务对象满意度指标",
    ]


def test_run_together_row_without_an_anchor_is_kept_as_skipped():
    from kg.read import read_bytes

    text = "1.某项目绩效目标表\n项目名称某项目\n一级指标二级指标三级指标指标值\n产出指标数量指标培训人数≥50人\n效益指标社会效益指标促进区域协调发展\n"
    doc = parse(read_bytes(text.encode(), "t.txt"))
    assert [i.name for p in doc.projects for i in p.indicators] == ["培训人数"]
    assert [(s.line, s.reason) for s in doc.skipped if s.line == 5] == [(5, "cells run together, cannot split")]


def test_run_together_header_only_with_anchorable_columns():
    """A run-together table with a 分值 column cannot be split without guessing: every row is kept as skipped."""
    from kg.read import read_bytes

    text = "1.某项目绩效目标表\n项目名称某项目\n一级指标二级指标三级指标指标值分值\n产出指标数量指标培训人数≥50人20\n"
    doc = parse(read_bytes(text.encode(), "t.txt"))
    assert [(s.line, s.reason) for s in doc.skipped if s.line == 4] == [(4, "cells run together, cannot split")]
    assert not any(i.name for p in doc.projects for i in p.indicators)
