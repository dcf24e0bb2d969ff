"""Target normaliser: ``≥95%``, ``100比率``, ``≤1.2万元``, ``是/否`` … → comparable fields.

:func:`normalise` returns a fresh :class:`kg.model.Target`; the parsing itself is cached per
(raw, columns, context), so the thousand ``≥95%`` of a corpus are parsed once.

>>> t = normalise("≥95百分比")
>>> (t.comparator, t.value, t.unit, t.dimension, t.status)
('≥', Decimal('95'), '%', 'percent', 'ok')
>>> t = normalise("≤1.2万元")
>>> (t.comparator, t.value, t.unit, t.value_yuan, t.dimension)
('≤', Decimal('1.2'), '万元', Decimal('12000.0'), 'money')
>>> t = normalise("≥113元（促进居民收入稳步提高）")
>>> (t.value, t.unit, t.note)
(Decimal('113'), '元', '促进居民收入稳步提高')
>>> normalise("≥**%").status, normalise("目标内容1").status, normalise("人").status
('placeholder', 'placeholder', 'placeholder')
>>> normalise("750000%").status
'implausible'
>>> t = normalise("有效保障")
>>> (t.status, t.qualitative)
('qualitative', '有效保障')
>>> t = normalise("≥95优")
>>> (t.value, t.grade)
(Decimal('95'), '优')
>>> t = normalise("2022年12月31日前")
>>> (t.comparator, t.dimension, t.qualitative, t.status)
('≤', 'date', '2022-12-31', 'ok')
>>> normalise("12月").dimension, normalise("12月", level2="时效指标", name="完成时间").dimension
('date-or-duration', 'date')
>>> t = normalise("70", direction="大于等于", measure_unit="%")
>>> (t.comparator, t.value, t.unit)
('≥', Decimal('70'), '%')
>>> normalise("≥12万份").value
Decimal('120000')
>>> t = normalise("90%-95%")
>>> (t.comparator, t.value, t.upper, t.unit)
('range', Decimal('90'), Decimal('95'), '%')
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from kg.link.text import fold
from kg.model import Target

# normalised unit → (dimension, factor to 元 for money units)
_UNITS: dict[str, tuple[str, Decimal | None]] = {
    "%": ("percent", None),
    "人": ("count", None), "人次": ("count", None), "户": ("count", None), "家": ("count", None),
    "个": ("count", None), "次": ("count", None), "场次": ("count", None), "份": ("count", None),
    "件": ("count", None), "台": ("count", None), "套": ("count", None), "项": ("count", None),
    "批": ("count", None), "类": ("count", None), "组": ("count", None), "张": ("count", None),
    "把": ("count", None), "支": ("count", None), "起": ("count", None), "期": ("count", None),
    "所": ("count", None), "本": ("count", None), "册": ("count", None), "辆": ("count", None),
    "篇": ("count", None), "条": ("count", None), "单位": ("count", None), "村": ("count", None),
    "部": ("count", None), "间": ("count", None), "卷": ("count", None), "盒": ("count", None),
    "万元": ("money", Decimal(10000)), "元": ("money", Decimal(1)), "亿元": ("money", Decimal(100000000)),
    "千元": ("money", Decimal(1000)),
    "月": ("date-or-duration", None), "年": ("duration", None), "天": ("duration", None),
    "工作日": ("duration", None), "小时": ("duration", None), "分钟": ("duration", None),
    "周": ("duration", None), "岁": ("duration", None),
    "平方米": ("area", None), "亩": ("area", None),
    "公里": ("length", None), "米": ("length", None),
    "吨": ("mass", None), "千瓦时": ("energy", None),
    "分": ("score", None),
}
# spellings → normalised unit (longest first when matching)
_ALIASES: dict[str, str] = {
    "百分比": "%", "百分率": "%", "佰分比": "%", "百分点": "%", "个百分点": "%", "比率": "%", "比例": "%",
    "人数": "人", "名": "人", "人/次": "人次",
    "场(次)": "场次", "场": "场次", "次数": "次",
    "个月": "月", "个工作日": "工作日", "周岁": "岁",
    "日": "天", "工作天": "工作日",
    "㎡": "平方米", "m2": "平方米", "m²": "平方米", "平米": "平方米",
    "km": "公里", "千米": "公里",
    "度": "千瓦时", "kwh": "千瓦时", "kw.h": "千瓦时", "km.h": "千瓦时",
    "分值": "分",
}
_ALL_UNITS = sorted(set(_UNITS) | set(_ALIASES), key=len, reverse=True)
_PER_UNIT = re.compile(r"^(万元|元)((?:/(?:人|年|月|件|张|次|户|台|生|学年|人次|日|天|平方米))+)")

_COMPARATOR_COLUMNS = {"大于等于": "≥", "小于等于": "≤", "等于": "=", "大于": ">", "小于": "<",
                       "≥": "≥", "≤": "≤", "=": "=", ">": ">", "<": "<"}
_PREFIX_WORDS = [("大于等于", "≥"), ("小于等于", "≤"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"),
                 ("至少", "≥"), ("达到", "≥"), ("不高于", "≤"), ("不超过", "≤"), ("不大于", "≤"),
                 ("不多于", "≤"), ("控制在", "≤"), ("低于", "<"), ("少于", "<"), ("高于", ">"),
                 ("超过", ">"), ("大于", ">"), ("小于", "<"), ("等于", "="),
                 # a growth written as a target (提升10%): at least that much more
                 ("提升", "≥"), ("提高", "≥"), ("增长", "≥"), ("增加", "≥")]
_SYMBOLS = {">=": "≥", "<=": "≤", "≥": "≥", "≤": "≤", "≧": "≥", "≦": "≤", "=": "=", ">": ">", "<": "<",
            "＞": ">", "＜": "<", "=>": "≥", "=<": "≤"}
_SUFFIX_WORDS = [("以上", "≥"), ("及以上", "≥"), ("以内", "≤"), ("以下", "≤"), ("之内", "≤")]
_GRADES = ("优秀", "良好", "合格", "不合格", "优", "良", "中", "差")
_YESNO = {"是/否", "是", "否", "是或否", "是否"}
_PLACEHOLDER = re.compile(r"\*|目标内容|文字描述|^x+$|^X+$|^xx|^XX|^…+$|^-+$|^/$|^无$|^数量$|^指标值$")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)")
_RANGE = re.compile(r"^(\d+(?:\.\d+)?)(%|)[-~～至到—](\d+(?:\.\d+)?)")
_FULLDATE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})[日号])?")
# a date written with dots, dashes or slashes (2020.12.31, 2022-6-30): read as 2020年12月31日
_NUMDATE = re.compile(r"^((?:19|20)\d{2})[.\-/](1[0-2]|0?[1-9])[.\-/](3[01]|[12]\d|0?[1-9])(?!\d)")
_TRAILING_NOTE = re.compile(r"\(([^()]*)\)$")
# a "*" joining the parts of a per-unit unit (元/人*月)
_UNIT_TIMES = re.compile(r"(/[\u4e00-\u9fff]+)\*(?=[\u4e00-\u9fff])")
# what may follow 12月 / 2021年 in a deadline: (年)底/末, then 前/之前/以前
_MONTH_END = re.compile(r"^(?:年?(底|末))?(之前|以前|前)?")
_GROWTH_WORDS = ("增长", "增幅", "增加", "提高", "提升", "同比", "环比", "超额")
_DEADLINE_NAME = ("时间", "日期", "时限", "期限前", "截止", "节点", "按时", "按期", "及时")
_DURATION_NAME = ("年限", "周期", "时长", "持续", "长期", "期限", "持久", "使用性")

# Target fields in a fixed order, for the cached tuple
_FIELDS = ("comparator", "value", "upper", "unit", "dimension", "qualitative", "grade", "note",
           "value_yuan", "status")


def normalise(
    raw: str | None,
    *,
    direction: str | None = None,
    measure_unit: str | None = None,
    nature: str | None = None,
    level2: str | None = None,
    name: str | None = None,
) -> Target:
    """Normalise one target cell.  *direction*/*measure_unit*/*nature* are the 13-column
    layout's own columns; *level2* and *name* only decide whether ``12月`` is a deadline
    or a duration and whether a percentage above 100 can be a growth rate."""
    raw = raw or ""
    values = _cached(raw, direction or None, measure_unit or None, nature or None, level2, name)
    return Target(raw, *values)


def _cached(raw: str, direction: str | None, measure_unit: str | None, nature: str | None,
            level2: str | None, name: str | None) -> tuple:
    """The Target fields (in :data:`_FIELDS` order) for one cell and its row context."""
    context, growth = _row_context(level2, name)
    return _parse_cached(raw, direction, measure_unit, nature, context, growth)


@lru_cache(maxsize=65536)
def _row_context(level2: str | None, name: str | None) -> tuple[str | None, bool]:
    growth = bool(name) and any(w in name for w in _GROWTH_WORDS)  # type: ignore[operator]
    return _context(level2, name), growth


@lru_cache(maxsize=65536)
def _parse_cached(raw: str, direction: str | None, measure_unit: str | None, nature: str | None,
                  context: str | None, growth: bool) -> tuple:
    return _parse(raw, direction, measure_unit, nature, context, growth)


def _context(level2: str | None, name: str | None) -> str | None:
    n = fold(name or "")
    if any(w in n for w in _DURATION_NAME):
        return "duration"
    if (level2 and "时效" in level2) or any(w in n for w in _DEADLINE_NAME):
        return "date"
    return None


def _unit_at(text: str) -> tuple[str | None, str]:
    """The unit that *text* starts with (normalised) and the rest of the text."""
    m = _PER_UNIT.match(text)
    if m:
        return m.group(1) + m.group(2), text[m.end():]
    low = text.lower()
    for u in _ALL_UNITS:
        if low.startswith(u):
            return _ALIASES.get(u, u), text[len(u):]
    return None, text


def unit_of(text: str) -> str | None:
    """The normalised unit a short cell names, ignoring comparators, placeholders and numbers, else None.

    >>> unit_of("≥**平方米"), unit_of("≥台"), unit_of("120平米"), unit_of("有效保障")
    ('平方米', '台', '平方米', None)
    """
    u, rest = _unit_at(re.sub(r"[≥≤<>=*\d.~-]", "", fold(text)))
    return u if u and not rest else None


def _dimension(unit: str | None) -> str | None:
    if unit is None:
        return None
    if unit in _UNITS:
        return _UNITS[unit][0]
    if unit.startswith(("元/", "万元/")):
        return "money"
    return "count"


def _yuan(value: Decimal | None, unit: str | None) -> Decimal | None:
    if value is None or unit is None:
        return None
    base = unit.split("/")[0]
    if base in _UNITS and _UNITS[base][0] == "money":
        return value * _UNITS[base][1]  # type: ignore[operator]
    return None


@lru_cache(maxsize=65536)
def _parse(raw: str, direction: str | None, measure_unit: str | None, nature: str | None,
           context: str | None, growth: bool) -> tuple:
    comparator = _COMPARATOR_COLUMNS.get(fold(direction)) if direction else None
    col_unit = None
    if measure_unit:
        mu = fold(measure_unit)
        u, rest = _unit_at(mu)
        col_unit = u if u and not rest else mu
    s = fold(raw)
    note = None
    if not s:
        return _result(status="placeholder", comparator=comparator, unit=col_unit)
    if nature and fold(nature) == "定性" and not _NUMBER.match(s):
        return _result(status="qualitative", qualitative=s, dimension="qualitative")
    s = _UNIT_TIMES.sub(r"\1/", s)  # 元/人*月 is 元/人/月, not a placeholder
    if "*" in s or _PLACEHOLDER.search(_TRAILING_NOTE.sub("", s)):
        return _result(status="placeholder", note=s if s != raw else None)
    if s in _YESNO:
        return _result(status="qualitative", qualitative=s, dimension="boolean")
    # trailing parenthetical → note
    m = _TRAILING_NOTE.search(s)
    while m and m.start() > 0:
        note = m.group(1) if note is None else f"{m.group(1)};{note}"
        s = s[: m.start()]
        m = _TRAILING_NOTE.search(s)
    s = s.lstrip("%") if re.match(r"^%\d", s) else s
    # comparator written in the cell
    written = None
    for sym in sorted(_SYMBOLS, key=len, reverse=True):
        if s.startswith(sym):
            written, s = _SYMBOLS[sym], s[len(sym):]
            break
    if written is None:
        for word, sym in _PREFIX_WORDS:
            if s.startswith(word) and re.match(r"\d", s[len(word):] or "x"):
                written, s = sym, s[len(word):]
                break
    comparator = comparator or written
    if not s:
        return _result(status="placeholder", comparator=comparator)
    if s in _UNITS or s in _ALIASES or s.lower() in _ALIASES:
        return _result(status="placeholder", comparator=comparator, unit=_unit_at(s)[0])
    # dates: 2022年12月31日前, 12月底前, 12月, 2020.12.31
    s = _NUMDATE.sub(r"\1年\2月\3日", s)
    if _FULLDATE.match(s):
        d = _FULLDATE.match(s)
        assert d is not None
        y, mo, day = d.group(1), int(d.group(2)), d.group(3)
        tail = s[d.end():]
        iso = f"{y}-{mo:02d}" + (f"-{int(day):02d}" if day else "")
        cmp_ = "≤" if re.match(r"^(底|末)?(前|之前|以前|内|止)", tail) else (comparator or "=")
        rest = re.sub(r"^(底|末)?(前|之前|以前|内|止)?", "", tail)
        return _result(status="ok", comparator=cmp_, dimension="date", qualitative=iso,
                       note=_join(note, rest or None))
    tol = re.match(r"^±(\d+(?:\.\d+)?)", s)
    if tol:  # a tolerance band: ±3%以内 → -3 … 3 %
        unit, rest = _unit_at(s[tol.end():])
        rest = re.sub(r"^(以内|之内)", "", rest)
        return _finish("range", -Decimal(tol.group(1)), Decimal(tol.group(1)), unit or col_unit, rest, note,
                       context, growth)
    rng = _RANGE.match(s)
    if rng:
        lo, pct, hi = Decimal(rng.group(1)), rng.group(2), Decimal(rng.group(3))
        unit, rest = _unit_at(s[rng.end():])
        unit = unit or ("%" if pct else None) or col_unit
        return _finish("range", lo, hi, unit, rest, note, context, growth)
    num = _NUMBER.match(s)
    if not num:
        if re.search(r"\d", s) and len(re.findall(r"[\u4e00-\u9fff]", s)) <= 2:
            return _result(status="unparsed", note=note)
        return _result(status="qualitative", qualitative=fold(raw), dimension="qualitative")
    try:
        value = Decimal(num.group(1))
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return _result(status="unparsed")
    rest = s[num.end():]
    if rest == "万":
        rest = "万元"  # a bare 万 is money
    elif rest.startswith("万") and not rest.startswith("万元"):
        value, rest = value * 10000, rest[1:]  # 12万份, 3万人次
    unit, rest = _unit_at(rest)
    if unit is None:
        unit = col_unit
    for word, sym in _SUFFIX_WORDS:
        if rest.startswith(word):
            comparator = comparator or sym
            rest = rest[len(word):]
            break
    return _finish(comparator or "=", value, None, unit, rest, note, context, growth)


def _finish(comparator: str, value: Decimal, upper: Decimal | None, unit: str | None, rest: str,
            note: str | None, context: str | None, growth: bool) -> tuple:
    grade = None
    for g in _GRADES:
        if rest.startswith(g):
            grade, rest = g, rest[len(g):]
            break
    # 12月底前, 11月底之前, 2021年底, 2023年年底前: a deadline (a year only when it looks like one)
    end = _MONTH_END.match(rest)
    if end.group(0) and (unit == "月" or (unit == "年" and value >= 1900)):
        context = "date"
        if end.group(2):
            comparator = "≤" if comparator == "=" else comparator
        rest = rest[end.end():]
    rest = rest.strip(",;，；、:：")
    if rest and unit is None and len(rest) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", rest):
        unit, rest = rest, ""  # an unlisted counting word: ≥5镇街社区
    dimension = _dimension(unit)
    if unit == "月":
        dimension = context or "date-or-duration"
    elif unit == "年" and context == "date" and value >= 1900:
        dimension = "date"
    status = "ok"
    top = upper if upper is not None else value
    if dimension == "percent" and top > 100 and not growth:
        status = "implausible"
    if upper is not None and upper < value:
        status = "unparsed"
    return _result(status=status, comparator=comparator, value=value, upper=upper, unit=unit,
                   dimension=dimension, grade=grade, note=_join(note, rest or None),
                   value_yuan=_yuan(value, unit), upper_yuan=None)


def _join(a: str | None, b: str | None) -> str | None:
    if a and b:
        return f"{b};{a}"
    return a or b


def _result(**kw) -> tuple:  # noqa: ANN003
    kw.pop("upper_yuan", None)
    return tuple(kw.get(f) for f in _FIELDS[:-1]) + (kw["status"],)
