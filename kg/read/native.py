"""Word, Excel and HTML files → the numbered text lines the parser reads.

Every native format is rendered in the convention of a Word table saved as
plain text, which is how the seed disclosures reached us:

* a paragraph outside tables is one line (a soft line break starts a new line);
* a table row is one line per cell, each led by a tab; a cell holding several
  paragraphs continues on the following lines without a tab; after each row
  comes one blank line;
* a horizontally merged cell is written once; the lower part of a vertically
  merged cell is written as an empty cell (``\\t``), as Word does, except in
  Excel, where merged cells are filled down with the value of their first row;
* tabs and control characters inside text become spaces.

Line numbers therefore count paragraphs, cell paragraphs and row ends in
document order.  Each line also carries ``where``, a locator a person can
find in the original (``第12段``, ``表3 第2行 第4格``, ``Sheet1!B7``).

>>> lines = html_lines("<p>标题</p><table><tr><td rowspan=2>产出指标</td><td>a</td></tr><tr><td>b</td></tr></table>")
>>> [(raw, where) for raw, where in lines]
[('标题', '第1段'), ('\\t产出指标', '表1 第1行 第1格'), ('\\ta', '表1 第1行 第2格'), ('', '表1 第1行'), ('\\t', '表1 第2行 第1格'), ('\\tb', '表1 第2行 第2格'), ('', '表1 第2行')]
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")

Rendered = list[tuple[str, str]]  # (raw line, locator)


def _clean(text: str) -> str:
    """Text of one paragraph: tabs and control characters → space, right end trimmed."""
    return _CONTROL.sub(" ", text).rstrip()


def render_table(rows: list[list[list[str] | None]], locator: str, out: Rendered) -> None:
    """Append a table: *rows* of cells, a cell being its paragraphs (None = lower part of a vertical merge)."""
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row, start=1):
            where = f"{locator} 第{r}行 第{c}格"
            paragraphs = [p for p in (_clean(p).strip() for p in (cell or [])) if p]
            if not paragraphs:
                out.append(("\t", where))
                continue
            out.append(("\t" + paragraphs[0], where))
            out.extend((p, where) for p in paragraphs[1:])
        out.append(("", f"{locator} 第{r}行"))


def _paragraph_lines(text: str, where: str, out: Rendered) -> None:
    for part in text.split("\n"):
        out.append((_clean(part).lstrip(), where))


# ---------------------------------------------------------------------------- docx
def docx_lines(zf: zipfile.ZipFile) -> Rendered:
    """Render the body of a Word document (python-docx), tables with their merges."""
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(_zip_bytes(zf)))
    out: Rendered = []
    counters = {"p": 0, "t": 0}

    def para_text(p_el) -> str:
        return Paragraph(p_el, document).text

    def walk(parent) -> None:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                counters["p"] += 1
                _paragraph_lines(para_text(child), f"第{counters['p']}段", out)
            elif child.tag == qn("w:tbl"):
                counters["t"] += 1
                rows: list[list[list[str] | None]] = []
                for tr in child.iterchildren(qn("w:tr")):
                    row: list[list[str] | None] = []
                    for tc in tr.iterchildren(qn("w:tc")):
                        tc_pr = tc.find(qn("w:tcPr"))
                        vmerge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
                        if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue":
                            row.append(None)
                        else:
                            texts = []
                            for p in tc.iter(qn("w:p")):
                                texts.extend(para_text(p).split("\n"))
                            row.append(texts)
                    rows.append(row)
                render_table(rows, f"表{counters['t']}", out)
            elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
                content = child.find(qn("w:sdtContent")) if child.tag == qn("w:sdt") else child
                if content is not None:
                    walk(content)

    walk(document.element.body)
    return out


def _zip_bytes(zf: zipfile.ZipFile) -> bytes:
    """The bytes of an already checked container (python-docx wants a file object)."""
    fp = zf.fp
    assert fp is not None
    fp.seek(0)
    return fp.read()


# ---------------------------------------------------------------------------- xlsx
def _format_number(value: float | int | Decimal, fmt: str) -> str:
    """A number as Excel would show it, for the formats disclosures use (0, 0.00, 0.00%).

    >>> _format_number(0.955, "0.0%"), _format_number(12.0, "0.00"), _format_number(150.0, "General")
    ('95.5%', '12.00', '150')
    """
    fmt = fmt or "General"
    m = re.search(r"0(?:\.(0+))?", fmt)
    decimals = len(m.group(1) or "") if m and fmt != "General" else None
    if "%" in fmt:
        value = Decimal(str(value)) * 100
        return f"{value:.{decimals or 0}f}%"
    if decimals is not None:
        return f"{Decimal(str(value)):.{decimals}f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell_text(cell) -> str:
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (int, float, Decimal)):
        return _format_number(v, cell.number_format)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def xlsx_lines(zf: zipfile.ZipFile) -> Rendered:
    """Render every worksheet (openpyxl): merged cells filled down, written once across.

    A row whose only text is a cell in column A merged across the sheet's
    width (a table title), coming after an empty row or another such row,
    becomes a free line; an empty row becomes a blank line.
    """
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(_zip_bytes(zf)), data_only=True)
    out: Rendered = []
    for ws in wb.worksheets:
        width = ws.max_column or 0
        across: dict[tuple[int, int], int] = {}  # (row, col) of a merge's first cell → its column span
        covered: dict[tuple[int, int], tuple[int, int] | None] = {}  # merged slot → top-left to copy, None = skip
        for rng in ws.merged_cells.ranges:
            across[(rng.min_row, rng.min_col)] = rng.max_col - rng.min_col + 1
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) == (rng.min_row, rng.min_col):
                        continue
                    covered[(r, c)] = (rng.min_row, rng.min_col) if c == rng.min_col else None
        in_table = False  # a title merged across the sheet only counts as a free line outside a table
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=ws.max_row), start=1):
            cells: list[tuple[int, str]] = []
            for c, cell in enumerate(row, start=1):
                origin = covered.get((r, c), (r, c))
                if origin is None:
                    continue
                text = _cell_text(ws.cell(*origin)) if origin != (r, c) else _cell_text(cell)
                cells.append((c, text))
            filled = [(c, t) for c, t in cells if t.strip()]
            where = f"{ws.title}!{r}"
            if not filled:
                in_table = False
                out.append(("", where))
            elif len(filled) == 1 and filled[0][0] == 1 and across.get((r, 1), 1) >= max(width, 2) and not in_table:
                _paragraph_lines(filled[0][1], f"{ws.title}!{_col(filled[0][0])}{r}", out)
            else:
                in_table = True
                for c, text in cells:
                    parts = [p for p in (_clean(p).strip() for p in text.split("\n")) if p]
                    loc = f"{ws.title}!{_col(c)}{r}"
                    out.append(("\t" + (parts[0] if parts else ""), loc))
                    out.extend((p, loc) for p in parts[1:])
                out.append(("", where))
        out.append(("", ws.title))
    return out


def _col(c: int) -> str:
    """Excel column letters: 1 → A, 28 → AB.

    >>> _col(1), _col(28)
    ('A', 'AB')
    """
    s = ""
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


# ---------------------------------------------------------------------------- html
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
    "footer", "blockquote", "pre", "dd", "dt", "dl", "address", "center", "form", "main", "nav", "title",
}
_SKIP = {"script", "style", "noscript", "template", "head"}


def html_lines(text: str) -> Rendered:
    """Render a saved web page (lxml): block elements → lines, tables with rowspan/colspan."""
    import lxml.html

    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    if not text.strip():
        return []
    try:
        root = lxml.html.document_fromstring(text)
    except Exception:  # lxml rejects a few degenerate documents
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    out: Rendered = []
    counters = {"p": 0, "t": 0}
    buf: list[str] = []

    def flush() -> None:
        line = _SPACES.sub(" ", "".join(buf)).strip()
        buf.clear()
        if line:
            counters["p"] += 1
            out.append((_clean(line), f"第{counters['p']}段"))

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            if el.tail:
                buf.append(el.tail)
            return
        if tag == "table":
            flush()
            counters["t"] += 1
            render_table(_html_grid(el), f"表{counters['t']}", out)
        else:
            if tag in _BLOCK or tag == "br":
                flush()
            if el.text and tag:
                buf.append(el.text)
            for child in el:
                walk(child)
            if tag in _BLOCK:
                flush()
        if el.tail:
            buf.append(el.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return out


def _cell_paragraphs(td) -> list[str]:
    """Text of a table cell, split at <br> and block elements."""
    parts: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        s = _SPACES.sub(" ", "".join(buf)).strip()
        buf.clear()
        if s:
            parts.append(s)

    def walk(el, top: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            pass
        else:
            if tag in _BLOCK or tag in ("br", "tr", "table"):
                flush()
            if el.text and tag:
                buf.append(el.text)
            for child in el:
                walk(child, False)
            if tag in _BLOCK or tag in ("td", "th"):
                buf.append(" ")
            if tag in _BLOCK or tag in ("tr", "table"):
                flush()
        if el.tail and not top:
            buf.append(el.tail)

    walk(td, True)
    flush()
    return parts


def _rows(table) -> Iterator:
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if isinstance(tr.tag, str) and tr.tag == "tr")


def _span(el, name: str) -> int:
    try:
        return max(1, min(int(re.sub(r"\D", "", el.get(name, "1")) or 1), 1000))
    except ValueError:
        return 1


def _html_grid(table) -> list[list[list[str] | None]]:
    """Rows of cells; a slot under a rowspan is None (written as an empty cell), colspan written once."""
    rows: list[list[list[str] | None]] = []
    pending: dict[int, list[int]] = {}  # first column → [rows still covered by a rowspan, its colspan]
    for tr in _rows(table):
        row: list[list[str] | None] = []
        col = 0

        def fill_pending() -> None:
            nonlocal col
            while pending.get(col, [0])[0] > 0:
                pending[col][0] -= 1
                row.append(None)
                col += pending[col][1]

        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            fill_pending()
            span, down = _span(td, "colspan"), _span(td, "rowspan")
            row.append(_cell_paragraphs(td))
            if down > 1:
                pending[col] = [down - 1, span]
            col += span
        fill_pending()
        rows.append(row)
    return rows


def iter_nonempty(lines: Iterable[tuple[str, str]]) -> Iterator[str]:
    """The non-blank rendered lines (for tests and debugging)."""
    return (raw for raw, _ in lines if raw.strip())
