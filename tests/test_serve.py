"""End to end: `jxkg serve` in a subprocess on a free loopback port, queried with SPARQLWrapper and urllib."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kg.paths import QUERIES_DIR
from kg.query.catalog import load_catalog
from kg.query.engine import bind_params, run_remote

FIXTURE = Path(__file__).parent / "data" / "query_fixture.trig"
JXKG = [sys.executable, "-m", "kg.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module", params=[[], ["--in-memory"]], ids=["on-disk", "in-memory"])
def server(request, tmp_path_factory):
    """The server on the store as built, and on its copy in RAM (--in-memory): every test runs on both."""
    path = tmp_path_factory.mktemp("serve") / "store"
    st = Store(str(path))
    st.load(path=str(FIXTURE), format=RdfFormat.TRIG)
    st.flush()
    del st
    port = _free_port()
    proc = subprocess.Popen(
        JXKG + ["serve", "--store", str(path), "--port", str(port), "--max-rows", "5", "--timeout", "2", *request.param],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/queries", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"jxkg serve did not start: {proc.stderr.read().decode()}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def _post(url, data: bytes, ctype: str, accept: str = "application/sparql-results+json"):
    req = urllib.request.Request(url, data=data, headers={"Content-Type": ctype, "Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8")


def test_catalogue_query_with_sparqlwrapper(server):
    q = load_catalog(QUERIES_DIR)["budget-by-year"]
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(q.text)
    sw.setReturnFormat(JSON)
    data = sw.query().convert()
    years = {b["year"]["value"]: b["budgetWanYuan"]["value"] for b in data["results"]["bindings"]}
    assert years == {"2020": "304.5", "2023": "120", "未注明": "65"}


def test_parameters_over_http_and_from_the_cli_client(server):
    q = load_catalog(QUERIES_DIR)["funded-projects"]
    r = run_remote(server + "/sparql", q, bind_params(q, {}))  # VALUES block over the protocol
    assert [row[3].value for row in r.rows] == ["fa.txt", "fb.txt"]
    r = run_remote(server + "/sparql", q, bind_params(q, {"fundingDoc": '" } ; DROP ALL #'}))
    assert r.rows == []
    form = urllib.parse.urlencode({"query": q.text, "param.fundingDoc": "冀财社〔2022〕150号"}).encode()
    status, _, body = _post(server + "/sparql", form, "application/x-www-form-urlencoded")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 2


def test_update_and_service_are_refused(server):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setMethod(POST)
    sw.setQuery("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)):
        sw.query()
    status, _, body = _post(server + "/sparql", b"INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
                            "application/sparql-update")
    assert status == 403 and "read-only" in body
    status, _, body = _post(server + "/sparql", urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(),
                            "application/x-www-form-urlencoded")
    assert status == 403
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    sw.setReturnFormat(JSON)
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)):
        sw.query()
    status, _, body = _post(server + "/sparql", b"SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
                            "application/sparql-query")
    assert status == 403 and "SERVICE" in body
    status, _, _ = _post(server + "/sparql", b"LOAD <http://example.org/x.ttl>", "application/sparql-query")
    assert status == 403
    # the words inside a string or a comment are fine
    status, _, body = _post(server + "/sparql", b'ASK { ?s ?p "SERVICE LOAD" } # INSERT', "application/sparql-query")
    assert status == 200 and json.loads(body)["boolean"] is False
    # nothing was written
    status, _, body = _post(server + "/sparql", b"ASK { <http://e/a> ?p ?o }", "application/sparql-query")
    assert json.loads(body)["boolean"] is False


def test_content_negotiation_and_limits(server):
    q = b"SELECT ?f WHERE { ?d <https://w3id.org/jxkg/ontology#fileName> ?f } ORDER BY ?f"
    status, _, body = _post(server + "/sparql", q, "application/sparql-query", "text/csv")
    assert status == 200 and body.split() == ["f", "fa.txt", "fb.txt", "fc.txt"]
    status, _, body = _post(server + "/sparql", q, "application/sparql-query", "text/tab-separated-values")
    assert body.splitlines()[0] == "?f" and body.splitlines()[1] == '"fa.txt"'
    status, headers, body = _post(server + "/sparql", q, "application/sparql-query", "application/sparql-results+xml")
    assert "<literal>fb.txt</literal>" in body and "xml" in headers["Content-Type"]
    g = b"CONSTRUCT { ?d ?p ?o } WHERE { ?d a <https://w3id.org/jxkg/ontology#Disclosure> ; ?p ?o }"
    status, headers, body = _post(server + "/sparql", g, "application/sparql-query", "application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert headers.get("X-JXKG-Truncated") == "max-rows=5" and len(body.strip().splitlines()) == 5
    status, headers, body = _post(server + "/sparql", g, "application/sparql-query", "text/turtle")
    assert status == 200 and "@prefix" in body
    url = server + "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    with urllib.request.urlopen(url, timeout=30) as resp:
        assert resp.headers["X-JXKG-Truncated"] == "max-rows=5"
        assert len(json.loads(resp.read())["results"]["bindings"]) == 5
    status, _, body = _post(server + "/sparql", b"SELECT WHERE {", "application/sparql-query")
    assert status == 400 and "syntax" in body


def test_time_limit(server):
    # an aggregate over a 474³ cross join: no row comes out before the whole join is done
    slow = b"SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) != STR(?i)) }"
    start = time.time()
    status, _, body = _post(server + "/sparql", slow, "application/sparql-query")
    assert status == 503 and "time limit" in body
    assert time.time() - start < 15


def test_page_and_catalogue(server):
    with urllib.request.urlopen(server + "/", timeout=10) as resp:
        page = resp.read().decode("utf-8")
    assert "<textarea" in page and "/queries" in page and "http" not in page.split("<script>")[1].replace(
        "http-equiv", "")
    with urllib.request.urlopen(server + "/queries", timeout=10) as resp:
        cat = json.loads(resp.read())
    assert len(cat) >= 20 and {"name", "zh", "en", "params", "text"} <= set(cat[0])
