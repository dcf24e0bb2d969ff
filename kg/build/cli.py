"""Commands of the build stage (registered by kg.cli): ``jxkg build`` and ``jxkg stats``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from kg.paths import DEFAULT_STORE

BUILD_HELP = """Build the knowledge graph from disclosures (files or folders, read recursively).

Each source file becomes one named graph (jxg:{file name}); building a file again replaces its graph and nothing else. Units, regions and funding documents shared by several files carry the same IRI in every graph. The ontology (ontology/jxkg.ttl, and ontology/indicators.ttl when present) goes to the default graph.

Output: the pyoxigraph store in --store (default ./jxkg-store), or with --out a file: .nq or .trig keep the named graphs; .ttl writes the union of all graphs as one graph (no named graphs; held in memory, so prefer .nq for large builds). File output is deterministic: the same input gives a byte-identical file.

Problems with the input (unreadable file, cut-off table …) are printed to stderr as `file:line: message`; the other files still build. Unit-name conflicts (one unit code, several names) are reported after the build; they do not fail it.

Parallel and server builds: --jobs N runs read/parse/link in N local processes, --scheduler ADDRESS on a Dask distributed cluster; each document becomes an N-Quads shard (--shards), merged into the target by this process, so the result equals a serial build. An interrupted build, restarted, skips documents whose shard is complete and whose source is unchanged. --store virtuoso://HOST:PORT?http=HTTP_PORT bulk-loads the shards into OpenLink Virtuoso (one named graph per document); see docs/scale.md.

Exit codes: 0 = every file built without input problems; 1 = input problems were reported (everything readable was still built) or no document was built; 2 = usage error, or the store cannot be opened (e.g. in use by another jxkg).
"""


def _err(message: str) -> None:
    typer.echo(message, err=True)


def build_command(
    paths: list[Path] = typer.Argument(..., help="Disclosure files or folders (read recursively).", show_default=False),
    store: str = typer.Option(
        str(DEFAULT_STORE), "--store",
        help="Store directory (created when missing), or a Virtuoso server: virtuoso://HOST:PORT?http=HTTP_PORT.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Write FILE.nq, FILE.trig (named graphs) or FILE.ttl (union of all graphs) instead of the store."
    ),
    jobs: int = typer.Option(1, "--jobs", "-j", help="Worker processes for read/parse/link (1: in this process)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Run the per-document work on this Dask distributed scheduler (e.g. tcp://10.0.0.5:8786)."
    ),
    shards: Path | None = typer.Option(
        None, "--shards", help="Folder for the per-document N-Quads shards of a sharded build "
        "[default: STORE.shards, OUT.shards, or ./jxkg-shards for a server]. A restarted build reuses complete shards.",
    ),
) -> None:
    from kg.build import StoreError, build

    missing = [p for p in paths if not p.exists()]
    for p in missing:
        _err(f"{p}: 文件或目录不存在")
    existing = [p for p in paths if p.exists()]
    if not existing:
        raise typer.Exit(1)
    if jobs < 1:
        _err("jxkg build: --jobs must be at least 1")
        raise typer.Exit(2)
    try:
        result = build(existing, store=store, out=out, echo=_err, progress=sys.stderr.isatty(), jobs=jobs,
                       scheduler=scheduler, shards=shards)
    except StoreError as e:
        _err(f"jxkg build: {e}")
        raise typer.Exit(2) from None
    except OSError as e:  # e.g. the Dask scheduler cannot be reached, the shard folder cannot be written
        _err(f"jxkg build: {e}")
        raise typer.Exit(2) from None
    except NotImplementedError:
        _err("jxkg build: the read/parse stages are not available yet in this checkout (kg.pipeline.process_paths)")
        raise typer.Exit(2) from None
    target = out if out is not None else store
    rate = result.documents / result.seconds if result.seconds > 0 else 0.0
    typer.echo(
        f"built {result.documents} of {result.files} files into {target}: {result.quads} quads, "
        f"{len(result.problems)} problems, {len(result.conflicts)} unit-name conflicts, "
        f"{result.seconds:.1f} s ({rate:.1f} documents/s)"
    )
    if missing or result.problems or result.documents == 0:
        raise typer.Exit(1)


def stats_command(
    store: Path = typer.Option(DEFAULT_STORE, "--store", help="Store directory written by `jxkg build`."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
) -> None:
    """Print counts of a built store.

    Documents, units, projects, indicators, funding documents, triples (quads stored, ontology included), skipped lines, regions, unlinked indicators and targets per status. Exit code 2 when the store cannot be opened.
    """
    from kg.build import StoreError, open_store, stats

    try:
        counts = stats(open_store(store, create=False))
    except StoreError as e:
        _err(f"jxkg stats: {e}")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    labels = {
        "documents": "documents 文件",
        "units": "units 预算单位",
        "projects": "projects 项目",
        "indicators": "indicators 指标",
        "funding_documents": "funding documents 文号",
        "triples": "triples 三元组",
        "skipped_lines": "skipped lines 未入图行",
        "regions": "regions 地区",
        "unlinked_indicators": "unlinked indicators 未链接指标",
    }
    table = Table(title=f"jxkg stats: {store}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, label in labels.items():
        table.add_row(label, str(counts[key]))
    by_status = counts["targets_by_status"]
    assert isinstance(by_status, dict)
    for status, n in by_status.items():
        table.add_row(f"targets 指标值: {status}", str(n))
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add ``build`` and ``stats`` to *app*."""
    app.command("build", help=BUILD_HELP, short_help="Build the knowledge graph (store or file) from disclosures.")(build_command)
    app.command("stats", short_help="Print counts of a built store.")(stats_command)
