"""Benchmark `jxkg build` on synthetic corpora of growing size.

    python bench/bench_build.py --sizes 100,1000,10000 [--workdir DIR] [--seed S]

For each N it generates (or reuses) a corpus with bench/generate.py, builds it into a fresh pyoxigraph
store with ``jxkg build CORPUS --store STORE`` in a child process, and measures wall time, documents/s,
input MB/s and the child's peak resident memory.  Triples and the projects/indicators found come from
``jxkg stats --store STORE --json`` (or from pyoxigraph directly when that command is missing) and are
compared with the corpus manifest.  If ``jxkg build`` offers ``--no-link`` the build is repeated with it.

The result is printed as a Markdown table and written, with the machine description, to
``bench/out/build-<date>.md`` and ``.json``.  Targets: ≥ 50 documents/s, peak RSS < 1 GiB at N = 10,000,
and time per document that does not grow with N (linear total time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_DOCS_PER_S = 50.0
TARGET_RSS_BYTES = 1 << 30


def _load_generator():
    spec = importlib.util.spec_from_file_location("bench_generate", HERE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


def corpus_for(n: int, workdir: Path, seed: int) -> tuple[Path, dict]:
    """The corpus of *n* documents for *seed* under *workdir*, generated unless an up-to-date one exists."""
    folder = workdir / f"corpus-{n}-seed{seed}"
    manifest_path = folder / "manifest.json"
    generator_sha = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("count") == n and manifest.get("generator_sha256") == generator_sha:
            return folder, manifest
        shutil.rmtree(folder)
    print(f"generating {n} documents into {folder} …", file=sys.stderr, flush=True)
    return folder, _load_generator().generate(n, folder, seed=seed)


# --- memory of a process tree, sampled from /proc ---------------------------------------------------------

def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_rss(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss_bytes(p)
        todo += _children(p)
    return total


def run_measured(cmd: list[str], log: Path) -> dict:
    """Run *cmd*; return wall time, exit code, peak RSS of its largest process (wait4) and of its tree (sampled)."""
    peak_tree = 0
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not done.wait(0.05):
                peak_tree = max(peak_tree, _tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall_s": wall,
        "exit_code": proc.returncode,
        "peak_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports KiB
        "peak_tree_rss_bytes": max(peak_tree, usage.ru_maxrss * 1024),
        "cpu_s": usage.ru_utime + usage.ru_stime,
    }


def jxkg_cmd() -> list[str]:
    return [sys.executable, "-m", "kg.cli"]


def build_supports(option: str) -> bool:
    out = subprocess.run([*jxkg_cmd(), "build", "--help"], capture_output=True, text=True, cwd=REPO,
                         env={**os.environ, "COLUMNS": "200"})
    return option in out.stdout


def store_counts(store: Path) -> dict:
    """Counts from `jxkg stats --json`, or the quad count straight from pyoxigraph."""
    out = subprocess.run([*jxkg_cmd(), "stats", "--store", str(store), "--json"], capture_output=True, text=True,
                         cwd=REPO)
    if out.returncode == 0:
        try:
            return json.loads(out.stdout)
        except json.JSONDecodeError:
            pass
    import pyoxigraph

    return {"triples": len(pyoxigraph.Store(str(store)))}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal:")), 0)
    try:
        import pyoxigraph

        oxi = pyoxigraph.__version__
    except Exception:  # pragma: no cover - reported, not needed
        oxi = "?"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem / (1 << 30), 1),
        "os": platform.platform(), "python": platform.python_version(), "pyoxigraph": oxi,
        "commit": commit.stdout.strip() or "?",
    }


def bench_one(n: int, workdir: Path, seed: int, extra: list[str], label: str) -> dict:
    corpus, manifest = corpus_for(n, workdir, seed)
    store = workdir / f"store-{n}{label}"
    shutil.rmtree(store, ignore_errors=True)
    log = workdir / f"build-{n}{label}.log"
    print(f"building N={n}{' ' + label if label else ''} …", file=sys.stderr, flush=True)
    run = run_measured([*jxkg_cmd(), "build", str(corpus), "--store", str(store), *extra], log)
    counts = store_counts(store) if run["exit_code"] in (0, 1) else {}
    mb = manifest["bytes"] / 1e6
    return {
        "n": n, "variant": label or "default", "input_mb": mb, **run,
        "docs_per_s": n / run["wall_s"], "mb_per_s": mb / run["wall_s"],
        "triples": counts.get("triples"),
        "projects": counts.get("projects"), "projects_expected": manifest["project_count"],
        "indicators": counts.get("indicators"), "indicators_expected": manifest["indicator_rows_total"],
        "log": str(log),
    }


def markdown(results: list[dict], info: dict) -> str:
    def mib(b: int) -> str:
        return f"{b / (1 << 20):.0f}"

    lines = [
        f"`jxkg build` benchmark, {info['date']}: {info['cpu']} ({info['cores']} cores, {info['memory_gib']} GiB), "
        f"{info['os']}, Python {info['python']}, pyoxigraph {info['pyoxigraph']}, commit {info['commit']}.",
        "",
        "| N | variant | input MB | wall s | docs/s | MB/s | peak RSS MiB (largest process / tree) | triples "
        "| projects found/expected | indicators found/expected | exit |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['variant']} | {r['input_mb']:.1f} | {r['wall_s']:.1f} | {r['docs_per_s']:.0f} "
            f"| {r['mb_per_s']:.2f} | {mib(r['peak_rss_bytes'])} / {mib(r['peak_tree_rss_bytes'])} "
            f"| {r['triples'] if r['triples'] is not None else '?':,} "
            f"| {r['projects']}/{r['projects_expected']} | {r['indicators']}/{r['indicators_expected']} "
            f"| {r['exit_code']} |"
        )
    default = [r for r in results if r["variant"] == "default"]
    lines.append("")
    for r in default:
        verdict = "meets" if r["docs_per_s"] >= TARGET_DOCS_PER_S else "misses"
        lines.append(f"- N={r['n']:,}: {r['docs_per_s']:.0f} documents/s {verdict} the target of "
                     f"{TARGET_DOCS_PER_S:.0f}/s.")
    big = [r for r in default if r["n"] >= 10_000]
    for r in big:
        verdict = "under" if r["peak_tree_rss_bytes"] < TARGET_RSS_BYTES else "over"
        lines.append(f"- N={r['n']:,}: peak RSS {mib(r['peak_tree_rss_bytes'])} MiB is {verdict} the 1 GiB target.")
    if len(default) >= 2:
        small, large = default[0], default[-1]
        ratio = (large["wall_s"] / large["n"]) / (small["wall_s"] / small["n"])
        lines.append(f"- Time per document at N={large['n']:,} is {ratio:.2f}× that at N={small['n']:,} "
                     f"(1.0 = linear growth; the small run includes start-up time).")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/jxkg-bench"),
                        help="where corpora, stores and logs go (corpora are reused between runs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="folder for the Markdown/JSON report")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, got {args.sizes!r}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    no_link = build_supports("--no-link")
    results = []
    for n in sizes:
        results.append(bench_one(n, args.workdir, args.seed, [], ""))
        if no_link:
            results.append(bench_one(n, args.workdir, args.seed, ["--no-link"], "no-link"))
    info = {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), **machine()}
    report = markdown(results, info)
    if not no_link:
        report += "- `jxkg build` has no `--no-link` option, so no comparison without linking was run.\n"
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"build-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    stem.with_suffix(".md").write_text(report, encoding="utf-8")
    stem.with_suffix(".json").write_text(json.dumps({"machine": info, "results": results}, indent=1), encoding="utf-8")
    print(f"written to {stem}.md and .json", file=sys.stderr)
    failed = [r for r in results if r["exit_code"] not in (0, 1)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
