"""The read stage: bytes → decoded, numbered lines.

Knows formats, encodings and text normalisation, nothing about budgets.  Public
entry: :func:`read_file`.  The format is told from the content
(:mod:`kg.read.sniff`), not the file name: plain text (UTF-8, UTF-16, GB18030),
Word ``.docx``, Excel ``.xlsx`` (also when named ``.xls``) and saved web pages;
native formats are rendered as text lines by :mod:`kg.read.native`.  Bad input
raises :class:`ReadError`, whose message names the file and (where it makes
sense) the line.

>>> normalise("（一）指标值：≥９５％")
'(一)指标值:≥95%'
>>> src = read_bytes(b"a\\r\\n\\tb\\n", "x.txt")
>>> [(l.number, l.raw) for l in src.lines]
[(1, 'a'), (2, '\\tb')]
>>> read_bytes("一级指标".encode("gbk"), "y.txt").encoding
'gb18030'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from kg.model import Line, SourceText
from kg.read import native, sniff

#: Files larger than this are refused rather than read into memory.
MAX_BYTES = 64 * 1024 * 1024
#: Office packages larger than this (compressed) are refused: their rendering takes far more memory.
MAX_OFFICE_BYTES = 32 * 1024 * 1024
#: Lines longer than this (characters) are kept in ``raw`` but cut for matching (``text``).
MAX_MATCH_CHARS = 20_000


class ReadError(Exception):
    """An input file that cannot be read; ``str()`` is a one-line message naming file and line."""

    def __init__(self, file: str, message: str, line: int | None = None):
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


# Full-width → half-width and compatibility forms, plus a few look-alikes NFKC leaves alone.
_EXTRA = str.maketrans({"\u3000": " ", "\u00a0": " ", "〜": "~", "－": "-", "—": "-", "–": "-"})


def normalise(text: str) -> str:
    """Text for matching: NFKC (full-width → half-width), look-alike dashes folded, ends trimmed."""
    return unicodedata.normalize("NFKC", text).translate(_EXTRA).strip()


def _decode(data: bytes, file: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    last: UnicodeDecodeError | None = None
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            last = exc
    assert last is not None
    line = data.count(b"\n", 0, last.start) + 1
    raise ReadError(file, f"unknown text encoding (not UTF-8 or GB18030): undecodable bytes at offset {last.start}", line)


def _check_binary(data: bytes, file: str) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 is full of NUL bytes; decoding it checks it
    head = data[:65536]
    nul = head.find(b"\x00")
    if nul >= 0:
        raise ReadError(file, "binary file (NUL byte), not a text disclosure", head.count(b"\n", 0, nul) + 1)
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls / len(head) > 0.05:
        raise ReadError(file, f"binary file ({controls} control bytes in the first {len(head)}), not a text disclosure")


def read_bytes(data: bytes, name: str, path: str | None = None) -> SourceText:
    """Decode *data* (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030/GBK) into numbered lines."""
    if not data.strip():
        raise ReadError(name, "empty file")
    _check_binary(data, name)
    text, encoding = _decode(data, name)
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.rstrip("\r")
        # Control characters other than tab would corrupt output formats; keep them visible as U+FFFD.
        if any(ord(c) < 32 and c != "\t" for c in raw):
            raw = "".join("\ufffd" if ord(c) < 32 and c != "\t" else c for c in raw)
        lines.append(Line(number, raw, normalise(raw[:MAX_MATCH_CHARS])))
    if lines and not lines[-1].raw:
        lines.pop()
    return SourceText(
        path=path or name,
        name=name,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        lines=lines,
    )


def _from_rendered(rendered: list[tuple[str, str]], data: bytes, name: str, path: str | None, fmt: str, encoding: str) -> SourceText:
    while rendered and not rendered[-1][0].strip():
        rendered.pop()
    if not any(raw.strip() for raw, _ in rendered):
        raise ReadError(name, f"no text in this {fmt} file")
    lines = [Line(n, raw, normalise(raw[:MAX_MATCH_CHARS]), where) for n, (raw, where) in enumerate(rendered, start=1)]
    return SourceText(
        path=path or name, name=name, encoding=encoding, sha256=hashlib.sha256(data).hexdigest(), lines=lines, format=fmt
    )


def _html_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode a web page: BOM, then a declared charset, then UTF-8 / GB18030."""
    m = re.search(rb"charset\s*=\s*[\"']?\s*([A-Za-z0-9_-]+)", data[:4096], re.IGNORECASE)
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = m.group(1).decode("ascii").lower()
        if declared in {"gb2312", "gbk", "gb18030", "x-gbk"}:
            declared = "gb18030"
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    return _decode(data, name)


def read_any(data: bytes, name: str, path: str | None = None) -> SourceText:
    """Decode *data* in whatever supported format its content shows."""
    if not data.strip():
        raise ReadError(name, "empty file")
    kind = sniff.detect(data[:8192])
    if kind == "zip":
        if len(data) > MAX_OFFICE_BYTES:
            raise ReadError(name, f"Office file too large ({len(data)} bytes > {MAX_OFFICE_BYTES})")
        try:
            fmt, zf = sniff.open_office(data)
        except sniff.ContainerError as exc:
            raise ReadError(name, str(exc)) from None
        try:
            rendered = native.docx_lines(zf) if fmt == "docx" else native.xlsx_lines(zf)
        except MemoryError:
            raise ReadError(name, f"{fmt} file too large to render") from None
        except Exception as exc:  # a malformed package: python-docx / openpyxl raise many kinds
            raise ReadError(name, f"unreadable {fmt} file ({type(exc).__name__}: {str(exc)[:200]})") from None
        return _from_rendered(rendered, data, name, path, fmt, "utf-8")
    if kind == "ole":
        raise ReadError(name, "old binary Word/Excel format (.doc/.xls); save it as .docx/.xlsx first")
    if kind == "pdf":
        raise ReadError(name, "PDF is not supported; copy its text into a .txt file first")
    if kind == "html":
        _check_binary(data, name)
        text, encoding = _html_text(data, name)
        try:
            rendered = native.html_lines(text)
        except Exception as exc:
            raise ReadError(name, f"unreadable web page ({type(exc).__name__}: {str(exc)[:200]})") from None
        return _from_rendered(rendered, data, name, path, "html", encoding)
    return read_bytes(data, name, path)


def read_file(path: str | Path) -> SourceText:
    """Read one disclosure file; raise :class:`ReadError` when it cannot be used."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(p.name, f"file too large ({size} bytes > {MAX_BYTES}); split it first")
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(p.name, f"cannot open: {exc.strerror or exc}") from None
    return read_any(data, p.name, str(p))
