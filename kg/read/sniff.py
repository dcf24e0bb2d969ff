"""Tell a file's format from its content, and open zip containers without trusting them.

The file name is only a hint: a GBK text file called ``.docx`` is read as text,
an ``.xls`` that is really an Office Open XML workbook is read as one.

>>> detect(b"PK\\x03\\x04...")
'zip'
>>> detect(b"\\xef\\xbb\\xbf<!DOCTYPE html><html>")
'html'
>>> detect("一级指标\\t二级指标".encode("gbk"))
'text'
>>> detect(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1")
'ole'
"""

from __future__ import annotations

import io
import re
import zipfile

#: Refuse a container whose parts would decompress to more than this (zip bombs).
MAX_UNZIPPED = 200 * 1024 * 1024
#: Refuse a part that decompresses more than this many times its stored size (when over 1 MiB).
MAX_RATIO = 200
#: Refuse containers with more parts than this.
MAX_PARTS = 5000

_HTML = re.compile(rb"<\s*(!doctype\s+html|html|table|body|head|meta)\b", re.IGNORECASE)


class ContainerError(Exception):
    """A zip container that is broken, not Office Open XML, or looks like a zip bomb."""


def detect(head: bytes) -> str:
    """Format of a file from its first bytes: ``zip``, ``ole``, ``pdf``, ``html`` or ``text``."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"%PDF-"):
        return "pdf"
    probe = head[:4096]
    if probe.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            probe = probe.decode("utf-16", errors="ignore").encode("utf-8")
        except Exception:  # pragma: no cover - decode(errors=ignore) does not raise
            pass
    if _HTML.search(probe.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024]) and probe.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "html"
    return "text"


def open_office(data: bytes) -> tuple[str, zipfile.ZipFile]:
    """Open an Office Open XML package after checking it is not a zip bomb.

    Returns (``docx`` | ``xlsx``, the open ZipFile).  Declared sizes are checked
    first, then every part is decompressed in chunks with a running budget, so a
    container that lies about its sizes is stopped as well.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ContainerError(f"broken zip container ({exc})") from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise ContainerError("zip archive that is not an Office document (no [Content_Types].xml)")
    if "word/document.xml" in names:
        kind = "docx"
    elif "xl/workbook.xml" in names:
        kind = "xlsx"
    else:
        raise ContainerError("Office package that is neither a Word document nor an Excel workbook")
    if len(infos) > MAX_PARTS:
        raise ContainerError(f"too many parts in the container ({len(infos)})")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNZIPPED:
        raise ContainerError(f"would decompress to {declared} bytes (limit {MAX_UNZIPPED}); refusing a possible zip bomb")
    budget = MAX_UNZIPPED
    for info in infos:
        if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ContainerError(
                f"part {info.filename} compresses {info.file_size // max(info.compress_size, 1)}:1; refusing a possible zip bomb"
            )
        try:
            with zf.open(info) as part:
                seen = 0
                while chunk := part.read(1 << 20):
                    seen += len(chunk)
                    budget -= len(chunk)
                    if budget < 0 or seen > max(info.file_size, 0) + (1 << 20):
                        raise ContainerError("decompresses to more than it declares; refusing a possible zip bomb")
        except ContainerError:
            raise
        except Exception as exc:  # bad CRC, unsupported compression, truncated data …
            raise ContainerError(f"broken part {info.filename} ({type(exc).__name__}: {exc})") from None
    return kind, zf
