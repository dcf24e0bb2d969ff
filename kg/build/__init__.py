"""The build stage: documents → quads (one named graph per source file) → store or file.

Public entry: :func:`build` (paths in, through read → parse → link, into a
store or a file).  :func:`build_documents` does the same for documents that
are already parsed, and :func:`document_quads` gives the quads of one
document (a pure function, see :mod:`kg.build.rdf`).

>>> from kg.model import Document
>>> doc = Document(file="a.txt", path="a.txt", sha256="00", encoding="utf-8", line_count=1)
>>> result = build_documents([doc], store=None)
>>> result.documents, result.problems
(1, [])
>>> stats(result.store)["documents"]
1
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Store

from kg.build.rdf import UnitMention, document_lines, document_nquads, document_quads
from kg.build.stats import MentionIndex, NameConflict, conflicts_in, name_key, stats, unit_name_conflicts
from kg.build.store import FileSink, StoreError, StoreSink, open_store
from kg.model import Document, Problem
from kg.paths import DEFAULT_STORE

__all__ = [
    "build",
    "build_documents",
    "document_quads",
    "document_nquads",
    "stats",
    "open_store",
    "BuildResult",
    "StoreError",
    "DEFAULT_STORE",
]


@dataclass
class BuildResult:
    """What a build did."""

    files: int = 0  # input files seen (when built from paths)
    documents: int = 0  # documents written
    quads: int = 0  # distinct quads written, summed over documents
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[NameConflict] = field(default_factory=list)
    store: Store | None = field(default=None, repr=False)  # the store written (None for --out)


class _Progress:
    """A per-file rich progress bar on stderr (or nothing), and the problem printer."""

    def __init__(self, total: int | None, show: bool, echo: Callable[[str], None] | None) -> None:
        self.echo = echo
        self.bar = None
        if show and total and total > 1:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            console = Console(stderr=True)
            self.bar = Progress(
                TextColumn("[bold]构建[/bold] {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=False,
            )
            self.task = self.bar.add_task("", total=total)
            self.bar.start()
            if echo is not None:
                self.echo = lambda msg: console.print(msg, markup=False, highlight=False, soft_wrap=True)

    def say(self, message: str) -> None:
        if self.echo is not None:
            self.echo(message)

    def advance(self, name: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=name)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def build_documents(
    docs: Iterable[Document],
    *,
    store: str | os.PathLike[str] | None = DEFAULT_STORE,
    out: str | os.PathLike[str] | None = None,
    problems: list[Problem] | None = None,
    echo: Callable[[str], None] | None = None,
    progress: bool = False,
    _bar: _Progress | None = None,
) -> BuildResult:
    """Write *docs* into the store at *store* (in memory when None) or, with *out*, into a file.

    With *progress*, a per-document bar is shown when *docs* is a list of
    more than one.  Problems (the documents' own, those in *problems*, and documents with a
    file name already built in this run) are collected in the result and,
    with *echo*, printed as they appear, one line each.  Unit-name conflicts
    are found after the last document and returned (and printed with *echo*).
    """
    started = time.perf_counter()
    sink: StoreSink | FileSink = FileSink(out) if out is not None else StoreSink(store)
    result = BuildResult()
    shared = problems if problems is not None else []
    reported: set[str] = set()
    index: MentionIndex = {}
    built: dict[str, str] = {}  # file name → path of the document built under it
    own_bar = _bar is None
    bar = _bar or _Progress(len(docs) if isinstance(docs, Sized) else None, progress, echo)

    def report(p: Problem) -> None:
        text = str(p)
        if text not in reported:
            reported.add(text)
            result.problems.append(p)
            bar.say(text)

    def flush_shared() -> None:
        for p in shared:
            report(p)

    try:
        for doc in docs:
            flush_shared()
            for p in doc.problems:
                report(p)
            if doc.file in built:
                report(Problem(doc.path, None, f"文件名与 {built[doc.file]} 相同，未构建（每个文件名对应一个命名图，请改名）"))
                if own_bar:
                    bar.advance(doc.file)
                continue
            try:
                lines, mentions = document_lines(doc)
                data = "".join(lines).encode("utf-8")
            except Exception as e:  # a bug must not stop the other files
                report(Problem(doc.path, None, f"构建失败（{type(e).__name__}: {e}）"))
                if own_bar:
                    bar.advance(doc.file)
                continue
            sink.put(doc.file, data)
            built[doc.file] = doc.path
            result.documents += 1
            result.quads += len(set(lines))  # as the parallel path counts: distinct quads
            _index(index, mentions)
            if own_bar:
                bar.advance(doc.file)
        flush_shared()
        sink.finish()
    finally:
        bar.close()
    if isinstance(sink, StoreSink):
        result.store = sink.store
        result.conflicts = unit_name_conflicts(sink.store, index)
    else:
        result.conflicts = conflicts_in(index)
    for c in result.conflicts:
        if echo is not None:
            echo(c.message())
    result.seconds = time.perf_counter() - started
    return result


def _index(index: MentionIndex, mentions: list[UnitMention]) -> None:
    for m in mentions:
        index.setdefault(m.unit, {}).setdefault(name_key(m.name), (m.name, m.file, m.line))


def build(
    paths: Iterable[str | os.PathLike[str]],
    *,
    store: str | os.PathLike[str] | None = DEFAULT_STORE,
    out: str | os.PathLike[str] | None = None,
    echo: Callable[[str], None] | None = None,
    progress: bool = False,
    jobs: int = 1,
    scheduler: str | None = None,
    shards: str | os.PathLike[str] | None = None,
) -> BuildResult:
    """Read, parse and link every file under *paths*, then build them (see :func:`build_documents`).

    A file that cannot be read or parsed becomes a problem in the result;
    the other files still build.  With *jobs* > 1, a Dask *scheduler*
    address, a *shards* folder or a ``virtuoso://`` *store*, the build is
    sharded (:mod:`kg.build.parallel`): same graph, made in worker processes,
    restartable.
    """
    from kg.pipeline import iter_input_files, process_paths

    files = iter_input_files([Path(p) for p in paths])
    remote = store is not None and out is None and is_server_url(str(store))
    if jobs > 1 or scheduler or shards is not None or remote:
        return _build_sharded(files, store=store, out=out, echo=echo, progress=progress, jobs=jobs,
                              scheduler=scheduler, shards=shards)
    problems: list[Problem] = []
    bar = _Progress(len(files), progress, echo)

    def documents() -> Iterator[Document]:
        # One file at a time: an unexpected failure in one file cannot stop the others,
        # and the bar moves per file, also for files that give no document.
        for f in files:
            try:
                yield from process_paths([f], problems)
            except NotImplementedError:
                raise
            except Exception as e:
                problems.append(Problem(str(f), None, f"读取或解析失败（{type(e).__name__}: {e}）"))
            bar.advance(f.name)

    result = build_documents(documents(), store=store, out=out, problems=problems, echo=bar.echo, _bar=bar)
    result.files = len(files)
    return result


def server_copy(store: object, error: type[Exception]):  # type: ignore[no-untyped-def]
    """For a ``virtuoso://`` *store*: an in-memory copy of the server's graphs (None for a store folder).

    Commands that read whole graphs (validate, export) use it; a server error becomes *error*.

    >>> server_copy("jxkg-store", ValueError) is None
    True
    """
    if not is_server_url(str(store)):
        return None
    from kg.build.virtuoso import StoreError, dataset

    try:
        return dataset(str(store))
    except StoreError as exc:
        raise error(str(exc)) from None


def is_server_url(store: str) -> bool:
    """Whether *store* names a SPARQL server (``virtuoso://…``) rather than a store directory.

    >>> is_server_url("virtuoso://127.0.0.1:1111?http=8890"), is_server_url("jxkg-store")
    (True, False)
    """
    from kg.build.virtuoso import is_virtuoso_url

    return is_virtuoso_url(store)


def default_shard_dir(store: str | os.PathLike[str] | None, out: str | os.PathLike[str] | None) -> Path:
    """Where shards go when ``--shards`` is not given: beside the output file or store, else ./jxkg-shards.

    >>> default_shard_dir("data/kg", None), default_shard_dir(None, "x/kg.nq")
    (PosixPath('data/kg.shards'), PosixPath('x/kg.nq.shards'))
    """
    if out is not None:
        return Path(str(out) + ".shards")
    if store is not None and not is_server_url(str(store)):
        return Path(str(store).rstrip("/") + ".shards")
    return Path("jxkg-shards")


def _build_sharded(
    files: list[Path],
    *,
    store: str | os.PathLike[str] | None,
    out: str | os.PathLike[str] | None,
    echo: Callable[[str], None] | None,
    progress: bool,
    jobs: int,
    scheduler: str | None,
    shards: str | os.PathLike[str] | None,
) -> BuildResult:
    """The sharded build: shards made by workers (local or Dask), merged into one sink by this process."""
    from kg.build.parallel import iter_infos, shard_paths

    started = time.perf_counter()
    shard_dir = Path(shards) if shards is not None else default_shard_dir(store, out)
    shard_dir.mkdir(parents=True, exist_ok=True)
    result = BuildResult(files=len(files))
    reported: set[str] = set()
    index: MentionIndex = {}
    bar = _Progress(len(files), progress, echo)

    def report(p: Problem) -> None:
        text = str(p)
        if text not in reported:
            reported.add(text)
            result.problems.append(p)
            bar.say(text)

    if not files:
        report(Problem(", ".join(map(str, files)) or "(no path)", None, "no input files found"))
    # One graph per file name: the first file (in sorted order) of a name is built, the others reported.
    first: dict[str, Path] = {}
    todo: list[Path] = []
    for f in files:
        if f.name in first:
            report(Problem(str(f), None, f"文件名与 {first[f.name]} 相同，未构建（每个文件名对应一个命名图，请改名）"))
            bar.advance(f.name)
        else:
            first[f.name] = f
            todo.append(f)
    infos = iter_infos(todo, shard_dir, jobs, scheduler)  # workers start before the store is opened
    sink = _open_sink(store, out, shard_dir, jobs)
    try:
        for info in infos:
            for p in info.problems:
                report(p)
            if info.shard is not None:
                sink.put_shard(info.file, info.shard, info.sha256, info.quads, info.reused)
                result.documents += 1
                result.quads += info.quads
                if not isinstance(sink, StoreSink):
                    for unit, name, file, line in info.mentions:
                        index.setdefault(unit, {}).setdefault(name_key(name), (name, file, line))
            bar.advance(Path(info.path).name)
        sink.finish()
    finally:
        bar.close()
        close = getattr(infos, "close", None)
        if close is not None:
            close()
    if isinstance(sink, StoreSink):
        result.store = sink.store
        result.conflicts = _with_lines(unit_name_conflicts(sink.store), shard_dir, shard_paths)
    else:
        result.conflicts = conflicts_in(index)
    for c in result.conflicts:
        if echo is not None:
            echo(c.message())
    result.seconds = time.perf_counter() - started
    return result


def _open_sink(store, out, shard_dir: Path, jobs: int):  # type: ignore[no-untyped-def]
    if out is not None:
        return FileSink(out)
    if store is not None and is_server_url(str(store)):
        from kg.build.virtuoso import VirtuosoSink

        return VirtuosoSink(str(store), shard_dir, loaders=max(1, jobs))
    return StoreSink(store)


def _with_lines(conflicts: list[NameConflict], shard_dir: Path, shard_paths) -> list[NameConflict]:  # type: ignore[no-untyped-def]
    """Fill in the line of each conflicting name from the shards' unit mentions (memory stays flat)."""
    import json

    for c in conflicts:
        filled = []
        for name, file, line in c.names:
            if line is None:
                try:
                    meta = json.loads(shard_paths(shard_dir, file)[1].read_text(encoding="utf-8"))
                    key = name_key(name)
                    line = next((m[3] for m in meta["mentions"] if m[0] == c.unit and name_key(m[1]) == key), None)
                except (OSError, ValueError, KeyError):
                    pass
            filled.append((name, file, line))
        c.names = filled
    return conflicts
