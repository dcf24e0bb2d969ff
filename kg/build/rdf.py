"""One document → its quads, in its own named graph (see docs/rdf-model.md).

:func:`document_quads` is a pure function of the :class:`~kg.model.Document`
(same document, same quads in the same order), so it can run in worker
processes.  It uses pyoxigraph terms directly and caches the IRIs of shared
nodes (regions, units, funding documents), because it sits on the hot path of
every build.

>>> from kg.model import Document
>>> doc = Document(file="a.txt", path="a.txt", sha256="00", encoding="utf-8", line_count=3)
>>> quads = document_quads(doc)
>>> {q.graph_name.value for q in quads}
{'https://w3id.org/jxkg/graph/a.txt'}
>>> sorted(q.predicate.value.split("#")[1] for q in quads)
['encoding', 'fileName', 'lineCount', 'sha256', 'skippedLineCount', 'type']
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Quad

from kg.build import iri
from kg.build.vocab import (
    CATEGORY,
    JX,
    LEVEL2_CATEGORY,
    ORG_SUB,
    PROV_DERIVED,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS_CLOSE,
    SKOS_EXACT,
    XSD_DECIMAL,
    XSD_INTEGER,
)
from kg.model import Document, FundingRef, Indicator, Project, Target, Unit

__all__ = ["document_quads", "document_graph", "UnitMention", "EXACT_MATCH_THRESHOLD"]

#: Concept links scoring at least this are skos:exactMatch, lower ones skos:closeMatch.
EXACT_MATCH_THRESHOLD = 0.9

_TOTAL_LIMIT = 4096  # entries kept in each IRI cache


@dataclass(frozen=True)
class UnitMention:
    """A name a document gives a unit, and where (for the name-conflict report)."""

    unit: str  # unit IRI
    name: str  # as written
    file: str
    line: int | None


@lru_cache(maxsize=_TOTAL_LIMIT)
def _node(value: str) -> NamedNode:
    return NamedNode(value)


@lru_cache(maxsize=_TOTAL_LIMIT)
def _region_node(parts: tuple[str, ...]) -> NamedNode:
    return NamedNode(iri.region_iri(parts))


@lru_cache(maxsize=_TOTAL_LIMIT)
def _unit_node(parts: tuple[str, ...], code: str | None, name: str) -> NamedNode:
    return NamedNode(iri.unit_iri(parts, code, name))


@lru_cache(maxsize=_TOTAL_LIMIT)
def _wenhao_node(number: str) -> NamedNode:
    return NamedNode(iri.wenhao_iri(number))


def _int(value: int) -> Literal:
    return Literal(str(int(value)), datatype=XSD_INTEGER)


def _dec(value: Decimal | float | int) -> Literal | None:
    """An xsd:decimal literal in canonical form (None for NaN/infinity).

    Canonical as Oxigraph stores it (no exponent, no trailing zeros, no
    ``.0`` on whole numbers), so a file and a store hold the same literal.

    >>> [_dec(Decimal(x)).value for x in ("3.0", "1E+3", "0.50", "-0.0", "12.5")]
    ['3', '1000', '0.5', '0', '12.5']
    >>> _dec(0.75).value, _dec(Decimal("NaN"))
    ('0.75', None)
    """
    d = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    if not d.is_finite():
        return None
    if d == 0:
        return Literal("0", datatype=XSD_DECIMAL)
    return Literal(format(d.normalize(), "f"), datatype=XSD_DECIMAL)


def _strip_benji(name: str) -> str:
    """Normalised unit name without a trailing (本级) marker."""
    n = iri.normalise_name(name)
    return n[: -len("(本级)")] if n.endswith("(本级)") else n


class _Graph:
    """Collects the quads of one document graph."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.file = doc.file
        self.g = NamedNode(iri.doc_graph(doc.file))
        self.doc_node = NamedNode(iri.doc_iri(doc.file))
        self.quads: list[Quad] = []
        self.mentions: list[UnitMention] = []
        self._spans: set[tuple[int, int]] = set()
        self._units: set[tuple[str, str]] = set()
        self._unit_nodes: set[str] = set()
        self._wenhao: dict[str, NamedNode] = {}
        self._wenhao_raw: set[tuple[str, str]] = set()
        self.region_parts: tuple[str, ...] = tuple(p.name for p in doc.region_path)
        self.region: NamedNode | None = _region_node(self.region_parts) if self.region_parts else None
        # codes of this document's units by normalised name, to merge code-less mentions
        self._code_by_name: dict[str, str] = {}
        for u in doc.units:
            if u.code and u.code.strip():
                self._code_by_name.setdefault(iri.normalise_name(u.name), u.code.strip())

    # -- primitives --------------------------------------------------------
    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.g))

    def text(self, s: NamedNode, p: NamedNode, value: str | None) -> None:
        """A plain xsd:string literal, unless *value* is None or blank."""
        if value is not None:
            value = str(value).strip()
            if value:
                self.quads.append(Quad(s, p, Literal(value), self.g))

    def integer(self, s: NamedNode, p: NamedNode, value: int | None) -> None:
        if value is not None:
            self.quads.append(Quad(s, p, _int(value), self.g))

    def decimal(self, s: NamedNode, p: NamedNode, value: Decimal | float | None) -> None:
        if value is not None:
            lit = _dec(value)
            if lit is not None:
                self.quads.append(Quad(s, p, lit, self.g))

    def span(self, line: int, end_line: int) -> NamedNode:
        """The SourceSpan node of a line range (its facts are added once)."""
        end_line = max(end_line, line)
        node = NamedNode(iri.span_iri(self.file, line, end_line))
        if (line, end_line) not in self._spans:
            self._spans.add((line, end_line))
            self.add(node, RDF_TYPE, JX.SourceSpan)
            self.add(node, JX.inDisclosure, self.doc_node)
            self.integer(node, JX.startLine, line)
            self.integer(node, JX.endLine, end_line)
        return node

    # -- shared nodes ------------------------------------------------------
    def regions(self) -> None:
        parent: NamedNode | None = None
        names: list[str] = []
        for part in self.doc.region_path:
            names.append(part.name)
            node = _region_node(tuple(names))
            self.add(node, RDF_TYPE, JX.Region)
            self.text(node, RDFS_LABEL, part.name)
            self.text(node, JX.regionLevel, part.level)
            if parent is not None:
                self.add(node, JX.parentRegion, parent)
            parent = node

    def unit(self, unit: Unit) -> NamedNode:
        """The unit node, with the name this document gives it."""
        code = unit.code.strip() if unit.code and unit.code.strip() else None
        if code is None:
            code = self._code_by_name.get(iri.normalise_name(unit.name))
        node = _unit_node(self.region_parts, code, unit.name)
        if node.value not in self._unit_nodes:
            self._unit_nodes.add(node.value)
            self.add(node, RDF_TYPE, JX.BudgetUnit)
            if self.region is not None:
                self.add(node, JX.inRegion, self.region)
            self.text(node, JX.unitCode, code)
        name = unit.name.strip()
        if name and (node.value, name) not in self._units:
            self._units.add((node.value, name))
            self.text(node, JX.unitName, name)
            self.text(node, RDFS_LABEL, name)
            self.mentions.append(UnitMention(node.value, name, self.file, unit.line))
        return node

    def issuer(self) -> NamedNode | None:
        """The issuing bureau: a unit of this document with the same name, else keyed by name."""
        if not self.doc.issuer or not self.doc.issuer.strip():
            return None
        wanted = _strip_benji(self.doc.issuer)
        for u in self.doc.units:
            if u.code and u.code.strip() and _strip_benji(u.name) == wanted:
                return _unit_node(self.region_parts, u.code.strip(), u.name)
        return self.unit(Unit(code=None, name=self.doc.issuer.strip()))

    def wenhao(self, ref: FundingRef) -> NamedNode:
        number = ref.number.strip()
        node = self._wenhao.get(number)
        if node is None:
            node = _wenhao_node(number)
            self._wenhao[number] = node
            self.add(node, RDF_TYPE, JX.FundingDocument)
            self.text(node, JX.documentNumber, number)
            self.text(node, JX.issuerAbbreviation, ref.issuer)
            self.integer(node, JX.documentYear, ref.year)
            self.text(node, JX.serialNumber, ref.serial)
            self.text(node, JX.fundingLevel, ref.level)
        raw = (ref.raw or "").strip()
        if raw and (number, raw) not in self._wenhao_raw:
            self._wenhao_raw.add((number, raw))
            self.text(node, JX.rawNumber, raw)
        return node

    # -- document parts ----------------------------------------------------
    def disclosure(self) -> None:
        doc, d = self.doc, self.doc_node
        self.add(d, RDF_TYPE, JX.Disclosure)
        self.text(d, JX.fileName, doc.file)
        self.text(d, JX.sha256, doc.sha256)
        self.text(d, JX.encoding, doc.encoding)
        self.integer(d, JX.lineCount, doc.line_count)
        self.integer(d, JX.skippedLineCount, len(doc.skipped))
        self.text(d, JX.issuerName, doc.issuer)
        self.integer(d, JX.fiscalYear, doc.year)
        if self.region is not None:
            self.add(d, JX.region, self.region)
        for name in doc.org_units:
            self.text(d, JX.orgUnitName, name)

    def units(self) -> None:
        issuer = self.issuer()
        if issuer is not None:
            self.add(self.doc_node, JX.issuer, issuer)
        for u in self.doc.units:
            node = self.unit(u)
            if issuer is not None and node != issuer:
                self.add(node, ORG_SUB, issuer)

    def totals(self) -> None:
        for n, total in enumerate(self.doc.totals, 1):
            node = NamedNode(f"{self.doc_node.value}/total/{n}")
            self.add(self.doc_node, JX.statedTotal, node)
            self.add(node, RDF_TYPE, JX.StatedTotal)
            self.text(node, JX.totalKind, total.kind)
            self.decimal(node, JX.amountWanYuan, total.amount_wan_yuan)
            if total.line:
                self.add(node, PROV_DERIVED, self.span(total.line, total.line))

    def cited(self) -> None:
        refs = list(self.doc.funding_documents)
        for p in self.doc.projects:
            refs.extend(p.funding_documents)
            refs.extend(p.cites)
        for ref in refs:
            if ref.number and ref.number.strip():
                self.add(self.doc_node, JX.citesDocument, self.wenhao(ref))

    def projects(self) -> None:
        used: set[str] = set()
        for index, project in enumerate(self.doc.projects, 1):
            key = str(project.table_no) if project.table_no is not None else str(index)
            if key in used:  # two tables claiming one number: keep both, apart
                k = 2
                while f"{key}-{k}" in used:
                    k += 1
                key = f"{key}-{k}"
            used.add(key)
            self.project(project, key)

    def project(self, p: Project, key: str) -> None:
        node = NamedNode(iri.project_iri(self.file, key))
        self.add(self.doc_node, JX.describesProject, node)
        self.add(node, RDF_TYPE, JX.Project)
        self.add(node, JX.inDisclosure, self.doc_node)
        self.text(node, JX.projectName, p.name)
        self.text(node, RDFS_LABEL, p.name)
        self.text(node, JX.tableTitle, p.title)
        self.text(node, JX.projectCode, p.code)
        self.text(node, JX.projectKind, p.kind)
        self.integer(node, JX.tableNumber, p.table_no)
        if p.unit is not None and (p.unit.name.strip() or (p.unit.code or "").strip()):
            self.add(node, JX.budgetUnit, self.unit(p.unit))
        self.decimal(node, JX.budgetWanYuan, p.budget_wan_yuan)
        self.decimal(node, JX.fiscalWanYuan, p.fiscal_wan_yuan)
        self.decimal(node, JX.otherWanYuan, p.other_wan_yuan)
        self.text(node, JX.purpose, p.purpose)
        self.text(node, JX.goal, p.goal)
        if p.spending_plan is not None:
            plan = NamedNode(node.value + "/plan")
            self.add(node, JX.spendingPlan, plan)
            self.add(plan, RDF_TYPE, JX.SpendingPlan)
            preds = (JX.plannedByMarch, JX.plannedByJune, JX.plannedByOctober, JX.plannedByDecember)
            for pred, value in zip(preds, p.spending_plan.percents):
                self.decimal(plan, pred, value)
            self.text(plan, JX.rawText, " | ".join(p.spending_plan.raw))
            if p.spending_plan.line:
                self.add(plan, PROV_DERIVED, self.span(p.spending_plan.line, p.spending_plan.line))
        for ref in p.funding_documents:
            if ref.number and ref.number.strip():
                self.add(node, JX.fundedBy, self.wenhao(ref))
        for ref in p.cites:
            if ref.number and ref.number.strip():
                self.add(node, JX.cites, self.wenhao(ref))
        if p.span.line > 0:
            self.add(node, PROV_DERIVED, self.span(p.span.line, p.span.end_line))
        for row, ind in enumerate(p.indicators, 1):
            self.indicator(node, row, ind)

    def indicator(self, project: NamedNode, row: int, ind: Indicator) -> None:
        node = NamedNode(f"{project.value}/ind/{row}")
        self.add(project, JX.hasIndicator, node)
        self.add(node, RDF_TYPE, JX.Indicator)
        self.integer(node, JX.rowNumber, row)
        self.text(node, JX.level1Text, ind.level1)
        cat = CATEGORY.get(ind.level1_category or "")
        if cat is not None:
            self.add(node, JX.level1, cat)
        self.text(node, JX.level2Text, ind.level2)
        cat = LEVEL2_CATEGORY.get(ind.level2_category or "")
        if cat is not None:
            self.add(node, JX.level2, cat)
        self.text(node, JX.indicatorName, ind.name)
        self.text(node, RDFS_LABEL, ind.name)
        self.text(node, JX.description, ind.description)
        self.text(node, JX.basis, ind.basis)
        self.text(node, JX.nature, ind.nature)
        self.text(node, JX.direction, ind.direction)
        self.text(node, JX.measureUnit, ind.measure_unit)
        self.text(node, JX.score, ind.score)
        self.target(node, ind.target)
        link = ind.concept
        if link is not None and link.concept:
            pred = SKOS_EXACT if link.score >= EXACT_MATCH_THRESHOLD else SKOS_CLOSE
            self.add(node, pred, _node(link.concept))
            self.decimal(node, JX.linkScore, round(float(link.score), 4))
            self.text(node, JX.linkRule, link.rule)
            self.add(node, JX.linkStatus, Literal("linked"))
        else:
            self.add(node, JX.linkStatus, Literal("unlinked"))
        if ind.span.line > 0:
            self.add(node, PROV_DERIVED, self.span(ind.span.line, ind.span.end_line))

    def target(self, indicator: NamedNode, t: Target) -> None:
        node = NamedNode(indicator.value + "/target")
        self.add(indicator, JX.target, node)
        self.add(node, RDF_TYPE, JX.Target)
        # rawValue is always written, even when empty: "no target given" is a finding.
        self.add(node, JX.rawValue, Literal(t.raw if t.raw is not None else ""))
        self.text(node, JX.comparator, t.comparator)
        self.decimal(node, JX.numericValue, t.value)
        self.decimal(node, JX.upperValue, t.upper)
        self.text(node, JX.unit, t.unit)
        self.text(node, JX.dimension, t.dimension)
        self.text(node, JX.qualitative, t.qualitative)
        self.text(node, JX.grade, t.grade)
        self.text(node, JX.note, t.note)
        self.decimal(node, JX.valueYuan, t.value_yuan)
        self.text(node, JX.status, t.status)


def document_graph(doc: Document) -> tuple[list[Quad], list[UnitMention]]:
    """The quads of *doc* and the unit names it uses (with lines, for conflict reports)."""
    g = _Graph(doc)
    g.disclosure()
    g.regions()
    g.units()
    g.totals()
    g.cited()
    g.projects()
    return g.quads, g.mentions


def document_quads(doc: Document) -> list[Quad]:
    """All facts of one document, in its named graph ``jxg:{doc}``."""
    return document_graph(doc)[0]
