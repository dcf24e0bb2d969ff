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

from kg.parse.cells import is_title
from kg.parse.vocab import clean_cell, key


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
