"""One export from start to finish: open the store, project the view, annotate, write.

>>> import tempfile
>>> from pathlib import Path
>>> fixture = Path(__file__).parents[2] / "tests" / "data" / "export_fixture.trig"
>>> out = Path(tempfile.mkdtemp()) / "g.graphml"
>>> files, g = run_export(fixture, "graphml", out, view="funding", where=["region=香河县"])
>>> files == [out], sorted({t for _, t in g.nodes(data="type")})
(True, ['funding', 'project', 'unit'])
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.export.data import ExportError, load, open_store
from kg.export.filters import parse_where, select_projects
from kg.export.findings import annotate, load_report
from kg.export.views import VIEWS, build_view
from kg.export.writers import FORMATS, write

LAYOUTS = ("auto", "physics", "fixed")


def run_export(store: Path, fmt: str, output: Path, view: str = "funding", where: list[str] | None = None,
               report: Path | None = None, sources: Path | None = None,
               layout: str = "auto") -> tuple[list[Path], nx.DiGraph]:
    """Export *view* of *store* as *fmt* to *output*; return the files written and the graph."""
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt}: unknown format (use {', '.join(FORMATS)})")
    if view not in VIEWS:
        raise ExportError(f"--view {view}: unknown view (use {', '.join(VIEWS)})")
    if layout not in LAYOUTS:
        raise ExportError(f"--layout {layout}: unknown layout (use {', '.join(LAYOUTS)})")
    if sources is not None and not Path(sources).is_dir():
        raise ExportError(f"--sources {sources}: not a folder")
    w = parse_where(where)
    results = load_report(Path(report)) if report is not None else None
    if not Path(output).parent.is_dir():
        raise ExportError(f"{output}: folder {Path(output).parent} does not exist")
    st = open_store(store)
    data = load(st)
    g = build_view(view, data, w, store=st)
    per_node = None
    if results is not None:
        per_node = annotate(g, results, {d.file: iri for iri, d in data.disclosures.items() if d.file})
    if fmt == "html":
        from kg.export.html import SourceReader, write_html
        from kg.export.measures import figures

        reader = None
        if sources is not None:
            reader = SourceReader(Path(sources), {d.file: d.encoding or "utf-8" for d in data.disclosures.values()})
        write_html(g, Path(output), figures(g, data, select_projects(data, w)), findings=per_node,
                   sources=reader, layout=layout)
        return [Path(output)], g
    return write(g, fmt, Path(output)), g

