"""What all layouts share: header cells, category names, cleaning rules.

The parser anchors on these rather than on positions, so one mechanism reads
every layout.

>>> level1_category("效果指标")
'效益指标'
>>> level1_category("产出指标(50分)")
'产出指标'
>>> level2_category("服务对象满意 度")
'服务对象满意度指标'
>>> level2_category("时效")
'时效指标'
>>> clean_cell("[bookmark: _GoBack]资金 按照规定")
'资金 按照规定'
>>> join_wrapped("劳动人事争议 仲裁办案工作 经费")
'劳动人事争议仲裁办案工作经费'
>>> strip_field_code("1.城乡居民绩效目标表 TC 1、城乡居民绩效目标表 \\\\f C \\\\l 1 ")
'1.城乡居民绩效目标表'
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.read import normalise

# Header cell (spaces removed, NFKC) → Indicator field.
INDICATOR_COLUMNS: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "绩效指标描述": "description",
    "指标解释": "description",
    "指标内容": "description",
    "指标值": "target",
    "目标值": "target",
    "年度指标值": "target",
    "指标值确定依据": "basis",
    "指标性质": "nature",
    "指标方向": "direction",
    "计量单位": "measure_unit",
    "度量单位": "measure_unit",
    "分值": "score",
    "权重": "score",
    "分值/权重": "score",
    # self-evaluation (绩效自评表)
    "实际完成值": "actual",
    "全年实际值": "actual",
    "实际值": "actual",
    "全年指标值": "target",
    "得分": "points",
    "偏差原因": "deviation_reason",
    "偏差原因分析及改进措施": "deviation_reason",
}

#: Header cells cut short by copying (``绩 |``, ``一级 |``) → the full header cell.
TRUNCATED_HEADERS: dict[str, str] = {"一级": "一级指标", "二级": "二级指标", "三级": "三级指标"}

# Project columns of the row-per-line layout (002) → Project field.
PROJECT_COLUMNS: dict[str, str] = {
    "项目名称": "name",
    "项目单位": "unit",
    "项目类别": "kind",
    "预算数": "budget",
    "年度绩效目标": "goal",
    "绩效目标": "goal",
}

LEVEL1: dict[str, str] = {
    "产出指标": "产出指标",
    "效益指标": "效益指标",
    "效果指标": "效益指标",
    "满意度指标": "满意度指标",
    "成本指标": "成本指标",
}

LEVEL2: dict[str, str] = {
    "数量": "数量指标",
    "质量": "质量指标",
    "时效": "时效指标",
    "成本": "成本指标",
    "经济成本": "经济成本指标",
    "社会成本": "社会成本指标",
    "生态环境成本": "生态环境成本指标",
    "经济效益": "经济效益指标",
    "社会效益": "社会效益指标",
    "生态效益": "生态效益指标",
    "可持续影响": "可持续影响指标",
    "服务对象满意度": "服务对象满意度指标",
    "满意度": "服务对象满意度指标",
}

_SCORE_SUFFIX = re.compile(r"[(（]\s*\d+(\.\d+)?\s*分\s*[)）]$")
_BOOKMARK = re.compile(r"\[bookmark:[^\]\[]*\]")  # no '[' inside: stays linear on unclosed markers
_FIELD_CODE = re.compile(r"\s+TC\s.*\\f\s+[A-Z]\s+\\l\s+\d+\s*$")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_WRAP_SPACE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}\d])|(?<=[{_CJK}\d])\s+(?=[{_CJK}])")


_SPACES = re.compile(r"\s+")
_TABS = re.compile(r"[ \t]*\t[ \t]*")


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    return _SPACES.sub("", normalise(text))


def key(text: str) -> str:
    """Matching key of a cell: normalised, all white space removed (cached: cell texts repeat)."""
    if len(text) > 200:  # long prose cells are never labels; do not fill the cache with them
        return _SPACES.sub("", normalise(text))
    return _key(text)


def strip_field_code(text: str) -> str:
    """Remove a Word TOC field code (`` TC … \\f C \\l 1``) from the end of a title.

    Only lines of up to 2,000 characters carry field codes; longer ones are left
    alone (the pattern would be slow on them).
    """
    if len(text) > 2000 or "TC" not in text:
        return text.rstrip()
    return _FIELD_CODE.sub("", text).rstrip()


def clean_cell(text: str) -> str:
    """Cell text without ``[bookmark: …]`` markers, inner tabs folded, ends trimmed."""
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    if "\t" in text:
        text = _TABS.sub(" ", text)
    return text.strip()


def join_wrapped(text: str) -> str:
    """Undo wrap spaces inside Chinese text (``满意度指 标`` → ``满意度指标``); keep spaces between Latin words."""
    return _WRAP_SPACE.sub("", text.strip())


def level1_category(text: str | None) -> str | None:
    """Canonical 一级 category of a cell, or None when it is not one."""
    if not text:
        return None
    k = _SCORE_SUFFIX.sub("", key(text))
    return LEVEL1.get(k)


def level2_category(text: str | None) -> str | None:
    """Canonical 二级 category of a cell (suffix 指标 optional, truncations like 时效 accepted)."""
    if not text:
        return None
    k = _SCORE_SUFFIX.sub("", key(text))
    k = k.removesuffix("指标")
    return LEVEL2.get(k)


def indicator_column(text: str) -> str | None:
    """The Indicator field a header cell names, or None.

    Group suffixes (``二级指标(年度)``) and truncations (``一级``) are accepted:

    >>> indicator_column("二级指标（年度）"), indicator_column("一级 "), indicator_column("偏差原因分析及改进措施")
    ('level2', 'level1', 'deviation_reason')
    """
    k = key(text)
    k = TRUNCATED_HEADERS.get(k, k)
    if k in INDICATOR_COLUMNS:
        return INDICATOR_COLUMNS[k]
    k = _GROUP_SUFFIX.sub("", k)
    return INDICATOR_COLUMNS.get(TRUNCATED_HEADERS.get(k, k))


_GROUP_SUFFIX = re.compile(r"\((长期|年度|中长期)\)$")
_HORIZON = {"长期": "long-term", "中长期": "long-term", "年度": "annual"}


def column_horizon(text: str) -> str | None:
    """Which column group a header cell belongs to: ``long-term`` (长期), ``annual`` (年度) or None.

    >>> column_horizon("二级指标（长期）"), column_horizon("指标值(年度)"), column_horizon("年度指标值")
    ('long-term', 'annual', None)
    """
    m = _GROUP_SUFFIX.search(key(text))
    return _HORIZON[m.group(1)] if m else None
