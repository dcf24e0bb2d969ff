"""ontology/jxkg.ttl: loads, is documented, and declares every term the build writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef

from kg.build import document_quads, iri
from kg.build.check import undeclared_terms
from kg.build.sample import sample_document
from kg.build.vocab import CATEGORY, CLASSES, EXTERNAL_PREDICATES, LEVEL2_CATEGORY, PROPERTIES

REPO = Path(__file__).resolve().parent.parent
ONTOLOGY = REPO / "ontology" / "jxkg.ttl"
JX = rdflib.Namespace(iri.JX)
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(ONTOLOGY, format="turtle")
    return g


def declared(g: rdflib.Graph) -> set[URIRef]:
    return {s for kind in KINDS for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def test_header(onto: rdflib.Graph) -> None:
    (o,) = list(onto.subjects(RDF.type, OWL.Ontology))
    assert str(o) == "https://w3id.org/jxkg/ontology"
    assert onto.value(o, OWL.versionInfo) is not None
    assert onto.value(o, OWL.versionIRI) is not None
    langs = {lit.language for lit in onto.objects(o, RDFS.label) if isinstance(lit, Literal)}
    assert {"zh", "en"} <= langs


def test_every_class_and_property_has_zh_and_en_labels_and_a_comment(onto: rdflib.Graph) -> None:
    missing = []
    for term in declared(onto):
        langs = {lit.language for lit in onto.objects(term, RDFS.label) if isinstance(lit, Literal)}
        if not {"zh", "en"} <= langs or onto.value(term, RDFS.comment) is None:
            missing.append(str(term))
    assert missing == []


def test_build_vocabulary_and_ontology_agree(onto: rdflib.Graph) -> None:
    jx_declared = {str(t)[len(iri.JX) :] for t in declared(onto) if str(t).startswith(iri.JX)}
    assert jx_declared == set(CLASSES) | set(PROPERTIES)
    for name in CLASSES:
        assert (JX[name], RDF.type, OWL.Class) in onto
    for p in EXTERNAL_PREDICATES:
        if p.value != str(RDFS.label):
            assert URIRef(p.value) in declared(onto), p.value


def test_every_jx_term_of_the_rdf_model_is_declared(onto: rdflib.Graph) -> None:
    text = (REPO / "docs" / "rdf-model.md").read_text(encoding="utf-8")
    terms = set(re.findall(r"\bjx:([A-Za-z][A-Za-z0-9]*)", text))
    assert terms, "rdf-model.md names jx: terms"
    missing = sorted(t for t in terms if JX[t] not in declared(onto))
    assert missing == []


def test_categories_form_a_two_level_skos_scheme(onto: rdflib.Graph) -> None:
    scheme = URIRef(iri.JXCAT + "scheme")
    for node in CATEGORY.values():
        c = URIRef(node.value)
        assert (c, SKOS.topConceptOf, scheme) in onto
        assert (c, RDF.type, JX.IndicatorCategory) in onto
    for node in LEVEL2_CATEGORY.values():
        c = URIRef(node.value)
        parent = onto.value(c, SKOS.broader)
        assert parent is not None and (parent, SKOS.topConceptOf, scheme) in onto
        assert {lit.language for lit in onto.objects(c, SKOS.prefLabel)} >= {"zh", "en"}
    # the category names the parse stage writes are the zh labels
    for name, node in CATEGORY.items():
        assert Literal(name, lang="zh") in set(onto.objects(URIRef(node.value), SKOS.prefLabel))


def test_every_term_in_a_built_graph_is_declared(onto: rdflib.Graph) -> None:
    quads = document_quads(sample_document())
    assert undeclared_terms(quads, ONTOLOGY) == set()
    # the sample uses every property of the build, so this covers them all
    used = {q.predicate.value for q in quads}
    scheme_only = {"expectedDimension", "typicalUnit", "typicalDimension", "uncoveredLabel"}  # in indicators.ttl, not per document
    assert {JX[p] for p in PROPERTIES if p not in scheme_only} <= {URIRef(u) for u in used}
