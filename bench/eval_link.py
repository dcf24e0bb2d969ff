"""Evaluate the linker and the target normaliser on the labelled sets in tests/data/.

    python bench/eval_link.py            # figures for both splits (tune, held)
    python bench/eval_link.py --errors   # also list the tune split's mistakes (never the held ones)
    python bench/eval_link.py --json     # machine-readable figures
    python bench/eval_link.py --split tune --errors   # tune only: the held split is not even computed
    python bench/eval_link.py --corpus ../shared/corpus   # also "in context" (default: that folder if present)

Linker (tests/data/link_labels.tsv and link_labels_public.tsv, name → concept):
  coverage  = names that got any concept / names that have a gold concept
  precision = correct links / all links made (a link on a "-" row counts as wrong)
  recall    = correct links / names that have a gold concept
Linker in context (every distinct row of the seed corpus: name, 指标描述, 二级指标, target, 计量单位, linked
as `jxkg build` links it): the gold concept of a row is its label in tests/data/link_row_labels.tsv, else
its name's label; a row belongs to its name's split.  Same three figures, counted over row contexts.
The public names (<split>/public, per collection batch <split>/public<N>) are also linked in their own row:
二级 category and target as published (no description was collected).
Normaliser (tests/data/value_labels.tsv, raw target → fields): accuracy = rows whose status,
comparator, value, unit and dimension all equal the label.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.link.concepts import JXC  # noqa: E402
from kg.link.linker import link  # noqa: E402
from kg.link.values import normalise  # noqa: E402

DATA = ROOT / "tests" / "data"
# names from other budget units' published tables, with their row cells and page (see its header)
PUBLIC = DATA / "link_labels_public.tsv"


def read_tsv(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


DEFAULT_CORPUS = Path(os.environ.get("JXKG_CORPUS", ROOT.parent / "shared" / "corpus"))  # as tests/conftest.py


@dataclass
class RowContext:
    """One distinct row context of the corpus and what jxkg build links it to."""

    name: str
    description: str
    rows: list[str]  # "<file prefix>:<line>" of every row with this context, first first
    got: str | None  # concept id (after jxc:), None = unlinked
    rule: str
    score: float


def corpus_contexts(corpus: Path) -> list[RowContext]:
    """Every distinct (name, 指标描述, 二级指标, target, 计量单位) of *corpus*, linked as jxkg build links it."""
    from kg.link import link_document
    from kg.parse import parse
    from kg.read import read_file

    seen: dict[tuple, RowContext] = {}
    for f in sorted(corpus.glob("*.txt")):
        src = read_file(f)
        doc = parse(src)
        link_document(doc, src)
        for p in doc.projects:
            for ind in p.indicators:
                key = (ind.name, ind.description or "", ind.level2 or "", ind.target.raw or "", ind.measure_unit or "")
                row = f"{f.name[:3]}:{ind.span.line}"
                if key in seen:
                    seen[key].rows.append(row)
                    continue
                c = ind.concept
                seen[key] = RowContext(ind.name, ind.description or "", [row],
                                       c.concept[len(JXC):] if c and c.concept else None,
                                       c.rule if c else "unlinked", c.score if c else 0.0)
    return list(seen.values())


def name_labels() -> list[tuple[str, str, str, str]]:
    """(name, concept, split, source) of every labelled name: link_labels.tsv, then the public names
    (source ``public<batch>``, e.g. ``public1``)."""
    rows = [(r[0], r[1], r[2], r[3] if len(r) > 3 else "") for r in read_tsv(DATA / "link_labels.tsv")]
    rows += [(r[0], r[1], r[2], "public" + r[3]) for r in read_tsv(PUBLIC)]
    return rows


def public_batches() -> list[str]:
    """The batch numbers of link_labels_public.tsv, in order."""
    return sorted({r[3] for r in read_tsv(PUBLIC)})


def held_rule(name: str) -> str:
    """The split a name belongs to, fixed before labelling: md5(name) % 3 == 0 → held.

    >>> held_rule("服务对象满意度"), held_rule("受益人数")
    ('tune', 'held')
    """
    return "held" if int(hashlib.md5(name.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def row_labels() -> dict[str, tuple[str, str]]:
    """link_row_labels.tsv: first row key → (name, concept)."""
    return {r[0].split(",")[0]: (r[1], r[2]) for r in read_tsv(DATA / "link_row_labels.tsv")}


def _figures(scored: list[tuple[str, str | None, tuple]]) -> dict:
    """Precision, recall and coverage of (gold, got, error row) triples; gold "-" = no concept."""
    with_gold = [(gold, got) for gold, got, _ in scored if gold != "-"]
    linked = [(gold, got) for gold, got, _ in scored if got is not None]
    correct = sum(gold == got for gold, got in linked)
    covered = sum(got is not None for _, got in with_gold)
    return {
        "rows": len(scored),
        "with_concept": len(with_gold),
        "linked": len(linked),
        "correct": correct,
        "precision": round(correct / len(linked), 4) if linked else 0.0,
        "recall": round(correct / len(with_gold), 4) if with_gold else 0.0,
        "coverage": round(covered / len(with_gold), 4) if with_gold else 0.0,
        "errors": [err for gold, got, err in scored if (got or "-") != gold],
    }


def eval_in_context(split: str, contexts: list[RowContext]) -> dict:
    """Figures for the corpus row contexts whose name is in *split* (the name's split in link_labels.tsv).

    Gold is the row's label in link_row_labels.tsv, else its name's label; a context whose name has
    neither is left out (counted in ``unlabelled``)."""
    names = {r[0]: (r[1], r[2]) for r in read_tsv(DATA / "link_labels.tsv")}
    overrides = row_labels()
    scored = []
    unlabelled = 0
    for ctx in contexts:
        over = overrides.get(ctx.rows[0])
        if over is not None and over[0] != ctx.name:
            raise SystemExit(f"link_row_labels.tsv: row {ctx.rows[0]} is labelled for {over[0]!r}, "
                             f"but the corpus row there is {ctx.name!r}")
        name_split = names[ctx.name][1] if ctx.name in names else held_rule(ctx.name)
        if name_split != split:
            continue
        if over is None and ctx.name not in names:
            unlabelled += 1
            continue
        gold = over[1] if over is not None else names[ctx.name][0]
        scored.append((gold, ctx.got, (ctx.name, ctx.description[:24], gold, ctx.got or "-", ctx.rule, ctx.score)))
    return {**_figures(scored), "unlabelled": unlabelled}


def eval_links(split: str | None = None, source: str | None = None) -> dict:
    """Figures for the labelled names of *split* and *source*, each name linked alone.  A source is one of
    link_labels.tsv's (corpus, invented, generated) or a public batch (public1 …); ``seed`` is all of
    link_labels.tsv and ``public`` all batches."""
    def wanted(src: str) -> bool:
        return (source is None or src == source or (source == "seed" and not src.startswith("public"))
                or (source == "public" and src.startswith("public")))

    rows = [r for r in name_labels() if (split is None or r[2] == split) and wanted(r[3])]
    scored = []
    for name, gold, *_ in rows:
        res = link(name)
        got = res.concept[len(JXC):] if res.concept else None
        scored.append((gold, got, (name, gold, got or "-", res.rule, res.score)))
    return _figures(scored)


def eval_public_in_context(split: str, batch: str | None = None) -> dict:
    """Figures for the public names of *split* (and *batch*) linked in their row: the 二级 category and the
    target as the page gave them (normalised as jxkg build normalises them); gold is the name's label."""
    from kg.parse.vocab import level2_category

    scored = []
    for name, gold, row_split, row_batch, level2, target, *_ in read_tsv(PUBLIC):
        if row_split != split or (batch is not None and row_batch != batch):
            continue
        t = normalise(target, level2=level2 or None, name=name)
        res = link(name, None, t.unit, t.dimension, level2_category(level2))
        got = res.concept[len(JXC):] if res.concept else None
        scored.append((gold, got, (name, f"{level2}|{target}", gold, got or "-", res.rule, res.score)))
    return _figures(scored)


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
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="seed corpus for the in-context figures (default $JXKG_CORPUS or ../shared/corpus; "
                    "skipped when absent)")
    args = ap.parse_args(argv)
    out: dict = {"link": {}, "link_in_context": {}, "values": {}}
    contexts = corpus_contexts(args.corpus) if args.corpus.is_dir() else None
    for split in (args.split,) if args.split else ("tune", "held"):
        out["link"][split] = eval_links(split)
        for source in ("seed", "corpus", "invented", "generated", "public", *(f"public{b}" for b in public_batches())):
            out["link"][f"{split}/{source}"] = eval_links(split, source)
        if contexts is not None:
            out["link_in_context"][split] = eval_in_context(split, contexts)
        out["link_in_context"][f"{split}/public"] = eval_public_in_context(split)
        for b in public_batches():
            out["link_in_context"][f"{split}/public{b}"] = eval_public_in_context(split, b)
        out["values"][split] = eval_values(split)
    if args.json:
        print(json.dumps({k: {s: {f: v for f, v in d.items() if f != "errors"} for s, d in part.items()}
                          for k, part in out.items()}, ensure_ascii=False, indent=2))
        return 0
    if contexts is None:
        print(f"linker in context, corpus rows: skipped, no corpus at {args.corpus}")
    for part, title in (("link", "linker, name alone (link_labels.tsv, link_labels_public.tsv)"),
                        ("link_in_context", f"linker, in context (corpus rows of {args.corpus}; public rows)")):
        print(title)
        print(f"  {'split':<16}{'rows':>6}{'gold':>6}{'linked':>8}{'precision':>11}{'recall':>8}{'coverage':>10}")
        for key, d in ((k, d) for k, d in out[part].items() if d["rows"]):
            print(f"  {key:<16}{d['rows']:>6}{d['with_concept']:>6}{d['linked']:>8}"
                  f"{d['precision']:>11.1%}{d['recall']:>8.1%}{d['coverage']:>10.1%}")
    print("normaliser (tests/data/value_labels.tsv)")
    for key, d in out["values"].items():
        print(f"  {key:<16}{d['rows']:>6} rows, {d['correct']} right, accuracy {d['accuracy']:.1%}")
    if args.errors and "tune" in out["link"]:
        print("tune-split linker mistakes, name alone (name, gold, got, rule, score):")
        for e in out["link"]["tune"]["errors"]:
            print("  ", *e)
        for key in ("tune", "tune/public"):
            if key in out["link_in_context"]:
                print(f"{key} linker mistakes, in context (name, description or level2|target, gold, got, rule, "
                      "score):")
                for e in out["link_in_context"][key]["errors"]:
                    print("  ", *e)
        print("tune-split normaliser mistakes (raw, want, got):")
        for e in out["values"]["tune"]["errors"]:
            print("  ", *e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
