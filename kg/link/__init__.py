"""The link stage: normalise targets, find 文号 and regions, link indicator names to concepts.

Public entry: :func:`link_document` fills the normalised fields of a parsed
:class:`kg.model.Document` in place.
"""

from __future__ import annotations

from kg.model import Document


def link_document(doc: Document) -> None:
    """Fill targets, concepts, funding documents and region of *doc* in place."""
