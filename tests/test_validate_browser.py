"""The HTML report opens in headless Debian chromium: a screenshot that is not blank, and a DOM whose
findings table has rows.  Skips when chromium is missing (apt-get install -y chromium)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store
from typer.testing import CliRunner

from kg.cli import app

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.browser


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("Debian chromium not installed (apt-get install -y chromium)")
    return exe


def _flags(profile: Path) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--window-size=1280,900"]  # fmt: skip


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG into rows of pixel bytes (filters undone)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and ctype in (2, 6)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, bpp, rows


@pytest.fixture(scope="module")
def html_report(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("html")
    store = work / "store"
    s = Store(str(store))
    s.load(path=str(DATA / "validate_fixture.trig"), format=RdfFormat.TRIG)
    s.flush()
    del s
    out = work / "report.html"
    res = CliRunner().invoke(app, ["validate", "--store", str(store), "--format", "html", "-o", str(out),
                                   "--sources", str(DATA), "--jobs", "1"])  # fmt: skip
    assert res.exit_code == 1, res.output
    return out


@pytest.mark.slow
def test_dom_has_findings_rows(html_report, tmp_path):
    exe = _chromium()
    done = subprocess.run([exe, *_flags(tmp_path / "p"), "--dump-dom", html_report.as_uri()],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    dom = done.stdout
    assert dom.count('class="finding sev-') == 36
    assert "750000%" in dom and "违规" in dom


@pytest.mark.slow
def test_screenshot_is_not_blank(html_report, tmp_path):
    exe = _chromium()
    shot = tmp_path / "shot.png"
    subprocess.run([exe, *_flags(tmp_path / "p"), f"--screenshot={shot}", html_report.as_uri()],
                   capture_output=True, timeout=120)  # fmt: skip
    assert shot.is_file(), "chromium wrote no screenshot"
    width, bpp, rows = _png_pixels(shot.read_bytes())
    colours = set()
    dark = 0
    for row in rows:
        for x in range(0, width * bpp, bpp * 2):
            px = row[x : x + 3]
            colours.add(px)
            if sum(px) < 300:
                dark += 1
    assert len(colours) > 20  # text, badges, table borders
    assert dark > 2000  # plenty of text drawn, not an empty page
    # the red Violation badge is drawn
    assert any(abs(p[0] - 0xC0) < 8 and abs(p[1] - 0x39) < 8 and abs(p[2] - 0x2B) < 8 for p in colours)
