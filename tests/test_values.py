"""Target normaliser: labelled set, corpus cells, statuses."""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from kg.link.values import normalise

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import eval_link  # noqa: E402


@pytest.mark.parametrize("split", ["tune", "held"])
def test_labelled_targets(split: str) -> None:
    res = eval_link.eval_values(split)
    assert res["rows"] >= 40
    assert res["accuracy"] >= 0.95, res["errors"]


def test_labelled_set_size() -> None:
    rows = eval_link.read_tsv(eval_link.DATA / "value_labels.tsv")
    assert len(rows) >= 150


@pytest.mark.parametrize(
    "raw,status",
    [("≥**%", "placeholder"), ("目标内容1", "placeholder"), ("%", "placeholder"), ("人", "placeholder"),
     ("750000%", "implausible"), ("是/否", "qualitative"), ("有效保障", "qualitative"), ("≥95%", "ok")],
)
def test_statuses(raw: str, status: str) -> None:
    assert normalise(raw).status == status


def test_growth_rate_may_exceed_100() -> None:
    assert normalise("120%", name="参保人数增长率").status == "ok"
    assert normalise("120%", name="参保率").status == "implausible"


def test_money_in_yuan() -> None:
    assert normalise("≤1.2万元").value_yuan == Decimal("12000")
    assert normalise("240元/人/年").value_yuan == Decimal("240")
    assert normalise("≥95%").value_yuan is None


def test_columns_of_13_column_layout_win() -> None:
    t = normalise("46.1", direction="小于等于", measure_unit="万元", nature="反向")
    assert (t.comparator, t.value, t.unit, t.dimension) == ("≤", Decimal("46.1"), "万元", "money")
    q = normalise("有效保障", nature="定性")
    assert q.status == "qualitative"


def test_month_stays_ambiguous_without_context() -> None:
    assert normalise("≥12月").dimension == "date-or-duration"
    assert normalise("≥12月", level2="时效指标", name="完成时间").dimension == "date"
    assert normalise("12月", level2="可持续影响指标", name="系统使用年限").dimension == "duration"


def test_dates_written_with_dots_or_dashes() -> None:
    t = normalise("2022.6.30前")
    assert (t.comparator, t.dimension, t.qualitative, t.status) == ("≤", "date", "2022-06-30", "ok")
    t = normalise("2020.1.1-2020.12.31")
    assert (t.dimension, t.qualitative, t.note) == ("date", "2020-01-01", "-2020.12.31")
    # not a date: a decimal, or a month beyond 12
    assert (normalise("2020.1").value, normalise("2020.1").dimension) == (Decimal("2020.1"), None)
    assert normalise("2020.13.1").dimension is None


def test_forms_seen_in_other_units_tables() -> None:
    """Targets from other budget units' published tables (tests/data/link_labels_public.tsv)."""
    t = normalise("2021年底")
    assert (t.comparator, t.value, t.unit, t.dimension, t.note) == ("=", Decimal(2021), "年", "date", None)
    t = normalise("2023年年底前")
    assert (t.comparator, t.value, t.dimension, t.note) == ("≤", Decimal(2023), "date", None)
    assert normalise("3年").dimension == "duration"  # a year count is not a year
    t = normalise("11月底之前")
    assert (t.comparator, t.dimension, t.note) == ("≤", "date", None)
    t = normalise("±3%以内")
    assert (t.comparator, t.value, t.upper, t.unit, t.status) == ("range", Decimal(-3), Decimal(3), "%", "ok")
    t = normalise("提升10%")
    assert (t.comparator, t.value, t.unit, t.status) == ("≥", Decimal(10), "%", "ok")
    assert normalise("提高5个百分点").unit == "%"
    t = normalise("18—54周岁")
    assert (t.comparator, t.value, t.upper, t.unit, t.dimension) == ("range", Decimal(18), Decimal(54), "岁", "duration")
    t = normalise(">=530元/人*月")
    assert (t.status, t.value, t.unit, t.value_yuan) == ("ok", Decimal(530), "元/人/月", Decimal(530))
    assert normalise("≥*人").status == "placeholder"


def test_results_are_independent_objects() -> None:
    a, b = normalise("≥95%"), normalise("≥95%")
    a.note = "changed"
    assert b.note is None


_NUMBERISH = re.compile(r"^[≥≤<>＞＜=]?\s*\d")


def test_no_number_like_corpus_cell_is_unparsed(corpus_files: list[Path]) -> None:
    """Every cell of the corpus that starts like a number target must get a status other than unparsed."""
    seen = 0
    bad = []
    for f in corpus_files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            for cell in line.split("\t"):
                cell = re.sub(r"^\[bookmark: [^\]]*\]", "", cell).strip()
                if _NUMBERISH.match(cell) and len(cell) <= 40:
                    seen += 1
                    t = normalise(cell)
                    if t.status in ("unparsed", "unlinked"):
                        bad.append(f"{f.name}:{n}: {cell}")
    assert seen > 500
    assert not bad, bad[:20]
