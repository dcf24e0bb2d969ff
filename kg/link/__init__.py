"""The link stage: normalise targets, find 文号 and regions, link indicator names to concepts.

Public entry: :func:`link_document` fills the normalised fields of a parsed
:class:`kg.model.Document` in place.  The pieces:

- :mod:`kg.link.values`   target normaliser (``≥95百分比`` → ≥ 95 %, status ok);
- :mod:`kg.link.wenhao`   文号 recognition and canonical numbers (``冀财社〔2022〕150号``);
- :mod:`kg.link.regions`  region paths from issuer and unit names;
- :mod:`kg.link.linker`   三级指标 name → concept of ``ontology/indicators.ttl``;
- :mod:`kg.link.amounts`  money amounts and years in free text.

>>> from kg.model import Document, Indicator, Line, Project, SourceText, Span, Target
>>> ind = Indicator("满意度指标", "满意度指标", "服务对象满意度指标", "服务对象满意度指标",
...                 "职业年金发放人数", None, Target("≥95人"))
>>> p = Project("x", title="冀财社【2022】151号关于提前下达…的通知", indicators=[ind], span=Span(1, 2))
>>> doc = Document("f.txt", "f.txt", "0", "utf-8", 2, issuer="香河县人力资源和社会保障局", projects=[p])
>>> src = SourceText("f.txt", "f.txt", "utf-8", "0", [Line(1, p.title, p.title), Line(2, "依据冀财规[2018]21号", "")])
>>> link_document(doc, src)
>>> (ind.target.status, ind.target.value, ind.concept.label, doc.region)
('ok', Decimal('95'), '受益人数', '河北省廊坊市香河县')
>>> [r.number for r in doc.funding_documents], [r.number for r in p.funding_documents], [r.number for r in p.cites]
(['冀财社〔2022〕151号', '冀财规〔2018〕21号'], ['冀财社〔2022〕151号'], ['冀财规〔2018〕21号'])
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from kg.link import regions, wenhao
from kg.link.linker import link
from kg.link.values import _FIELDS as _TARGET_FIELDS
from kg.link.values import _cached as target_fields
from kg.model import ConceptLink, Document, FundingRef, Indicator, Project, SourceText


def link_document(doc: Document, source: SourceText) -> None:
    """Fill targets, concepts, funding documents and region of *doc* in place.

    *source* is the decoded file the document was parsed from (for 文号 cited anywhere).
    """
    for project in doc.projects:
        for ind in project.indicators:
            fields = target_fields(ind.target.raw or "", ind.direction or None, ind.measure_unit or None,
                                   ind.nature or None, ind.level2, ind.name)
            ind.target.__dict__.update(zip(_TARGET_FIELDS, fields))
            if ind.actual:
                ind.actual_value = _actual_value(ind)
            c = link(ind.name, ind.description, ind.target.unit, ind.target.dimension, ind.level2_category)
            ind.concept = ConceptLink(c.concept, c.label, c.score, c.rule, list(c.broader))
    _funding(doc, source)
    _region(doc)


def _actual_value(ind: Indicator) -> Decimal | None:
    """The 实际完成值 of a self-evaluation row as a number in its target's unit, None when it has none.

    The actual is normalised like the target (same row context); a value whose
    unit differs from the target's is converted only between money units, else dropped.

    >>> from kg.model import Target
    >>> def row(target, actual, unit=None):
    ...     ind = Indicator(None, None, None, None, "x", None, Target(target), measure_unit=unit, actual=actual)
    ...     ind.target.__dict__.update(zip(_TARGET_FIELDS, target_fields(target, None, unit, None, None, "x")))
    ...     return _actual_value(ind)
    >>> row("≥60人", "52人"), row("≥95%", "96"), row("≤1.2万元", "11000元"), row("25", "30", "个")
    (Decimal('52'), Decimal('96'), Decimal('1.1'), Decimal('30'))
    >>> row("≥95%", "52人"), row("有效保障", "已保障"), row("≥60人", "")
    (None, None, None)
    """
    t = ind.target
    fields = dict(zip(_TARGET_FIELDS, target_fields(ind.actual or "", None, ind.measure_unit or None,
                                                    None, ind.level2, ind.name)))
    value, unit = fields["value"], fields["unit"]
    if value is None or fields["status"] not in ("ok", "qualitative") or fields["comparator"] == "range":
        return None
    if unit is None or t.unit is None or unit == t.unit:
        return value
    if fields["value_yuan"] is not None and t.value_yuan is not None and t.value:
        return fields["value_yuan"] * t.value / t.value_yuan  # both money: into the target's unit
    return None


def _funding(doc: Document, source: SourceText) -> None:
    pairs: list[tuple[int, FundingRef]] = []
    by_line: dict[int, list[FundingRef]] = {}
    for line in source.lines:
        found = wenhao.find(line.raw)
        if found:
            by_line[line.number] = found
            pairs.extend((line.number, r) for r in found)
    doc.funding_documents = wenhao.merge(pairs)
    for project in doc.projects:
        _project_funding(project, by_line)


def _project_funding(project: Project, by_line: dict[int, list[FundingRef]]) -> None:
    """Split the 文号 of one project into funding (title/name/purpose names it) and cites (the rest)."""
    own_text = " ".join(x for x in (project.title, project.name, project.purpose) if x)
    funding_numbers = {r.number for r in wenhao.find(own_text)}
    in_span: list[tuple[int, FundingRef]] = []
    if project.span.end_line:
        for n in range(project.span.line, project.span.end_line + 1):
            in_span.extend((n, r) for r in by_line.get(n, ()))
    # text fields that may sit outside the span (goal, descriptions, bases)
    extra = [project.goal or ""] + [x for ind in project.indicators for x in (ind.description, ind.basis) if x]
    first = project.span.line or 0
    for text in extra:
        in_span.extend((first, r) for r in wenhao.find(text))
    for r in wenhao.find(own_text):
        in_span.append((first, r))
    merged = wenhao.merge(in_span)
    for r in merged:
        r.lines = [n for n in r.lines if n] or r.lines
    project.funding_documents = [r for r in merged if r.number in funding_numbers]
    project.cites = [r for r in merged if r.number not in funding_numbers]


def _region(doc: Document) -> None:
    path = regions.resolve(doc.issuer)
    if not path:
        names = [u.name for u in doc.units] + [p.unit.name for p in doc.projects if p.unit]
        votes = Counter(tuple(regions.resolve(n)) for n in names)
        votes.pop((), None)
        if votes:
            path = list(votes.most_common(1)[0][0])
    doc.region_path = list(path)
    doc.region = regions.full_name(path)
