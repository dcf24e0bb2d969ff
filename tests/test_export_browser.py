"""The offline graph page in Debian's headless chromium: it draws, and it fetches nothing.

Skips when chromium is absent (Debian packages: chromium; fonts-wqy-microhei for readable
Chinese labels in screenshots).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import networkx as nx
import pytest

from kg.export.browser import RequestLog, chromium, find_chromium, painted_pixels, read_png
from kg.export.html import write_html
from kg.export.measures import components
from kg.export.run import run_export

FIXTURE = Path(__file__).parent / "data" / "export_fixture.trig"
SIDE_PANEL = 300  # px: the drawing starts right of the left panel

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="chromium not installed (Debian: apt-get install chromium)"),
]


def _body(dom: str) -> dict[str, str]:
    m = re.search(r"<body\s([^>]*)>", dom)
    assert m, "no <body> in the dumped DOM"
    return dict(re.findall(r'([\w-]+)="([^"]*)"', m[1]))


@pytest.mark.slow
def test_page_draws_offline(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _, g = run_export(FIXTURE, "html", site / "page.html", view="full")
    with RequestLog(site) as log:
        dom, _ = chromium(log.url("page.html"), tmp_path / "profile", dump_dom=True, budget_ms=8000)
        shot = tmp_path / "page.png"
        chromium(log.url("page.html"), tmp_path / "profile2", screenshot=shot, budget_ms=8000)
    body = _body(dom)
    assert body.get("data-drawn") == str(g.number_of_nodes()), body  # the glue script saw the drawing finish
    assert set(log.paths) == {"/page.html"}, f"unexpected requests: {log.paths}"
    img = read_png(shot)
    assert img.shape[1] == 1280
    drawn = painted_pixels(img, SIDE_PANEL)
    assert drawn > 5000, f"canvas looks blank: {drawn} painted pixels"


def test_blank_canvas_is_detected(tmp_path):
    """The pixel check can fail: an empty graph leaves the canvas blank."""
    page = tmp_path / "empty.html"
    write_html(nx.DiGraph(view="empty", filters=""), page, [])
    shot = tmp_path / "empty.png"
    chromium(page.as_uri(), tmp_path / "profile", screenshot=shot, budget_ms=3000)
    assert painted_pixels(read_png(shot), SIDE_PANEL) < 500


def synthetic(n: int, seed: int = 1) -> nx.DiGraph:
    """A funding-view-shaped graph of *n* nodes: 文号 → units → projects."""
    r = random.Random(seed)
    g = nx.DiGraph(view="synthetic", filters="")
    nf, nu = max(1, n // 80), max(1, n // 6)
    for i in range(nf):
        g.add_node(f"f{i}", label=f"冀财社〔2022〕{i}号", type="funding")
    for i in range(nu):
        g.add_node(f"u{i}", label=f"县人力资源和社会保障局{i}", type="unit")
        for f in r.sample(range(nf), min(nf, r.randint(1, 3))):
            g.add_edge(f"f{f}", f"u{i}", relation="fundedBy", weight=round(r.random() * 100, 2))
    for i in range(n - nf - nu):
        g.add_node(f"p{i}", label=f"就业补助资金项目{i}", type="project")
        g.add_edge(f"u{r.randrange(nu)}", f"p{i}", relation="hasProject", weight=1.0)
    return g


@pytest.mark.slow
def test_5000_nodes_draw(tmp_path):
    g = synthetic(5000)
    page = tmp_path / "big.html"
    write_html(g, page, [components(g)])
    dom, secs = chromium(page.as_uri(), tmp_path / "profile", dump_dom=True, budget_ms=60000, timeout=180)
    body = _body(dom)
    assert body.get("data-drawn") == "5000", body
    print(f"5,000 nodes: first drawing after {body.get('data-draw-ms')} ms in the page, chromium run {secs:.1f} s")
