"""bench/generate.py makes a deterministic synthetic corpus, and the parser finds what its manifest lists."""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from kg.model import Problem
from kg.pipeline import process_paths

_SPEC = importlib.util.spec_from_file_location(
    "bench_generate", Path(__file__).resolve().parent.parent / "bench" / "generate.py"
)
generate_mod = importlib.util.module_from_spec(_SPEC)
sys.modules["bench_generate"] = generate_mod  # dataclasses need the module registered
_SPEC.loader.exec_module(generate_mod)

TEXT_CUT = "project cut by a page break (text)"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("gen20")
    manifest = generate_mod.generate(20, out, seed=0)
    return out, manifest


def _extract(folder: Path) -> dict[str, list[tuple[str, int]]]:
    problems: list[Problem] = []
    got = {
        d.file: [("".join(p.name.split()), len(p.indicators)) for p in d.projects]
        for d in process_paths([folder], problems)
    }
    assert not problems, [str(p) for p in problems]
    return got


def _want(entry: dict) -> list[tuple[str, int]]:
    return [(p["name"], p["indicator_rows"]) for p in entry["projects"]]


def test_same_seed_same_bytes_and_prefix_stable(tmp_path, corpus):
    folder, _ = corpus
    generate_mod.generate(20, tmp_path / "again", seed=0)
    assert _files(tmp_path / "again") == _files(folder)
    generate_mod.generate(5, tmp_path / "five", seed=0)
    five = _files(tmp_path / "five")
    whole = _files(folder)
    assert all(whole[name] == data for name, data in five.items() if name != "manifest.json")
    generate_mod.generate(5, tmp_path / "other", seed=1)
    other = {name: data for name, data in _files(tmp_path / "other").items() if name != "manifest.json"}
    assert sorted(other.values()) != sorted(data for name, data in five.items() if name != "manifest.json")


def test_manifest_describes_the_files(corpus):
    folder, manifest = corpus
    on_disk = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(manifest, ensure_ascii=False))
    docs = manifest["documents"]
    assert len(docs) == manifest["count"] == 20
    assert {d["layout"] for d in docs} == set(generate_mod.LAYOUTS)
    assert manifest["project_count"] == sum(len(d["projects"]) for d in docs)
    assert manifest["indicator_rows_total"] == sum(p["indicator_rows"] for d in docs for p in d["projects"])
    for d in docs:
        text = (folder / d["file"]).read_text(encoding="utf-8")
        assert len(text.encode("utf-8")) == d["bytes"]
        assert 3 <= len(d["projects"]) <= 15
        for p in d["projects"]:
            assert 3 <= p["indicator_rows"] <= 15
            if TEXT_CUT not in p["quirks"]:
                assert p["name"] in text.replace(" ", "")
        budgets = sum(Decimal(str(p["budget_wan_yuan"])) for p in d["projects"] if p["budget_wan_yuan"] is not None)
        totals = {t["kind"]: Decimal(str(t["amount_wan_yuan"])) for t in d["totals"]}
        if d["layout"] == "tab_rows":
            assert totals["合计"] == budgets
        if d["layout"] == "full_disclosure":
            assert totals["基本支出"] + totals["项目支出"] == totals["预算收入"]


def test_parser_finds_every_project_and_row_in_a_clean_corpus(tmp_path):
    manifest = generate_mod.generate(20, tmp_path, seed=3, quirks=0.0)
    got = _extract(tmp_path)
    assert {e["file"]: _want(e) for e in manifest["documents"]} == got


def test_parser_finds_every_project_and_row(corpus):
    """The 20-document corpus with quirks (documents with a name cut mid-word are tested below)."""
    folder, manifest = corpus
    got = _extract(folder)
    assert sorted(got) == sorted(d["file"] for d in manifest["documents"])
    mismatched = {
        e["file"]: (_want(e), got[e["file"]])
        for e in manifest["documents"]
        if not any(TEXT_CUT in p["quirks"] for p in e["projects"]) and _want(e) != got[e["file"]]
    }
    assert not mismatched


def test_parser_joins_a_name_cut_by_a_page_break(tmp_path):
    doc = next(
        d for d in (generate_mod.make_document(i, seed=0) for i in range(2000))
        if any(TEXT_CUT in p["quirks"] for p in d.projects)
    )
    (tmp_path / doc.name).write_text(doc.text, encoding="utf-8")
    assert _extract(tmp_path)[doc.name] == [(p["name"], p["indicator_rows"]) for p in doc.projects]
