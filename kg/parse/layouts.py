"""Bring other table layouts into the two the table readers understand.

Rewrites work on a copy of the raw lines and keep their numbering; a line
whose content moves onto another line is *folded* into it (``fold[line] =
host``) and shares the host's fate in line accounting (covered or skipped).

Row tables written one cell per line (a Word or web table of the 13-column
row layout, as :mod:`kg.read.native` renders it) become one tab-separated line
per row, which :mod:`kg.parse.rows` reads:

>>> raws = ["\\t项目名称", "\\t项目单位", "\\t预算数", "\\t年度绩效目标", "\\t一级指标", "\\t三级指标", "\\t指标值", "",
...         "\\t某项目", "\\t某局", "\\t12.00", "\\t做好", "\\t产出指标", "\\t人数", "\\t≥5人", ""]
>>> out, fold = fold_row_tables(raws)
>>> out[0], out[8], out[9], fold[10]
('项目名称\\t项目单位\\t预算数\\t年度绩效目标\\t一级指标\\t三级指标\\t指标值', '某项目\\t某局\\t12.00\\t做好\\t产出指标\\t人数\\t≥5人', '', 9)
"""

from __future__ import annotations

import re

from kg.parse.cells import CELL_SEP, is_title
from kg.parse.vocab import INDICATOR_COLUMNS, LEVEL1, LEVEL2, clean_cell, indicator_column, key, level1_category, level2_category


def is_cell_line(raw: str) -> bool:
    """A line that starts a cell in the one-cell-per-line layout."""
    return raw.startswith("\t") or (not raw.strip() and "\t" in raw)


def _is_row_header(keys: list[str]) -> bool:
    if len(keys) < 5 or "项目名称" not in keys or "一级指标" not in keys:
        return False
    return keys.index("项目名称") < keys.index("一级指标")


def fold_row_tables(raws: list[str]) -> tuple[list[str], dict[int, int]]:
    """Join the cells of each row of a cell-per-line row table onto the row's first line.

    Rows are separated by blank lines; a row table starts at a row holding both
    项目名称 and 一级指标 and ends at the next free line.  Returns the rewritten
    lines and the fold map (1-based line numbers).
    """
    out = list(raws)
    fold: dict[int, int] = {}
    n = len(raws)
    in_table = False
    i = 0
    while i < n:
        raw = raws[i]
        if not is_cell_line(raw):
            if raw.strip():
                in_table = False
            i += 1
            continue
        cells: list[list[str]] = []
        j = i
        while j < n:
            r = raws[j]
            if is_cell_line(r):
                cells.append([clean_cell(r)])
            elif r.strip() and cells and not is_title(r):
                cells[-1].append(clean_cell(r))
            else:
                break
            j += 1
        if not in_table and _is_row_header([key(c[0]) for c in cells]):
            in_table = True
        if in_table:
            out[i] = "\t".join(" ".join(parts).strip() for parts in cells)
            for k in range(i + 1, j):
                out[k] = ""
                fold[k + 1] = i + 1
        i = j
    return out, fold


# ------------------------------------------------------------------ rows written on one line
_PIPE = re.compile(r"\s*[|｜]\s*")
_GAP = re.compile(r"(?:[ \t]{2,}|\u3000+)")
_LABELS = {"项目名称", "专项资金名称", "项目编码", "绩效目标", "年度绩效目标", "预算数", "评价年度", "年度预算数", "执行数", "执行率"}
_HEADER_ORDER = ["一级指标", "二级指标", "三级指标", "绩效目标", "指标值", "指标性质", "度量单位", "实际完成值", "分值", "得分"]


def _complete(piece: str) -> str:
    """A header cell cut short by copying (``绩``, ``一级``) → the first header name it begins."""
    k = key(piece)
    if not k or k in INDICATOR_COLUMNS:
        return piece
    return next((h for h in _HEADER_ORDER if h.startswith(k)), piece)


def _pieces(raw: str) -> list[str] | None:
    """Cells of a row written on one line: ``a | b | |`` or ``a    b    c``; None for an ordinary line."""
    text = raw.strip()
    if text.count("|") + text.count("｜") >= 2 or (text.endswith(("|", "｜")) and text.count("|") + text.count("｜") >= 1):
        parts = _PIPE.split(text)
        if parts and parts[0] == "":
            parts = parts[1:]
        if parts and parts[-1] == "":
            parts = parts[:-1]
        return parts if len(parts) >= 2 else None
    parts = _GAP.split(text)
    if len(parts) == 2 and key(parts[0]) in _LABELS:
        return parts
    return parts if len(parts) >= 3 else None


def _is_tableish(parts: list[str]) -> bool:
    keys = [key(p) for p in parts]
    return any(
        indicator_column(p) or level1_category(p) or level2_category(p) or k in ("项目名称", "绩效目标", "专项资金名称")
        for p, k in zip(parts, keys)
    )


def split_row_lines(raws: list[str]) -> list[str]:
    """Rewrite rows written on one line (cells separated by ``|`` or by runs of spaces) as cell lines.

    A run of such lines counts as a table when one of them holds a header cell or
    a category name.  Header cells cut short are completed; indicator rows short
    of the header's width (merged 一级/二级 cells lost in copying) are padded on
    the left, anchored on their category cells.

    >>> out = split_row_lines(["一级 | 二级 | 三级指标 | 指标值 |", "产出指标 | 数量指标 | 培训人数 | ≥50人 |", "质量指标 | 合格率 | ≥95% |"])
    >>> [o.split(CELL_SEP) for o in out]
    [['\\t一级指标', '二级指标', '三级指标', '指标值'], ['\\t产出指标', '数量指标', '培训人数', '≥50人'], ['\\t', '质量指标', '合格率', '≥95%']]
    """
    out = list(raws)
    in_table = False
    width = 0
    for i, raw in enumerate(raws):
        if not raw.strip():
            continue
        if raw.startswith("\t") or "\t" in raw.strip():
            in_table = False
            continue
        parts = _pieces(raw)
        if parts is None or not (in_table or _is_tableish(parts)):
            in_table = False
            continue
        in_table = True
        completed = [_complete(p) for p in parts]
        if sum(1 for p in completed if indicator_column(p)) >= 2:
            parts = completed
            width = len(parts) if indicator_column(parts[0]) == "level1" else 0
        elif key(parts[0]) and not level1_category(parts[0]) and (
            label := next((lb for lb in ("绩效目标", "项目名称") if lb.startswith(key(parts[0])) and lb != key(parts[0])), None)
        ):
            parts = [label] + parts[1:]  # a label cell cut short (``绩 |``)
        elif width and len(parts) < width and not level1_category(parts[0]):
            missing = width - len(parts)
            pad = 1 if level2_category(parts[0]) or missing == 1 else 2
            parts = [""] * pad + parts
        out[i] = "\t" + CELL_SEP.join(p.strip() for p in parts)
    return out


def blank_separated_cells(raws: list[str]) -> list[str]:
    """Cells one per line with blank lines between them and no tabs (text copied from a web page or PDF).

    A block starts after the table title (or at a lone ``一级指标`` line followed by
    ``二级指标``) and ends before the next title or at two blank lines in a row;
    every non-blank line in it becomes a cell line.

    >>> blank_separated_cells(["1.某项目绩效目标表", "", "一级指标", "", "二级指标", "", "产出指标", "", "", "附注"])
    ['1.某项目绩效目标表', '', '\\t一级指标', '', '\\t二级指标', '', '\\t产出指标', '', '', '附注']
    """
    out = list(raws)
    n = len(raws)
    nonblank = [i for i in range(n) if raws[i].strip()]
    pos = {i: k for k, i in enumerate(nonblank)}
    for i in nonblank:
        if "\t" in raws[i] or key(raws[i]) != "一级指标":
            continue
        k = pos[i]
        if k + 1 >= len(nonblank) or key(raws[nonblank[k + 1]]) != "二级指标" or "\t" in raws[nonblank[k + 1]]:
            continue
        start = i
        for j in range(i - 1, max(-1, i - 60), -1):
            if is_title(raws[j]) or "\t" in raws[j]:
                break
            start = j
        end, blanks = start, 0
        for j in range(start, n):
            if j > i and is_title(raws[j]) or "\t" in raws[j]:
                break
            blanks = blanks + 1 if not raws[j].strip() else 0
            if blanks >= 2:
                break
            end = j
        for j in range(start, end + 1):
            if raws[j].strip():
                out[j] = "\t" + raws[j].strip()
    return out


# ------------------------------------------------------------------ cells run together on one line
#: Why a run-together row is left unread (the reason reported in ``skipped``).
RUN_TOGETHER = "cells run together, cannot split"
_RT_LABELS = ("专项资金名称", "项目名称", "项目编码", "年度绩效目标", "绩效目标", "预算数")
_RT_HEADERS = sorted(INDICATOR_COLUMNS, key=len, reverse=True)
_RT_COMPARATOR = re.compile(r"[≥≤><=＞＜≧≦]")
_RT_NUMBER = re.compile(r"\d+(?:\.\d+)?[^\d]{0,6}$")
_RT_LEVEL1 = sorted(LEVEL1, key=len, reverse=True)
_RT_LEVEL2 = sorted({k + "指标" for k in LEVEL2} | {v for v in LEVEL2.values()}, key=len, reverse=True)
_RT_SCORE = re.compile(r"^[(（]\d+(?:\.\d+)?分[)）]")
# A final number right after a Chinese character starts the target even when the name holds digits
# (``12345热线回访率95%``): a number cannot continue a word that ends in a Han character.
_RT_TAIL_NUMBER = re.compile(r"(?<=[\u4e00-\u9fff])\d+(?:\.\d+)?(?:%|百分比|[\u4e00-\u9fff]{1,3})?$")
#: Qualitative targets as tables write them; a row ending in one of these has its 指标值 boundary there.
QUALITATIVE_TARGETS = sorted(
    {"持续改善", "有效改善", "明显改善", "有效提升", "有效提高", "明显提升", "明显提高", "显著提升", "显著提高",
     "稳步提升", "稳步提高", "逐步提高", "逐步提升", "有效保障", "有效维护", "有效推动", "有效促进", "有效发挥",
     "及时支付", "及时发放", "按时完成", "按期完成", "基本达到预期", "达到预期", "长期", "持续", "是", "否"},
    key=len, reverse=True,
)


def _run_together_header(k: str) -> list[str] | None:
    """``一级指标二级指标三级指标指标值`` → its header cells, when the names cover the whole line exactly."""
    cells: list[str] = []
    while k:
        h = next((h for h in _RT_HEADERS if k.startswith(h)), None)
        if h is None:
            return None
        cells.append(h)
        k = k[len(h) :]
    return cells if len(cells) >= 3 and cells[0] == "一级指标" and len(set(cells)) == len(cells) else None


def _prefix(k: str, names: list[str]) -> tuple[str, str]:
    """(the category name *k* starts with, with a ``(20分)`` suffix; the rest) — ('', k) when none."""
    name = next((n for n in names if k.startswith(n)), "")
    rest = k[len(name) :]
    if name and (m := _RT_SCORE.match(rest)):
        name, rest = name + m.group(0), rest[m.end() :]
    return name, rest


def split_run_together_row(k: str, columns: list[str]) -> list[str] | None:
    """Cells of one indicator row written without separators, or None when the split would be a guess.

    The 一级 and 二级 cells are anchored on known category names; the 三级指标 / 指标值 boundary on the
    target: before its comparator, else before a final number (when the name holds no digit, or the
    number follows a Han character), else before a known qualitative target phrase.

    >>> cols = ["level1", "level2", "name", "target"]
    >>> split_run_together_row("产出指标数量指标培训人数≥500人", cols)
    ['产出指标', '数量指标', '培训人数', '≥500人']
    >>> split_run_together_row("质量指标合格率95%", cols), split_run_together_row("12333热线接通量≥5000次", cols)
    (['', '质量指标', '合格率', '95%'], ['', '', '12333热线接通量', '≥5000次'])
    >>> split_run_together_row("质量指标12333热线接通率95%", cols)
    ['', '质量指标', '12333热线接通率', '95%']
    >>> split_run_together_row("效益指标社会效益指标就业环境持续改善", cols)
    ['效益指标', '社会效益指标', '就业环境', '持续改善']
    >>> split_run_together_row("效益指标社会效益指标促进区域协调发展", cols) is None  # no anchor: not guessed
    True
    """
    if columns != ["level1", "level2", "name", "target"]:
        return None  # other columns (分值, 指标性质 …) have no anchor to split on
    level1, rest = _prefix(k, _RT_LEVEL1)
    level2, rest = _prefix(rest, _RT_LEVEL2)
    comparators = list(_RT_COMPARATOR.finditer(rest))
    if len(comparators) == 1 and comparators[0].start() > 0:
        at = comparators[0].start()
    elif not comparators and (m := _RT_NUMBER.search(rest)) and m.start() > 0 and not re.search(r"\d", rest[: m.start()]):
        at = m.start()
    elif not comparators and (m := _RT_TAIL_NUMBER.search(rest)) and m.start() > 0:
        at = m.start()
    elif not comparators and (q := next((q for q in QUALITATIVE_TARGETS if rest.endswith(q) and len(rest) - len(q) >= 2), None)):
        at = len(rest) - len(q)
    else:
        return None
    return [level1, level2, rest[:at], rest[at:]]


def split_run_together(raws: list[str]) -> tuple[list[str], dict[int, str]]:
    """Rewrite indicator tables whose cells run together on one line (no tab, ``|`` or space between them).

    A table is recognised by a header line made only of header names (``一级指标二级指标三级指标指标值``);
    the label lines above it back to the table title (``项目名称某项目``) are split after their label and
    the lines below it, up to a blank line, a title or a sentence, are split by
    :func:`split_run_together_row`.  A row that cannot be split without guessing is blanked out of the
    table and returned with its reason (1-based line → :data:`RUN_TOGETHER`).

    >>> out, skipped = split_run_together(["1.某项目绩效目标表", "项目名称某项目", "一级指标二级指标三级指标指标值",
    ...                                    "产出指标数量指标培训人数≥50人", "满意度指标满意度很高"])
    >>> [o.split(CELL_SEP) for o in out[1:4]], skipped
    ([['\\t项目名称', '某项目'], ['\\t一级指标', '二级指标', '三级指标', '指标值'], ['\\t产出指标', '数量指标', '培训人数', '≥50人']], {5: 'cells run together, cannot split'})
    """
    out = list(raws)
    skipped: dict[int, str] = {}
    for i, raw in enumerate(raws):
        if "\t" in raw or "|" in raw or "｜" in raw or not raw.strip():
            continue
        cells = _run_together_header(key(raw))
        if cells is None:
            continue
        out[i] = "\t" + CELL_SEP.join(cells)
        for j in range(i - 1, max(-1, i - 12), -1):  # label lines back to the title
            if is_title(raws[j]) or "\t" in raws[j] or "|" in raws[j]:
                break
            k = key(raws[j])
            label = next((lb for lb in _RT_LABELS if k.startswith(lb) and len(k) > len(lb)), None)
            if label is not None:
                out[j] = "\t" + CELL_SEP.join([label, k[len(label) :]])
        columns = [indicator_column(c) or "" for c in cells]
        for j in range(i + 1, len(raws)):
            r = raws[j]
            if not r.strip() or "\t" in r or "|" in r or is_title(r) or "。" in r:
                break
            row = split_run_together_row(key(r), columns)
            if row is None:
                out[j] = ""
                skipped[j + 1] = RUN_TOGETHER
            else:
                out[j] = "\t" + CELL_SEP.join(row)
    return out, skipped
