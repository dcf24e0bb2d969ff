"""Sharded builds: one N-Quads shard per document, made in worker processes or on a Dask cluster.

``jxkg build --jobs N`` (local processes), ``--scheduler ADDRESS`` (a Dask
distributed cluster) and ``--shards DIR`` use this module.  The per-document
work, :func:`make_shard`, reads, parses and links one source file and writes
that document's named graph as a *shard*: ``DIR/{file name}.nq`` (N-Quads,
lines sorted, so a shard is the same bytes as that document's block in
``--out x.nq``) and ``DIR/{file name}.json`` (the source's SHA-256, the code
version, the quad count, the unit names with their lines and the problems).
The JSON file is written last, by an atomic rename, so a shard whose JSON
exists is complete.

Shards are merged by the one process that writes the target (the pyoxigraph
store, an ``--out`` file, or a Virtuoso server): document graphs never share a
quad (each is its own named graph), and shared nodes carry the same IRI in
every graph, so the merge is the union and does not depend on which worker
finished first.  ``--out x.nq`` from a sharded build is byte-identical to a
serial build.

A restarted build skips the documents whose shard is complete and was made
from the same source bytes by the same code (``code_version``): the worker
only hashes the file.  The store side then skips loading a reused shard when
the store already holds that document's graph from the same source with the
same number of quads.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> src = d / "a.txt"; _ = src.write_text("项目支出绩效目标表\\n", encoding="utf-8")
>>> first = make_shard(str(src), str(d / "shards"))
>>> first.reused, first.quads > 0, pathlib.Path(first.shard).is_file()
(False, True, True)
>>> make_shard(str(src), str(d / "shards")).reused
True
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.model import Problem

__all__ = ["ShardInfo", "make_shard", "code_version", "shard_paths", "run_local", "run_dask", "ONTOLOGY_SHARD"]

#: File name (in the shard folder) of the ontology as N-Triples, for servers that load files.
ONTOLOGY_SHARD = "_ontology.nt"


@dataclass
class ShardInfo:
    """What :func:`make_shard` did for one source file (small and picklable: no quads)."""

    path: str  # source path
    file: str  # document file name (the graph's name), "" when no document was made
    sha256: str = ""  # of the source bytes
    shard: str | None = None  # the shard's .nq path, None when no document was built
    quads: int = 0
    reused: bool = False  # True: the shard of an earlier run was kept
    mentions: list[tuple[str, str, str, int | None]] = field(default_factory=list)  # (unit, name, file, line)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code and vocabularies a shard depends on.

    The stages a shard is made by (``kg/read``, ``kg/parse``, ``kg/link``,
    ``kg/build``: code and data files, and the shared modules ``kg/*.py``) and ``ontology/*.ttl``
    (the concepts the linker uses).  A shard made by other code is rebuilt,
    never reused; editing the query, validate or export stages keeps shards.
    """
    from kg.paths import ONTOLOGY_DIR

    h = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    files = sorted(root.glob("*.py"))
    for stage in ("read", "parse", "link", "build"):
        files += sorted(f for f in (root / stage).rglob("*") if f.is_file() and "__pycache__" not in f.parts)
    files += sorted(ONTOLOGY_DIR.glob("*.ttl"))
    for f in files:
        h.update(str(f.relative_to(f.parent.parent)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def shard_paths(shard_dir: str | os.PathLike[str], file_name: str) -> tuple[Path, Path]:
    """The (.nq, .json) paths of document *file_name*'s shard (the name escaped like an IRI segment)."""
    from kg.build.iri import segment

    stem = segment(file_name)
    if stem.startswith("_"):  # keep names starting with "_" for the build's own files
        stem = "%5F" + stem[1:]
    d = Path(shard_dir)
    return d / f"{stem}.nq", d / f"{stem}.json"


def _write_atomic(path: Path, data: bytes) -> None:
    part = path.with_name(path.name + f".part{os.getpid()}")
    with open(part, "wb") as f:
        f.write(data)
    os.replace(part, path)


def _reuse(path: Path, shard_dir: str, code: str) -> ShardInfo | None:
    """The earlier shard of *path* when it is complete and made from the same bytes by the same code."""
    nq, meta_path = shard_paths(shard_dir, path.name)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, ValueError):
        return None
    if meta.get("code") != code or meta.get("sha256") != sha or not nq.is_file() or nq.stat().st_size != meta.get("bytes"):
        return None
    return ShardInfo(
        path=str(path), file=meta["file"], sha256=sha, shard=str(nq), quads=meta["quads"], reused=True,
        mentions=[tuple(m) for m in meta["mentions"]],  # type: ignore[misc]
        problems=[Problem(*p) for p in meta["problems"]],
    )


def make_shard(path: str, shard_dir: str, code: str | None = None) -> ShardInfo:
    """Read, parse and link the file at *path* and write its shard into *shard_dir* (the per-document work).

    Never raises for bad input: a file that cannot be read or built comes
    back with its problem and no shard.  *code* defaults to :func:`code_version`.
    """
    from kg.build.rdf import document_lines
    from kg.build.store import sorted_nquads
    from kg.pipeline import process_file
    from kg.read import ReadError

    started = time.perf_counter()
    code = code or code_version()
    p = Path(path)
    old = _reuse(p, shard_dir, code)
    if old is not None:
        old.seconds = time.perf_counter() - started
        return old
    info = ShardInfo(path=str(p), file="")
    try:
        doc = process_file(p)
    except ReadError as exc:
        info.problems.append(Problem(exc.file, exc.line, exc.message))
    except FileNotFoundError:
        info.problems.append(Problem(str(p), None, "file not found"))
    except Exception as exc:  # a parser bug must not stop the other files
        info.problems.append(Problem(p.name, None, f"internal error while reading ({type(exc).__name__}: {exc}); please report"))
    else:
        info.file, info.sha256 = doc.file, doc.sha256
        info.problems.extend(doc.problems)
        try:
            from pyoxigraph import RdfFormat, parse

            lines, mentions = document_lines(doc)
            data = b"".join(sorted_nquads(parse("".join(lines).encode("utf-8"), format=RdfFormat.N_QUADS)))
        except Exception as e:  # a bug must not stop the other files
            info.problems.append(Problem(doc.path, None, f"构建失败（{type(e).__name__}: {e}）"))
        else:
            nq, meta_path = shard_paths(shard_dir, doc.file)
            nq.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(nq, data)
            info.shard, info.quads = str(nq), data.count(b"\n")
            info.mentions = [(m.unit, m.name, m.file, m.line) for m in mentions]
            meta = {
                "file": doc.file, "source": str(p), "sha256": doc.sha256, "code": code, "quads": info.quads,
                "bytes": len(data), "mentions": info.mentions,
                "problems": [[q.file, q.line, q.message, q.where] for q in info.problems],
            }
            _write_atomic(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    info.seconds = time.perf_counter() - started
    return info


def _make_shard_args(args: tuple[str, str, str]) -> ShardInfo:
    return make_shard(*args)


def run_local(files: list[Path], shard_dir: Path, jobs: int) -> Iterator[ShardInfo]:
    """:func:`make_shard` over *files* in *jobs* worker processes (in this process when 1), as they finish."""
    code = code_version()
    tasks = [(str(f), str(shard_dir), code) for f in files]
    if jobs <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield _make_shard_args(t)
        return
    import multiprocessing

    # fork: workers start at once and share the imported modules; the pool is made before
    # the store is opened, so no store handle is inherited.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(processes=jobs, maxtasksperchild=None) as pool:
        yield from pool.imap_unordered(_make_shard_args, tasks, chunksize=2)


def run_dask(files: list[Path], shard_dir: Path, address: str, window: int = 0) -> Iterator[ShardInfo]:
    """:func:`make_shard` over *files* on the Dask cluster at *address*, as they finish.

    Futures over files, at most *window* in flight (default: 8 per worker
    thread), so the scheduler never holds a million tasks.  Workers must have
    this package installed and see *files* and *shard_dir* at the same paths
    (a shared file system).
    """
    try:
        from distributed import Client, as_completed
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise RuntimeError("--scheduler needs the `distributed` package (pip install dask distributed)") from e
    code = code_version()
    with Client(address, set_as_default=False) as client:
        threads = sum(client.nthreads().values()) or 1
        window = window or 8 * threads
        todo = iter(files)

        def submit(n: int) -> list:  # type: ignore[type-arg]
            return [client.submit(make_shard, str(f), str(shard_dir), code, pure=False)
                    for f, _ in zip(todo, range(n))]

        first = submit(window)
        if not first:
            return
        running = as_completed(first, loop=client.loop)
        for fut in running:
            info = fut.result()
            fut.release()
            yield info
            for more in submit(1):
                running.add(more)


def iter_infos(files: list[Path], shard_dir: Path, jobs: int, scheduler: str | None,
               on_error: Callable[[str], None] | None = None) -> Iterable[ShardInfo]:
    """Shards of *files*: on the Dask cluster when *scheduler* is given, else in *jobs* local processes."""
    if scheduler:
        return run_dask(files, shard_dir, scheduler)
    return run_local(files, shard_dir, jobs)
