"""Commands of the query stage (registered by kg.cli): ``query``, ``queries`` and ``serve``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import typer

from kg.build import is_server_url
from kg.paths import DEFAULT_STORE, QUERIES_DIR


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"jxkg: {message}", err=True)
    raise typer.Exit(code)


def _parse_params(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            _fail(f"--param 需要 name=value 形式 (expected name=value): {item!r}", 2)
        out[name.strip()] = value
    return out


def register(app: typer.Typer) -> None:
    """Add ``query``, ``queries`` and ``serve`` to *app*."""

    @app.command("query")
    def query_cmd(
        name: str = typer.Argument(..., help="A catalogue name (see `jxkg queries`) or a path to a .rq file."),
        param: list[str] = typer.Option([], "--param", "-p", help="Bind a declared parameter: name=value (repeatable)."),
        store: Path = typer.Option(None, "--store", help=f"Embedded store directory [default: ./{DEFAULT_STORE}]."),
        endpoint: str = typer.Option(None, "--endpoint", help="Run on this SPARQL 1.1 endpoint URL instead of the store."),
        fmt: str = typer.Option("table", "--format", "-f", help="table | csv | json | tsv"),
    ) -> None:
        """Run a named query (or a .rq file) on the store or on a SPARQL endpoint."""
        from kg.query.catalog import CatalogError, resolve
        from kg.query.engine import QueryError, bind_params, open_store, run_local, run_remote
        from kg.query.params import ParamError

        if fmt not in ("table", "csv", "json", "tsv"):
            _fail(f"未知格式 (unknown --format) {fmt!r}: use table, csv, json or tsv", 2)
        if store is not None and endpoint is not None:
            _fail("--store 与 --endpoint 只能选一个 (give --store or --endpoint, not both)", 2)
        try:
            q = resolve(name, QUERIES_DIR)
            bindings = bind_params(q, _parse_params(param))
            if store is not None and is_server_url(str(store)):  # a Virtuoso server (docs/scale.md)
                from kg.build.virtuoso import parse_url

                endpoint = parse_url(str(store)).sparql_endpoint
            if endpoint:
                result = run_remote(endpoint, q, bindings)
            else:
                result = run_local(open_store(store or DEFAULT_STORE), q, bindings)
        except (CatalogError, ParamError, QueryError) as e:
            _fail(str(e))
        _print_result(result, fmt)

    @app.command("queries")
    def queries_cmd(
        fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
    ) -> None:
        """List the query catalogue (queries/*.rq) with their questions and parameters."""
        from kg.query.catalog import CatalogError, load_catalog

        try:
            cat = load_catalog(QUERIES_DIR)
        except CatalogError as e:
            _fail(str(e))
        if fmt == "json":
            typer.echo(json.dumps([{k: v for k, v in q.as_dict().items() if k != "text"} for q in cat.values()],
                                  ensure_ascii=False, indent=1))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{len(cat)} queries in {QUERIES_DIR}", show_lines=False)
        table.add_column("name", no_wrap=True)
        table.add_column("question (zh / en)")
        table.add_column("parameters")
        for q in cat.values():
            params = "\n".join(f"{p.name}: {p.kind} = {p.default}" for p in q.params)
            table.add_row(q.name, f"{q.title_zh}\n{q.title_en}", params)
        Console().print(table)

    @app.command("serve")
    def serve_cmd(
        store: Path = typer.Option(None, "--store", help=f"Embedded store directory [default: ./{DEFAULT_STORE}]."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback unless told otherwise)."),
        port: int = typer.Option(7878, "--port", help="TCP port (0 picks a free one)."),
        timeout: float = typer.Option(30.0, "--timeout", help="Per-query time limit in seconds (503 after it)."),
        max_rows: int = typer.Option(10000, "--max-rows", help="Result limit: rows (or triples) per answer."),
        workers: int = typer.Option(2, "--workers", help="Queries evaluated at the same time."),
        in_memory: bool = typer.Option(
            False, "--in-memory",
            help="Answer from a copy of the store in RAM: faster lookups (one project, one 文号), slower big "
                 "aggregates; the copy took 38 s and 1 GB for 1,000 documents (see docs/query.md)."),
    ) -> None:
        """Serve the store read-only over the SPARQL 1.1 Protocol at /sparql, with a query page at /."""
        from kg.query.engine import QueryError, copy_to_memory, open_store
        from kg.query.server import SparqlService, make_server

        if timeout <= 0 or max_rows <= 0 or workers <= 0:
            _fail("--timeout, --max-rows 和 --workers 必须为正 (must be positive)", 2)
        path = store or DEFAULT_STORE
        try:
            st = open_store(path)
        except QueryError as e:
            _fail(str(e))
        if in_memory:
            t0 = time.perf_counter()
            typer.echo(f"jxkg serve: copying {path} into memory …", err=True)
            try:
                st = copy_to_memory(st)
            except QueryError as e:
                _fail(f"{path}: {e}; serve without --in-memory")
            except MemoryError:
                _fail(f"{path}: 内存不足，无法复制图数据库 (not enough memory for --in-memory); serve without it")
            typer.echo(f"jxkg serve: {len(st):,} quads in memory after {time.perf_counter() - t0:.1f} s", err=True)
        service = SparqlService(st, timeout=timeout, max_rows=max_rows, workers=workers)
        try:
            httpd = make_server(service, host, port)
        except OSError as e:
            _fail(f"无法监听 {host}:{port} (cannot listen): {e}")
        h, p = httpd.server_address[:2]
        shown = f"[{h}]" if ":" in str(h) else h
        typer.echo(f"jxkg serve: SPARQL endpoint http://{shown}:{p}/sparql  (page http://{shown}:{p}/ , store {path}, "
                   f"{'in memory, ' if in_memory else ''}timeout {timeout:g} s, max rows {max_rows}); Ctrl-C stops", err=True)
        sys.stderr.flush()
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()
            service.pool.shutdown(wait=False, cancel_futures=True)


def _print_result(result, fmt: str) -> None:
    from kg.query.results import graph_bytes, plain, to_csv, to_simple_json, to_tsv

    if result.kind == "graph":
        data = graph_bytes(result, "ntriples" if fmt == "tsv" else "turtle")
        sys.stdout.write(data.decode("utf-8"))
        return
    if fmt == "csv":
        sys.stdout.write(to_csv(result))
    elif fmt == "tsv":
        sys.stdout.write(to_tsv(result))
    elif fmt == "json":
        sys.stdout.write(json.dumps(to_simple_json(result), ensure_ascii=False, indent=1) + "\n")
    else:
        if result.kind == "ask":
            typer.echo("true" if result.boolean else "false")
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(caption=f"{len(result.rows)} 行 / rows" + (" (truncated)" if result.truncated else ""))
        for c in result.columns:
            table.add_column(c, overflow="fold")
        for row in result.rows:
            table.add_row(*[plain(t, short=True) for t in row])
        Console().print(table)

