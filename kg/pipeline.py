"""read → parse → link for a set of paths; the shared front half of every command."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.model import Document, Problem


def iter_input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively, *.txt and other readable files), sorted."""
    raise NotImplementedError


def process_paths(paths: Iterable[str | Path], problems: list[Problem] | None = None) -> Iterator[Document]:
    """Yield one linked Document per readable input file; unreadable files go to *problems*."""
    raise NotImplementedError
