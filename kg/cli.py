"""The ``jxkg`` command line: one command per job.

Each pipeline stage registers its own commands from ``kg/<stage>/cli.py``;
this module only assembles them.
"""

from __future__ import annotations

import typer

from kg import __version__

app = typer.Typer(
    name="jxkg",
    help=(
        "jixiao-kg (绩效知识图谱): read budget-performance disclosures (部门预算公开, 绩效目标表), "
        "build an RDF knowledge graph, validate it with SHACL, ask it SPARQL, draw it."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jxkg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """jixiao-kg command line."""


def _register_all() -> None:
    from kg.build import cli as build_cli
    from kg.export import cli as export_cli
    from kg.link import cli as link_cli
    from kg.parse import cli as parse_cli
    from kg.query import cli as query_cli
    from kg.validate import cli as validate_cli

    for module in (parse_cli, build_cli, link_cli, validate_cli, query_cli, export_cli):
        module.register(app)


_register_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
