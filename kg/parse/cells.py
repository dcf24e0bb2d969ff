"""Table recovery for the one-cell-per-line layout (Word tables exported as text).

Each cell starts on a line led by a tab; a following line without the tab (and
without a blank line between) continues the cell.  Lines outside cells are
"free" lines: headings, prose, table titles.  Consecutive cells form a *run*;
a free line ends a run.

>>> items = scan(["标题", "\\t项目名称", "\\t某项目", "接着写", "", "\\t一级指标"])
>>> [(type(i).__name__, i.text, i.line, i.end_line) for i in items]
[('Free', '标题', 1, 1), ('Cell', '项目名称', 2, 2), ('Cell', '某项目\\n接着写', 3, 4), ('Cell', '一级指标', 6, 6)]
>>> [len(r.cells) for r in runs(items)]
[3]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.parse.vocab import clean_cell

# A free line that looks like a table title never continues the cell above it.
TITLE = re.compile(r"^\s*(\[bookmark:[^\]]*\])*\s*\d+\s*[.、．]\s*\S.*绩效(目标|自评)表\s*(TC .*)?$")
#: Separates cells of one row written on one line by :mod:`kg.parse.layouts` (never in read text:
#: the reader turns control characters into U+FFFD).
CELL_SEP = "\x1f"

#: Titles are short; longer lines are never tested against TITLE (its ``.*…$`` is quadratic on long lines).
TITLE_MAX_CHARS = 400


def is_title(raw: str) -> bool:
    """Does *raw* look like a numbered table title (``3.某项目绩效目标表``)?

    >>> is_title("[bookmark: _Toc1]3.某项目绩效目标表"), is_title("3." + "绩效目标表 TC " * 1000)
    (True, False)
    """
    return len(raw) <= TITLE_MAX_CHARS and ("绩效目标表" in raw or "绩效自评表" in raw) and TITLE.match(raw) is not None


@dataclass
class Cell:
    text: str
    line: int
    end_line: int


@dataclass
class Free:
    text: str
    line: int
    end_line: int


@dataclass
class Run:
    """Consecutive cells, with the free line just before them (often the table title)."""

    cells: list[Cell]
    before: Free | None = None
    lines: list[int] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.cells[0].line

    @property
    def end_line(self) -> int:
        return self.cells[-1].end_line


def scan(raw_lines: list[str], first_line: int = 1) -> list[Cell | Free]:
    """Split lines into cells and free lines (blank lines only separate)."""
    items: list[Cell | Free] = []
    prev_blank = True
    for offset, raw in enumerate(raw_lines):
        number = first_line + offset
        if not raw.strip() and "\t" not in raw:
            prev_blank = True
            continue
        if raw.startswith("\t") and CELL_SEP in raw:  # a whole row on one line (see kg.parse.layouts)
            items.extend(Cell(clean_cell(part), number, number) for part in raw[1:].split(CELL_SEP))
        elif raw.startswith("\t") or (not raw.strip() and "\t" in raw):
            items.append(Cell(clean_cell(raw), number, number))
        elif (
            not prev_blank
            and items
            and isinstance(items[-1], Cell)
            and items[-1].end_line == number - 1
            and not is_title(raw)
        ):
            cell = items[-1]
            cell.text = (cell.text + "\n" + clean_cell(raw)).strip("\n")
            cell.end_line = number
        else:
            items.append(Free(raw.strip(), number, number))
        prev_blank = False
    return items


def runs(items: list[Cell | Free]) -> list[Run]:
    """Group consecutive cells into runs, each remembering the free line before it."""
    out: list[Run] = []
    before: Free | None = None
    current: Run | None = None
    for item in items:
        if isinstance(item, Cell):
            if current is None:
                current = Run([], before)
                out.append(current)
            current.cells.append(item)
        else:
            current = None
            before = item
    return out
