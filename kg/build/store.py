"""Where built quads go: the embedded pyoxigraph store, or one RDF file.

Both sinks take one document's graph at a time as N-Quads text (:meth:`put`) and replace
whatever an earlier build stored for the same document.  The ontology
(``ontology/jxkg.ttl`` and, when present, ``ontology/indicators.ttl``) goes to
the default graph.

>>> from pyoxigraph import NamedNode
>>> sink = StoreSink(None)          # None: an in-memory store, for tests
>>> line = (b"<https://w3id.org/jxkg/id/doc/a.txt> <https://w3id.org/jxkg/ontology#fileName> "
...         b'"a.txt" <https://w3id.org/jxkg/graph/a.txt> .\\n')
>>> sink.put("a.txt", line); sink.put("a.txt", line); sink.finish()
>>> g = NamedNode("https://w3id.org/jxkg/graph/a.txt")
>>> len(list(sink.store.quads_for_pattern(None, None, None, g)))
1
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, RdfFormat, Store, Triple, parse, serialize

from kg.build import iri
from kg.paths import ONTOLOGY_DIR

__all__ = [
    "PREFIXES",
    "StoreError",
    "StoreSink",
    "FileSink",
    "ontology_files",
    "open_store",
    "sorted_nquads",
    "OUT_FORMATS",
]

PREFIXES = {
    "jx": iri.JX,
    "jxi": iri.JXI,
    "jxg": iri.JXG,
    "jxcat": iri.JXCAT,
    "jxc": iri.JXC,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "dcterms": "http://purl.org/dc/terms/",
}

#: File suffix → RDF format that ``--out`` can write.
OUT_FORMATS = {".nq": RdfFormat.N_QUADS, ".trig": RdfFormat.TRIG, ".ttl": RdfFormat.TURTLE}

# N-Quads bytes buffered before they are written to the store in one bulk load
# (about 100,000 quads: big enough for the bulk loader, small enough for memory).
_BATCH_BYTES = 20_000_000

_SHA256 = NamedNode(iri.JX + "sha256")


class StoreError(Exception):
    """The store cannot be opened or written (locked, not a store, disk full …)."""


def ontology_files() -> list[Path]:
    """The ontology files loaded into the default graph, in a fixed order."""
    return [p for p in (ONTOLOGY_DIR / "jxkg.ttl", ONTOLOGY_DIR / "indicators.ttl") if p.is_file()]


def open_store(path: str | os.PathLike[str] | None, *, create: bool = True) -> Store:
    """Open the on-disk store at *path* (in memory when None), with a clear error when it cannot be."""
    if path is None:
        return Store()
    p = Path(path)
    if not create and not p.is_dir():
        raise StoreError(f"no store at {p} (run `jxkg build` first)")
    if p.exists() and not p.is_dir():
        raise StoreError(f"{p} is not a directory, cannot hold a store")
    try:
        return Store(str(p))
    except OSError as e:
        if "lock" in str(e).lower():
            raise StoreError(f"the store {p} is in use by another process (only one jxkg may open it at a time)") from e
        raise StoreError(f"cannot open the store {p}: {e}") from e


def sorted_nquads(quads: Iterable[Quad]) -> list[bytes]:
    """N-Quads lines of *quads*, sorted and without duplicates (bytes, each ending in newline).

    >>> from pyoxigraph import Quad, NamedNode, Literal
    >>> s, p = NamedNode("http://e/s"), NamedNode("http://e/p")
    >>> sorted_nquads([Quad(s, p, Literal("b")), Quad(s, p, Literal("a")), Quad(s, p, Literal("b"))])
    [b'<http://e/s> <http://e/p> "a" .\\n', b'<http://e/s> <http://e/p> "b" .\\n']
    """
    data = serialize(quads, format=RdfFormat.N_QUADS)
    return sorted(set(data.splitlines(keepends=True)))


def _ontology_quads() -> list[Quad]:
    """The ontology files' triples in the default graph.

    Blank nodes are relabelled ``o1``, ``o2`` … in order of appearance, so
    the same files always give the same quads (the parser would invent fresh
    labels each time).
    """
    quads: list[Quad] = []
    labels: dict[BlankNode, BlankNode] = {}

    def relabel(term):  # type: ignore[no-untyped-def]
        if isinstance(term, BlankNode):
            if term not in labels:
                labels[term] = BlankNode(f"o{len(labels) + 1}")
            return labels[term]
        return term

    for f in ontology_files():
        for q in parse(path=str(f), format=RdfFormat.TURTLE):
            quads.append(Quad(relabel(q.subject), q.predicate, relabel(q.object), DefaultGraph()))
    return quads


class StoreSink:
    """Writes documents into a pyoxigraph store; one named graph per document.

    A document's old graph is removed before its new quads go in, so a
    rebuilt file leaves exactly one copy of its facts.  N-Quads text is
    buffered and written with the bulk loader in batches of about 20 MB
    (measured: several times faster than one ``extend`` transaction per
    document); :meth:`finish` writes the rest and flushes.
    """

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = path
        self.store = open_store(path)
        # A store with no named graph yet (a fresh build) needs no lookup per document.
        self._had_data = next(iter(self.store.named_graphs()), None) is not None
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._pending_names: set[str] = set()
        self._load_ontology()

    def _load_ontology(self) -> None:
        self.store.clear_graph(DefaultGraph())
        self.store.extend(_ontology_quads())

    def has_graph(self, file_name: str) -> bool:
        """Whether the store holds quads in document *file_name*'s graph (one index lookup)."""
        g = NamedNode(iri.doc_graph(file_name))
        return next(iter(self.store.quads_for_pattern(None, None, None, g)), None) is not None

    def holds(self, file_name: str, sha256: str, quads: int) -> bool:
        """Whether the graph of *file_name* is already stored from a source with *sha256*, with *quads* quads.

        Used to skip reloading an unchanged document on a restarted build.
        """
        g = NamedNode(iri.doc_graph(file_name))
        found = list(self.store.quads_for_pattern(NamedNode(iri.doc_iri(file_name)), _SHA256, None, g))
        if len(found) != 1 or found[0].object.value != sha256:
            return False
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, g)) == quads

    def put(self, file_name: str, nquads: bytes) -> None:
        """Replace the graph of document *file_name* by *nquads* (N-Quads text of that graph).

        A document new to the store is not removed first: removing costs
        about as much as loading, and a cheap lookup tells whether there is
        anything to remove.
        """
        if file_name in self._pending_names:  # the same document twice in one batch
            self._write()
        if self._had_data and self.has_graph(file_name):
            self.store.remove_graph(NamedNode(iri.doc_graph(file_name)))
        self._pending_names.add(file_name)
        self._pending.append(nquads)
        self._pending_bytes += len(nquads)
        if self._pending_bytes >= _BATCH_BYTES:
            self._write()

    def put_shard(self, file_name: str, shard: str | os.PathLike[str], sha256: str, quads: int, reused: bool) -> bool:
        """Load the shard file of *file_name* unless the store already holds it (see :meth:`holds`).

        Returns whether it was loaded.  Only reused shards are checked: a
        shard made in this run always replaces the stored graph.
        """
        if reused and self._had_data and self.holds(file_name, sha256, quads):
            return False
        self.put(file_name, Path(shard).read_bytes())
        return True

    def _write(self) -> None:
        if self._pending:
            self.store.bulk_load(b"".join(self._pending), format=RdfFormat.N_QUADS)
        self._pending = []
        self._pending_names = set()
        self._pending_bytes = 0

    def finish(self) -> None:
        self._write()
        if self.path is not None:
            self.store.flush()


class FileSink:
    """Writes documents to one RDF file chosen by suffix (``.nq``, ``.trig``, ``.ttl``).

    Output is deterministic whatever the input order: the ontology first, then
    one block per document in file-name order, each block's lines sorted.  To
    keep memory flat, ``.nq``/``.trig`` blocks go to a temporary file and are
    copied in order at the end.  ``.ttl`` (Turtle has no named graphs) writes
    the union of all graphs, with duplicates removed; it keeps that union in
    memory, so prefer ``.nq`` for large builds.
    """

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.out = Path(out)
        fmt = OUT_FORMATS.get(self.out.suffix.lower())
        if fmt is None:
            raise StoreError(f"--out must end in .nq, .trig or .ttl, not {self.out.name!r}")
        self.format = fmt
        self._tmp = tempfile.TemporaryFile()
        self._blocks: dict[str, tuple[int, int]] = {}  # file name → (offset, length) in _tmp
        self._triples: set[bytes] = set()  # .ttl only: N-Triples lines of the union

    def put(self, file_name: str, nquads: bytes) -> None:
        """Add document *file_name*'s graph (N-Quads text); a later put of the same name replaces it."""
        quads = list(parse(nquads, format=RdfFormat.N_QUADS))
        if self.format == RdfFormat.TURTLE:
            self._triples.update(
                serialize((Triple(q.subject, q.predicate, q.object) for q in quads), format=RdfFormat.N_TRIPLES).splitlines(
                    keepends=True
                )
            )
            self._blocks[file_name] = (0, 0)
            return
        lines = sorted_nquads(quads)
        if self.format == RdfFormat.TRIG:
            body = serialize(parse(b"".join(lines), format=RdfFormat.N_QUADS), format=RdfFormat.TRIG, prefixes=PREFIXES)
            data = b"".join(line for line in body.splitlines(keepends=True) if not line.startswith(b"@prefix"))
        else:
            data = b"".join(lines)
        self._tmp.seek(0, os.SEEK_END)
        offset = self._tmp.tell()
        self._tmp.write(data)
        self._blocks[file_name] = (offset, len(data))

    def put_shard(self, file_name: str, shard: str | os.PathLike[str], sha256: str, quads: int, reused: bool) -> bool:
        """Add a shard file (sorted N-Quads of one document graph, see :mod:`kg.build.parallel`)."""
        data = Path(shard).read_bytes()
        if self.format != RdfFormat.N_QUADS:
            self.put(file_name, data)
            return True
        self._tmp.seek(0, os.SEEK_END)
        offset = self._tmp.tell()
        self._tmp.write(data)  # already sorted_nquads output: the same bytes put() would write
        self._blocks[file_name] = (offset, len(data))
        return True

    def finish(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        onto = _ontology_quads()
        part = self.out.with_name(self.out.name + ".part")
        with open(part, "wb") as f:
            if self.format == RdfFormat.TURTLE:
                self._triples.update(
                    serialize((Triple(q.subject, q.predicate, q.object) for q in onto), format=RdfFormat.N_TRIPLES).splitlines(
                        keepends=True
                    )
                )
                triples = parse(b"".join(sorted(self._triples)), format=RdfFormat.N_TRIPLES)
                f.write(_header())
                serialize(triples, f, format=RdfFormat.TURTLE, prefixes=PREFIXES)
            else:
                if self.format == RdfFormat.TRIG:
                    f.write(_header())
                    body = serialize(parse(b"".join(sorted_nquads(onto)), format=RdfFormat.N_QUADS), format=RdfFormat.TRIG, prefixes=PREFIXES)
                    f.write(b"".join(line for line in body.splitlines(keepends=True) if not line.startswith(b"@prefix")))
                else:
                    f.writelines(sorted_nquads(onto))
                for name in sorted(self._blocks):
                    offset, length = self._blocks[name]
                    self._tmp.seek(offset)
                    f.write(self._tmp.read(length))
        os.replace(part, self.out)
        self._tmp.close()


def _header() -> bytes:
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in PREFIXES.items()).encode() + b"\n"
