"""Nothing is silently lost: every non-blank line is covered by a record or skipped with a reason."""

from __future__ import annotations

import pytest

from kg.parse import parse
from kg.read import read_file

pytestmark = pytest.mark.corpus


def _check(path):
    source = read_file(path)
    doc = parse(source)
    nonblank = {l.number for l in source.lines if l.raw.strip()}
    skipped = {s.line for s in doc.skipped}
    assert not (doc.covered_lines & skipped), "a line is both covered and skipped"
    assert nonblank == (doc.covered_lines | skipped) & nonblank, sorted(nonblank - doc.covered_lines - skipped)[:10]
    assert all(s.reason and s.reason != "unaccounted" for s in doc.skipped), [s for s in doc.skipped if s.reason == "unaccounted"][:5]
    return doc


def test_every_line_of_every_seed_file_is_accounted_for(corpus_files):
    assert corpus_files
    for f in corpus_files:
        _check(f)


def test_examples_are_accounted_for(examples_dir):
    files = sorted(examples_dir.glob("*.txt"))
    if not files:
        pytest.skip("no examples yet")
    for f in files:
        _check(f)
