"""The link stage: normalise targets, find 文号 and regions, link indicator names to concepts.

Public entry: :func:`link_document` fills the normalised fields of a parsed
:class:`kg.model.Document` in place.
"""

from __future__ import annotations

from kg.model import Document, SourceText


def link_document(doc: Document, source: SourceText) -> None:
    """Fill targets, concepts, funding documents and region of *doc* in place.

    *source* is the decoded file the document was parsed from (for 文号 cited anywhere).
    """
