"""``jxkg extract``: the recovered tables without building a graph."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.model import Document, Problem
from kg.parse.output import to_csv, to_json, write_xlsx
from kg.pipeline import iter_input_files, process_paths


class Format(str, Enum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def load_with_progress(paths: list[Path], problems: list[Problem], label: str = "reading") -> list[Document]:
    """Run read → parse → link over *paths* with a progress bar on stderr when there is more than one file."""
    files = iter_input_files(paths)
    docs: list[Document] = []
    if len(files) <= 1:
        return list(process_paths(files or paths, problems))
    with Progress(
        TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[file]}"), transient=True, console=_stderr(),
    ) as bar:
        task = bar.add_task(label, total=len(files), file="")
        for f in files:
            bar.update(task, file=f.name)
            docs.extend(process_paths([f], problems))
            bar.advance(task)
    return docs


def _stderr():
    from rich.console import Console

    return Console(stderr=True)


def report_problems(problems: list[Problem], docs: list[Document]) -> int:
    """Print every input problem as one ``file:line: message`` line on stderr; return how many."""
    all_problems = list(problems) + [p for d in docs for p in d.problems]
    for p in all_problems:
        print(str(p), file=sys.stderr)
    return len(all_problems)


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract(
        paths: list[Path] = typer.Argument(..., help="Disclosure files or folders (folders are searched for *.txt)."),
        format: Format = typer.Option(Format.json, "--format", "-f", help="json (everything), csv (one row per indicator) or xlsx (sheets 指标/项目/文档/跳过的行)."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of standard output (required for xlsx)."),
    ) -> None:
        """Recover every table as clean records, without building a graph.

        Every non-blank input line ends up in a record or in `skipped` with a reason.
        Files that cannot be read are reported on stderr as `file:line: message`; the
        other files are still extracted. Exit status: 0 on success, 1 when some input
        had problems, 2 when nothing could be extracted.
        """
        problems: list[Problem] = []
        docs = load_with_progress(paths, problems, "extracting")
        if format is Format.xlsx:
            if output is None:
                raise typer.BadParameter("xlsx needs -o FILE.xlsx", param_hint="--output")
            write_xlsx(docs, output)
        else:
            text = to_json(docs) if format is Format.json else to_csv(docs)
            if output is None:
                sys.stdout.write(text)
                if not text.endswith("\n"):
                    sys.stdout.write("\n")
            else:
                output.write_text(text, encoding="utf-8")
        n = report_problems(problems, docs)
        if not docs:
            raise typer.Exit(2)
        if n:
            raise typer.Exit(1)
