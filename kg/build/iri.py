"""Deterministic IRIs for the graph: namespaces, escaping, normalised names.

IRIs keep Chinese text readable (IRIs, unlike URIs, allow most of Unicode)
but every character that is not allowed in an IRI path segment, plus the
characters that would change an IRI's meaning (``/ # ? %``), is
percent-encoded as UTF-8.

>>> segment("冀财社〔2022〕150号")
'冀财社〔2022〕150号'
>>> segment("a b/c#d?e%f")
'a%20b%2Fc%23d%3Fe%25f'
>>> segment('<x>"{y}|\\\\^`')
'%3Cx%3E%22%7By%7D%7C%5C%5E%60'
>>> unquote(segment("100%/年 #1"))
'100%/年 #1'
>>> doc_graph("000_85e6e02dec5be085.txt")
'https://w3id.org/jxkg/graph/000_85e6e02dec5be085.txt'
>>> region_iri(["河北省", "秦皇岛市", "北戴河区"])
'https://w3id.org/jxkg/id/region/河北省/秦皇岛市/北戴河区'
>>> unit_iri([], "418001", "乌海市人力资源和社会保障局")
'https://w3id.org/jxkg/id/unit/_/418001'
>>> unit_iri(["河北省"], None, "河北省 人社厅（本级）")
'https://w3id.org/jxkg/id/unit/河北省/name/河北省人社厅(本级)'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from urllib.parse import unquote

__all__ = [
    "JX",
    "JXI",
    "JXG",
    "JXCAT",
    "JXC",
    "segment",
    "unquote",
    "normalise_name",
    "doc_graph",
    "doc_iri",
    "span_iri",
    "region_iri",
    "unit_iri",
    "project_iri",
    "wenhao_iri",
    "UNKNOWN_REGION",
]

JX = "https://w3id.org/jxkg/ontology#"
JXI = "https://w3id.org/jxkg/id/"
JXG = "https://w3id.org/jxkg/graph/"
JXCAT = "https://w3id.org/jxkg/category/"
JXC = "https://w3id.org/jxkg/concept/"

UNKNOWN_REGION = "_"

# ASCII characters allowed unescaped in an IRI path segment (RFC 3987 ipchar
# minus "/"): unreserved, sub-delims, ":" and "@".
_ASCII_OK = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")


def _ucschar(cp: int) -> bool:
    """True for code points RFC 3987 allows unescaped (``ucschar``)."""
    if 0xA0 <= cp <= 0xD7FF or 0xF900 <= cp <= 0xFDCF or 0xFDF0 <= cp <= 0xFFEF:
        return True
    if 0x10000 <= cp <= 0xEFFFD:
        return (cp & 0xFFFF) <= 0xFFFD and not 0xE0000 <= cp <= 0xE0FFF
    return False


def segment(text: str) -> str:
    """*text* as one IRI path segment: keep what IRIs allow, percent-encode the rest.

    ``/``, ``#``, ``?`` and ``%`` are always encoded, so the result never adds
    a path level or a fragment, and :func:`unquote` gives *text* back.  The
    dot segments ``.`` and ``..`` are encoded too (IRI resolution would drop
    them).

    >>> segment("..")
    '%2E%2E'
    >>> segment("tab\\there")
    'tab%09here'
    >>> segment("")
    Traceback (most recent call last):
    ...
    ValueError: empty IRI segment
    """
    if not text:
        raise ValueError("empty IRI segment")
    if text in (".", ".."):
        return "%2E" * len(text)
    out: list[str] = []
    for ch in text:
        if ch in _ASCII_OK or (ord(ch) >= 0xA0 and _ucschar(ord(ch))):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
    return "".join(out)


def normalise_name(name: str) -> str:
    """A unit or region name for keying: NFKC (full-width → half-width), no whitespace.

    >>> normalise_name(" 秦皇岛市北戴河区人力资源和社会保障局（本级） ")
    '秦皇岛市北戴河区人力资源和社会保障局(本级)'
    >>> normalise_name("满意度指 标")
    '满意度指标'
    """
    return "".join(unicodedata.normalize("NFKC", name).split())


def doc_graph(file_name: str) -> str:
    """IRI of the named graph holding one source document's facts."""
    return JXG + segment(file_name)


def doc_iri(file_name: str) -> str:
    """IRI of the disclosure (the source document itself)."""
    return f"{JXI}doc/{segment(file_name)}"


def span_iri(file_name: str, line: int, end_line: int) -> str:
    """IRI of a source line span.

    >>> span_iri("a b.txt", 3, 7)
    'https://w3id.org/jxkg/id/doc/a%20b.txt/L3-7'
    """
    return f"{doc_iri(file_name)}/L{line}-{end_line}"


def _region_path(parts: Sequence[str]) -> str:
    return "/".join(segment(p) for p in parts) if parts else UNKNOWN_REGION


def region_iri(parts: Sequence[str]) -> str:
    """IRI of a region given its path of names, province first (``_`` when empty)."""
    return f"{JXI}region/{_region_path(parts)}"


def unit_iri(region_parts: Sequence[str], code: str | None, name: str) -> str:
    """IRI of a budget unit: keyed by region + code, or region + normalised name."""
    region = _region_path(region_parts)
    if code and code.strip():
        return f"{JXI}unit/{region}/{segment(code.strip())}"
    return f"{JXI}unit/{region}/name/{segment(normalise_name(name))}"


def project_iri(file_name: str, table_key: str) -> str:
    """IRI of a project (one target table), *table_key* is its table number."""
    return f"{JXI}project/{segment(file_name)}/{segment(table_key)}"


def wenhao_iri(number: str) -> str:
    """IRI of a funding document (文号), keyed by its canonical number.

    >>> wenhao_iri("冀财社〔2022〕150号")
    'https://w3id.org/jxkg/id/wenhao/冀财社〔2022〕150号'
    """
    return f"{JXI}wenhao/{segment(number.strip())}"
