"""Regions from issuer and unit names."""

from __future__ import annotations

from kg.link import link_document
from kg.link.regions import full_name, resolve
from kg.model import Document, SourceText, Unit


def test_gold_regions_from_issuers(gold: dict) -> None:
    for d in gold["documents"]:
        assert full_name(resolve(d["issuer"])) == d["region"], d["file"]


def test_path_levels_and_parents() -> None:
    path = resolve("保定白沟新城管理委员会组织人事局（本级）")
    assert [(p.name, p.level) for p in path] == [("河北省", "province"), ("保定市", "city"), ("白沟新城", "new-area")]


def _doc(issuer: str | None, units: list[str]) -> Document:
    return Document("f.txt", "f.txt", "0", "utf-8", 0, issuer=issuer, units=[Unit("418001", u) for u in units])


def test_issuer_wins_over_corrupted_unit_names() -> None:
    doc = _doc("乌海市人力资源和社会保障局", ["上海市人力资源和社会保障局", "上海市人力资源和社会保障局"])
    link_document(doc, SourceText("f.txt", "f.txt", "utf-8", "0", []))
    assert doc.region == "内蒙古自治区乌海市"
    assert [p.level for p in doc.region_path] == ["province", "city"]


def test_units_used_when_issuer_unknown() -> None:
    doc = _doc(None, ["邯郸市劳动技工学校", "邯郸市社会保险事业管理局"])
    link_document(doc, SourceText("f.txt", "f.txt", "utf-8", "0", []))
    assert doc.region == "河北省邯郸市"


def test_unknown_region() -> None:
    assert resolve("人力资源和社会保障局") == []
    doc = _doc(None, [])
    link_document(doc, SourceText("f.txt", "f.txt", "utf-8", "0", []))
    assert doc.region is None and doc.region_path == []
