"""Native formats (.docx, .xlsx, .html) give the same records as the text they were made from.

The generators below turn a text disclosure into a Word document, a workbook or
a web page with the same tables: one Word table per run of cells (rows split
where the text has blank lines, a short row's last cell merged across the rest
of the grid), paragraphs for the free lines, and one table for each block of
the tab-separated row layout.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from collections import Counter
from html import escape
from pathlib import Path

import pytest

from kg.parse import parse
from kg.parse.cells import is_title
from kg.parse.layouts import is_cell_line
from kg.parse.rows import header_of, is_row
from kg.pipeline import process_paths
from kg.read import ReadError, read_bytes, read_file

# ----------------------------------------------------------------------------- generators


def blocks(text: str) -> list[tuple[str, object]]:
    """Split a text disclosure into ('p', line) paragraphs and ('table', rows-of-cells) tables."""
    raws = text.split("\n")
    out: list[tuple[str, object]] = []
    i = 0
    while i < len(raws):
        raw = raws[i]
        if header_of(raw):
            rows = [raw.split("\t")]
            j = i + 1
            while j < len(raws) and (not raws[j].strip() or is_row(raws[j])):
                if raws[j].strip():
                    rows.append(raws[j].split("\t"))
                j += 1
            out.append(("table", rows))
            i = j
            continue
        if is_cell_line(raw):
            rows: list[list[str]] = [[]]
            j = i
            while j < len(raws):
                r = raws[j]
                if is_cell_line(r):
                    rows[-1].append(r.strip())
                elif r.strip() and rows[-1] and not is_title(r) and (j == 0 or raws[j - 1].strip() or "\t" in raws[j - 1]):
                    rows[-1][-1] += "\n" + r.strip()
                elif not r.strip():
                    if rows[-1]:
                        rows.append([])
                else:
                    break
                j += 1
            out.append(("table", [r for r in rows if r]))
            i = j
            continue
        out.append(("p", raw.strip()))
        i += 1
    return out


def to_docx(text: str) -> bytes:
    import docx
    from docx.table import _Cell

    d = docx.Document()
    for kind, content in blocks(text):
        if kind == "p":
            d.add_paragraph(content)  # type: ignore[arg-type]
            continue
        rows: list[list[str]] = content  # type: ignore[assignment]
        width = max(len(r) for r in rows)
        table = d.add_table(rows=0, cols=width)
        for row in rows:
            tr = table.add_row()._tr
            tcs = tr.tc_lst
            if len(row) < width:  # merge the last cell across the rest of the grid (w:gridSpan)
                for extra in tcs[len(row):]:
                    tr.remove(extra)
                tcs[len(row) - 1].grid_span = width - len(row) + 1
            for tc, cell_text in zip(tcs, row):
                cell = _Cell(tc, table)
                lines = cell_text.split("\n")
                cell.paragraphs[0].text = lines[0]
                for extra in lines[1:]:
                    cell.add_paragraph(extra)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def to_html(text: str) -> str:
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head><body>"]
    for kind, content in blocks(text):
        if kind == "p":
            parts.append(f"<p>{escape(content)}</p>" if content else "<br>")  # type: ignore[arg-type]
            continue
        rows: list[list[str]] = content  # type: ignore[assignment]
        width = max(len(r) for r in rows)
        parts.append("<table border=1>")
        for row in rows:
            tds = [f"<td>{'<br>'.join(escape(x) for x in c.split(chr(10)))}</td>" for c in row[:-1]]
            span = width - len(row) + 1
            last = "<br>".join(escape(x) for x in row[-1].split("\n"))
            tds.append(f"<td colspan={span}>{last}</td>" if span > 1 else f"<td>{last}</td>")
            parts.append("<tr>" + "".join(tds) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def to_xlsx(text: str) -> bytes:
    """A workbook with everything on one sheet; titles as a cell merged across the sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    width = max((max(len(r) for r in c) for k, c in blocks(text) if k == "table"), default=1)  # type: ignore[union-attr]
    r = 1
    for kind, content in blocks(text):
        if kind == "p":
            if content:
                ws.cell(r, 1, content)
                if width > 1:
                    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            r += 1
            continue
        rows: list[list[str]] = []
        for row in content:  # type: ignore[union-attr]
            # A grid has no short rows: join rows cut by blank lines back together (same cell order).
            if rows and len(rows[-1]) < width and len(rows[-1]) + len(row) <= width:
                rows[-1] = rows[-1] + row
            else:
                rows.append(list(row))
        for row in rows:
            for c, cell_text in enumerate(row, start=1):
                ws.cell(r, c, cell_text if cell_text else None)
            if len(row) < width:
                ws.merge_cells(start_row=r, start_column=len(row), end_row=r, end_column=width)
            r += 1
        r += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ----------------------------------------------------------------------------- comparison

_DROP = {"file", "path", "sha256", "encoding", "lines", "line", "end_line", "year_source"}


def comparable(doc: dict) -> dict:
    """A document record without what must differ between formats (names, hashes, line numbers)."""

    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in _DROP}
        if isinstance(x, list):
            return [strip(v) for v in x]
        if isinstance(x, str):
            return re.sub(r"\s+", " ", x).strip()
        return x

    out = strip({k: v for k, v in doc.items() if k not in ("skipped", "problems")})
    out["skipped"] = sorted(Counter((re.sub(r"\s+", " ", s["text"]).strip(), s["reason"]) for s in doc["skipped"]).items())
    out["problems"] = sorted(re.sub(r"\s+", " ", p["message"]) for p in doc["problems"])
    return out


def extract(paths: list[Path]) -> dict[str, dict]:
    out = subprocess.run(
        [sys.executable, "-m", "kg.cli", "extract", *map(str, paths), "--format", "json"],
        capture_output=True, text=True,
    )
    assert out.returncode in (0, 1), out.stderr[-2000:]
    return {Path(d["file"]).stem: d for d in json.loads(out.stdout)["documents"]}


def _lines_point_at_names(path: Path) -> None:
    """In the rendered lines of a native file, each indicator's span holds its name."""
    source = read_file(path)
    doc = parse(source)
    for p in doc.projects:
        for ind in p.indicators:
            span = "".join(l.raw for l in source.lines[ind.span.line - 1 : ind.span.end_line])
            assert re.sub(r"\s+", "", ind.name)[:4] in re.sub(r"\s+", "", span), (path.name, ind.name, ind.span)
            assert source.lines[ind.span.line - 1].where, "every rendered line says where it is in the original"


# ----------------------------------------------------------------------------- tests


@pytest.mark.slow
def test_seed_corpus_as_docx_gives_identical_json(corpus_files, tmp_path):
    """Done-when: the seed corpus gives identical `jxkg extract` JSON from the text files and from .docx."""
    for f in corpus_files:
        (tmp_path / (f.stem + ".docx")).write_bytes(to_docx(f.read_text(encoding="utf-8")))
    from_text = extract(corpus_files)
    from_docx = extract([tmp_path])
    assert sorted(from_docx) == sorted(from_text)
    for stem in from_text:
        a, b = comparable(from_text[stem]), comparable(from_docx[stem])
        for k in a:
            assert a[k] == b[k], (stem, k)
    for f in sorted(tmp_path.glob("*.docx")):
        _lines_point_at_names(f)


def _records(source) -> list:
    doc = parse(source)
    return [
        (p.name, p.code, p.budget_wan_yuan, p.goal and re.sub(r"\s+", "", p.goal),
         [(i.level1, i.level2, i.name, i.target.raw, i.score) for i in p.indicators])
        for p in doc.projects
    ]


@pytest.mark.parametrize("make, suffix", [(to_docx, ".docx"), (to_html, ".html"), (to_xlsx, ".xlsx")])
def test_examples_give_the_same_records_in_every_format(examples_dir, tmp_path, make, suffix):
    for f in sorted(examples_dir.glob("0*.txt")):
        text = f.read_text(encoding="utf-8")
        data = make(text)
        native = tmp_path / (f.stem + suffix)
        native.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        want = _records(read_bytes(text.encode(), f.name))
        got = _records(read_file(native))
        assert got == want, f.name
        _lines_point_at_names(native)


@pytest.mark.parametrize("suffix", [".docx", ".xls", ".txt", ".bin", ""])
def test_format_is_told_from_content_not_name(examples_dir, tmp_path, suffix):
    text = (examples_dir / "01_one_cell_per_line.txt").read_text(encoding="utf-8")
    for label, data, fmt in [("x", to_xlsx(text), "xlsx"), ("d", to_docx(text), "docx"),
                             ("h", to_html(text).encode("gb18030"), "html"), ("g", text.encode("gbk"), "text")]:
        path = tmp_path / (label + suffix)
        path.write_bytes(data)
        source = read_file(path)
        assert source.format == fmt, (path.name, source.format)
        assert len(parse(source).projects) == 3


def test_docx_vertical_merge_is_written_as_an_empty_cell_like_word_text_export():
    import docx

    d = docx.Document()
    d.add_paragraph("1.合并单元格绩效目标表")
    t = d.add_table(rows=3, cols=4)
    for c, h in enumerate(["一级指标", "二级指标", "三级指标", "指标值"]):
        t.cell(0, c).text = h
    t.cell(1, 0).merge(t.cell(2, 0)).text = "产出指标"
    for r, (l2, name, v) in enumerate([("数量指标", "培训人数", "≥50人"), ("质量指标", "合格率", "≥95%")], start=1):
        t.cell(r, 1).text, t.cell(r, 2).text, t.cell(r, 3).text = l2, name, v
    buf = io.BytesIO()
    d.save(buf)
    from kg.read import read_any

    source = read_any(buf.getvalue(), "m.docx")
    assert [l.raw for l in source.lines][:7] == ["1.合并单元格绩效目标表", "\t一级指标", "\t二级指标", "\t三级指标", "\t指标值", "", "\t产出指标"]
    assert source.lines[11].raw == "\t" and source.lines[11].where == "表1 第3行 第1格"
    inds = parse(source).projects[0].indicators
    assert [(i.level1, i.name) for i in inds] == [("产出指标", "培训人数"), ("产出指标", "合格率")]


def test_xlsx_merged_cells_are_filled_down(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["1.填充绩效目标表"])
    ws.merge_cells("A1:D1")
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["产出指标", "数量指标", "培训人数", 50])
    ws.append([None, "质量指标", "合格率", 0.95])
    ws["D4"].number_format = "0%"
    ws.merge_cells("A3:A4")
    path = tmp_path / "fill.xls"  # an .xlsx saved under the old name, as download sites do
    wb.save(path)
    source = read_file(path)
    assert source.lines[0].raw == "1.填充绩效目标表" and source.lines[0].where == "Sheet!A1"
    inds = parse(source).projects[0].indicators
    assert [(i.level1, i.name, i.target.raw) for i in inds] == [("产出指标", "培训人数", "50"), ("产出指标", "合格率", "95%")]


def test_html_rowspan_and_gbk_charset(tmp_path):
    page = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>"
            "<h3>1.网页绩效目标表</h3><table><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th></tr>"
            "<tr><td rowspan='2'>产出指标</td><td>数量指标</td><td>培训<br>人数</td><td>&ge;50人</td></tr>"
            "<tr><td>质量指标</td><td>合格率</td><td>≥95%</td></tr></table><script>var x='<table>';</script></body></html>")
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode("gb18030"))
    source = read_file(path)
    assert source.format == "html" and source.encoding == "gb18030"
    inds = parse(source).projects[0].indicators
    assert [(i.level1, i.name, i.target.raw) for i in inds] == [("产出指标", "培训人数", "≥50人"), ("产出指标", "合格率", "≥95%")]


@pytest.mark.parametrize(
    "members, message",
    [
        ({"a.txt": b"x"}, "not an Office document"),
        ({"[Content_Types].xml": b"<x/>", "other.xml": b"<x/>"}, "neither a Word document"),
        ({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<broken"}, "unreadable docx"),
    ],
)
def test_wrong_zip_contents_are_clear_errors(members, message):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ReadError) as err:
        from kg.read import read_any

        read_any(buf.getvalue(), "f.docx")
    assert message in str(err.value) and str(err.value).startswith("f.docx: ")


def test_old_binary_office_format_is_named(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    problems = []
    assert list(process_paths([path], problems)) == []
    assert "old binary Word/Excel" in str(problems[0])
