"""A precomputed layout for large graphs (the page draws them with physics off).

Force layouts get slow at thousands of nodes: vis-network's physics needs about 9 s to
settle 5,000 nodes in headless chromium here, and networkx's ``spring_layout`` needs scipy
beyond 500 nodes (it is not installed) and is quadratic.  The graphs exported here are
mostly hubs with leaves (文号 → units → projects, region → units, concepts ← projects),
so the layout is:

1. per connected component, the *core* — the ``CORE_MAX`` nodes of highest degree — gets
   a Fruchterman–Reingold force layout (numpy, vectorised; quadratic in the core only);
2. the other nodes are placed breadth-first from the core: a node with placed neighbours
   goes to a small circle around their mean, so leaves fan out around their hub;
3. components are packed in rows, largest first.

Deterministic (fixed seed) and close to linear beyond the core.

>>> import networkx as nx
>>> g = nx.star_graph(2000)
>>> pos = positions(g)
>>> len(pos) == len(g)
True
>>> r = [((x - pos[0][0]) ** 2 + (y - pos[0][1]) ** 2) ** 0.5 for n, (x, y) in pos.items() if n]
>>> min(r) > 0
True
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
import numpy as np

SPACING = 30.0  # ideal edge length in page pixels
CORE_MAX = 800  # nodes per component laid out by the force layout
ITERATIONS = 80


def force_layout(g: nx.Graph, iterations: int = ITERATIONS, seed: int = 7) -> dict[object, tuple[float, float]]:
    """Fruchterman–Reingold on *g* (all pairs repel, edges attract), ideal distance :data:`SPACING`."""
    nodes = list(g)
    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    idx = {v: i for i, v in enumerate(nodes)}
    rng = np.random.default_rng(seed)
    k = SPACING
    side = k * math.sqrt(n) * 1.5
    pos = rng.uniform(-side / 2, side / 2, size=(n, 2))
    edges = np.array([(idx[a], idx[b]) for a, b in g.edges() if a != b], dtype=np.int64).reshape(-1, 2)
    temp = side / 8
    cool = temp / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist2 = np.einsum("ijk,ijk->ij", delta, delta)
        np.fill_diagonal(dist2, 1.0)
        dist2 = np.maximum(dist2, 0.01)
        disp = np.einsum("ijk,ij->ik", delta, (k * k) / dist2)  # repulsion k²/d along the unit vector
        if len(edges):
            d = pos[edges[:, 0]] - pos[edges[:, 1]]
            length = np.maximum(np.sqrt((d * d).sum(axis=1)), 0.01)
            pull = d * (length / k)[:, None]  # attraction d²/k along the unit vector
            np.add.at(disp, edges[:, 0], -pull)
            np.add.at(disp, edges[:, 1], pull)
        length = np.maximum(np.sqrt((disp * disp).sum(axis=1)), 0.01)
        pos += disp / length[:, None] * np.minimum(length, temp)[:, None]
        temp -= cool
    pos -= pos.mean(axis=0)
    return {v: (round(float(pos[i, 0]), 1), round(float(pos[i, 1]), 1)) for i, v in enumerate(nodes)}


def _component(g: nx.Graph) -> dict[object, tuple[float, float]]:
    if len(g) <= CORE_MAX:
        return force_layout(g)
    core = sorted(g, key=lambda v: (-g.degree(v), str(v)))[:CORE_MAX]
    pos = force_layout(g.subgraph(core))
    placed = set(pos)
    frontier = list(core)
    while frontier:
        # the unplaced neighbours of this ring, each attached to its placed neighbours
        anchors: dict[object, list[object]] = defaultdict(list)
        for v in frontier:
            for w in g.neighbors(v):
                if w not in placed:
                    anchors[w].append(v)
        if not anchors:
            break
        fans: dict[object, list[object]] = defaultdict(list)
        for w, vs in anchors.items():
            fans[min(vs, key=str)].append(w)
        for hub, leaves in fans.items():
            leaves.sort(key=str)
            hx, hy = pos[hub]
            radius = SPACING * max(1.0, math.sqrt(len(leaves)) * 0.8)
            for j, w in enumerate(leaves):
                vs = anchors[w]
                cx = sum(pos[v][0] for v in vs) / len(vs) if len(vs) > 1 else hx
                cy = sum(pos[v][1] for v in vs) / len(vs) if len(vs) > 1 else hy
                a = 2 * math.pi * j / len(leaves) + 0.3
                r = radius * (0.6 + 0.4 * ((j * 7) % 5) / 4)  # stagger so labels overlap less
                pos[w] = (round(cx + r * math.cos(a), 1), round(cy + r * math.sin(a), 1))
        placed.update(anchors)
        frontier = list(anchors)
    return pos


def positions(g: nx.Graph | nx.DiGraph) -> dict[object, tuple[float, float]]:
    """Node → (x, y) in page pixels, components packed in rows."""
    u = g.to_undirected(as_view=True) if g.is_directed() else g
    comps = sorted((u.subgraph(c) for c in nx.connected_components(u)), key=lambda c: (-len(c), min(map(str, c))))
    laid = []
    total = 0.0
    for c in comps:
        pos = _component(c)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        w = max(xs) - min(xs) + 2 * SPACING
        h = max(ys) - min(ys) + 2 * SPACING
        laid.append((pos, min(xs), min(ys), w, h))
        total += w * h
    if len(laid) == 1:
        return laid[0][0]
    row_width = max(math.sqrt(total) * 1.3, max(w for _, _, _, w, _ in laid))
    out: dict[object, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for pos, x0, y0, w, h in laid:
        if x > 0 and x + w > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for node, (px, py) in pos.items():
            out[node] = (round(px - x0 + x + SPACING, 1), round(py - y0 + y + SPACING, 1))
        x += w
        row_h = max(row_h, h)
    return out
