"""Check that a built graph only uses terms the ontology declares (used by tests; not on the build path).

>>> from kg.build import document_quads
>>> from kg.build.sample import sample_document
>>> undeclared_terms(document_quads(sample_document()))
set()
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import rdflib
from pyoxigraph import Quad
from rdflib import OWL, RDF, RDFS, URIRef

from kg.paths import ONTOLOGY_DIR

__all__ = ["declared_terms", "undeclared_terms"]

_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
_RDF_TYPE = str(RDF.type)


def declared_terms(ontology: str | Path = ONTOLOGY_DIR / "jxkg.ttl") -> set[str]:
    """IRIs the ontology declares as a class or a property."""
    g = rdflib.Graph().parse(str(ontology), format="turtle")
    return {str(s) for kind in _KINDS for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def undeclared_terms(quads: Iterable[Quad], ontology: str | Path = ONTOLOGY_DIR / "jxkg.ttl") -> set[str]:
    """Predicates and rdf:type objects of *quads* that *ontology* does not declare.

    rdf:type itself is built in; rdfs:label is declared by RDFS (OWL treats it
    as an annotation property), so both are exempt.
    """
    known = declared_terms(ontology) | {_RDF_TYPE, str(RDFS.label)}
    used: set[str] = set()
    for q in quads:
        used.add(q.predicate.value)
        if q.predicate.value == _RDF_TYPE:
            used.add(q.object.value)
    return used - known
