"""Commands of the link stage (registered by kg.cli): ``jxkg value`` and ``jxkg link``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kg import paths
from kg.model import to_jsonable

JX = "https://w3id.org/jxkg/ontology#"


def _value(
    text: str = typer.Argument(..., help="A target cell as written, e.g. ≥95百分比."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    direction: str = typer.Option(None, "--direction", help="指标方向 column (大于等于/等于/小于等于)."),
    unit: str = typer.Option(None, "--unit", help="计量单位 column."),
    nature: str = typer.Option(None, "--nature", help="指标性质 column (正向/反向/定性)."),
    level2: str = typer.Option(None, "--level2", help="二级指标 of the row (时效指标 makes 12月 a deadline)."),
    name: str = typer.Option(None, "--name", help="三级指标 of the row."),
) -> None:
    """Print the normalised form of one target value (指标值)."""
    from kg.link.values import normalise

    t = normalise(text, direction=direction, measure_unit=unit, nature=nature, level2=level2, name=name)
    data = to_jsonable(t)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        for k, v in data.items():
            typer.echo(f"{k:12} {v}")


def _link(
    text: str = typer.Argument(None, help="A 三级指标 name, e.g. 参保人员满意度."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    description: str = typer.Option(None, "--description", "-d", help="The row's 指标描述 (used when the name is ambiguous)."),
    target: str = typer.Option(None, "--target", "-t", help="The row's 指标值 as written (≥95%, 1次); its unit and dimension are context."),
    level2: str = typer.Option(None, "--level2", help="The row's 二级指标 (数量指标, 成本指标 …): context for reading --target and for rule \"context\"."),
    report: bool = typer.Option(False, "--report", help="List the most frequent unlinked names in a built store, each with the uncovered measure (jx:uncoveredLabel) that keeps it unlinked, if one does."),
    store: Path = typer.Option(paths.DEFAULT_STORE, "--store", help="Store directory for --report."),
    limit: int = typer.Option(30, "--limit", help="How many names --report lists."),
) -> None:
    """Link an indicator name to the concept scheme, or (--report) list unlinked names of a store."""
    if report:
        rows = unlinked_report(store, limit)
        why = {n: _uncovered(n) for n, _ in rows}
        if as_json:
            typer.echo(json.dumps([{"name": n, "count": c, "uncovered": why[n]} for n, c in rows],
                                  ensure_ascii=False))
        elif not rows:
            typer.echo("没有未链接的指标名称。")
        else:
            for n, c in rows:
                typer.echo(f"{c:6}  {n}" + (f"  (概念表不覆盖: {why[n]})" if why[n] else ""))
        return
    if not text:
        typer.echo("错误: 请给出指标名称 (或使用 --report)。", err=True)
        raise typer.Exit(2)
    from kg.link.linker import link
    from kg.link.values import normalise
    from kg.parse.vocab import level2_category

    t = normalise(target, level2=level2, name=text) if target else None
    c = link(text, description, t.unit if t else None, t.dimension if t else None, level2_category(level2))
    data = {"concept": c.concept, "label": c.label, "score": c.score, "rule": c.rule, "broader": c.broader,
            "uncovered": _uncovered(text)}
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        for k, v in data.items():
            if k != "uncovered" or v:
                typer.echo(f"{k:9} {v}")


def _uncovered(name: str) -> str | None:
    """The jx:uncoveredLabel that keeps *name* unlinked (a measure the scheme has no concept for), if any."""
    from kg.link.linker import clean, default_linker

    return default_linker().uncovered_measure(clean(name))


_REPORT = f"""
PREFIX jx: <{JX}>
SELECT ?name (COUNT(?i) AS ?n) WHERE {{
  {{ ?i jx:linkStatus "unlinked" ; jx:indicatorName ?name }}
  UNION
  {{ GRAPH ?g {{ ?i jx:linkStatus "unlinked" ; jx:indicatorName ?name }} }}
}} GROUP BY ?name ORDER BY DESC(?n) ?name LIMIT %d
"""


def unlinked_report(store: Path, limit: int = 30) -> list[tuple[str, int]]:
    """(name, count) of the most frequent unlinked indicator names in a pyoxigraph store."""
    import pyoxigraph as ox

    if not Path(store).is_dir():
        typer.echo(f"错误: 找不到图数据库目录 {store} (先运行 jxkg build)。", err=True)
        raise typer.Exit(1)
    try:
        st = ox.Store.read_only(str(store))
    except OSError as e:
        typer.echo(f"错误: 无法打开图数据库 {store}: {e}", err=True)
        raise typer.Exit(1) from e
    return [(sol["name"].value, int(sol["n"].value)) for sol in st.query(_REPORT % limit)]


def register(app: typer.Typer) -> None:
    """Add ``value`` and ``link`` to *app*."""
    app.command("value", help="Normalise a target value (指标值) and print its fields.")(_value)
    app.command("link", help="Link a 三级指标 name to the indicator concept scheme; --report lists unlinked names.")(_link)
