"""The indicator concept scheme (``ontology/indicators.ttl``) as plain Python records.

The Turtle file is the single source of the vocabulary: labels, broader links and expected
dimensions are read from it with pyoxigraph once per process.

>>> s = load()
>>> c = s.concepts[JXC + "passRate"]
>>> (c.pref, c.dimension, c.broader)
('合格率', 'percent', 'https://w3id.org/jxkg/category/quality')
>>> s.broader_labels(JXC + "satisfactionStaff")
['服务对象满意度', '服务对象满意度指标', '满意度指标']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg import paths

JXC = "https://w3id.org/jxkg/concept/"
JXCAT = "https://w3id.org/jxkg/category/"
JX = "https://w3id.org/jxkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

# Labels of the categories (declared in ontology/jxkg.ttl by the build stage); used when that
# file is absent or does not label a category.  二级 → 一级 as in docs/rdf-model.md.
_CATEGORIES = {
    "output": ("产出指标", None), "benefit": ("效益指标", None), "satisfaction": ("满意度指标", None),
    "cost": ("成本指标", None),
    "quantity": ("数量指标", "output"), "quality": ("质量指标", "output"), "timeliness": ("时效指标", "output"),
    "costOutput": ("成本指标", "output"), "economic": ("经济效益指标", "benefit"),
    "social": ("社会效益指标", "benefit"), "ecological": ("生态效益指标", "benefit"),
    "sustainable": ("可持续影响指标", "benefit"), "serviceSatisfaction": ("服务对象满意度指标", "satisfaction"),
    "economicCost": ("经济成本指标", "cost"), "socialCost": ("社会成本指标", "cost"),
    "ecoCost": ("生态环境成本指标", "cost"),
}


@dataclass
class Concept:
    iri: str
    pref: str
    alts: list[str] = field(default_factory=list)
    broader: str | None = None
    dimension: str | None = None
    typical_units: list[str] = field(default_factory=list)  # jx:typicalUnit
    typical_dimensions: list[str] = field(default_factory=list)  # jx:typicalDimension


@dataclass
class Scheme:
    concepts: dict[str, Concept]
    labels: dict[str, str]  # any IRI (concept or category) → zh label
    parents: dict[str, str]  # any IRI → its broader IRI
    uncovered: list[str] = field(default_factory=list)  # jx:uncoveredLabel of jxc:scheme

    def broader_labels(self, iri: str) -> list[str]:
        """Labels of the broader chain of *iri*, nearest first, up to the 一级 category."""
        out: list[str] = []
        cur = self.parents.get(iri)
        seen = {iri}
        while cur and cur not in seen:
            seen.add(cur)
            out.append(self.labels.get(cur, cur))
            cur = self.parents.get(cur)
        return out

    def category(self, iri: str) -> str | None:
        """The 二级 category label a concept sits under (its nearest broader that is not a concept).

        >>> load().category(JXC + "eventCount")
        '数量指标'
        """
        cur = self.parents.get(iri)
        while cur in self.concepts:
            cur = self.parents.get(cur)
        return self.labels.get(cur) if cur else None


def _zh(term: ox.Literal) -> bool:
    return term.language in (None, "zh") or (term.language or "").startswith("zh")


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> Scheme:
    """Read the concept scheme (and category labels from ontology/jxkg.ttl when present)."""
    path = path or paths.ONTOLOGY_DIR / "indicators.ttl"
    labels: dict[str, str] = {}
    parents: dict[str, str] = {}
    for key, (label, parent) in _CATEGORIES.items():
        labels[JXCAT + key] = label
        if parent:
            parents[JXCAT + key] = JXCAT + parent
    concepts: dict[str, Concept] = {}
    uncovered: list[str] = []
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as e:
        raise ValueError(f"{path}: 无法读取指标概念表: {e}") from e
    cat_file = path.parent / "jxkg.ttl"
    if cat_file.is_file():
        try:
            for q in ox.parse(path=str(cat_file), format=ox.RdfFormat.TURTLE):
                s, p, o = q.subject.value, q.predicate.value, q.object
                if s.startswith(JXCAT) and p == SKOS + "prefLabel" and isinstance(o, ox.Literal) and _zh(o) \
                        and (o.language or "").startswith("zh"):
                    labels[s] = o.value
        except (OSError, SyntaxError):
            pass  # categories keep their built-in labels
    for q in quads:
        s, p, o = q.subject.value, q.predicate.value, q.object
        if s == JXC + "scheme" and p == JX + "uncoveredLabel" and isinstance(o, ox.Literal) and _zh(o):
            uncovered.append(o.value)
        if not s.startswith(JXC) or s == JXC + "scheme":
            continue
        c = concepts.setdefault(s, Concept(s, ""))
        if p == SKOS + "prefLabel" and isinstance(o, ox.Literal) and (o.language or "").startswith("zh"):
            c.pref = o.value
        elif p == SKOS + "altLabel" and isinstance(o, ox.Literal) and _zh(o):
            c.alts.append(o.value)
        elif p == SKOS + "broader":
            c.broader = o.value
        elif p == JX + "expectedDimension":
            c.dimension = o.value
        elif p == JX + "typicalUnit":
            c.typical_units.append(o.value)
        elif p == JX + "typicalDimension":
            c.typical_dimensions.append(o.value)
    for c in concepts.values():
        if not c.pref:
            raise ValueError(f"{path}: 概念 {c.iri} 缺少中文 skos:prefLabel")
        labels[c.iri] = c.pref
        if c.broader:
            parents[c.iri] = c.broader
    return Scheme(concepts, labels, parents, uncovered)
