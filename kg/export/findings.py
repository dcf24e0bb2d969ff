"""Count SHACL findings per node from a ``jxkg validate --format json`` report.

The report is a list of results ``{severity, shape, message, focus, project, document,
line, value}`` (or an object holding that list under ``results``).  A result counts on
each node of the graph it names: its focus node, its project and its document (IRI or
file name).  A finding on an indicator therefore shows on the indicator in the ``full``
view and on its project in every view.  Nodes get ``findings`` (all results) and
``violations`` (severity Violation); every node gets both, 0 included, once a report is given.

>>> import networkx as nx
>>> g = nx.DiGraph(); g.add_node("https://w3id.org/jxkg/id/project/a.txt/1")
>>> res = [{"severity": "Violation", "focus": "https://w3id.org/jxkg/id/project/a.txt/1/ind/2",
...         "project": "https://w3id.org/jxkg/id/project/a.txt/1", "message": "缺少指标值", "line": 7}]
>>> per_node = annotate(g, res, {})
>>> g.nodes["https://w3id.org/jxkg/id/project/a.txt/1"]["findings"]
1
>>> per_node["https://w3id.org/jxkg/id/project/a.txt/1"][0]["message"]
'缺少指标值'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.data import ExportError


def load_report(path: Path) -> list[dict[str, Any]]:
    """Read the JSON report; a file that is not one raises :class:`ExportError` naming it."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExportError(f"{path}: report file not found") from None
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ExportError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if isinstance(raw, dict):
        raw = raw.get("results")
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise ExportError(f"{path}: expected a list of results (jxkg validate --format json)")
    return raw


def annotate(g: nx.DiGraph, results: list[dict[str, Any]], file_to_doc: dict[str, str]) -> dict[str, list[dict]]:
    """Set ``findings``/``violations`` on every node of *g*; return the results per node.

    *file_to_doc* maps source file names to disclosure IRIs (reports may name documents
    by file name).
    """
    per_node: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        names = [r.get("focus"), r.get("project"), r.get("document")]
        doc = r.get("document")
        if isinstance(doc, str) and doc in file_to_doc:
            names.append(file_to_doc[doc])
        hit = {n for n in names if isinstance(n, str) and n in g}
        for n in hit:
            per_node.setdefault(n, []).append(r)
    for n, d in g.nodes(data=True):
        rs = per_node.get(n, [])
        d["findings"] = len(rs)
        d["violations"] = sum(1 for r in rs if str(r.get("severity", "")).rsplit("#", 1)[-1] == "Violation")
    return per_node
