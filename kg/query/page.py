"""The one self-contained HTML page served at ``/`` by ``jxkg serve`` (no CDN, no external files)."""

PAGE = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>jixiao-kg SPARQL</title>
<style>
 body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 1.5em; color: #222; }
 h1 { font-size: 1.3em; margin: 0 0 .6em 0; }
 #pick { width: 100%; max-width: 60em; }
 #about { color: #555; margin: .4em 0; }
 textarea { width: 100%; height: 16em; font-family: ui-monospace, monospace; font-size: 13px; }
 #params label { margin-right: 1em; }
 #params input { width: 16em; }
 button { margin: .5em 0; padding: .3em 1.2em; }
 #status { color: #555; margin: .3em 0; white-space: pre-wrap; }
 #status.error { color: #b00020; }
 table { border-collapse: collapse; font-size: 13px; margin-top: .5em; }
 th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
 th { background: #f0f0f0; position: sticky; top: 0; }
 td.num { text-align: right; }
</style>
</head>
<body>
<h1>绩效知识图谱 SPARQL 查询 / jixiao-kg SPARQL</h1>
<div><select id="pick"><option value="">— 查询目录 / catalogue —</option></select></div>
<div id="about"></div>
<div id="params"></div>
<textarea id="query" spellcheck="false">SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20</textarea>
<div><button id="run">运行 / Run</button></div>
<div id="status"></div>
<div id="out"></div>
<script>
"use strict";
let catalogue = [];
const $ = (id) => document.getElementById(id);

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

function showParams(q) {
  const box = $("params");
  box.replaceChildren();
  for (const p of (q ? q.params : [])) {
    const label = document.createElement("label");
    label.textContent = p.name + " (" + p.type + ") ";
    const input = document.createElement("input");
    input.name = "param." + p.name;
    input.value = p.default === null ? "" : p.default;
    input.title = p.doc || "";
    label.appendChild(input);
    box.appendChild(label);
  }
}

async function loadCatalogue() {
  try {
    const resp = await fetch("/queries");
    catalogue = await resp.json();
  } catch (e) {
    setStatus("无法读取查询目录 / cannot load catalogue: " + e, true);
    return;
  }
  for (const q of catalogue) {
    const opt = document.createElement("option");
    opt.value = q.name;
    opt.textContent = q.name + " — " + q.zh;
    $("pick").appendChild(opt);
  }
}

$("pick").addEventListener("change", () => {
  const q = catalogue.find((x) => x.name === $("pick").value);
  $("about").textContent = q ? q.en : "";
  if (q) $("query").value = q.text;
  showParams(q);
});

function cell(b) {
  const td = document.createElement("td");
  if (!b) return td;
  td.textContent = b.value;
  if (b.datatype && /#(decimal|integer|double|float|int|long)$/.test(b.datatype)) td.className = "num";
  return td;
}

async function run() {
  const form = new URLSearchParams();
  form.set("query", $("query").value);
  for (const input of $("params").querySelectorAll("input")) form.set(input.name, input.value);
  setStatus("运行中 / running …", false);
  $("out").replaceChildren();
  const started = performance.now();
  let resp;
  try {
    resp = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.5" },
      body: form,
    });
  } catch (e) {
    setStatus("请求失败 / request failed: " + e, true);
    return;
  }
  const ms = Math.round(performance.now() - started);
  if (!resp.ok) {
    setStatus("HTTP " + resp.status + ": " + (await resp.text()), true);
    return;
  }
  const ctype = resp.headers.get("Content-Type") || "";
  const cut = resp.headers.get("X-JXKG-Truncated");
  if (!ctype.includes("json")) {
    const pre = document.createElement("pre");
    pre.textContent = await resp.text();
    $("out").appendChild(pre);
    setStatus(ms + " ms" + (cut ? " — 结果已截断 / truncated (" + cut + ")" : ""), false);
    return;
  }
  const data = await resp.json();
  if ("boolean" in data) {
    setStatus("ASK: " + data.boolean + " (" + ms + " ms)", false);
    return;
  }
  const vars = data.head.vars;
  const rows = data.results.bindings;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const v of vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const v of vars) tr.appendChild(cell(r[v]));
  }
  $("out").appendChild(table);
  setStatus(rows.length + " 行 / rows, " + ms + " ms" + (cut ? " — 结果已截断 / truncated (" + cut + ")" : ""), false);
}

$("run").addEventListener("click", run);
loadCatalogue();
</script>
</body>
</html>
"""
