"""Evaluate the linker and the target normaliser on the labelled sets in tests/data/.

    python bench/eval_link.py            # figures for both splits (tune, held)
    python bench/eval_link.py --errors   # also list the tune split's mistakes (never the held ones)
    python bench/eval_link.py --json     # machine-readable figures
    python bench/eval_link.py --split tune --errors   # tune only: the held split is not even computed

Linker (tests/data/link_labels.tsv, name → concept):
  coverage  = names that got any concept / names that have a gold concept
  precision = correct links / all links made (a link on a "-" row counts as wrong)
  recall    = correct links / names that have a gold concept
Normaliser (tests/data/value_labels.tsv, raw target → fields): accuracy = rows whose status,
comparator, value, unit and dimension all equal the label.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.link.concepts import JXC  # noqa: E402
from kg.link.linker import link  # noqa: E402
from kg.link.values import normalise  # noqa: E402

DATA = ROOT / "tests" / "data"


def read_tsv(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def eval_links(split: str | None = None, source: str | None = None) -> dict:
    """Figures for the rows of *split* (and *source*) of link_labels.tsv."""
    rows = [r for r in read_tsv(DATA / "link_labels.tsv")
            if (split is None or r[2] == split) and (source is None or (len(r) > 3 and r[3] == source))]
    gold_n = linked = correct = linked_gold = 0
    errors = []
    for row in rows:
        name, gold = row[0], row[1]
        res = link(name)
        got = res.concept[len(JXC):] if res.concept else None
        if gold != "-":
            gold_n += 1
            linked_gold += got is not None
        if got is not None:
            linked += 1
            if got == gold:
                correct += 1
        if (got or "-") != gold:
            errors.append((name, gold, got or "-", res.rule, res.score))
    return {
        "rows": len(rows),
        "with_concept": gold_n,
        "linked": linked,
        "correct": correct,
        "precision": round(correct / linked, 4) if linked else 0.0,
        "recall": round(correct / gold_n, 4) if gold_n else 0.0,
        "coverage": round(linked_gold / gold_n, 4) if gold_n else 0.0,
        "errors": errors,
    }


def _dec(s: str) -> Decimal | None:
    return Decimal(s) if s else None


def eval_values(split: str | None = None) -> dict:
    """Figures for value_labels.tsv: raw, status, comparator, value, unit, dimension, split, context."""
    rows = [r for r in read_tsv(DATA / "value_labels.tsv") if split is None or r[6] == split]
    ok = 0
    errors = []
    for r in rows:
        raw, status, comp, value, unit, dim = (r + [""] * 8)[:6]
        ctx = r[7] if len(r) > 7 else ""
        level2, _, name = ctx.partition("/")
        t = normalise(raw.replace("\\t", "\t"), level2=level2 or None, name=name or None)
        want = (status, comp or None, _dec(value), unit or None, dim or None)
        got = (t.status, t.comparator, t.value, t.unit, t.dimension)
        if want == got:
            ok += 1
        else:
            errors.append((raw, want, got))
    return {"rows": len(rows), "correct": ok, "accuracy": round(ok / len(rows), 4) if rows else 0.0,
            "errors": errors}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--errors", action="store_true", help="list the tune split's mistakes")
    ap.add_argument("--json", action="store_true", help="print figures as JSON")
    ap.add_argument("--split", choices=("tune", "held"), help="evaluate this split only")
    args = ap.parse_args(argv)
    out: dict = {"link": {}, "values": {}}
    for split in (args.split,) if args.split else ("tune", "held"):
        out["link"][split] = eval_links(split)
        for source in ("corpus", "invented", "generated"):
            out["link"][f"{split}/{source}"] = eval_links(split, source)
        out["values"][split] = eval_values(split)
    if args.json:
        print(json.dumps({k: {s: {f: v for f, v in d.items() if f != "errors"} for s, d in part.items()}
                          for k, part in out.items()}, ensure_ascii=False, indent=2))
        return 0
    print("linker (tests/data/link_labels.tsv)")
    print(f"  {'split':<16}{'rows':>6}{'gold':>6}{'linked':>8}{'precision':>11}{'recall':>8}{'coverage':>10}")
    for key, d in out["link"].items():
        print(f"  {key:<16}{d['rows']:>6}{d['with_concept']:>6}{d['linked']:>8}"
              f"{d['precision']:>11.1%}{d['recall']:>8.1%}{d['coverage']:>10.1%}")
    print("normaliser (tests/data/value_labels.tsv)")
    for key, d in out["values"].items():
        print(f"  {key:<16}{d['rows']:>6} rows, {d['correct']} right, accuracy {d['accuracy']:.1%}")
    if args.errors and "tune" in out["link"]:
        print("tune-split linker mistakes (name, gold, got, rule, score):")
        for e in out["link"]["tune"]["errors"]:
            print("  ", *e)
        print("tune-split normaliser mistakes (raw, want, got):")
        for e in out["values"]["tune"]["errors"]:
            print("  ", *e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
