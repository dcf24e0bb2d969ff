"""文号 (document numbers such as ``冀财社〔2022〕150号``): find, normalise, merge.

A 文号 is an issuer abbreviation, a bracketed year, an optional 第, a serial and 号.  The
corpus writes the brackets every possible way (〔〕【】[]（）and typos such as ``【2022]】``);
the canonical form uses 〔〕 and keeps 第.

>>> [r.number for r in find("冀财社【2022]】150号关于提前下达2023年中央就业补助资金预算指标的通知")]
['冀财社〔2022〕150号']
>>> r = find("根据冀价行费字【2000】第40号文件")[0]
>>> (r.number, r.issuer, r.year, r.serial, r.level)
('冀价行费字〔2000〕第40号', '冀价行费字', 2000, '40', '省级')
>>> find("保财社【2021】107号")[0].level, find("财社[2021]66号")[0].level
('市级', '中央')
>>> find("同财农(农)指标〔2023〕2-1号")[0].number
'同财农(农)指标〔2023〕2-1号'
>>> find("2022年预算 13060522P004 项目")
[]
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.model import FundingRef

_OPEN = "〔【\\[（(［﹝{〖"
_CLOSE = "〕】\\]）)］﹞}〗"
_PATTERN = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,16}(?:[(（][\u4e00-\u9fff]{1,3}[)）][\u4e00-\u9fff]{0,4})?)"
    rf"\s*[{_OPEN}]+\s*(?P<year>(?:19|20)\d{{2}})\s*[{_CLOSE}]+\s*"
    r"(?P<di>第)?\s*(?P<serial>\d{1,5}(?:[-－—]\d{1,4})?)\s*号"
)

# first character(s) of an issuer abbreviation → administrative level
_PROVINCES = set("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕甘陇青宁新")
_CITIES = {  # 河北省 and 内蒙古 cities seen around the corpus; extend as needed
    "石": "石家庄市", "唐": "唐山市", "秦": "秦皇岛市", "邯": "邯郸市", "邢": "邢台市", "保": "保定市",
    "张": "张家口市", "承": "承德市", "沧": "沧州市", "廊": "廊坊市", "衡": "衡水市", "乌": "乌海市",
    "呼": "呼和浩特市", "包": "包头市", "同": "大同市",
}
_CENTRAL_STARTS = ("财", "国发", "国办", "国函", "人社部", "人社厅", "中办", "中发", "发改", "教育部", "民政部")
_ORGAN_CHARS = set("财人政价发办教社劳农卫建规组委府字函税审医民")
_LEAD_WORDS = ("根据", "依据", "按照", "依照", "参照", "关于", "文件", "印发", "转发", "执行", "落实", "通知",
               "及", "和", "与", "的", "见", "据", "按")


def level_of(issuer: str) -> str | None:
    """Administrative level told by an issuer abbreviation's first characters.

    >>> level_of("冀财社"), level_of("保财社"), level_of("财预"), level_of("香河县人社")
    ('省级', '市级', '中央', '县级')
    """
    if issuer.startswith(_CENTRAL_STARTS):
        return "中央"
    first = issuer[0]
    if re.match(r"^[\u4e00-\u9fff]{1,4}[县区旗]", issuer):
        return "县级"
    if first in _PROVINCES and len(issuer) > 1 and issuer[1] in _ORGAN_CHARS:
        return "省级"
    if first in _CITIES and len(issuer) > 1:
        return "市级"
    if re.match(r"^[\u4e00-\u9fff]{1,4}市", issuer):
        return "市级"
    return None


@lru_cache(maxsize=16384)
def _trim(prefix: str) -> str:
    """Cut leading prose off the CJK run before the bracket: 根据冀财社 → 冀财社."""
    changed = True
    while changed:
        changed = False
        for w in _LEAD_WORDS:
            if prefix.startswith(w) and len(prefix) > len(w) + 1:
                prefix, changed = prefix[len(w):], True
    for i in range(len(prefix) - 1):
        if level_of(prefix[i:]) is not None:
            return prefix[i:]
    return prefix[-8:] if len(prefix) > 8 else prefix


def canonical(issuer: str, year: int | str, serial: str, di: bool = False) -> str:
    """``冀财社``, 2022, ``150`` → ``冀财社〔2022〕150号``."""
    return f"{issuer}〔{year}〕{'第' if di else ''}{serial}号"


def find(text: str) -> list[FundingRef]:
    """Every 文号 in *text*, in order (duplicates kept; ``lines`` left empty)."""
    if "号" not in text:
        return []
    return [FundingRef(*t) for t in _find(text)]


@lru_cache(maxsize=65536)
def _find(text: str) -> tuple[tuple, ...]:
    out = []
    for m in _PATTERN.finditer(text):
        prefix = _trim(m.group("prefix"))
        issuer = unicodedata.normalize("NFKC", prefix)
        year = int(m.group("year"))
        if not 1980 <= year <= 2040:
            continue
        serial = re.sub(r"[－—]", "-", m.group("serial"))
        raw_start = m.start("prefix") + m.group("prefix").rfind(prefix)
        out.append((canonical(issuer, year, serial, bool(m.group("di"))), text[raw_start:m.end()].strip(),
                    issuer, year, serial, level_of(issuer)))
    return tuple(out)


def merge(refs: list[tuple[int, FundingRef]]) -> list[FundingRef]:
    """Merge (line, ref) pairs by canonical number; keep the first raw spelling, all lines.

    >>> a, b = find("冀财社【2022]】150号"), find("冀财社【2022】150号")
    >>> [(r.number, r.lines) for r in merge([(3, a[0]), (9, b[0]), (9, b[0])])]
    [('冀财社〔2022〕150号', [3, 9])]
    """
    by: dict[str, FundingRef] = {}
    for line, ref in refs:
        cur = by.get(ref.number)
        if cur is None:
            cur = by[ref.number] = FundingRef(ref.number, ref.raw, ref.issuer, ref.year, ref.serial, ref.level, [])
        if line not in cur.lines:
            cur.lines.append(line)
    for r in by.values():
        r.lines.sort()
    return list(by.values())
