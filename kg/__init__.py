"""jixiao-kg (绩效知识图谱): budget-performance disclosures → RDF knowledge graph.

The package mirrors the pipeline, one sub-package per stage, plain dataclasses
(:mod:`kg.model`) between stages:

read → parse → link → build → validate → query → export
"""

__version__ = "0.1.0"
