"""IRI helpers of the build stage: escaping keeps IRIs valid and reversible."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyoxigraph import NamedNode

from kg.build import iri


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b", "a%20b"),
        ("<>", "%3C%3E"),
        ('"{}|\\^`', "%22%7B%7D%7C%5C%5E%60"),
        ("x#y?z", "x%23y%3Fz"),
        ("100%", "100%25"),
        ("a/b", "a%2Fb"),
        ("\x00\x1f\x7f", "%00%1F%7F"),
        ("\u0085", "%C2%85"),  # C1 control
        ("冀财社〔2022〕150号", "冀财社〔2022〕150号"),
        ("（本级）", "（本级）"),
        (".", "%2E"),
        ("..", "%2E%2E"),
        ("a.b", "a.b"),
    ],
)
def test_segment_escapes(text: str, expected: str) -> None:
    assert iri.segment(text) == expected


def test_segment_rejects_empty() -> None:
    with pytest.raises(ValueError):
        iri.segment("")


@given(st.text(min_size=1))
def test_segment_gives_valid_reversible_iri(text: str) -> None:
    seg = iri.segment(text)
    for ch in " /#?<>\"{}|\\^`":
        assert ch not in seg
    node = NamedNode(iri.JXI + "t/" + seg)  # raises ValueError on an invalid IRI
    assert node.value.endswith(seg)
    assert iri.unquote(seg) == text


@given(st.lists(st.text(min_size=1), min_size=1, max_size=4), st.text(min_size=1))
def test_unit_iris_are_valid_and_keep_region_levels(parts: list[str], name: str) -> None:
    if not iri.normalise_name(name):  # a blank name is no key: refused, never an invalid IRI
        with pytest.raises(ValueError):
            iri.unit_iri(parts, None, name)
        return
    u = iri.unit_iri(parts, None, name)
    NamedNode(u)
    # one path level per region part, then name/{name}
    rest = u[len(iri.JXI + "unit/") :]
    assert rest.count("/") == len(parts) + 1


def test_unit_keys() -> None:
    region = ["河北省", "秦皇岛市", "北戴河区"]
    assert iri.unit_iri(region, "316001", "whatever") == iri.unit_iri(region, " 316001 ", "other name")
    assert iri.unit_iri(region, "316001", "x") != iri.unit_iri(["河北省", "邯郸市"], "316001", "x")
    # name keys ignore wrap spaces and full/half-width brackets
    assert iri.unit_iri(region, None, "人社局（本级）") == iri.unit_iri(region, "", "人社局 (本级)")
    assert iri.unit_iri([], "418001", "x") == iri.JXI + "unit/_/418001"


def test_patterns_match_rdf_model() -> None:
    assert iri.doc_graph("000_85e6e02dec5be085.txt") == "https://w3id.org/jxkg/graph/000_85e6e02dec5be085.txt"
    assert iri.span_iri("a.txt", 3, 5) == "https://w3id.org/jxkg/id/doc/a.txt/L3-5"
    assert iri.project_iri("a.txt", "7") == "https://w3id.org/jxkg/id/project/a.txt/7"
    assert iri.wenhao_iri("冀财社〔2022〕150号") == "https://w3id.org/jxkg/id/wenhao/冀财社〔2022〕150号"
    assert iri.region_iri([]) == "https://w3id.org/jxkg/id/region/_"
