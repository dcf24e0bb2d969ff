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
``context`` the name and description name no concept, but the row does: its 二级 category and
           its target's unit are typical of one concept (``jx:typicalUnit``): 组织公开招聘 under
           数量指标 with target ``1次`` counts events (0.55).  A unit written into the name
           (``消毒机(≥台)``) stands in for a missing target unit; a head word of another kind than
           the target (an exam name, target ``6万元`` under 成本指标) gives way to this rule;
``unlinked`` when the best score stays below :data:`THRESHOLD`, or when the name ends with a measure
           the scheme does not cover (``jx:uncoveredLabel``: 道路硬化长度, 绿化面积) and with no
           longer concept label: then neither the description nor the row's context may link it.

The description is consulted when the name links only fuzzily or not at all, or when it
names a narrower concept than the name does (name ``满意度``, description ``参保人员满意度``).
The target's dimension vetoes a looser link that contradicts it: a count concept found in the
description of a row whose target is a percentage is not what the row measures.  A total-cost link
becomes the per-unit cost when the row says "per" (人均, 每月, 元/人).  docs/link.md ("The row as
context") lists every way the description and the target weigh in.

>>> link("职业技能鉴定合格率").label, link("职业技能鉴定合格率").rule
('合格率', 'head')
>>> r = link("办事群众满意度")
>>> (r.label, r.rule, r.score, r.broader)
('办事群众满意度', 'exact', 1.0, ['服务对象满意度', '服务对象满意度指标', '满意度指标'])
>>> link("因贫辍学率").label
'辍学率'
>>> link("政府采购目录序号").rule
'unlinked'
>>> link("清扫保洁道路面积", unit="平方米", dimension="area", level2="数量指标").rule
'unlinked'
>>> r = link("组织公开招聘", unit="次", dimension="count", level2="数量指标")
>>> (r.label, r.rule)
('活动次数', 'context')
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from kg.link.concepts import Scheme, load
from kg.link.text import fold, strip_brackets
from kg.link.values import unit_of
from kg.model import ConceptLink

THRESHOLD = 0.5
# a fuzzy match is a guess: it links only when the name is nearly a label (similarity ≥ 6/7)
FUZZY_THRESHOLD = 0.6
_MIN_DICT_INSIDE = 3
# below this character-bigram similarity to every label, jieba-token similarity cannot reach
# FUZZY_THRESHOLD either (checked on the corpus names), so spaCy is not run
_SPACY_GRAM_MIN = 0.5
_NUMBERING = re.compile(r"^(?:\d+[.、．)]|[(（]\d+[)）]|[一二三四五六七八九十]+[、.])")
_PUNCT = re.compile(r"[“”\"'《》]")
_LEAD = re.compile(r"^其中[:：,，]?")
# "the effect on X": 对X的影响程度, 提高X的影响
_IMPACT = re.compile(r"^对?(.{2,}?)的?影响(?:程度)?$")
# a unit written into the name: a trailing bracket (育肥猪舍(≥**平方米), 消毒机(≥台)) or a number (饲料库120平米)
_NAME_UNIT = re.compile(r"(?:[(\[【]([^()\[\]【】]{1,10})[)\]】]|\d(\D{1,3}))$")
# a target typed into the name cell (…人口数≥**人) or a note after a dash (…标准——一户年最高5300元)
_TAIL = re.compile(r"(?<=..)(?:[≥≤<>][\d*＊].*|(?:达到?|不低于|不少于)\d.*|——.*|--.*)$")
# a short aside in brackets inside the name: 及时(按期)开工率, 补助村(社区)数量
_ASIDE = re.compile(r"(?<=.)[(\[【][^()\[\]【】]{1,6}[)\]】](?=.)")
# a word anywhere in the name that decides the concept when no label is a suffix
_KEYWORDS = (("满意", "满意度"), ("及时", "及时率"))
# words that join a list (参与, 及时, 和谐 are not lists)
_LIST_MARK = re.compile(r"[、,，/]|(?<!参)与|及(?!时)|和(?!谐)")
# <group>对<object>满意度: what precedes 对 (not 对象) is whose satisfaction it is
_SUBJECT = re.compile(r"对(?!象)")
# a cost per person, per month, per session …: moves a total-cost link to the per-unit concept
_PER_UNIT = re.compile(r"人均|月均|年均|生均|户均|单次|单项|单价|百公里|每(?!年)")
# target dimensions that exclude one another (a percentage is not a head count, nor a deadline);
# dimension → kind, the three time dimensions being one kind
_KINDS = {"percent": "percent", "count": "count", "money": "money",
          "date": "time", "duration": "time", "date-or-duration": "time"}
# count words that end names (rule 3b): what precedes one is the object counted; longer words first
_COUNT_WORDS = ("数量", "个数", "总数", "人数", "人次", "户数", "家数", "台数", "次数", "批次", "场次", "数")
# what the last characters of a name say about the dimension of its target
_ENDINGS = (("率", "percent"), ("比", "percent"), ("比例", "percent"), ("人数", "count"), ("数量", "count"),
            ("个数", "count"), ("次数", "count"), ("场次", "count"), ("户数", "count"), ("人次", "count"))


def clean(name: str) -> str:
    """The form names are matched in: folded; numbering, a leading 其中, trailing brackets, a target
    written into the cell (``≥**人``), a note after a dash and short asides in brackets removed.

    >>> clean(" 1、城乡居民政策知晓率(≥**%) ")
    '城乡居民政策知晓率'
    >>> clean("其中:受益建档立卡贫困人口数≥**人"), clean("及时(按期)开工率"), clean("救助标准——一户年最高5300元")
    ('受益建档立卡贫困人口数', '及时开工率', '救助标准')
    """
    s = _PUNCT.sub("", fold(name))
    s = _NUMBERING.sub("", s)
    s = _LEAD.sub("", s) or s
    s = strip_brackets(s) or s
    s = strip_brackets(_TAIL.sub("", s)) or s
    return _ASIDE.sub("", s) or s


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
        self.max_label = max(map(len, self.any))
        objects: dict[str, set[str]] = {}
        for lab, iri in self.any.items():
            if self.scheme.concepts[iri].dimension != "count":
                continue
            m = next((m for m in _COUNT_WORDS if lab.endswith(m)), None)
            if m and len(lab) - len(m) >= 2:
                objects.setdefault(lab[: len(lab) - len(m)], set()).add(iri)
        self.objects = {o: next(iter(c)) for o, c in objects.items() if len(c) == 1}
        self.uncovered = frozenset(clean(u) for u in scheme.uncovered) - set(self.any)
        self._max_uncovered = max(map(len, self.uncovered), default=0)
        self._grams_of = {lab: _bigrams(lab) for lab in self.any}
        self._gram_index: dict[str, list[str]] = {}
        for lab, gs in self._grams_of.items():
            for g in gs:
                self._gram_index.setdefault(g, []).append(lab)
        # 二级 category label → {target unit, or "dim:<dimension>" → concept}: jx:typicalUnit and
        # jx:typicalDimension; a key that two concepts of one category claim says nothing (None)
        self.typical: dict[str, dict[str, str | None]] = {}
        for c in scheme.concepts.values():
            cat = scheme.category(c.iri)
            keys = c.typical_units + ["dim:" + d for d in c.typical_dimensions]
            if cat is None or not keys:
                continue
            table = self.typical.setdefault(_category_key(cat), {})
            for key in keys:
                table[key] = c.iri if key not in table else None
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
        """Rule 3: the longest label that is a proper suffix of *n* decides the concept family.

        ``front`` (what precedes that suffix) holds the modifiers: a label ``<mod><head>`` whose
        modifier occurs there refines the head (资金发放的及时率 → 发放及时率), and inside a family
        (满意度, 人数) the group word of ``front`` picks the sibling (参保职工满意度 → 参保人员满意度)."""
        if n.endswith("满意率"):  # 满意率 and 满意度 name the same measure: match the 度 form
            n = n[:-1] + "度"
        k = next((k for k in range(len(n) - 1, 0, -1) if n[len(n) - k:] in self.any), 0)
        if not k:
            return None
        head = n[len(n) - k:]
        front = n[: len(n) - k]
        # a suffix that already carries its own modifier (服务人数, 服务对象满意度, 参保群众满意度)
        # says whom it counts; only a bare head (人数, 满意度) takes the group word from front
        # (a shorter label of another family does not count: 人次数 is a bare head count though it ends in 次数)
        bare = not any(head[j:] in self.any and self._kin(self.any[head[j:]], self.any[head])
                       for j in range(1, len(head))) or bool(_SUBJECT.search(front))
        iri, best_len = self.any[head], k
        for mod, narrower in self.refine.get(head, ()):
            near = mod in front if self.scheme.concepts[narrower].dimension != "count" else _mod_near(front, mod)
            if near and len(mod) + k > best_len:
                iri, best_len = narrower, len(mod) + k
        iri = self._by_family(front, self.any[head], iri, pick=bare)
        return _Hit(iri, round(min(0.89, 0.7 + 0.25 * best_len / len(n)), 3), "head")

    def _compose(self, n: str) -> _Hit | None:
        """Rule 3b, when no label ends the name: <object><count word>, the object learnt from another
        label of a count concept, whatever count word that label used (学生数量 teaches 学生, so
        资助贫困学生总数 counts people; 资助 then picks 受益人数 as in rule 3).

        >>> L = default_linker()
        >>> L._head("资助贫困学生总数") is None, L.scheme.labels[L._compose("资助贫困学生总数").iri]
        (True, '受益人数')
        """
        for m in _COUNT_WORDS:
            if n.endswith(m) and len(n) > len(m) + 1:
                front = n[: len(n) - len(m)]
                for k in range(min(len(front), 8), 1, -1):
                    iri = self.objects.get(front[len(front) - k:])
                    if iri:  # inside a family the group word before the object picks the member
                        return _Hit(self._by_family(front[: len(front) - k], iri), 0.72, "head")
                return None
        return None

    def _kin(self, a: str, b: str) -> bool:
        """True when concepts *a* and *b* are one concept or one has the other as broader."""
        return a == b or self._narrower(a, b) or self._narrower(b, a)

    def _by_family(self, front: str, head: str, iri: str | None = None, pick: bool = True) -> str:
        """Move between siblings: the group word in front of the head decides.

        *head* is the concept the suffix names, *iri* what the modifiers refined it to (default
        *head*).  When *head* is a family's broader concept (满意度, 人数) and *pick* is true (the
        suffix is a bare head word), the leftmost group word of *front* (character bigrams owned by
        exactly one member) picks the member: 城乡参保群众满意率 → 参保人员满意度, 享受职业培训补贴人员数量 →
        受益人数; a count member refined by the word right before the head stays (资金发放的人数).
        A matched member (培训人数, 参保群众满意度) or a suffix with its own modifier (服务人数) stays:
        group words further left usually belong to a project name.  A name listing several groups
        (``、 及 和``) that name different members stays with the broader concept."""
        iri = iri or head
        root = head if head in self.family else self.scheme.concepts[head].broader
        grams = self.family.get(root or "")
        if not grams:
            return iri
        found: list[str] = []
        for i in range(len(front) - 1):
            kid = grams.get(front[i:i + 2])
            if kid and kid not in found:
                found.append(kid)
        if _LIST_MARK.search(front) and len(set(found) | ({iri} - {root})) > 1:
            return root  # type: ignore[return-value]
        if not found or not pick or head != root:
            return iri
        if iri != root and self.scheme.concepts[iri].dimension == "count":
            return iri  # the word right before 人数 said what is counted
        return found[0]

    def _inside_label(self, n: str) -> str | None:
        """The label inside *n* that ends last (the longest of those), by dictionary look-ups.

        >>> default_linker()._inside_label("职业技能鉴定合格率甲12")
        '鉴定合格率'
        """
        for end in range(len(n), 0, -1):
            for start in range(max(0, end - self.max_label), end):
                if n[start:end] in self.any:
                    return n[start:end]
        return None

    def _gram_sim(self, n: str) -> float:
        """Best character-bigram Dice of *n* against any label (no spaCy needed)."""
        grams = _bigrams(n)
        best = 0.0
        seen: set[str] = set()
        for g in grams:
            for lab in self._gram_index.get(g, ()):
                if lab not in seen:
                    seen.add(lab)
                    lg = self._grams_of[lab]
                    best = max(best, 2 * len(grams & lg) / (len(grams) + len(lg)))
        return best

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
        score = round(best_sim * 0.7, 3)
        return _Hit(self.any[best], score, "fuzzy") if score >= FUZZY_THRESHOLD else None

    def _context(self, n: str, unit: str | None, dimension: str | None, level2: str | None) -> _Hit | None:
        """Rule ``context``: the concept whose typical unit (or dimension) the row's target has, under
        the row's 二级 category; inside a family the name's group word picks the member as in rule 3
        (退休人员丧葬数, 10人 → 受益人数)."""
        table = self.typical.get(level2 or "")
        if not table:
            return None
        iri = None
        if unit:
            iri = table.get(unit)
            if iri is None and "/" in unit:
                iri = table.get(unit.split("/")[0] + "/")
        if iri is None and dimension:
            iri = table.get("dim:" + dimension)
        if iri is None or _clash(self.scheme.concepts[iri].dimension, _want(n)):
            return None
        return _Hit(self._by_family(n, iri), 0.55, "context")

    def _per_unit(self, hit: _Hit, n: str, description: str | None, unit: str | None) -> _Hit:
        """A total-cost link becomes the per-unit cost when the row says "per": its target unit is
        per-unit (元/人) or its name or description has 人均, 每…, 单次 … (预算控制数 described as
        年人均预算控制数).  Both concepts are found in the scheme by their jx:typicalUnit (元 / 元/) under
        the link's category."""
        table = self.typical.get(_category_key(self.scheme.category(hit.iri) or ""), {})
        per, total = table.get("元/"), table.get("元")
        if not per or hit.iri != total:
            return hit
        if (unit and "/" in unit) or _PER_UNIT.search(n) or (description and _PER_UNIT.search(description)):
            return _Hit(per, hit.score, hit.rule)
        return hit

    def uncovered_measure(self, n: str) -> str | None:
        """The ``jx:uncoveredLabel`` that ends the cleaned name *n* when no concept label as long or
        longer does: *n* measures something the scheme has no concept for.

        >>> L = default_linker()
        >>> L.uncovered_measure("农村道路硬化长度"), L.uncovered_measure("新建校舍建筑面积")
        ('长度', None)
        """
        if n in self.any:
            return None
        found = next((n[len(n) - k:] for k in range(min(len(n), self._max_uncovered), 1, -1)
                      if n[len(n) - k:] in self.uncovered), None)
        if found is None:
            return None
        if any(n[len(n) - k:] in self.any for k in range(len(found), len(n))):
            return None  # a concept label at least as long ends the name
        return found

    def _name_hit(self, n: str, spacy_rules: bool = True, target: str | None = None) -> _Hit | None:
        if not n:
            return None
        if n in self.pref:
            return _Hit(self.pref[n], 1.0, "exact")
        if n in self.alt:
            return _Hit(self.alt[n], 0.95, "alt")
        if n in self.categories:
            return None
        if n.endswith("不利影响"):
            return None  # adverse effects: a risk, not the 社会影响 a project aims at
        m = _IMPACT.match(n)
        if m and m.group(1) != n:
            # 对<X>的影响程度: the effect on X is measured as X when X is itself an effect concept
            # (对保障两委机构正常运行的影响程度 → 正常运转保障)
            inner = self._name_hit(m.group(1), spacy_rules=False)
            if inner and self.scheme.concepts[inner.iri].dimension == "qualitative":
                return _Hit(inner.iri, min(inner.score, 0.8), "head")
        hit = self._head(n) or self._compose(n)
        if hit or not spacy_rules:
            return hit
        for word, label in _KEYWORDS:
            if word in n and label in self.any:  # 对政策落实情况满意的…占应保人数之比
                return _Hit(self._by_family(n, self.any[label]), 0.7, "head")
        want = _want(n)

        def fits(iri: str) -> bool:  # what the name's ending asks for, and not against the target
            dim = self.scheme.concepts[iri].dimension
            return (want is None or dim == want) and not _clash(dim, target)

        # rule 4 by dictionary: a label of ≥ 3 characters inside the name is a jieba word of its
        # own (every label is in jieba's dictionary), so the EntityRuler would find it too;
        # only short labels and fuzzy matching need the spaCy pipeline
        label = self._inside_label(n)
        if label is not None and len(label) >= _MIN_DICT_INSIDE:
            iri = self.any[label]
            if fits(iri):
                return _Hit(iri, round(min(0.8, 0.55 + 0.3 * len(label) / len(n)), 3), "head")
        if (label is None or len(label) >= _MIN_DICT_INSIDE) and self._gram_sim(n) < _SPACY_GRAM_MIN:
            return None  # no short label inside and nothing near enough for a fuzzy link: skip spaCy
        doc = self.nlp(n)
        for rule in (self._inside, self._fuzzy):
            h = rule(n, doc)
            if h and fits(h.iri):
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

    def link(self, name: str, description: str | None = None, unit: str | None = None,
             dimension: str | None = None, level2: str | None = None) -> ConceptLink:
        """Link one 三级 name; *description* (指标描述), and the row's normalised target *unit* and
        *dimension* and canonical 二级 category *level2* are context the rules may use."""
        n = clean(name or "")
        if self.uncovered_measure(n):
            return ConceptLink(None, None, 0.0, "unlinked", [])
        hit = self._name_hit(n, target=dimension)
        if description:
            d = clean(description)
            if d and d != n:
                dhit = self._name_hit(d, spacy_rules=hit is None or hit.rule == "fuzzy", target=dimension)
                if dhit is not None and any(_clash(self.scheme.concepts[dhit.iri].dimension, w)
                                            for w in (_want(n), dimension)):
                    dhit = None  # the description names a measure of another kind than the row's
                if dhit is not None:
                    dscore = round(dhit.score * 0.9, 3)
                    if hit is None or (hit.rule == "fuzzy" and dscore > hit.score):
                        hit = _Hit(dhit.iri, dscore, dhit.rule)
                    elif self._narrower(dhit.iri, hit.iri) and dhit.rule in ("exact", "alt", "head"):
                        hit = _Hit(dhit.iri, min(hit.score, dscore), hit.rule)
                    elif (_KINDS.get(dimension or "") and _agree(self.scheme.concepts[dhit.iri].dimension, dimension)
                          and not _agree(self.scheme.concepts[hit.iri].dimension, dimension)):
                        hit = _Hit(dhit.iri, dscore, dhit.rule)  # the target agrees with the description
                    elif d.endswith(n) and hit.rule in ("exact", "alt"):
                        # the description is the name with modifiers (及时率 → 发放工作完成及时率):
                        # they qualify the name, so a group word among them picks the family member
                        hit = _Hit(self._by_family(d[: len(d) - len(n)], hit.iri), hit.score, hit.rule)
        if hit is None and not unit:
            # no target unit, but the name carries one: it says what is counted, as a 数量指标 row's unit would
            m = _NAME_UNIT.search(fold(name or ""))
            hint = unit_of(m.group(1) or m.group(2)) if m else None
            if hint and not hint.endswith("元") and "元/" not in hint:  # money in a name says nothing of what it buys
                hit = self._context(n, hint, None, level2 if level2 in self.typical else "数量指标")
        if level2 and (hit is None or (hit.rule == "head"
                                       and _clash(self.scheme.concepts[hit.iri].dimension, dimension))):
            # no concept named, or the name's head word is of another kind than the target (an exam in a
            # 成本指标 row with a 万元 target measures its cost): the row's category and unit decide
            hit = self._context(n, unit, dimension, level2) or hit
        if hit is not None:
            hit = self._per_unit(hit, n, description, unit)
        if hit is None or hit.score < THRESHOLD:
            return ConceptLink(None, None, round(hit.score, 3) if hit else 0.0, "unlinked", [])
        return ConceptLink(hit.iri, self.scheme.labels[hit.iri], hit.score, hit.rule,
                           self.scheme.broader_labels(hit.iri))


def _category_key(label: str) -> str:
    """A category label as Indicator.level2_category spells it.

    >>> _category_key("成本指标（产出）")
    '成本指标'
    """
    return strip_brackets(fold(label)) or label


def _want(n: str) -> str | None:
    """The dimension a name's ending asks for (…率 → percent, …人数 → count), else None."""
    return next((dim for end, dim in _ENDINGS if n.endswith(end)), None)


def _clash(concept_dim: str | None, row_dim: str | None) -> bool:
    """True when a concept of dimension *concept_dim* cannot be what a row of *row_dim* measures.

    >>> _clash("count", "percent"), _clash("percent", "date-or-duration"), _clash("date", "date-or-duration")
    (True, True, False)
    >>> _clash("qualitative", "percent"), _clash("percent", None)
    (False, False)
    """
    a, b = _KINDS.get(concept_dim or ""), _KINDS.get(row_dim or "")
    return a is not None and b is not None and a != b


def _agree(concept_dim: str | None, row_dim: str | None) -> bool:
    """True when both dimensions are known and of one kind (date and date-or-duration agree)."""
    a = _KINDS.get(concept_dim or "")
    return a is not None and a == _KINDS.get(row_dim or "")


def _mod_near(front: str, mod: str) -> bool:
    """*mod* ends *front*, or is followed only by the particle 的.

    Counted things are named right before the head (培训人员数量); a modifier further left
    (享受职业培训补贴人员数量) qualifies something else.

    >>> _mod_near("资金发放的", "发放"), _mod_near("享受职业培训补贴", "培训")
    (True, False)
    """
    i = front.rfind(mod)
    return i >= 0 and len(front) - i - len(mod) <= (1 if front.endswith("的") else 0)


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
def link(name: str, description: str | None = None, unit: str | None = None, dimension: str | None = None,
         level2: str | None = None) -> ConceptLink:
    """Link one indicator name in its row's context (cached per argument tuple).  Treat the result
    as read-only.  See :meth:`Linker.link`."""
    return default_linker().link(name, description, unit, dimension, level2)
