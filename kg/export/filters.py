"""The ``--where KEY=VALUE`` filter language of ``jxkg export``.

Filters select *projects*; every view then keeps the nodes reached from the selected
projects (their units, regions, funding documents, concepts).  Keys:

=========  ===========================================================================
region     the region path of the project's disclosure (or unit) contains VALUE
           (``香河县``, ``廊坊市``, ``河北省廊坊市``)
year       the disclosure's fiscal year is VALUE (documents without a stated year drop out)
unit       the project's unit has code VALUE or a name containing VALUE
wenhao     the project is funded by or cites a 文号 containing VALUE; brackets
           【】[]（） are read as 〔〕 (``冀财社【2022】150号`` = ``冀财社〔2022〕150号``)
doc        the source file name contains VALUE
=========  ===========================================================================

Repeat ``--where`` to combine: different keys must all hold, several values of one key
(repeated, or comma-separated: ``year=2022,2023``) are alternatives.

>>> w = parse_where(["region=香河县", "year=2022,2023", "year=2021"])
>>> w.conditions["year"]
['2022', '2023', '2021']
>>> canonical_wenhao("冀财社【2022]】150号")
'冀财社〔2022〕150号'
>>> parse_where(["colour=red"])
Traceback (most recent call last):
...
kg.export.data.ExportError: --where colour=red: unknown key 'colour' (use region, year, unit, wenhao, doc)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.export.data import ExportData, ExportError, Project

KEYS = ("region", "year", "unit", "wenhao", "doc")
_OPEN = "【[（(〔［"
_CLOSE = "】]）)〕］"


def canonical_wenhao(text: str) -> str:
    """Read any bracket pair as 〔〕 and drop doubled brackets and spaces (for matching only)."""
    t = re.sub(r"\s+", "", text)
    t = re.sub(f"[{re.escape(_OPEN)}]+", "〔", t)
    t = re.sub(f"[{re.escape(_CLOSE)}]+", "〕", t)
    return t


@dataclass
class Where:
    """Parsed filters: key → list of accepted values (empty = no filter)."""

    conditions: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def describe(self) -> str:
        """One line for titles and logs, e.g. ``region=香河县; year=2023``."""
        return "; ".join(f"{k}={','.join(v)}" for k, v in self.conditions.items())


def parse_where(items: list[str] | None) -> Where:
    """Parse repeated ``KEY=VALUE`` options; a malformed one raises :class:`ExportError`."""
    w = Where()
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or not value.strip():
            raise ExportError(f"--where {item}: expected KEY=VALUE with KEY one of {', '.join(KEYS)}")
        if key not in KEYS:
            raise ExportError(f"--where {item}: unknown key '{key}' (use {', '.join(KEYS)})")
        values = [v.strip() for v in re.split(r"[,，]", value) if v.strip()]
        if key == "year":
            for v in values:
                if not re.fullmatch(r"\d{4}", v):
                    raise ExportError(f"--where {item}: year must be four digits, got '{v}'")
        w.conditions.setdefault(key, []).extend(values)
    return w


def _region_text(data: ExportData, p: Project) -> str:
    return "".join(data.region_path(data.project_region(p)))


def _unit_matches(data: ExportData, p: Project, value: str) -> bool:
    iri = p.owner_unit
    if iri is None:
        return False
    if iri == value:
        return True
    u = data.units.get(iri)
    if u is None:
        return False
    return u.code == value or any(value in n for n in u.names)


def _wenhao_matches(data: ExportData, p: Project, value: str) -> bool:
    want = canonical_wenhao(value)
    for fd in p.funding_links:
        f = data.funding.get(fd)
        spellings = [f.number, *f.raws] if f else [fd.rsplit("/", 1)[-1]]
        if any(want in canonical_wenhao(s) for s in spellings if s):
            return True
    return False


def project_matches(data: ExportData, p: Project, where: Where) -> bool:
    """True when *p* passes every key of *where*."""
    for key, values in where.conditions.items():
        if key == "region":
            text = _region_text(data, p)
            ok = any(v in text for v in values)
        elif key == "year":
            ok = p.year is not None and str(p.year) in values
        elif key == "unit":
            ok = any(_unit_matches(data, p, v) for v in values)
        elif key == "wenhao":
            ok = any(_wenhao_matches(data, p, v) for v in values)
        else:  # doc
            ok = p.file is not None and any(v in p.file for v in values)
        if not ok:
            return False
    return True


def select_projects(data: ExportData, where: Where) -> set[str]:
    """IRIs of the projects that pass *where* (all projects when there is no filter)."""
    if not where:
        return set(data.projects)
    return {iri for iri, p in data.projects.items() if project_matches(data, p, where)}


def select_disclosures(data: ExportData, where: Where, projects: set[str]) -> set[str]:
    """Disclosures kept: all without filters; else those with a selected project or, when the
    filter names only document-level keys (region, year, doc), those that match themselves."""
    if not where:
        return set(data.disclosures)
    keep = {data.projects[p].doc for p in projects if data.projects[p].doc}
    if set(where.conditions) <= {"region", "year", "doc"}:
        for iri, d in data.disclosures.items():
            probe = Project(iri, file=d.file, year=d.year, region=d.region, issuer=d.issuer)
            if project_matches(data, probe, where):
                keep.add(iri)
    return keep
