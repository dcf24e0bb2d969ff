"""Assemble a Document: split the file into table layouts, read document-level facts, account for every line."""

from __future__ import annotations

import re
from collections import Counter

from kg.model import Document, Problem, Skipped, SourceText, Span, StatedTotal
from kg.parse import cells as cellmod
from kg.parse import rows as rowmod
from kg.parse.layouts import blank_separated_cells, fold_row_tables, split_row_lines, split_run_together
from kg.parse.tables import TableResult, decimal_of, is_project_run, read_run
from kg.parse.vocab import join_wrapped, key, strip_field_code

ORG_NAME = re.compile(r"^[\u4e00-\u9fff（）()]{4,40}(局|委员会|管委会|中心|厅|办公室|所|院|站|处)$")
YEAR = re.compile(r"(20\d\d)\s*年度?\s*(部门预算|单位预算|预算|我局|我单位|本部门|整体绩效目标|部门整体|项目绩效目标|项目支出绩效)")
TOTAL = re.compile(
    r"(?<!基金)(?<!公共)(?<!专户)(?P<kind>预算收入|收入预算|预算支出|支出预算|预算收支安排|收支预算|基本支出|项目支出)"
    r"(?:总计|合计|共计|为)?\s*(?P<amount>\d+(?:,\d{3})*(?:\.\d+)?)\s*万元"
)
TOTAL_KIND = {"收入预算": "预算收入", "支出预算": "预算支出", "预算收支安排": "预算支出", "收支预算": "预算支出"}
HEADING = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十]+[)）]|\d+[、.．])")
ORG_HEADER = re.compile(r"(性质|规格|级别|类型|类别|形式|人数|编制)$")
BENJI = re.compile(r"\s*[(（]本级[)）]\s*$")


#: Longer lines are cut to this many characters before table recovery (reported as a problem), so
#: that no regular expression ever sees a megabyte-long line.
MAX_LINE_CHARS = 20_000


def _shown(raw: str) -> str:
    """A skipped line's text as reported: trimmed, and cut when it is very long."""
    text = raw.strip()
    return text if len(text) <= MAX_LINE_CHARS else text[:MAX_LINE_CHARS] + f"…(共 {len(text)} 个字符)"


def parse(source: SourceText) -> Document:
    """Recover every table and document-level fact of *source*.

    >>> from kg.read import read_bytes
    >>> text = "某某县人力资源和社会保障局\\n2023年部门预算公开\\n\\n1.某项目绩效目标表\\n\\t绩效目标\\n\\t做好工作\\n\\n"
    >>> text += "\\t一级指标\\n\\t二级指标\\n\\t三级指标\\n\\t指标值\\n\\n\\t产出指标\\n\\t数量指标\\n\\t培训人数\\n\\t≥50人\\n"
    >>> doc = parse(read_bytes(text.encode(), "t.txt"))
    >>> doc.issuer, doc.year, [(p.name, len(p.indicators)) for p in doc.projects]
    ('某某县人力资源和社会保障局', 2023, [('某项目', 1)])
    >>> doc.projects[0].indicators[0].target.raw, sorted(s.reason for s in doc.skipped)
    ('≥50人', ['heading'])
    """
    doc = Document(
        file=source.name,
        path=source.path,
        sha256=source.sha256,
        encoding=source.encoding,
        line_count=len(source.lines),
    )
    result = TableResult()
    free: list[cellmod.Free] = []
    org_runs: list[cellmod.Run] = []

    raws = []
    for line in source.lines:
        if len(line.raw) > MAX_LINE_CHARS:
            doc.problems.append(Problem(source.name, line.number, f"行过长 ({len(line.raw)} 个字符), 只读取了前 {MAX_LINE_CHARS} 个字符"))
            raws.append(line.raw[:MAX_LINE_CHARS])
        else:
            raws.append(line.raw)
    raws, run_together = split_run_together(split_row_lines(raws))
    result.skipped.extend(Skipped(n, "", reason) for n, reason in run_together.items())
    raws, fold = fold_row_tables(blank_separated_cells(raws))
    i = 0
    segment_start = 0
    while i < len(raws):
        header = rowmod.header_of(raws[i])
        if header is None:
            i += 1
            continue
        _read_cell_segment(raws, segment_start, i, source.name, result, free, org_runs)
        result.covered.add(i + 1)
        j = i + 1
        body: list[tuple[int, str]] = []
        while j < len(raws) and (not raws[j].strip() or rowmod.is_row(raws[j])):
            if raws[j].strip():
                body.append((j + 1, raws[j]))
            j += 1
        rowmod.read_rows(body, header, source.name, result, doc.totals)
        i = segment_start = j
    _read_cell_segment(raws, segment_start, len(raws), source.name, result, free, org_runs)

    doc.projects = result.projects
    if fold:
        _extend_spans(doc, fold)
    for n, project in enumerate(doc.projects, start=1):
        project.table_no = n
    doc.problems.extend(result.problems)
    covered = set(result.covered)

    for run in org_runs:
        names = _org_units(run)
        if names:
            doc.org_units.extend(names)
            covered.update(n for c in run.cells for n in range(c.line, c.end_line + 1))
        else:
            header = " | ".join(key(c.text) for c in run.cells[:4])
            for c in run.cells:
                result.skipped.extend(Skipped(n, "", f"table not modelled ({header} …)") for n in range(c.line, c.end_line + 1))

    _document_facts(doc, free, covered)
    _units(doc)

    reasons = {s.line: s.reason for s in result.skipped if s.line not in covered}
    for item in free:
        if item.line not in covered and item.line not in reasons:
            reasons[item.line] = _free_reason(item.text)
    for folded, host in fold.items():  # a line joined onto another shares its fate
        if host in covered:
            covered.add(folded)
        elif host in reasons:
            reasons[folded] = reasons[host]
    by_line = {line.number: line for line in source.lines}
    for number in sorted(reasons):
        doc.skipped.append(Skipped(number, _shown(by_line[number].raw), reasons[number]))
    # Anything neither covered nor explained is a parser gap: say so rather than lose it.
    explained = covered | reasons.keys()
    for line in source.lines:
        if line.raw.strip() and line.number not in explained:
            doc.skipped.append(Skipped(line.number, _shown(line.raw), "unaccounted"))
    doc.skipped.sort(key=lambda s: s.line)
    doc.covered_lines = covered
    if not doc.projects:
        doc.problems.append(Problem(source.name, None, "no project target table (绩效目标表) found"))
    return doc


def _extend_spans(doc: Document, fold: dict[int, int]) -> None:
    """A record ending on a row whose cells were folded onto one line ends on the row's last line."""
    last: dict[int, int] = {}
    for folded, host in fold.items():
        last[host] = max(last.get(host, host), folded)
    for p in doc.projects:
        for ind in p.indicators:
            if ind.span.end_line in last:
                ind.span = Span(ind.span.line, last[ind.span.end_line])
        if p.span.end_line in last:
            p.span = Span(p.span.line, last[p.span.end_line])


def _read_cell_segment(
    raws: list[str],
    start: int,
    end: int,
    file: str,
    result: TableResult,
    free: list[cellmod.Free],
    org_runs: list[cellmod.Run],
) -> None:
    if start >= end:
        return
    items = cellmod.scan(raws[start:end], first_line=start + 1)
    free_items = [i for i in items if isinstance(i, cellmod.Free)]
    merged: list[cellmod.Run] = []
    for run in cellmod.runs(items):
        prev = merged[-1] if merged else None
        if prev is not None and _continues(prev, run, free_items):
            # A goal cell broken by blank lines: the free lines in between belong to its last cell.
            between = [f for f in free_items if prev.end_line < f.line < run.line]
            tail = prev.cells[-1]
            tail.text = "\n".join([tail.text] + [f.text for f in between])
            tail.end_line = between[-1].end_line if between else tail.end_line
            free_items = [f for f in free_items if f not in between]
            prev.cells.extend(run.cells)
        else:
            merged.append(run)
    free.extend(free_items)
    for run in merged:
        if is_project_run(run):
            read_run(run, file, result)
        else:
            org_runs.append(run)


def _continues(prev: cellmod.Run, run: cellmod.Run, free_items: list[cellmod.Free]) -> bool:
    """Does *run* (starting with the indicator header) continue the project table *prev*?"""
    if key(run.cells[0].text) != "一级指标":
        return False
    prev_keys = {key(c.text) for c in prev.cells}
    if "一级指标" in prev_keys or not (prev_keys & {"绩效目标", "项目名称", "专项资金名称"}):
        return False
    between = [f for f in free_items if prev.end_line < f.line < run.line]
    return len(between) <= 5 and not any(cellmod.is_title(f.text) for f in between)


def _org_units(run: cellmod.Run) -> list[str]:
    """Unit names from a 机构设置 table: header 单位名称 + further header cells, then rows of that width."""
    keys = [key(c.text) for c in run.cells]
    if "单位名称" not in keys:
        return []
    at = keys.index("单位名称")
    width = 1
    while at + width < len(keys) and ORG_HEADER.search(keys[at + width]):
        width += 1
    names = []
    for r in range(at + width, len(keys) - width + 1, width):
        if keys[r]:
            names.append(join_wrapped(run.cells[r].text))
    return names


def _document_facts(doc: Document, free: list[cellmod.Free], covered: set[int]) -> None:
    first_table = min((p.span.line for p in doc.projects), default=10**9)
    head = [f for f in free if f.line < first_table]
    for f in head[:6]:
        if ORG_NAME.match(key(f.text)):
            doc.issuer = key(f.text)
            covered.add(f.line)
            break
    for f in head:
        m = YEAR.search(strip_field_code(f.text))
        if m:
            doc.year = int(m.group(1))
            doc.year_source = f"{doc.file}:{f.line}: {f.text.strip()[:60]}"
            break
    seen: set[tuple[str, str]] = set()
    for f in free:
        for m in TOTAL.finditer(f.text):
            kind = TOTAL_KIND.get(m.group("kind"), m.group("kind"))
            amount = decimal_of(m.group("amount"))
            if amount is None or (kind, m.group("amount")) in seen:
                continue
            seen.add((kind, m.group("amount")))
            doc.totals.append(StatedTotal(kind, amount, f.line, f.text.strip()[:200]))
            covered.add(f.line)


def _units(doc: Document) -> None:
    """Document units (first name per code) and, when no heading names it, the issuer."""
    names: Counter[str] = Counter()
    by_code: dict[str, str] = {}
    for p in doc.projects:
        u = p.unit
        if u is None or not u.name:
            continue
        names[BENJI.sub("", u.name)] += 1
        if u.code and u.code not in by_code:
            by_code[u.code] = u.name
            doc.units.append(type(u)(u.code, u.name, u.line))
    if doc.issuer is None and names:
        doc.issuer = names.most_common(1)[0][0]


def _free_reason(text: str) -> str:
    t = strip_field_code(text)
    if " TC " in text and "\\f" in text:
        return "table of contents entry"
    if re.search(r"单位[:：]\s*万元", t):
        return "heading"
    if len(t) <= 40 and (HEADING.match(t) or not re.search(r"[。；;，,]", t)):
        return "heading"
    return "prose"
