"""How much time the link stage costs.

    python bench/bench_link.py [--docs 1000] [--corpus DIR]

Without --corpus it links synthetic documents built from the labelled sets in tests/data/
(10 projects × 9 indicator rows each, names and targets drawn at random, a share --unique of
names made unique so the caches do not hide the spaCy path).  With --corpus DIR (the 1,000-document
benchmark corpus) it runs read → parse through kg.pipeline and times link_document separately,
printing link time as a share of parse time: the acceptance bound is +20 % of `jxkg build`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.link import link_document  # noqa: E402
from kg.model import Document, Indicator, Line, Project, SourceText, Span, Target  # noqa: E402


def _rows(name: str) -> list[list[str]]:
    return [ln.split("\t") for ln in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def synthetic(n_docs: int, seed: int = 7, unique: float = 0.2) -> list[tuple[Document, SourceText]]:
    rnd = random.Random(seed)
    names = [r[0] for r in _rows("link_labels.tsv")]
    raws = [r[0] for r in _rows("value_labels.tsv")]
    issuers = ["香河县人力资源和社会保障局", "邯郸市人力资源和社会保障局", "乌海市人力资源和社会保障局",
               "秦皇岛市北戴河区人力资源和社会保障局", "保定白沟新城管理委员会组织人事局"]
    out = []
    for d in range(n_docs):
        lines, projects = [], []
        for p in range(10):
            start = len(lines) + 1
            lines.append(f"冀财社【2022】{100 + (d + p) % 80}号关于提前下达资金的通知")
            inds = []
            for _ in range(9):
                name = rnd.choice(names)
                if rnd.random() < unique:
                    name = name + rnd.choice("甲乙丙丁戊己庚辛") + str(rnd.randrange(1000))
                raw = rnd.choice(raws)
                lines.append(f"\t{name}\t{raw}")
                inds.append(Indicator("产出指标", "产出指标", "数量指标", "数量指标", name, name, Target(raw)))
            projects.append(Project(f"项目{p}", title=lines[start - 1], indicators=inds,
                                    span=Span(start, len(lines)), table_no=p + 1))
        doc = Document(f"{d}.txt", f"{d}.txt", "0", "utf-8", len(lines), issuer=issuers[d % len(issuers)],
                       projects=projects)
        src = SourceText(doc.file, doc.path, "utf-8", "0", [Line(i, s, s) for i, s in enumerate(lines, 1)])
        out.append((doc, src))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--unique", type=float, default=0.2, help="share of names made unique (default 0.2)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    from kg.link.linker import default_linker
    default_linker()  # label tables only: dictionary rules need no spaCy
    t_tables = time.perf_counter() - t0
    default_linker().nlp  # noqa: B018 - spaCy/jieba, loaded on the first name that needs it; timed apart
    t_load = time.perf_counter() - t0 - t_tables
    print(f"label tables {t_tables:.2f} s (what a build pays when no name needs spaCy), "
          f"spaCy/jieba pipeline {t_load:.2f} s")
    if args.corpus:
        from kg.pipeline import iter_input_files
        from kg.read import read_file  # type: ignore[attr-defined]
        from kg.parse import parse  # type: ignore[attr-defined]
        files = iter_input_files([args.corpus])[: args.docs]
        t_parse = t_link = 0.0
        for f in files:
            t = time.perf_counter()
            src = read_file(f)
            doc = parse(src)
            t_parse += time.perf_counter() - t
            t = time.perf_counter()
            link_document(doc, src)
            t_link += time.perf_counter() - t
        print(f"{len(files)} documents: read+parse {t_parse:.2f} s, link {t_link:.2f} s "
              f"(+{t_link / t_parse:.0%} of read+parse), spaCy/jieba load {t_load:.2f} s")
        return 0
    docs = synthetic(args.docs, unique=args.unique)
    rows = sum(len(p.indicators) for d, _ in docs for p in d.projects)
    t = time.perf_counter()
    for doc, src in docs:
        link_document(doc, src)
    dt = time.perf_counter() - t
    print(f"{len(docs)} synthetic documents, {rows} indicator rows: link {dt:.2f} s "
          f"= {len(docs) / dt:.0f} docs/s, {rows / dt:.0f} rows/s; spaCy/jieba load {t_load:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
