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
    "16_self_evaluation.txt": ("就业见习补贴资金", 4, {0: ("产出指标", "数量指标", "参加见习人数", "≥60人")}),
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
