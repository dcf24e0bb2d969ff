"""Money amounts and years in free text (goals, purposes, prose).

>>> [(str(a.yuan), a.raw) for a in find_amounts("共需资金1.6万元，按每生每学年500元计算，合计3亿元")]
[('16000.0', '1.6万元'), ('500', '500元'), ('300000000', '3亿元')]
>>> find_years("2022年12月31日前完成2023年度计划，项目代码13060522P004")
[2022, 2023]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_AMOUNT = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(亿元|万元|千元|元)")
_FACTOR = {"亿元": Decimal(100000000), "万元": Decimal(10000), "千元": Decimal(1000), "元": Decimal(1)}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|年度)")


@dataclass(frozen=True)
class Amount:
    raw: str
    value: Decimal  # as written
    unit: str  # 亿元 | 万元 | 千元 | 元
    yuan: Decimal  # in 元


def find_amounts(text: str) -> list[Amount]:
    """Every money amount written with a 元 unit, in order."""
    out = []
    for m in _AMOUNT.finditer(text or ""):
        value = Decimal(m.group(1).replace(",", ""))
        out.append(Amount(m.group(0), value, m.group(2), value * _FACTOR[m.group(2)]))
    return out


def find_years(text: str) -> list[int]:
    """Distinct years written as ``2022年`` / ``2022年度``, in order of first appearance."""
    seen: list[int] = []
    for m in _YEAR.finditer(text or ""):
        y = int(m.group(1))
        if y not in seen:
            seen.append(y)
    return seen
