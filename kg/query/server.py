"""``jxkg serve``: a read-only SPARQL 1.1 Protocol endpoint over the embedded store.

Routes:

* ``/sparql`` — GET ``?query=…`` or POST (``application/sparql-query`` body, or a form with
  ``query=``).  SELECT/ASK answer as SPARQL JSON, XML, CSV or TSV, CONSTRUCT/DESCRIBE as Turtle or
  N-Triples, chosen from the ``Accept`` header (or ``format=json|xml|csv|tsv|turtle|ntriples``).
  Extension: form/query fields ``param.NAME=value`` bind parameters declared in the query's
  ``# @param`` header, exactly as ``jxkg query --param`` does.
* ``/queries`` — the catalogue as JSON; ``/`` — a small page to run queries.

Refused with 403: SPARQL Update (``application/sparql-update`` or an ``update=`` field), and any
query using ``SERVICE`` or an Update keyword such as ``LOAD`` (found by a lexer that ignores
strings, IRIs and comments).  Each query runs in a worker thread; after ``timeout`` seconds the
client gets 503 and the worker is told to stop at the next row it reads (pyoxigraph cannot
interrupt one evaluation step, e.g. a big sort or aggregate, so that step runs to its end in the
background; at most ``workers`` queries run at once, later ones wait in line and time out alike).
A SELECT returns at most ``max_rows`` rows; a cut result carries the header
``X-JXKG-Truncated: max-rows=N``.
"""

from __future__ import annotations

import concurrent.futures
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pyoxigraph import Store

from kg.paths import QUERIES_DIR
from kg.query.catalog import CatalogError, load_catalog, parse_query_text
from kg.query.engine import QueryError, Result, bind_params, run_local
from kg.query.lexer import forbidden_keywords
from kg.query.page import PAGE
from kg.query.params import ParamError
from kg.query.results import graph_bytes, to_csv, to_sparql_json, to_sparql_xml, to_tsv

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
}
FORMAT_NAMES = {"json", "xml", "csv", "tsv", "turtle", "ntriples"}
MAX_BODY = 1 << 20  # 1 MiB of query text is plenty


class Refused(Exception):
    """A request answered with an error status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SparqlService:
    """The store, the limits and the worker pool behind the HTTP handler."""

    def __init__(
        self,
        store: Store,
        timeout: float = 30.0,
        max_rows: int = 10000,
        workers: int = 2,
        queries_dir: str | Path = QUERIES_DIR,
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sparql")
        self.queries_dir = Path(queries_dir)

    def catalogue_json(self) -> bytes:
        try:
            cat = load_catalog(self.queries_dir)
        except CatalogError as e:
            raise Refused(500, str(e)) from None
        return json.dumps([q.as_dict() for q in cat.values()], ensure_ascii=False).encode("utf-8")

    def check(self, query: str) -> None:
        bad = forbidden_keywords(query)
        if "SERVICE" in bad:
            raise Refused(403, "拒绝 SERVICE：本端点不做联邦查询 (SERVICE is refused: this endpoint does not federate)")
        if bad:
            raise Refused(
                403,
                f"只读端点，拒绝 {bad[0]} (read-only endpoint: SPARQL Update and LOAD are refused)",
            )

    def run(self, query: str, params: dict[str, str], default_graphs: list[str], named_graphs: list[str]) -> Result:
        self.check(query)
        bindings = {}
        if params:
            try:
                q = parse_query_text("request", query)
                bindings = bind_params(q, params)
            except (CatalogError, ParamError) as e:
                raise Refused(400, str(e)) from None
        cancel = threading.Event()

        def work() -> Result:
            if default_graphs or named_graphs:
                return _run_with_dataset(self.store, query, bindings, default_graphs, named_graphs, self.max_rows, cancel)
            return run_local(self.store, query, bindings, max_rows=self.max_rows, cancelled=cancel)

        future = self.pool.submit(work)
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            cancel.set()
            future.cancel()
            raise Refused(503, f"查询超时 (query time limit of {self.timeout:g} s exceeded)") from None
        except QueryError as e:
            raise Refused(400, str(e).replace("query: ", "", 1)) from None


def _run_with_dataset(store, query, bindings, default_graphs, named_graphs, max_rows, cancel) -> Result:
    """Protocol ``default-graph-uri`` / ``named-graph-uri``: an explicit dataset instead of the union."""
    from pyoxigraph import NamedNode, Variable

    from kg.query.engine import _collect, inject_values

    try:
        text = inject_values(query, bindings) if bindings else query
        res = store.query(
            text,
            default_graph=[NamedNode(g) for g in default_graphs] or None,
            named_graphs=[NamedNode(g) for g in named_graphs] or None,
        )
        return _collect(res, max_rows, cancel)
    except (SyntaxError, ValueError, OSError, RuntimeError) as e:
        raise QueryError(f"查询失败 (query failed): {e}") from None


def _negotiate(accept: str, choices: dict[str, str], fallback: str) -> str | None:
    """The format for an Accept header (q-values honoured); None when nothing acceptable."""
    if not accept.strip():
        return fallback
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mime, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, i, mime))
    for negq, _, mime in sorted(ranked):
        if negq == 0:
            continue
        if mime in choices:
            return choices[mime]
        if mime in ("*/*", "application/*", "text/*"):
            return fallback
    return None


def make_handler(service: SparqlService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "jxkg-sparql/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
            pass  # quiet: the CLI prints one line at start

        # -- responses --------------------------------------------------
        def send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def fail(self, status: int, message: str) -> None:
            self.send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

        # -- routing ----------------------------------------------------
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            url = urllib.parse.urlsplit(self.path)
            fields = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            try:
                if url.path == "/":
                    self.send(200, PAGE.encode("utf-8"), "text/html; charset=utf-8")
                elif url.path == "/queries":
                    self.send(200, service.catalogue_json(), "application/json; charset=utf-8")
                elif url.path == "/sparql":
                    if "update" in fields:
                        raise Refused(403, "只读端点，拒绝 SPARQL Update (read-only endpoint: updates are refused)")
                    if "query" not in fields:
                        raise Refused(400, "缺少 query 参数 (missing query parameter)")
                    self.answer(fields["query"][0], fields)
                else:
                    self.fail(404, f"没有这个地址 (not found): {url.path}")
            except Refused as e:
                self.fail(e.status, e.message)

        do_HEAD = do_GET

        def do_POST(self) -> None:  # noqa: N802 - stdlib name
            url = urllib.parse.urlsplit(self.path)
            fields = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            try:
                if url.path != "/sparql":
                    raise Refused(404, f"没有这个地址 (not found): {url.path}")
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    raise Refused(413, "请求过大 (request body too large)")
                body = self.rfile.read(length).decode("utf-8", "replace")
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                if ctype == "application/sparql-update":
                    raise Refused(403, "只读端点，拒绝 SPARQL Update (read-only endpoint: updates are refused)")
                if ctype == "application/sparql-query":
                    query = body
                elif ctype in ("application/x-www-form-urlencoded", ""):
                    form = urllib.parse.parse_qs(body, keep_blank_values=True)
                    if "update" in form:
                        raise Refused(403, "只读端点，拒绝 SPARQL Update (read-only endpoint: updates are refused)")
                    if "query" not in form:
                        raise Refused(400, "缺少 query 字段 (missing query field)")
                    query = form["query"][0]
                    for k, v in form.items():
                        fields.setdefault(k, []).extend(v)
                else:
                    raise Refused(415, f"不支持的内容类型 (unsupported Content-Type): {ctype}")
                self.answer(query, fields)
            except Refused as e:
                self.fail(e.status, e.message)

        def do_PUT(self) -> None:  # noqa: N802
            self.fail(405, "只读端点 (read-only endpoint)")

        do_DELETE = do_PUT
        do_PATCH = do_PUT

        # -- queries ----------------------------------------------------
        def answer(self, query: str, fields: dict[str, list[str]]) -> None:
            params = {k[len("param.") :]: v[0] for k, v in fields.items() if k.startswith("param.")}
            result = service.run(
                query, params, fields.get("default-graph-uri", []), fields.get("named-graph-uri", [])
            )
            forced = (fields.get("format") or [""])[0].lower()
            if forced and forced not in FORMAT_NAMES:
                raise Refused(400, f"未知格式 (unknown format) {forced!r}")
            accept = self.headers.get("Accept") or ""
            extra = {"X-JXKG-Truncated": f"max-rows={service.max_rows}"} if result.truncated else {}
            if result.kind == "graph":
                fmt = forced if forced in ("turtle", "ntriples") else _negotiate(accept, GRAPH_TYPES, "turtle")
                if fmt is None:
                    raise Refused(406, "无法提供所请求的格式 (not acceptable): use text/turtle or application/n-triples")
                if fmt == "turtle":
                    self.send(200, graph_bytes(result, "turtle"), "text/turtle; charset=utf-8", extra)
                else:
                    self.send(200, graph_bytes(result, "ntriples"), "application/n-triples", extra)
                return
            fmt = forced if forced in ("json", "xml", "csv", "tsv") else _negotiate(accept, SELECT_TYPES, "json")
            if fmt is None:
                raise Refused(406, "无法提供所请求的格式 (not acceptable): use SPARQL JSON, XML, CSV or TSV")
            if fmt == "json":
                self.send(200, to_sparql_json(result).encode("utf-8"), "application/sparql-results+json", extra)
            elif fmt == "xml":
                self.send(200, to_sparql_xml(result).encode("utf-8"), "application/sparql-results+xml", extra)
            elif fmt == "csv":
                self.send(200, to_csv(result).encode("utf-8"), "text/csv; charset=utf-8", extra)
            else:
                self.send(200, to_tsv(result).encode("utf-8"), "text/tab-separated-values; charset=utf-8", extra)

    return Handler


def make_server(service: SparqlService, host: str = "127.0.0.1", port: int = 7878) -> ThreadingHTTPServer:
    """A ready-to-run HTTP server (call ``serve_forever``); port 0 picks a free one."""
    httpd = ThreadingHTTPServer((host, port), make_handler(service))
    httpd.daemon_threads = True
    return httpd
