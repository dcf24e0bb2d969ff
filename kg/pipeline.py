"""read → parse → link for a set of paths: the shared front half of every command.

>>> from pathlib import Path
>>> files = iter_input_files([Path(__file__).parent.parent / "examples"])
>>> all(f.suffix in INPUT_SUFFIXES for f in files)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.link import link_document
from kg.model import Document, Problem
from kg.parse import parse
from kg.read import ReadError, read_file

#: File endings picked up when a folder is given (a file named explicitly is always read,
#: and its format is told from its content, not from its name).
INPUT_SUFFIXES = {".txt", ".text", ".docx", ".xlsx", ".xlsm", ".xls", ".html", ".htm"}


def iter_input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively, disclosure files only), sorted and without duplicates."""
    out: dict[Path, None] = {}
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES and not f.name.startswith("."):
                    out[f] = None
        else:
            out[p] = None
    return list(out)


def process_file(path: str | Path) -> Document:
    """Read, parse and link one file; raises :class:`ReadError` when it cannot be read."""
    source = read_file(path)
    doc = parse(source)
    link_document(doc, source)
    if source.format != "text":
        # Line numbers of a native file count rendered lines; add where a person finds the spot.
        for problem in doc.problems:
            if problem.line and problem.where is None and 0 < problem.line <= len(source.lines):
                problem.where = source.lines[problem.line - 1].where
    return doc


def process_paths(paths: Iterable[str | Path], problems: list[Problem] | None = None) -> Iterator[Document]:
    """Yield one linked Document per readable input file.

    Files that cannot be read become a :class:`Problem` in *problems* (one line
    naming file and line) and the run goes on; problems found while parsing a
    readable file stay on its ``Document.problems``.
    """
    sink = problems if problems is not None else []
    files = iter_input_files(paths)
    if not files:
        sink.append(Problem(", ".join(map(str, paths)) or "(no path)", None, "no input files found"))
    for f in files:
        try:
            yield process_file(f)
        except ReadError as exc:
            sink.append(Problem(exc.file, exc.line, exc.message))
        except FileNotFoundError:
            sink.append(Problem(str(f), None, "file not found"))
        except Exception as exc:  # a parser bug must not stop the other files
            sink.append(Problem(f.name, None, f"internal error while reading ({type(exc).__name__}: {exc}); please report"))
