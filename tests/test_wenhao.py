"""文号 recognition and normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.link import wenhao


def _scan(path: Path) -> list:
    pairs = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        pairs.extend((n, r) for r in wenhao.find(line))
    return wenhao.merge(pairs)


def test_all_distinct_funding_documents_of_the_corpus(corpus_dir: Path, gold: dict) -> None:
    total = 0
    for d in gold["documents"]:
        want = set(d.get("funding_documents_distinct") or [])
        got = {r.number for r in _scan(corpus_dir / d["file"])}
        assert got == want, d["file"]
        total += len(want)
    assert total == 12


def test_every_raw_spelling_of_gold_is_recognised(gold: dict) -> None:
    for d in gold["documents"]:
        for raw in d.get("funding_documents") or []:
            found = wenhao.find(raw)
            assert len(found) == 1 and found[0].raw == raw, raw


@pytest.mark.parametrize(
    "text,number,level",
    [
        ("冀财社【2022]】150号", "冀财社〔2022〕150号", "省级"),
        ("冀财规[2018]21号", "冀财规〔2018〕21号", "省级"),
        ("冀价行费字【2000】第40号", "冀价行费字〔2000〕第40号", "省级"),
        ("保财社（2021）107号", "保财社〔2021〕107号", "市级"),
        ("财预〔2021〕101号", "财预〔2021〕101号", "中央"),
        ("宁财(社)发〔2020〕12号", "宁财(社)发〔2020〕12号", "省级"),
        ("根据冀财教［2019］145号文件", "冀财教〔2019〕145号", "省级"),
        ("同财农(农)指标〔2023〕2-1号", "同财农(农)指标〔2023〕2-1号", "市级"),
    ],
)
def test_variants(text: str, number: str, level: str) -> None:
    r = wenhao.find(text)[0]
    assert (r.number, r.level) == (number, level)


@pytest.mark.parametrize("text", ["2022年12月31日前", "项目编码13060522P00406910001M", "（2022）年度", "第3号文件"])
def test_no_false_positives(text: str) -> None:
    assert wenhao.find(text) == []
