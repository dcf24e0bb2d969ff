"""Link 三级指标 names to concepts of ``ontology/indicators.ttl``.

Rules, tried in order (the first that fires wins; the score says how sure it is):

``exact``  the cleaned name is a concept's prefLabel (score 1.0);
``alt``    … or one of its altLabels (0.95);
``head``   a label is a suffix of the name: Chinese indicator names are head-final, so
           ``职业技能鉴定合格率`` is a 合格率.  Among the labels ``<modifier><head>`` the one whose
           modifier also occurs in the name wins (``城乡参保群众满意度`` → 参保人员满意度).
           Failing a suffix, a label found inside the name by the spaCy EntityRuler counts, the
           last one first (lower score);
``fuzzy``  token overlap (jieba tokens from the spaCy pipeline) and character-bigram overlap
           with the nearest label;
``unlinked`` when the best score stays below :data:`THRESHOLD`.

The description is consulted when the name links only fuzzily or not at all, or when it
names a narrower concept than the name does (name ``满意度``, description ``参保人员满意度``).

>>> link("职业技能鉴定合格率").label, link("职业技能鉴定合格率").rule
('合格率', 'head')
>>> r = link("办事群众满意度")
>>> (r.label, r.rule, r.score, r.broader)
('办事群众满意度', 'exact', 1.0, ['服务对象满意度', '服务对象满意度指标', '满意度指标'])
>>> link("因贫辍学率").label
'辍学率'
>>> link("政府采购目录序号").rule
'unlinked'
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from kg.link.concepts import Scheme, load
from kg.link.text import fold, strip_brackets
from kg.model import ConceptLink

THRESHOLD = 0.5
_NUMBERING = re.compile(r"^(?:\d+[.、．)]|[(（]\d+[)）]|[一二三四五六七八九十]+[、.])")
_PUNCT = re.compile(r"[“”\"'《》]")
# a word anywhere in the name that decides the concept when no label is a suffix
_KEYWORDS = (("满意", "满意度"),)
_LIST_MARK = re.compile(r"[、,，及和与/]")
# what the last characters of a name say about the dimension of its target
_ENDINGS = (("率", "percent"), ("比", "percent"), ("比例", "percent"), ("人数", "count"), ("数量", "count"),
            ("个数", "count"), ("次数", "count"), ("场次", "count"), ("户数", "count"), ("人次", "count"))


def clean(name: str) -> str:
    """The form names are matched in: folded, numbering and trailing brackets removed.

    >>> clean(" 1、城乡居民政策知晓率(≥**%) ")
    '城乡居民政策知晓率'
    """
    s = _PUNCT.sub("", fold(name))
    s = _NUMBERING.sub("", s)
    return strip_brackets(s) or s


@dataclass(frozen=True)
class _Hit:
    iri: str
    score: float
    rule: str


class Linker:
    """Holds the label indexes and (lazily) the spaCy pipeline."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.pref: dict[str, str] = {}
        self.alt: dict[str, str] = {}
        for c in scheme.concepts.values():
            self.pref[clean(c.pref)] = c.iri
        for c in scheme.concepts.values():
            for a in c.alts:
                self.alt.setdefault(clean(a), c.iri)
        self.any: dict[str, str] = {**self.alt, **self.pref}
        # label → (head label, modifier) for labels that are <modifier><another label>
        self.refine: dict[str, list[tuple[str, str]]] = {}
        for label, iri in self.any.items():
            for k in range(1, len(label)):
                head = label[k:]
                if head in self.any:
                    self.refine.setdefault(head, []).append((label[:k], iri))
                    break
        # families: a concept with narrower concepts → {bigram: child} for bigrams that occur in
        # the labels of exactly one child and in none of the parent's own labels
        children: dict[str, list[str]] = {}
        for c in scheme.concepts.values():
            if c.broader in scheme.concepts:
                children.setdefault(c.broader, []).append(c.iri)
        self.family: dict[str, dict[str, str]] = {}
        for parent, kids in children.items():
            pc = scheme.concepts[parent]
            own = set().union(*(_bigrams(clean(x)) for x in [pc.pref, *pc.alts]))
            owner: dict[str, set[str]] = {}
            for kid in kids:
                kc = scheme.concepts[kid]
                for lab in [kc.pref, *kc.alts]:
                    for g in _bigrams(clean(lab)):
                        owner.setdefault(g, set()).add(kid)
            self.family[parent] = {g: next(iter(o)) for g, o in owner.items() if len(o) == 1 and g not in own}
        # category names (数量指标, 社会效益 …) are not indicator names
        self.categories = {clean(lab) for iri, lab in scheme.labels.items() if iri not in scheme.concepts}
        self.categories |= {c[:-2] for c in self.categories if c.endswith("指标")}
        self._nlp = None
        self._label_tokens: dict[str, frozenset[str]] = {}
        self._label_grams: dict[str, frozenset[str]] = {}
        self._by_gram: dict[str, list[str]] = {}
        self._by_token: dict[str, list[str]] = {}

    # ── spaCy ────────────────────────────────────────────────────────────────
    @property
    def nlp(self):  # noqa: ANN201 - spacy.Language
        if self._nlp is None:
            self._nlp = _build_nlp(tuple(sorted(self.any)), self.any)
            self._label_tokens = {lab: frozenset(t.text for t in self._nlp.make_doc(lab)) for lab in self.any}
            self._label_grams = {lab: _bigrams(lab) for lab in self.any}
            for lab in self.any:
                for g in self._label_grams[lab]:
                    self._by_gram.setdefault(g, []).append(lab)
                for t in self._label_tokens[lab]:
                    self._by_token.setdefault(t, []).append(lab)
        return self._nlp

    # ── rules ────────────────────────────────────────────────────────────────
    def _head(self, n: str) -> _Hit | None:
        best: _Hit | None = None
        best_len = 0
        for k in range(len(n) - 1, 0, -1):  # proper suffixes, longest first
            head = n[len(n) - k:]
            iri = self.any.get(head)
            if iri is None:
                continue
            if best is None:
                best, best_len = _Hit(iri, 0.0, "head"), k
            front = n[: len(n) - k]
            for mod, narrower in self.refine.get(head, ()):
                if mod in front and len(mod) + k > best_len:
                    best, best_len = _Hit(narrower, 0.0, "head"), len(mod) + k
        if best is None:
            return None
        iri = self._by_family(n, best.iri)
        return _Hit(iri, round(min(0.89, 0.7 + 0.25 * best_len / len(n)), 3), "head")

    def _by_family(self, n: str, iri: str) -> str:
        """Move between siblings: the group word in the name decides (参保群众满意率 → 参保人员满意度).

        Only a broader concept is refined: when the head already is a narrower label
        (职业年金发放人数 ends with 发放人数) it stays.  Names that list several groups
        (办事群众、单位员工满意度) stay with the broader concept."""
        parent = iri  # only a generic head (满意度, 人数) is refined; a matched narrower label stays
        grams = self.family.get(parent)
        if not grams:
            return iri
        found: list[str] = []
        for i in range(len(n) - 1):
            kid = grams.get(n[i:i + 2])
            if kid and kid not in found:
                found.append(kid)
        if not found:
            return iri
        if len(found) > 1 and _LIST_MARK.search(n):
            return parent  # type: ignore[return-value]
        return found[0]

    def _inside(self, n: str, doc) -> _Hit | None:  # noqa: ANN001 - a spaCy Doc of n
        ents = [e for e in doc.ents if e.label_]
        if not ents:
            return None
        ent = max(ents, key=lambda e: (e.end_char, len(e.text)))
        iri = self.any[ent.text] if ent.text in self.any else ent.label_
        return _Hit(iri, round(min(0.8, 0.55 + 0.3 * len(ent.text) / len(n)), 3), "head")

    def _fuzzy(self, n: str, doc) -> _Hit | None:  # noqa: ANN001 - a spaCy Doc of n
        toks = frozenset(t.text for t in doc)
        grams = _bigrams(n)
        candidates: set[str] = set()
        for g in grams:
            candidates.update(self._by_gram.get(g, ()))
        for t in toks:
            candidates.update(self._by_token.get(t, ()))
        best, best_sim = None, 0.0
        for label in sorted(candidates):
            ltoks, lg = self._label_tokens[label], self._label_grams[label]
            tok_sim = len(toks & ltoks) / len(toks | ltoks)
            gram_sim = 2 * len(grams & lg) / (len(grams) + len(lg)) if grams and lg else 0.0
            sim = max(tok_sim, gram_sim)
            if sim > best_sim:
                best, best_sim = label, sim
        if best is None:
            return None
        return _Hit(self.any[best], round(best_sim * 0.7, 3), "fuzzy")

    def _name_hit(self, n: str, spacy_rules: bool = True) -> _Hit | None:
        if not n:
            return None
        if n in self.pref:
            return _Hit(self.pref[n], 1.0, "exact")
        if n in self.alt:
            return _Hit(self.alt[n], 0.95, "alt")
        if n in self.categories:
            return None
        hit = self._head(n)
        if hit or not spacy_rules:
            return hit
        for word, label in _KEYWORDS:
            if word in n and label in self.any:  # 对政策落实情况满意的…占应保人数之比
                return _Hit(self._by_family(n, self.any[label]), 0.7, "head")
        want = next((dim for end, dim in _ENDINGS if n.endswith(end)), None)
        doc = self.nlp(n)
        for rule in (self._inside, self._fuzzy):
            h = rule(n, doc)
            if h and (want is None or self.scheme.concepts[h.iri].dimension == want):
                return h
        return None

    def _narrower(self, a: str, b: str) -> bool:
        """True when concept *a* lies strictly below concept *b*."""
        cur = self.scheme.parents.get(a)
        while cur:
            if cur == b:
                return True
            cur = self.scheme.parents.get(cur)
        return False

    def link(self, name: str, description: str | None = None) -> ConceptLink:
        n = clean(name or "")
        hit = self._name_hit(n)
        if description:
            d = clean(description)
            if d and d != n:
                dhit = self._name_hit(d, spacy_rules=hit is None or hit.rule == "fuzzy")
                if dhit is not None:
                    dscore = round(dhit.score * 0.9, 3)
                    if hit is None or (hit.rule == "fuzzy" and dscore > hit.score):
                        hit = _Hit(dhit.iri, dscore, dhit.rule)
                    elif self._narrower(dhit.iri, hit.iri) and dhit.rule in ("exact", "alt", "head"):
                        hit = _Hit(dhit.iri, min(hit.score, dscore), hit.rule)
        if hit is None or hit.score < THRESHOLD:
            return ConceptLink(None, None, round(hit.score, 3) if hit else 0.0, "unlinked", [])
        return ConceptLink(hit.iri, self.scheme.labels[hit.iri], hit.score, hit.rule,
                           self.scheme.broader_labels(hit.iri))


def _bigrams(s: str) -> frozenset[str]:
    return frozenset(s[i:i + 2] for i in range(len(s) - 1)) if len(s) > 1 else frozenset([s])


def _build_nlp(labels: tuple[str, ...], index: dict[str, str]):  # noqa: ANN202
    """spacy.blank("zh") with the jieba segmenter, domain words in jieba, an EntityRuler of labels."""
    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    for lab in labels:
        jieba.add_word(lab, freq=20000)
    jieba.initialize()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
    ruler.add_patterns([{"label": index[lab], "pattern": lab} for lab in labels])
    return nlp


@lru_cache(maxsize=1)
def default_linker() -> Linker:
    return Linker(load())


@lru_cache(maxsize=65536)
def link(name: str, description: str | None = None) -> ConceptLink:
    """Link one indicator name (cached per (name, description)).  Treat the result as read-only."""
    return default_linker().link(name, description)
