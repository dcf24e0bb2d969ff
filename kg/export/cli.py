"""Commands of the export stage (registered by kg.cli): ``jxkg export``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer

from kg.paths import DEFAULT_STORE

_WHERE_HELP = (
    "Filter, repeatable: KEY=VALUE with KEY region (region path contains VALUE, e.g. region=香河县), "
    "year (fiscal year, year=2023), unit (unit code or part of its name, unit=316002), "
    "wenhao (funding document number, brackets free: wenhao=冀财社〔2022〕150号), doc (file name contains VALUE). "
    "Different keys must all hold; repeated or comma-separated values of one key are alternatives (year=2022,2023). "
    "Filters select projects; the view keeps what they reach."
)


def export(
    format: str = typer.Option(..., "--format", "-f", help="graphml | gexf | cyjs | dot | html | csv (csv writes FILE.nodes.csv and FILE.edges.csv)."),
    output: Path = typer.Option(..., "-o", "--output", help="File to write.", dir_okay=False),
    store: Path = typer.Option(DEFAULT_STORE, "--store", help="Store directory written by `jxkg build` (or an RDF file such as .trig)."),
    view: str = typer.Option("funding", "--view", help="funding (文号 → units → projects, weight = budget) | units (region → unit hierarchy) | concepts (projects ↔ indicator concepts) | full (everything; small graphs)."),
    where: list[str] = typer.Option(None, "--where", "-w", help=_WHERE_HELP),
    report: Path = typer.Option(None, "--report", help="SHACL report from `jxkg validate --format json`: adds findings/violations counts per node."),
    sources: Path = typer.Option(None, "--sources", help="HTML only: folder with the original documents, to show each node's source lines in the page."),
    layout: str = typer.Option("auto", "--layout", help="HTML only: auto (physics up to 1,000 nodes, else precomputed) | physics | fixed."),
) -> None:
    """Export a view of the graph for Gephi, Cytoscape, Graphviz, spreadsheets or a browser (offline HTML page)."""
    from kg.export.data import ExportError
    from kg.export.run import run_export

    try:
        t0 = time.perf_counter()
        written, g = run_export(store=store, fmt=format.lower(), output=output, view=view, where=where or [],
                                report=report, sources=sources, layout=layout)
        secs = time.perf_counter() - t0
    except ExportError as exc:
        typer.echo(f"jxkg export: {exc}", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        typer.echo(f"jxkg export: {exc.filename or output}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    msg = (f"导出 {view} 视图: {g.number_of_nodes()} 个节点, {g.number_of_edges()} 条边 → "
           f"{', '.join(str(p) for p in written)} ({secs:.2f} s)")
    typer.echo(msg, err=True)
    if g.number_of_nodes() == 0:
        typer.echo("jxkg export: 注意: 视图为空 (the view is empty; check --where and the store)", err=True)
    if format.lower() == "html" and g.number_of_nodes() > 5000:
        typer.echo(f"jxkg export: 注意: {g.number_of_nodes()} 个节点超过 5000, 页面可能较慢; 可用 --where 缩小范围",
                   err=True)
    sys.stderr.flush()


def register(app: typer.Typer) -> None:
    """Add ``jxkg export`` to *app*."""
    app.command("export")(export)
