"""Shared fixtures.  Tests that need the seed corpus skip when ../shared/corpus is absent."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("JXKG_CORPUS", REPO.parent / "shared" / "corpus"))
EXAMPLES = REPO / "examples"


def _need_corpus() -> Path:
    if not (CORPUS / "gold.json").is_file():
        pytest.skip(f"seed corpus not found at {CORPUS} (set JXKG_CORPUS or put ../shared beside the repo)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return _need_corpus()


@pytest.fixture(scope="session")
def gold(corpus_dir: Path) -> dict:
    return json.loads((corpus_dir / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(corpus_dir.glob("*.txt"))


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES
