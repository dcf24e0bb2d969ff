"""`jxkg extract` on the seed corpus reproduces gold.json (computed from gold.json itself)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.corpus


def _ws(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def extracted(corpus_dir):
    out = subprocess.run(
        [sys.executable, "-m", "kg.cli", "extract", str(corpus_dir), "--format", "json"],
        capture_output=True, text=True, check=True,
    )
    return {d["file"]: d for d in json.loads(out.stdout)["documents"]}


def test_every_gold_document_is_extracted(extracted, gold):
    assert sorted(extracted) == sorted(d["file"] for d in gold["documents"])


def test_totals_match_gold(extracted, gold):
    projects = sum(len(d["projects"]) for d in extracted.values())
    rows = sum(len(p["indicators"]) for d in extracted.values() for p in d["projects"])
    assert projects == sum(len(d["projects"]) for d in gold["documents"])
    assert rows == sum(p["indicator_rows"] for d in gold["documents"] for p in d["projects"])


@pytest.mark.parametrize("field", ["issuer", "year"])
def test_document_facts(extracted, gold, field):
    for g in gold["documents"]:
        assert extracted[g["file"]][field] == g[field], g["file"]


def test_every_project_matches(extracted, gold):
    mismatches = []
    for g in gold["documents"]:
        got = extracted[g["file"]]["projects"]
        assert len(got) == len(g["projects"]), g["file"]
        for gp, p in zip(g["projects"], got):
            first_level = sorted({_ws(i["level1"]) for i in p["indicators"]})
            have = (_ws(p["name"]), p["code"], p["budget_wan_yuan"], len(p["indicators"]), first_level)
            want = (_ws(gp["name"]), gp["code"], gp["budget_wan_yuan"], gp["indicator_rows"], sorted(gp["first_level"]))
            if have != want:
                mismatches.append((g["file"], have, want))
    assert not mismatches, mismatches[:5]


def test_units_with_codes(extracted, gold):
    for g in gold["documents"]:
        got = {u["code"]: u["name"] for u in extracted[g["file"]]["units"] if u["code"]}
        assert got == g["units"], g["file"]


def test_org_units(extracted, gold):
    for g in gold["documents"]:
        if "org_units" in g:
            assert extracted[g["file"]]["org_units"] == g["org_units"]


def test_every_row_points_at_its_source_line(extracted, corpus_dir):
    for name, d in extracted.items():
        lines = (corpus_dir / name).read_text(encoding="utf-8").split("\n")
        for p in d["projects"]:
            for i in p["indicators"]:
                span = "\n".join(lines[i["source"]["line"] - 1 : i["source"]["end_line"]])
                assert _ws(i["name"])[:4] in _ws(span), (name, i["name"], i["source"])
