/* Glue script of the offline graph page (kg/export/assets/page.html).
   Reads the graph from the #jxkg-data JSON block, draws it with vis-network (inlined above),
   and wires search, click-for-details, node-type filters and the graph-figures panel.
   When the first frame is drawn it sets the body attribute data-drawn to the number of nodes
   and data-draw-ms, which the browser test and the benchmark read. */
(function () {
  "use strict";
  var t0 = performance.now();
  var D = JSON.parse(document.getElementById("jxkg-data").textContent);
  var N = D.nodes.length;
  var big = N > 1500;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function shortLabel(s) { return s.length > 16 ? s.slice(0, 15) + "…" : s; }

  var nodeItems = new Array(N);
  for (var i = 0; i < N; i++) {
    var n = D.nodes[i], t = D.types[n[1]];
    var item = { id: i, label: shortLabel(n[0]), value: n[2], color: { background: t[2], border: t[2] } };
    if (n[3] !== null) { item.x = n[3]; item.y = n[4]; }
    nodeItems[i] = item;
  }
  var edgeItems = D.edges.map(function (e, k) {
    var it = { id: k, from: e[0], to: e[1] };
    if (e[3] !== null) { it.value = e[3]; }
    return it;
  });
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);

  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    nodes: {
      shape: "dot",
      scaling: { min: 5, max: 28, label: { enabled: true, min: 10, max: 18, drawThreshold: big ? 12 : 7 } },
      font: { size: 12, face: "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" },
      borderWidth: 1
    },
    edges: {
      color: { color: "#9aa7b5", highlight: "#333", opacity: 0.55 },
      arrows: { to: { enabled: !big, scaleFactor: 0.35 } },
      smooth: false,
      scaling: { min: 0.5, max: 6 },
      selectionWidth: 2
    },
    interaction: { hover: !big, hideEdgesOnDrag: big, hideEdgesOnZoom: big, tooltipDelay: 300 }
  };
  if (D.physics) {
    options.physics = {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -40, springLength: 70, avoidOverlap: 0.2 },
      stabilization: { enabled: true, iterations: D.iterations || 250, updateInterval: 50, fit: true }
    };
  } else {
    options.physics = false;
  }

  var container = document.getElementById("graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  var status = document.getElementById("status");
  var drawn = false;
  network.on("afterDrawing", function () {
    if (drawn) { return; }
    drawn = true;
    var ms = Math.round(performance.now() - t0);
    document.body.setAttribute("data-draw-ms", String(ms));
    document.body.setAttribute("data-drawn", String(nodes.length));
    status.textContent = "已绘制 " + N + " 个节点、" + D.edges.length + " 条边 (" + ms + " ms)";
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });  // freeze the layout: dragging stays cheap at 5,000 nodes
  });
  if (!D.physics) { network.fit(); }

  /* ---- adjacency for the details panel ---- */
  var adj = new Array(N);
  for (i = 0; i < N; i++) { adj[i] = []; }
  D.edges.forEach(function (e) { adj[e[0]].push([e[1], e[2], 1]); adj[e[1]].push([e[0], e[2], -1]); });

  /* ---- details of a node ---- */
  var info = document.getElementById("info"), infoBody = document.getElementById("info-body");
  document.getElementById("close").onclick = function () { info.hidden = true; network.unselectAll(); };
  function row(k, v) { return "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>"; }
  function show(idx) {
    var n = D.nodes[idx], t = D.types[n[1]], a = D.attrs[idx] || {};
    var h = "<h2>" + esc(n[0]) + "</h2><div><span class='swatch' style='background:" + t[2] + "'></span>" +
      esc(t[1]) + " (" + esc(t[0]) + ")</div><table>";
    Object.keys(a).forEach(function (k) { if (k !== "source") { h += row(k, a[k]); } });
    h += "</table>";
    if (a.source) {
      h += "<h3>来源行 (source lines)</h3><div>" + esc(a.source).split(" | ").join("<br>") + "</div>";
    }
    var src = D.sources && D.sources[idx];
    if (src) {
      src.forEach(function (s) {
        h += "<div>" + esc(s.file) + " 第 " + s.start + "–" + s.end + " 行</div><pre class='src'>" +
          esc(s.lines.join("\n")) + "</pre>";
      });
    }
    var f = D.findings && D.findings[idx];
    if (f && f.length) {
      h += "<h3>SHACL 检查结果 (" + f.length + ")</h3><ul>";
      f.forEach(function (r) {
        h += "<li class='sev-" + esc(r[0]) + "'>[" + esc(r[0]) + "] " + esc(r[1]) +
          (r[2] ? " (第 " + esc(r[2]) + " 行)" : "") + (r[3] ? " — " + esc(r[3]) : "") + "</li>";
      });
      h += "</ul>";
    }
    var nb = adj[idx];
    if (nb.length) {
      h += "<h3>相邻节点 (" + nb.length + ")</h3><div>";
      nb.slice(0, 60).forEach(function (x) {
        h += "<div class='link' data-node='" + x[0] + "'>" + (x[2] > 0 ? "→ " : "← ") +
          esc(D.relations[x[1]]) + ": " + esc(D.nodes[x[0]][0]) + "</div>";
      });
      if (nb.length > 60) { h += "<div>… " + (nb.length - 60) + " more</div>"; }
      h += "</div>";
    }
    infoBody.innerHTML = h;
    info.hidden = false;
  }
  function focusNode(idx) {
    if (nodes.get(idx).hidden) { return; }
    network.selectNodes([idx]);
    network.focus(idx, { scale: Math.max(network.getScale(), 1.0), animation: false });
    show(idx);
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-node]") : null;
    if (el) { focusNode(Number(el.getAttribute("data-node"))); }
  });
  network.on("click", function (p) { if (p.nodes.length) { show(p.nodes[0]); } });

  /* ---- search ---- */
  var lower = D.nodes.map(function (n, k) {
    var a = D.attrs[k] || {};
    return (n[0] + " " + (a.code || "") + " " + (a.names || "") + " " + (a.raw || "")).toLowerCase();
  });
  var search = document.getElementById("search"), hits = document.getElementById("hits");
  var timer = null;
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    hits.innerHTML = "";
    if (!q) { return; }
    var found = [];
    for (var k = 0; k < N && found.length < 50; k++) {
      if (lower[k].indexOf(q) >= 0 && !nodes.get(k).hidden) { found.push(k); }
    }
    hits.innerHTML = found.map(function (k) {
      var t = D.types[D.nodes[k][1]];
      return "<li data-node='" + k + "'><span class='swatch' style='background:" + t[2] + "'></span>" +
        esc(D.nodes[k][0]) + "</li>";
    }).join("") || "<li>无结果 (no match)</li>";
  }
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(runSearch, 150); });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { runSearch(); var first = hits.querySelector("[data-node]"); if (first) { first.click(); } }
  });

  /* ---- node-type filter ---- */
  var counts = D.types.map(function () { return 0; });
  D.nodes.forEach(function (n) { counts[n[1]]++; });
  var typesBox = document.getElementById("types");
  typesBox.innerHTML = D.types.map(function (t, k) {
    if (!counts[k]) { return ""; }
    return "<label><input type='checkbox' checked data-type='" + k + "'> <span class='swatch' style='background:" +
      t[2] + "'></span>" + esc(t[1]) + " <small>(" + esc(t[0]) + ", " + counts[k] + ")</small></label>";
  }).join("");
  typesBox.addEventListener("change", function (ev) {
    var k = Number(ev.target.getAttribute("data-type")), hide = !ev.target.checked, upd = [];
    for (var j = 0; j < N; j++) { if (D.nodes[j][1] === k) { upd.push({ id: j, hidden: hide }); } }
    nodes.update(upd);
  });

  /* ---- graph figures ---- */
  var fig = document.getElementById("figures");
  fig.innerHTML = (D.figures || []).map(function (s) {
    var h = "<h3>" + esc(s.title) + "</h3>";
    if (s.note) { h += "<div class='sub'>" + esc(s.note) + "</div>"; }
    if (s.rows && s.rows.length) {
      h += "<table>" + s.rows.map(function (r) {
        return "<tr>" + r.map(function (c) {
          if (c !== null && typeof c === "object") {
            return "<td>" + (c.node !== undefined && c.node !== null ?
              "<span class='link' data-node='" + c.node + "'>" + esc(c.text) + "</span>" : esc(c.text)) + "</td>";
          }
          return "<td class='" + (typeof c === "number" ? "n" : "") + "'>" + esc(c) + "</td>";
        }).join("") + "</tr>";
      }).join("") + "</table>";
    }
    return h;
  }).join("");
})();
