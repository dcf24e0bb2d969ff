"""Regions (province / city / county / district / 新城) from issuer and unit names.

The gazetteer is ``kg/link/data/regions.tsv``: full name, level, parent, short aliases.
:func:`resolve` finds the most specific region a text names and returns its path, province
first.  A name is looked up under its full form (北戴河区) and its aliases (北戴河), longest
match first, so ``秦皇岛市北戴河区人力资源和社会保障局`` resolves to 河北省 › 秦皇岛市 › 北戴河区.

>>> [p.name for p in resolve("秦皇岛市北戴河区人力资源和社会保障局")]
['河北省', '秦皇岛市', '北戴河区']
>>> [(p.name, p.level) for p in resolve("保定白沟新城管理委员会组织人事局")]
[('河北省', 'province'), ('保定市', 'city'), ('白沟新城', 'new-area')]
>>> full_name(resolve("乌海市人力资源和社会保障局"))
'内蒙古自治区乌海市'
>>> resolve("人力资源和社会保障局")
[]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.link.text import fold
from kg.model import RegionPart

DATA = Path(__file__).resolve().parent / "data" / "regions.tsv"
_LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "district": 2, "new-area": 3}


@dataclass(frozen=True)
class _Entry:
    name: str
    level: str
    parent: str | None


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, _Entry], list[tuple[str, str]]]:
    """(entries by full name, [(surface form, full name)] longest surface first)."""
    entries: dict[str, _Entry] = {}
    surfaces: list[tuple[str, str]] = []
    for n, line in enumerate(DATA.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 2 or cells[1] not in _LEVEL_RANK:
            raise ValueError(f"{DATA}:{n}: 无法识别的地区行: {line!r}")
        name, level = cells[0], cells[1]
        parent = cells[2] if len(cells) > 2 and cells[2] else None
        entries[name] = _Entry(name, level, parent)
        surfaces.append((name, name))
        for alias in (cells[3].split(",") if len(cells) > 3 and cells[3] else []):
            surfaces.append((alias.strip(), name))
    surfaces.sort(key=lambda s: -len(s[0]))
    return entries, surfaces


def path_of(name: str) -> list[RegionPart]:
    """The path of a gazetteer region, province first.

    >>> [p.name for p in path_of("香河县")]
    ['河北省', '廊坊市', '香河县']
    """
    entries, _ = _gazetteer()
    out: list[RegionPart] = []
    cur = entries.get(name)
    while cur is not None:
        out.append(RegionPart(cur.name, cur.level))
        cur = entries.get(cur.parent) if cur.parent else None
    return out[::-1]


@lru_cache(maxsize=8192)
def _resolve(text: str) -> tuple[RegionPart, ...]:
    entries, surfaces = _gazetteer()
    found: list[tuple[int, str]] = []  # (position, full name)
    taken = [False] * len(text)
    for surface, name in surfaces:
        start = text.find(surface)
        while start >= 0:
            if not any(taken[start:start + len(surface)]):
                found.append((start, name))
                for i in range(start, start + len(surface)):
                    taken[i] = True
            start = text.find(surface, start + 1)
    if not found:
        return ()
    # the most specific region whose ancestors do not contradict the other names found
    names = {n for _, n in found}
    best: list[RegionPart] = []
    for _, name in sorted(found):
        path = path_of(name)
        ancestors = {p.name for p in path}
        contradicts = any(
            entries[o].level in ("province", "city") and o not in ancestors
            and _LEVEL_RANK[entries[o].level] < _LEVEL_RANK[entries[name].level]
            and name not in {p.name for p in path_of(o)}
            for o in names
        )
        if contradicts:
            continue
        if len(path) > len(best):
            best = path
    return tuple(best)


def resolve(text: str | None) -> list[RegionPart]:
    """The region path (province first) named in *text*; ``[]`` when none is known."""
    if not text:
        return []
    return list(_resolve(fold(text)))


def full_name(path: list[RegionPart]) -> str | None:
    """``河北省秦皇岛市北戴河区`` from a path; None for an empty path."""
    return "".join(p.name for p in path) or None
