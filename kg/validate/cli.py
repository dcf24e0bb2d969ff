"""Commands of the validate stage (registered by kg.cli): ``jxkg validate``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer

from kg.paths import DEFAULT_STORE

HELP = (
    "Check the built graph with the SHACL shapes (shapes/*.ttl) and write the report. "
    "Exit status: 0 no violation, 1 at least one violation, 2 validation itself failed."
)


def validate_command(
    store: Path = typer.Option(DEFAULT_STORE, "--store", help="Store directory written by `jxkg build`."),
    shapes: Path | None = typer.Option(None, "--shapes", help="Folder of *.ttl shape files (default: shapes/)."),
    fmt: str = typer.Option("text", "--format", help="text | json | ttl | html | md"),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the report here (default: stdout)."),
    sources: list[Path] = typer.Option(
        [], "--sources", help="Folder (or file) holding the source files, to show each finding's line. Repeatable."
    ),
    jobs: int = typer.Option(0, "--jobs", help="Worker processes of pyshacl/turbo (0: one per core)."),
    engine: str = typer.Option(
        "sparql",
        "--engine",
        help="sparql (default: the shapes compiled to SPARQL and run on the store; checked against pySHACL) | "
        "pyshacl (the reference) | turbo (pyshacl-turbo, if installed)",
    ),
    single: bool = typer.Option(False, "--single", help="pyshacl/turbo: one engine run over the whole graph (reference; slow)."),
) -> None:
    """Validate the graph with the SHACL shapes and write a report."""
    from kg.validate.engine import ENGINES, ValidationError, open_store, results_graph, validate_single, validate_store
    from kg.validate.findings import enrich
    from kg.validate.report import FORMATS, render, summary_line
    from kg.validate.shapes import ShapesError, load_shapes, shape_labels

    def fail(message: str) -> None:
        typer.echo(f"jxkg validate: {message}", err=True)
        raise typer.Exit(2)

    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r} (choose from {', '.join(FORMATS)})")
    if engine not in ENGINES:
        fail(f"unknown --engine {engine!r} (choose from {', '.join(ENGINES)})")
    started = time.perf_counter()
    try:
        shapes_graph = load_shapes(shapes)
        st = open_store(store)
        if single:
            results = validate_single(st, shapes, engine=engine)
        else:
            results = validate_store(st, shapes, jobs=jobs or None, engine=engine)
        findings = enrich(st, results, sources=sources, shape_names=shape_labels(shapes_graph))
        ttl = None
        if fmt == "ttl":
            ttl = results_graph(results, shapes_graph).serialize(format="turtle")
        text = render(fmt, findings, ttl=ttl)
    except (ValidationError, ShapesError) as exc:
        fail(str(exc))
        return
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{output}: cannot write the report: {exc.strerror or exc}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    took = time.perf_counter() - started
    where = f" → {output}" if output is not None else ""
    typer.echo(f"jxkg validate: {len(findings)} 条 ({summary_line(findings)}), {took:.1f} s{where}", err=True)
    raise typer.Exit(1 if any(f.severity == "Violation" for f in findings) else 0)


def register(app: typer.Typer) -> None:
    """Add ``jxkg validate`` to *app*."""
    app.command("validate", help=HELP)(validate_command)

