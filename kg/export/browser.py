"""Headless-chromium helpers for the page tests and the benchmark (not used by the export).

* :func:`chromium` runs Debian's ``chromium`` headless on a URL (screenshot or DOM dump);
* :class:`RequestLog` serves a folder on 127.0.0.1 and records every request, to prove that
  a page loads nothing but itself;
* :func:`read_png` decodes the screenshot with zlib and numpy (no Pillow needed) and
  :func:`painted_pixels` counts the pixels that differ from the background.

>>> import zlib, struct, numpy as np
>>> raw = b"".join(b"\\x00" + bytes([255, 255, 255] * 2) for _ in range(2))
>>> def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
>>> png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) \\
...     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
>>> read_png(png).shape, _read_png_zlib(png).shape
((2, 2, 3), (2, 2, 3))
>>> painted_pixels(read_png(png))
0
"""

from __future__ import annotations

import http.server
import shutil
import struct
import subprocess
import threading
import time
import zlib
from pathlib import Path

import numpy as np

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
]


def find_chromium() -> str | None:
    """Path of the chromium binary (Debian package ``chromium``), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(url: str, profile: Path, *, screenshot: Path | None = None, dump_dom: bool = False,
             budget_ms: int = 5000, size: tuple[int, int] = (1280, 900), timeout: float = 120) -> tuple[str, float]:
    """Run headless chromium on *url*; return (stdout, wall seconds)."""
    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError("chromium not installed (Debian: apt-get install chromium)")
    args = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
            f"--virtual-time-budget={budget_ms}"]
    if screenshot is not None:
        args.append(f"--screenshot={screenshot}")
    if dump_dom:
        args.append("--dump-dom")
    args.append(url)
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}")
    return proc.stdout, secs


class RequestLog:
    """Serve *root* on 127.0.0.1 (a free port) and record the path of every request.

    Use as a context manager; ``url(name)`` gives the address of a file, ``paths`` the requests.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.paths: list[str] = []
        log = self.paths
        root_dir = str(self.root)

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=root_dir, **kw)

            def log_message(self, fmt, *args):  # record instead of printing
                pass

            def send_head(self):
                log.append(self.path)
                return super().send_head()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{name}"

    def __enter__(self) -> RequestLog:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _unfilter(data: bytes, width: int, height: int, bpp: int) -> np.ndarray:
    stride = width * bpp
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    pos = 0
    for y in range(height):
        ftype = data[pos]
        line = np.frombuffer(data, dtype=np.uint8, count=stride, offset=pos + 1).astype(np.int32)
        pos += stride + 1
        if ftype == 0:
            cur = line
        elif ftype == 2:
            cur = (line + prev) & 0xFF
        elif ftype == 1:
            cur = line.copy()
            for x in range(bpp, stride, bpp):  # Sub: left neighbour, pixel by pixel
                cur[x:x + bpp] = (cur[x:x + bpp] + cur[x - bpp:x]) & 0xFF
        else:
            cur = line.copy()
            for x in range(0, stride, bpp):
                a = cur[x - bpp:x] if x else np.zeros(bpp, dtype=np.int32)
                b = prev[x:x + bpp]
                if ftype == 3:
                    cur[x:x + bpp] = (cur[x:x + bpp] + (a + b) // 2) & 0xFF
                else:  # 4: Paeth
                    c = prev[x - bpp:x] if x else np.zeros(bpp, dtype=np.int32)
                    p = a + b - c
                    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
                    pred = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
                    cur[x:x + bpp] = (cur[x:x + bpp] + pred) & 0xFF
        out[y] = cur
        prev = cur
    return out


def read_png(png: bytes | Path) -> np.ndarray:
    """Decode a PNG into an (height, width, channels) array: with Pillow when it is installed,
    else with zlib and numpy (8-bit RGB/RGBA, non-interlaced; slow, some seconds per screenshot)."""
    data = Path(png).read_bytes() if isinstance(png, Path) else png
    try:
        import io

        from PIL import Image
    except ImportError:
        return _read_png_zlib(data)
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"))


def _read_png_zlib(data: bytes) -> np.ndarray:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        pos += 12 + length
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    bpp = 3 if colour == 2 else 4
    rows = _unfilter(zlib.decompress(b"".join(idat)), width, height, bpp)
    return rows.reshape(height, width, bpp)


def painted_pixels(img: np.ndarray, x0: int = 0, x1: int | None = None, tolerance: int = 24) -> int:
    """Pixels in columns x0…x1 that differ from the most common colour (the background)."""
    area = img[:, x0:x1, :3].reshape(-1, 3).astype(np.int32)
    if not len(area):
        return 0
    colours, counts = np.unique(area, axis=0, return_counts=True)
    background = colours[counts.argmax()]
    return int((np.abs(area - background).max(axis=1) > tolerance).sum())
