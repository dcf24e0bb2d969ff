"""Write findings as text, JSON, Turtle (sh:ValidationReport), HTML or Markdown.

>>> f = Finding(severity="Violation", shape="jxsh:PlanCapShape", message="资金支出计划的累计比例超出0–100%",
...             message_en="", focus="https://w3id.org/jxkg/id/project/a.txt/2/plan",
...             project="https://w3id.org/jxkg/id/project/a.txt/2", project_name="办公楼租金",
...             document="a.txt", line=19, value="750000", text="资金支出计划\\t750000%")
>>> print(render_text([f]).splitlines()[0])
a.txt:19: [违规] 办公楼租金: 资金支出计划的累计比例超出0–100% (值: 750000) [jxsh:PlanCapShape]
>>> sorted(json.loads(render_json([f]))[0])[:8]
['component', 'document', 'end_line', 'focus', 'line', 'message', 'message_en', 'path']
>>> "<tr class=\\"finding sev-Violation\\"" in render_html([f])
True
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from collections.abc import Sequence

from kg.validate.findings import SEVERITIES, Finding

__all__ = ["FORMATS", "SEVERITY_ZH", "counts", "render", "render_text", "render_json", "render_html", "render_md"]

FORMATS = ("text", "json", "ttl", "html", "md")
SEVERITY_ZH = {"Violation": "违规", "Warning": "警告", "Info": "提示"}


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    """Findings per severity, every severity present (0 included)."""
    c = Counter(f.severity for f in findings)
    return {s: c.get(s, 0) for s in SEVERITIES}


def summary_line(findings: Sequence[Finding]) -> str:
    """``3 违规, 5 警告, 1 提示`` (the order of SEVERITIES)."""
    c = counts(findings)
    return ", ".join(f"{c[s]} {SEVERITY_ZH[s]}" for s in SEVERITIES)


def _where(f: Finding) -> str:
    doc = f.document or "(未知文件)"
    return f"{doc}:{f.line}" if f.line else doc


def render_text(findings: Sequence[Finding]) -> str:
    """One line per finding (``file:line: [级别] 项目: 说明 (值: …) [shape]``), then a summary."""
    out = []
    for f in findings:
        who = f"{f.project_name}: " if f.project_name else ""
        val = f" (值: {f.value})" if f.value not in (None, "") else ""
        out.append(f"{_where(f)}: [{SEVERITY_ZH.get(f.severity, f.severity)}] {who}{f.message}{val} [{f.shape}]")
    out.append(f"共 {len(findings)} 条: {summary_line(findings)}")
    return "\n".join(out) + "\n"


def render_json(findings: Sequence[Finding]) -> str:
    """A JSON list of ``{severity, shape, message, focus, project, document, line, value, …}``."""
    return json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=1) + "\n"


def _md_cell(text: object) -> str:
    s = "" if text is None else str(text)
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\t", " ").replace("\n", " ").strip()


def render_md(findings: Sequence[Finding]) -> str:
    """Markdown for an email: counts, then one table per document."""
    c = counts(findings)
    out = ["# 绩效目标表校验结果", ""]
    out.append("| 级别 | 条数 |")
    out.append("|---|---:|")
    for s in SEVERITIES:
        out.append(f"| {SEVERITY_ZH[s]} ({s}) | {c[s]} |")
    by_doc: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_doc[f.document or "(未知文件)"].append(f)
    for doc, items in by_doc.items():
        out += ["", f"## {doc}", "", "| 行 | 级别 | 项目 | 问题 | 值 | 原文 |", "|---:|---|---|---|---|---|"]
        for f in items:
            out.append(
                "| "
                + " | ".join(
                    _md_cell(x)
                    for x in (f.line or "", SEVERITY_ZH.get(f.severity, f.severity), f.project_name, f.message, f.value,
                              f.text)
                )
                + " |"
            )
    if not findings:
        out += ["", "没有发现问题。"]
    return "\n".join(out) + "\n"


_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:2px solid #ccc}
h3{font-size:1em;margin:1em 0 .3em;color:#345}
.counts span{display:inline-block;padding:.3em .8em;margin-right:.5em;border-radius:4px;color:#fff;font-weight:bold}
.c-Violation{background:#c0392b}.c-Warning{background:#d68910}.c-Info{background:#2874a6}
.filters{margin:1em 0;padding:.6em;background:#f4f6f7;border-radius:4px}
table{border-collapse:collapse;width:100%;margin-bottom:.5em}
th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;font-size:13px}
th{background:#eef2f5;text-align:left}
tr.sev-Violation td.sev{color:#c0392b;font-weight:bold} tr.sev-Warning td.sev{color:#b9770e;font-weight:bold}
tr.sev-Info td.sev{color:#2874a6}
td.src{font-family:monospace;white-space:pre-wrap;background:#fbfbf3;max-width:34em}
td.line{text-align:right;white-space:nowrap} .shape{color:#777;font-size:11px}
.hidden{display:none}
"""

_JS = """
function applyFilters(){
  var q=document.getElementById('q').value.trim().toLowerCase();
  var on={};document.querySelectorAll('input.sev').forEach(function(c){on[c.value]=c.checked;});
  document.querySelectorAll('tr.finding').forEach(function(tr){
    var ok=on[tr.dataset.severity]&&(!q||tr.textContent.toLowerCase().indexOf(q)>=0);
    tr.classList.toggle('hidden',!ok);
  });
  document.querySelectorAll('section.project,section.doc').forEach(function(s){
    s.classList.toggle('hidden',s.querySelectorAll('tr.finding:not(.hidden)').length===0);
  });
  document.getElementById('shown').textContent=document.querySelectorAll('tr.finding:not(.hidden)').length;
}
document.addEventListener('DOMContentLoaded',function(){
  document.querySelectorAll('input.sev').forEach(function(c){c.addEventListener('change',applyFilters);});
  document.getElementById('q').addEventListener('input',applyFilters);
});
"""


def render_html(findings: Sequence[Finding], title: str = "绩效目标表校验结果") -> str:
    """A self-contained page: counts, filters, findings grouped by document and project."""
    e = html.escape
    c = counts(findings)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{_CSS}</style><script>{_JS}</script></head><body>",
        f"<h1>{e(title)}</h1>",
        '<p class="counts">'
        + "".join(f'<span class="c-{s}">{SEVERITY_ZH[s]} {s}: {c[s]}</span>' for s in SEVERITIES)
        + "</p>",
        '<div class="filters">'
        + "".join(
            f'<label><input type="checkbox" class="sev" value="{s}" checked> {SEVERITY_ZH[s]}</label> '
            for s in SEVERITIES
        )
        + ' &nbsp; <label>搜索 <input type="search" id="q" placeholder="项目、说明、原文…"></label>'
        + f' &nbsp; 显示 <b id="shown">{len(findings)}</b> / {len(findings)} 条</div>',
    ]
    if not findings:
        parts.append("<p>没有发现问题。</p>")
    by_doc: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        by_doc[f.document or "(未知文件)"][f.project_name or f.project or "(文件整体)"].append(f)
    for doc, projects in by_doc.items():
        dc = Counter(f.severity for items in projects.values() for f in items)
        parts.append(f'<section class="doc"><h2>{e(doc)} <small>'
                     + " ".join(f"{SEVERITY_ZH[s]} {dc.get(s, 0)}" for s in SEVERITIES) + "</small></h2>")
        for project, items in projects.items():
            parts.append(f'<section class="project"><h3>{e(project)}</h3>')
            parts.append('<table class="findings"><thead><tr><th>行</th><th>级别</th><th>问题</th><th>值</th>'
                         "<th>原文</th></tr></thead><tbody>")
            for f in items:
                line = "" if f.line is None else str(f.line)
                if f.end_line and f.line and f.end_line != f.line:
                    line += f"<br><small>({f.line}–{f.end_line})</small>"
                parts.append(
                    f'<tr class="finding sev-{e(f.severity)}" data-severity="{e(f.severity)}">'
                    f'<td class="line">{line}</td>'
                    f'<td class="sev">{SEVERITY_ZH.get(f.severity, e(f.severity))}</td>'
                    f'<td>{e(f.message)}<br><span class="shape">{e(f.shape)} · {e(f.focus)}</span></td>'
                    f"<td>{e(f.value or '')}</td>"
                    f'<td class="src">{e(f.text or "")}</td></tr>'
                )
            parts.append("</tbody></table></section>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render(fmt: str, findings: Sequence[Finding], *, ttl: str | None = None) -> str:
    """Dispatch on *fmt* (``ttl`` needs the serialised report passed in)."""
    if fmt == "text":
        return render_text(findings)
    if fmt == "json":
        return render_json(findings)
    if fmt == "md":
        return render_md(findings)
    if fmt == "html":
        return render_html(findings)
    if fmt == "ttl":
        return ttl or ""
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
