"""The parse stage: decoded lines → a :class:`~kg.model.Document`.

Public entry: :func:`parse`.  Tables are recovered by anchoring on header
cells and category names (see :mod:`kg.parse.vocab`), with two mechanisms for
the two ways tables reach us as text: one cell per line
(:mod:`kg.parse.cells`, :mod:`kg.parse.tables`) and one row per line
(:mod:`kg.parse.rows`).  Document facts (issuer, year, stated totals, 机构设置)
come from :mod:`kg.parse.document`.  Every non-blank line ends up covered by a
record or in ``Document.skipped`` with a reason.
"""

from __future__ import annotations

from kg.model import Document, SourceText
from kg.parse.document import parse

__all__ = ["parse", "Document", "SourceText"]
