"""Read what the export views need from the store, with the SPARQL in ``kg/export/sparql/``.

The store is an Oxigraph directory written by ``jxkg build`` (opened read-only) or, for
tests and quick looks, an RDF file (TriG, N-Quads, Turtle …) loaded into memory.  Queries
run with the default graph as the union of all graphs, so shared nodes (regions, units,
funding documents) are the union of what every document says about them.

>>> from pathlib import Path
>>> fixture = Path(__file__).parents[2] / "tests" / "data" / "export_fixture.trig"
>>> data = load(open_store(fixture))
>>> len(data.projects), len(data.units), len(data.funding)
(5, 5, 4)
>>> p = data.projects[JXI + "project/001_aa14d432e829dc18.txt/1"]
>>> p.owner_unit == JXI + "unit/河北省/廊坊市/香河县/name/香河县人力资源和社会保障局"
True
>>> data.region_path(p.region)
['河北省', '廊坊市', '香河县']
>>> p.source
'001_aa14d432e829dc18.txt:10-20'
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

JX = "https://w3id.org/jxkg/ontology#"
JXI = "https://w3id.org/jxkg/id/"
JXC = "https://w3id.org/jxkg/concept/"
JXCAT = "https://w3id.org/jxkg/category/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

_INT_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger", "gYear")}
_NUM_TYPES = {XSD + t for t in ("decimal", "double", "float")}
_RDF_SUFFIXES = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".ttl": ox.RdfFormat.TURTLE,
                 ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD}


class ExportError(Exception):
    """A problem the user must fix (missing store, bad option, bad report); one line, no traceback."""


def open_store(path: str | Path) -> ox.Store:
    """Open a store directory read-only, load an RDF file into an in-memory store, or copy a
    ``virtuoso://`` server's graphs (docs/scale.md)."""
    from kg.build import server_copy

    if (copy := server_copy(path, ExportError)) is not None:
        return copy
    p = Path(path)
    if p.is_dir():
        try:
            return ox.Store.read_only(str(p))
        except OSError as exc:
            raise ExportError(f"{p}: cannot open the store read-only ({exc})") from None
    if p.is_file() and p.suffix.lower() in _RDF_SUFFIXES:
        store = ox.Store()
        try:
            store.load(path=str(p), format=_RDF_SUFFIXES[p.suffix.lower()])
        except (SyntaxError, ValueError) as exc:
            raise ExportError(f"{p}: not readable as RDF ({str(exc).splitlines()[0]})") from None
        return store
    if p.exists():
        raise ExportError(f"{p}: neither a store directory nor an RDF file (.trig .nq .ttl .nt .rdf .jsonld)")
    raise ExportError(f"{p}: no store here; run `jxkg build` first or pass --store DIR")


def query_text(name: str) -> str:
    """The text of ``kg/export/sparql/{name}.rq``."""
    return (resources.files("kg.export") / "sparql" / f"{name}.rq").read_text(encoding="utf-8")


def py_value(term: Any) -> Any:
    """An RDF term as a plain Python value: IRI → str, typed numbers → int/float, text → str.

    >>> py_value(ox.Literal("12", datatype=ox.NamedNode(XSD + "integer")))
    12
    >>> py_value(ox.Literal("1.20", datatype=ox.NamedNode(XSD + "decimal")))
    1.2
    >>> py_value(ox.NamedNode("https://w3id.org/jxkg/id/x"))
    'https://w3id.org/jxkg/id/x'
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INT_TYPES:
                return int(term.value)
            if dt in _NUM_TYPES:
                return float(term.value)
        except ValueError:
            return term.value
        if dt == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return str(term)


def run(store: ox.Store, name: str) -> Iterator[dict[str, Any]]:
    """Run ``sparql/{name}.rq`` over the union graph; yield rows as {variable: value}."""
    result = store.query(query_text(name), use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    for sol in result:
        yield {n: py_value(sol[n]) for n in names}


def run_props(store: ox.Store, properties: list[str]) -> Iterator[dict[str, Any]]:
    """Rows {s, p, o} of ``sparql/property_values.rq``, once per property in *properties*."""
    text = query_text("property_values")
    for prop in properties:
        result = store.query(text, use_default_graph_as_union=True,
                             substitutions={ox.Variable("p"): ox.NamedNode(prop)})
        for sol in result:
            yield {"s": py_value(sol["s"]), "p": prop, "o": py_value(sol["o"])}


@dataclass
class Project:
    iri: str
    label: str = ""
    code: str | None = None
    kind: str | None = None
    table: int | None = None
    budget: float | None = None
    fiscal: float | None = None
    other: float | None = None
    unit: str | None = None  # jx:budgetUnit
    doc: str | None = None
    file: str | None = None
    year: int | None = None
    region: str | None = None
    issuer: str | None = None
    start: int | None = None
    end: int | None = None
    funded_by: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    indicators: int = 0
    concepts: dict[str, tuple[int, str]] = field(default_factory=dict)  # concept → (rows, exact|close)
    unlinked: dict[str, int] = field(default_factory=dict)  # indicator name → rows

    @property
    def owner_unit(self) -> str | None:
        """The project's budget unit, else the unit that issued its disclosure."""
        return self.unit or self.issuer

    @property
    def source(self) -> str | None:
        if self.file is None:
            return None
        if self.start is None:
            return self.file
        return f"{self.file}:{self.start}-{self.end if self.end is not None else self.start}"

    @property
    def funding_links(self) -> list[str]:
        """Funding documents the project is funded by or cites, without repeats, fundedBy first."""
        return list(dict.fromkeys(self.funded_by + self.cites))


@dataclass
class Unit:
    iri: str
    code: str | None = None
    region: str | None = None
    parent: str | None = None
    names: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.names[0] if self.names else (self.code or self.iri.rsplit("/", 1)[-1])


@dataclass
class Region:
    iri: str
    label: str = ""
    level: str | None = None
    parent: str | None = None


@dataclass
class Funding:
    iri: str
    number: str = ""
    year: int | None = None
    level: str | None = None
    abbr: str | None = None
    raws: list[str] = field(default_factory=list)


@dataclass
class Disclosure:
    iri: str
    file: str = ""
    year: int | None = None
    region: str | None = None
    issuer: str | None = None
    issuer_name: str | None = None
    lines: int | None = None
    encoding: str | None = None
    cites: list[str] = field(default_factory=list)


@dataclass
class ExportData:
    """Everything the views project, keyed by IRI."""

    projects: dict[str, Project] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    funding: dict[str, Funding] = field(default_factory=dict)
    disclosures: dict[str, Disclosure] = field(default_factory=dict)
    concepts: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # iri → (label, broader)

    def region_path(self, region: str | None) -> list[str]:
        """Labels from the top region down to *region* (cycles and unknown parents stop the walk)."""
        out: list[str] = []
        seen: set[str] = set()
        while region and region not in seen and region in self.regions:
            seen.add(region)
            r = self.regions[region]
            out.append(r.label or region.rsplit("/", 1)[-1])
            region = r.parent
        return out[::-1]

    def project_region(self, p: Project) -> str | None:
        """The region of the project's disclosure, else of its unit."""
        if p.region:
            return p.region
        u = self.units.get(p.owner_unit or "")
        return u.region if u else None

    def concept_label(self, iri: str) -> str:
        return self.concepts.get(iri, (iri.rsplit("/", 1)[-1], None))[0]

    def concept_category(self, iri: str) -> str | None:
        broader = self.concepts.get(iri, ("", None))[1]
        return self.concepts[broader][0] if broader in self.concepts else None


_PROJECT_PROPS = {
    JX + "projectName": "label", JX + "projectCode": "code", JX + "projectKind": "kind", JX + "tableNumber": "table",
    JX + "budgetWanYuan": "budget", JX + "fiscalWanYuan": "fiscal", JX + "otherWanYuan": "other",
    JX + "budgetUnit": "unit", JX + "inDisclosure": "doc", "http://www.w3.org/ns/prov#wasDerivedFrom": "span",
}
_SPAN_IRI = re.compile(r"/L(\d+)-(\d+)$")


def _first(obj: Any, attr: str, value: Any) -> None:
    if value is not None and getattr(obj, attr) in (None, ""):
        setattr(obj, attr, value)


def load(store: ox.Store) -> ExportData:
    """Query the store once per table and assemble :class:`ExportData`."""
    d = ExportData()
    for r in run(store, "regions"):
        reg = d.regions.setdefault(r["region"], Region(r["region"]))
        _first(reg, "label", r["label"])
        _first(reg, "level", r["level"])
        _first(reg, "parent", r["parent"])
    for r in run(store, "units"):
        u = d.units.setdefault(r["unit"], Unit(r["unit"]))
        _first(u, "code", r["code"])
        _first(u, "region", r["region"])
        _first(u, "parent", r["parent"])
    names: dict[str, Counter] = {}
    for r in run(store, "unit_names"):
        if r["name"] is not None and r["unit"] in d.units:
            names.setdefault(r["unit"], Counter())[r["name"]] += 1
    for iri, c in names.items():
        d.units[iri].names = sorted(c, key=lambda n: (-c[n], n))
    for r in run(store, "funding"):
        f = d.funding.setdefault(r["fd"], Funding(r["fd"]))
        _first(f, "number", r["number"])
        _first(f, "year", r["year"])
        _first(f, "level", r["level"])
        _first(f, "abbr", r["abbr"])
    for r in run(store, "funding_raw"):
        if r["fd"] in d.funding:
            d.funding[r["fd"]].raws.append(r["raw"])
    for f in d.funding.values():
        f.raws.sort()
        if not f.number:
            f.number = f.iri.rsplit("/", 1)[-1]
    for r in run(store, "disclosures"):
        doc = d.disclosures.setdefault(r["doc"], Disclosure(r["doc"]))
        for attr, key in (("file", "file"), ("year", "year"), ("region", "region"), ("issuer", "issuer"),
                          ("issuer_name", "issuerName"), ("lines", "lines"), ("encoding", "encoding")):
            _first(doc, attr, r[key])
    for doc in d.disclosures.values():  # prefer the name the issuing document itself gives
        u = d.units.get(doc.issuer or "")
        if u is not None and doc.issuer_name in u.names:
            u.names.remove(doc.issuer_name)
            u.names.insert(0, doc.issuer_name)
    for r in run(store, "disclosure_funding"):
        if r["doc"] in d.disclosures:
            d.disclosures[r["doc"]].cites.append(r["fd"])
    for r in run(store, "project_ids"):
        d.projects[r["s"]] = Project(r["s"])
    spans: dict[str, str] = {}
    for r in run_props(store, list(_PROJECT_PROPS)):
        p = d.projects.get(r["s"])
        if p is None:
            continue
        attr = _PROJECT_PROPS[r["p"]]
        if attr == "span":
            spans.setdefault(p.iri, r["o"])
        else:
            _first(p, attr, r["o"])
    for p in d.projects.values():
        doc = d.disclosures.get(p.doc or "")
        if doc is not None:
            p.file, p.year, p.region, p.issuer = doc.file or None, doc.year, doc.region, doc.issuer
        m = _SPAN_IRI.search(spans.get(p.iri, ""))
        if m:  # span IRIs follow jxi:doc/{doc}/L{line}-{end_line} (docs/rdf-model.md)
            p.start, p.end = int(m[1]), int(m[2])
        if not p.label:
            p.label = p.iri.rsplit("/", 2)[-2] + "#" + p.iri.rsplit("/", 1)[-1]
    for r in run(store, "project_funding"):
        p = d.projects.get(r["project"])
        if p is not None:
            (p.funded_by if r["rel"] == JX + "fundedBy" else p.cites).append(r["fd"])
    has: dict[str, str] = {}  # indicator → project
    names: dict[str, str] = {}
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in run_props(store, [JX + "hasIndicator", SKOS + "exactMatch", SKOS + "closeMatch", JX + "indicatorName"]):
        prop = r["p"]
        if prop == JX + "hasIndicator":
            has[r["o"]] = r["s"]
        elif prop == JX + "indicatorName":
            names.setdefault(r["s"], r["o"])
        else:
            links[r["s"]].append((r["o"], "exact" if prop.endswith("exactMatch") else "close"))
    for ind, proj in has.items():
        p = d.projects.get(proj)
        if p is None:
            continue
        p.indicators += 1
        if links.get(ind):
            for concept, match in set(links[ind]):
                rows, old = p.concepts.get(concept, (0, "close"))
                p.concepts[concept] = (rows + 1, "exact" if "exact" in (old, match) else "close")
        elif names.get(ind):
            p.unlinked[names[ind]] = p.unlinked.get(names[ind], 0) + 1
    for r in run(store, "concepts"):
        if r["concept"] not in d.concepts or (d.concepts[r["concept"]][1] is None and r["broader"]):
            d.concepts[r["concept"]] = (r["label"], r["broader"])
    for p in d.projects.values():
        p.funded_by.sort()
        p.cites.sort()
    return d
