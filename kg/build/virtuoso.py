"""OpenLink Virtuoso as the store: bulk-load shards, query over /sparql, run a local server for tests.

The store is named by a URL (``--store`` of ``jxkg build``, ``query``,
``validate`` and ``export``)::

    virtuoso://HOST:PORT?http=HTTP_PORT[&user=dba&password=dba]

``PORT`` is Virtuoso's SQL port (``isql-vt`` talks to it, 1111 by default),
``http`` its HTTP port (the SPARQL endpoint is ``http://HOST:HTTP_PORT/sparql``,
8890 by default).  The password may also come from ``JXKG_VIRTUOSO_PASSWORD``.

A build writes one shard per document (:mod:`kg.build.parallel`) and loads
them with Virtuoso's bulk loader (``ld_add`` + ``rdf_loader_run`` in as many
loader sessions as ``--jobs``, then ``checkpoint``): one named graph
``jxg:{file name}`` per document, as in the embedded store.  Virtuoso has no
separate default graph (a query without ``FROM`` sees every graph), so the
ontology and concepts go to the named graph :data:`ONTOLOGY_GRAPH`.  The
server reads the shard files itself, so the shard folder must be on a file
system the server sees, and listed in its ``DirsAllowed``.

>>> u = parse_url("virtuoso://127.0.0.1:1111?http=8890")
>>> u.host, u.port, u.http_port, u.sparql_endpoint
('127.0.0.1', 1111, 8890, 'http://127.0.0.1:8890/sparql')
>>> parse_url("virtuoso:/db.example:1112").sparql_endpoint   # a URL that went through pathlib
'http://db.example:8890/sparql'
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kg.build import iri
from kg.build.store import StoreError

__all__ = [
    "ONTOLOGY_GRAPH",
    "VirtuosoURL",
    "is_virtuoso_url",
    "parse_url",
    "isql",
    "VirtuosoSink",
    "dataset",
    "LocalVirtuoso",
    "virtuoso_binary",
]

#: Named graph that holds the ontology on a server without a separate default graph.
ONTOLOGY_GRAPH = "https://w3id.org/jxkg/ontology"


def is_virtuoso_url(value: str | os.PathLike[str]) -> bool:
    """Whether *value* is a ``virtuoso://`` store URL (also after pathlib folded ``//`` to ``/``)."""
    return str(value).lower().startswith("virtuoso:/")


@dataclass(frozen=True)
class VirtuosoURL:
    """Where a Virtuoso server listens and how to log in."""

    host: str
    port: int  # SQL (isql) port
    http_port: int
    user: str = "dba"
    password: str = "dba"

    @property
    def sparql_endpoint(self) -> str:
        return f"http://{self.host}:{self.http_port}/sparql"

    def __str__(self) -> str:
        return f"virtuoso://{self.host}:{self.port}?http={self.http_port}"


def parse_url(value: str | os.PathLike[str]) -> VirtuosoURL:
    """Parse a ``virtuoso://HOST:PORT?http=N&user=U&password=P`` URL (StoreError when malformed)."""
    text = str(value)
    if not is_virtuoso_url(text):
        raise StoreError(f"{text}: not a virtuoso:// URL")
    rest = text.split(":/", 1)[1].lstrip("/")
    u = urllib.parse.urlsplit("//" + rest)
    q = {k: v[-1] for k, v in urllib.parse.parse_qs(u.query).items()}
    try:
        port = u.port or 1111
        http = int(q.get("http", 8890))
    except ValueError:
        raise StoreError(f"{text}: bad port (expected virtuoso://HOST:PORT?http=HTTP_PORT)") from None
    password = q.get("password") or os.environ.get("JXKG_VIRTUOSO_PASSWORD") or "dba"
    return VirtuosoURL(u.hostname or "127.0.0.1", port, http, q.get("user", "dba"), password)


def _isql_binary() -> str:
    for name in ("isql-vt", "isql"):
        found = shutil.which(name)
        if found:
            return found
    raise StoreError("isql-vt not found (install Debian's virtuoso-opensource, or put Virtuoso's isql on PATH)")


def isql(url: VirtuosoURL, script: str, timeout: float | None = None) -> str:
    """Run SQL *script* (statements ending in ``;``) through ``isql-vt``; StoreError on any error."""
    cmd = [_isql_binary(), f"{url.host}:{url.port}", url.user, url.password,
           "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"]
    try:
        out = subprocess.run(cmd, input=script, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise StoreError(f"{url}: isql timed out after {timeout} s") from None
    text = out.stdout + out.stderr
    errors = [line for line in text.splitlines() if line.startswith("*** Error")]
    if out.returncode != 0 or errors:
        raise StoreError(f"{url}: {errors[0] if errors else text.strip().splitlines()[-1:]}")
    return text


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sparql_select(endpoint: str, query: str, timeout: float = 600) -> list[dict[str, str]]:
    """Rows of a SELECT on *endpoint* as {variable: value} (values as plain strings)."""
    data = urllib.parse.urlencode({"query": query}).encode("utf-8")
    req = urllib.request.Request(endpoint, data=data, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            doc = json.loads(resp.read())
    except (OSError, ValueError) as e:
        raise StoreError(f"{endpoint}: SPARQL query failed: {e}") from None
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


class VirtuosoSink:
    """Loads document shards into Virtuoso; one named graph per document (see the module text).

    :meth:`put_shard` only records the shard; :meth:`finish` replaces the
    graphs of changed documents in one bulk load.  A reused shard (restarted
    build) whose document the server already holds from the same source bytes
    is not loaded again.
    """

    def __init__(self, url: str, shard_dir: str | os.PathLike[str], loaders: int = 1) -> None:
        self.url = parse_url(url)
        self.shard_dir = Path(shard_dir).resolve()
        self.loaders = max(1, loaders)
        self._shards: list[tuple[str, str, str, bool]] = []  # (file, shard path, sha256, reused)
        self.loaded = 0
        self.skipped = 0
        isql(self.url, "SELECT 1;", timeout=60)  # fail early when the server is unreachable

    def put_shard(self, file_name: str, shard: str | os.PathLike[str], sha256: str, quads: int, reused: bool) -> bool:
        self._shards.append((file_name, str(Path(shard).resolve()), sha256, reused))
        return True

    def _stored(self) -> dict[str, str]:
        """Document graph IRI → the source SHA-256 stored in it, for every document graph on the server."""
        q = (f"SELECT ?g ?sha WHERE {{ GRAPH ?g {{ ?d <{iri.JX}sha256> ?sha }} "
             f'FILTER(STRSTARTS(STR(?g), "{iri.JXG}")) }}')
        return {r["g"]: r["sha"] for r in sparql_select(self.url.sparql_endpoint, q)}

    def finish(self) -> None:
        from pyoxigraph import RdfFormat, serialize

        from kg.build.parallel import ONTOLOGY_SHARD
        from kg.build.store import _ontology_quads

        onto = self.shard_dir / ONTOLOGY_SHARD
        onto.write_bytes(serialize((q.triple for q in _ontology_quads()), format=RdfFormat.N_TRIPLES))
        stored = self._stored()
        lines = ["log_enable(3, 1);", f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({_sql_str(ONTOLOGY_GRAPH)});"]
        files = [str(onto)]
        adds = [f"ld_add({_sql_str(str(onto))}, {_sql_str(ONTOLOGY_GRAPH)});"]
        for file_name, shard, sha, reused in self._shards:
            graph = iri.doc_graph(file_name)
            if graph in stored:
                if reused and stored[graph] == sha:
                    self.skipped += 1
                    continue
                lines.append(f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({_sql_str(graph)});")
            files.append(shard)
            adds.append(f"ld_add({_sql_str(shard)}, {_sql_str(graph)});")
        self.loaded = len(files) - 1
        lines += [f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file = {_sql_str(f)};" for f in files]
        isql(self.url, "\n".join(lines + adds) + "\n")
        procs = [
            subprocess.Popen([_isql_binary(), f"{self.url.host}:{self.url.port}", self.url.user, self.url.password,
                              "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT",
                              "EXEC=rdf_loader_run();"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(self.loaders)
        ]
        outputs = [p.communicate()[0] for p in procs]
        bad = [o for o in outputs if "*** Error" in o]
        if bad:
            raise StoreError(f"{self.url}: bulk load failed: {bad[0].strip().splitlines()[0]}")
        isql(self.url, "checkpoint;\n")
        errors = isql(self.url, "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;\n")
        failed = [line for line in errors.splitlines() if line.strip().startswith("/")]
        if failed:
            raise StoreError(f"{self.url}: {len(failed)} shard(s) failed to load, first: {failed[0].strip()}")


def dataset(url: str | os.PathLike[str]):  # type: ignore[no-untyped-def]
    """Copy the jxkg graphs of the server at *url* into an in-memory pyoxigraph store.

    Document graphs keep their names; :data:`ONTOLOGY_GRAPH` becomes the
    default graph, as in a store made by ``jxkg build``.  This lets ``jxkg
    validate`` and ``jxkg export`` (which read whole graphs) run unchanged on
    a server's data; it needs the memory of the copied graphs.
    """
    from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, parse

    u = parse_url(url)
    store = Store()
    graphs = [r["g"] for r in sparql_select(u.sparql_endpoint, (
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{iri.JXG}")) }}'))]
    for g in [ONTOLOGY_GRAPH, *sorted(graphs)]:
        data = urllib.parse.urlencode({"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"})
        req = urllib.request.Request(u.sparql_endpoint, data=data.encode("utf-8"), headers={"Accept": "application/n-triples"})
        try:
            with urllib.request.urlopen(req, timeout=600) as resp:
                body = resp.read()
        except OSError as e:
            raise StoreError(f"{u.sparql_endpoint}: cannot read graph <{g}>: {e}") from None
        target = DefaultGraph() if g == ONTOLOGY_GRAPH else NamedNode(g)
        store.extend(Quad(t.subject, t.predicate, t.object, target) for t in parse(body, format=RdfFormat.N_TRIPLES))
    return store


# --- a private server for tests and benchmarks ------------------------------------------------------------


def virtuoso_binary() -> str | None:
    """Path of ``virtuoso-t`` (Debian: /usr/bin/virtuoso-t), None when Virtuoso is not installed."""
    found = shutil.which("virtuoso-t")
    if found:
        return found
    return "/usr/bin/virtuoso-t" if Path("/usr/bin/virtuoso-t").is_file() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_INI = """; Minimal Virtuoso configuration written by kg.build.virtuoso.LocalVirtuoso (loopback only).
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{port}
DisableUnixSocket = 1
DirsAllowed = ., {dirs}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
CheckpointInterval = 0
CaseMode = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 3600
MaxQueryCostEstimationTime = 3600
"""


class LocalVirtuoso:
    """A Virtuoso server of its own in *folder* (database, log, ini), bound to 127.0.0.1 on free ports.

    ``with LocalVirtuoso(tmp, dirs_allowed=[shards]) as v: ... v.url ...``; the
    server is stopped (and waited for) on exit.  *buffers* sets
    ``NumberOfBuffers`` (8 KB pages; 170,000 ≈ 1.3 GB, Virtuoso's advice for 2 GB).
    """

    def __init__(self, folder: str | os.PathLike[str], dirs_allowed: list[str | os.PathLike[str]] = (),  # type: ignore[assignment]
                 buffers: int = 170_000) -> None:
        binary = virtuoso_binary()
        if binary is None:
            raise StoreError("virtuoso-t not found (apt-get install virtuoso-opensource)")
        self.binary = binary
        self.folder = Path(folder).resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port, self.http_port = _free_port(), _free_port()
        dirs = ", ".join(str(Path(d).resolve()) for d in [self.folder, *dirs_allowed])
        self.ini = self.folder / "virtuoso.ini"
        self.ini.write_text(_INI.format(d=self.folder, port=self.port, http=self.http_port, dirs=dirs,
                                        buffers=buffers, dirty=buffers * 3 // 4), encoding="utf-8")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"virtuoso://127.0.0.1:{self.port}?http={self.http_port}"

    @property
    def sparql_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def start(self, timeout: float = 120) -> LocalVirtuoso:
        log = open(self.folder / "server.out", "wb")
        self.proc = subprocess.Popen([self.binary, "-f", "-c", str(self.ini)], cwd=self.folder, stdout=log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise StoreError(f"virtuoso-t exited with {self.proc.returncode}; see {self.folder / 'server.out'}")
            try:
                sparql_select(self.sparql_endpoint, "SELECT (1 AS ?x) WHERE {}", timeout=5)
                return self
            except StoreError:
                time.sleep(0.5)
        self.stop()
        raise StoreError(f"virtuoso-t did not answer within {timeout} s; see {self.folder / 'server.out'}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            isql(parse_url(self.url), "shutdown;\n", timeout=60)
        except StoreError:
            pass
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> LocalVirtuoso:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
